import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { EnvironmentModel } from '../model/environment';
import { checksum } from '../constructs/checksum';
import { gatewayNginxConfig, HEALTH_PATH, STATUS_PATH } from '../constructs/gateway-config';
import { appDeployment } from '../constructs/deployment';
import { recommendedLabels } from '../lib/labels';
import { NetworkPolicy } from '../constructs/network';
import { ENDPOINT, policyOf } from '../model/network';
import { NginxDirective, renderNginx } from '../constructs/nginx-config';
import { containerResources } from '../constructs/resources';
import { containerSecurityContext, podSecurityContext } from '../constructs/security';
import { disruptionBudget, httpProbe, ownServiceAccount, scrapeAnnotations, spreadOverNodes, surgeRollout } from '../constructs/workload';
import * as k8s from '../imports/k8s';

export const NGINX_CONFIG_DIR = '/etc/nginx/gateway';
export const NGINX_CONFIG_FILE = 'nginx.conf';
const WRITABLE_DIR = '/tmp';

/** nginx.conf of the gateway: routes, the auth check and the resolver come from the model. */
export function gatewayNginx(model: EnvironmentModel): NginxDirective[] {
  const config = model.config;
  return gatewayNginxConfig({
    routes: model.gateway.routes,
    listenPort: config.gateway.port,
    statusPort: config.gateway.statusPort,
    writableDir: WRITABLE_DIR,
    resolver: model.gateway.resolver,
    auth: model.gateway.auth,
    trustedProxies: config.gateway.trustedProxies,
  });
}

/**
 * The API gateway: the single entry point. nginx routes each `/<service>/` prefix to that
 * service through Kubernetes DNS; an exporter sidecar turns stub_status into Prometheus metrics.
 */
export class GatewayChart extends Chart {
  constructor(scope: Construct, id: string, props: { model: EnvironmentModel }) {
    const model = props.model;
    const config = model.config;
    const gw = config.gateway;
    super(scope, id, { namespace: config.namespaces.apps, disableResourceNameHashes: true });

    const labels = recommendedLabels(model.gateway.identity);
    const selector = model.gateway.pods;
    const nginxConf = renderNginx(gatewayNginx(model));

    const configMap = new k8s.KubeConfigMap(this, 'config', {
      metadata: { name: model.gateway.nginxConfig, labels },
      data: { [NGINX_CONFIG_FILE]: nginxConf },
    });
    const sa = ownServiceAccount(this, gw.name, labels);

    appDeployment(this, 'deployment', {
      name: gw.name,
      labels,
      selector,
      replicas: gw.replicas,
      strategy: surgeRollout(),
      podAnnotations: {
        ...scrapeAnnotations(gw.exporter.port, '/metrics'),
        // A new nginx.conf rolls the pods: nginx reads its configuration only at start.
        'container-infra/config-checksum': checksum(nginxConf),
      },
      serviceAccountName: sa.name,
      securityContext: podSecurityContext({ user: gw.runAsUser, group: gw.runAsGroup }),
      pod: {
        topologySpreadConstraints: spreadOverNodes(selector),
        containers: [
          {
            name: 'nginx',
            image: gw.image,
            imagePullPolicy: config.imagePullPolicy,
            command: ['nginx'],
            args: ['-c', `${NGINX_CONFIG_DIR}/${NGINX_CONFIG_FILE}`, '-g', 'daemon off;'],
            ports: [{ name: 'http', containerPort: gw.port, protocol: 'TCP' }],
            resources: containerResources(gw.resources),
            securityContext: containerSecurityContext({ user: gw.runAsUser, group: gw.runAsGroup }),
            livenessProbe: httpProbe(HEALTH_PATH, 'http'),
            readinessProbe: httpProbe(HEALTH_PATH, 'http', { periodSeconds: 5 }),
            // Let endpoints drop this pod before nginx stops accepting connections.
            lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
            volumeMounts: [
              { name: 'config', mountPath: NGINX_CONFIG_DIR, readOnly: true },
              { name: 'tmp', mountPath: WRITABLE_DIR },
            ],
          },
          {
            name: 'exporter',
            image: gw.exporter.image,
            imagePullPolicy: config.imagePullPolicy,
            args: [`--nginx.scrape-uri=http://127.0.0.1:${gw.statusPort}${STATUS_PATH}`, `--web.listen-address=:${gw.exporter.port}`],
            ports: [{ name: 'metrics', containerPort: gw.exporter.port, protocol: 'TCP' }],
            resources: containerResources(gw.exporter.resources),
            securityContext: containerSecurityContext({ user: gw.exporter.runAsUser, group: gw.exporter.runAsUser }),
            livenessProbe: httpProbe('/metrics', 'metrics', { periodSeconds: 15 }),
            readinessProbe: httpProbe('/metrics', 'metrics'),
          },
        ],
        volumes: [
          { name: 'config', configMap: { name: configMap.name } },
          { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
        ],
      },
    });

    const service = new k8s.KubeService(this, 'service', {
      metadata: { name: gw.name, labels },
      spec: {
        type: gw.service.type,
        // Only where traffic comes from outside the cluster (the API server refuses it on ClusterIP).
        ...(gw.service.type === 'ClusterIP' ? {} : { externalTrafficPolicy: gw.service.externalTrafficPolicy }),
        selector,
        ports: [
          {
            name: 'http',
            port: gw.service.port,
            targetPort: k8s.IntOrString.fromString('http'),
            protocol: 'TCP',
            ...(gw.service.nodePort !== undefined ? { nodePort: gw.service.nodePort } : {}),
          },
        ],
      },
    });

    disruptionBudget(this, gw.name, labels, selector);

    if (gw.ingress.enabled) {
      new k8s.KubeIngress(this, 'ingress', {
        metadata: { name: gw.name, labels },
        spec: {
          ...(gw.ingress.className ? { ingressClassName: gw.ingress.className } : {}),
          ...(gw.ingress.tlsSecretName && gw.ingress.host ? { tls: [{ hosts: [gw.ingress.host], secretName: gw.ingress.tlsSecretName }] } : {}),
          rules: [
            {
              ...(gw.ingress.host ? { host: gw.ingress.host } : {}),
              http: {
                paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: service.name, port: { name: 'http' } } } }],
              },
            },
          ],
        },
      });
    }

    new NetworkPolicy(this, 'network-policy', policyOf(model.network, ENDPOINT.gateway));
  }
}
