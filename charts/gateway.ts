import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { Config } from '../config/schema';
import { AUTH_TOKEN_PATH } from '../config/schema/auth';
import { checksum } from '../constructs/checksum';
import { GatewayAuth, gatewayNginxConfig, GatewayRoute, HEALTH_PATH, STATUS_PATH } from '../constructs/gateway-config';
import { appDeployment } from '../constructs/deployment';
import { recommendedLabels } from '../constructs/labels';
import { AllowPolicy, dnsEgress, namespacedPodPeer, podPeer, tcp } from '../constructs/network';
import { NginxDirective, renderNginx } from '../constructs/nginx-config';
import { containerResources } from '../constructs/resources';
import { containerSecurityContext, podSecurityContext } from '../constructs/security';
import { disruptionBudget, httpProbe, ownServiceAccount, scrapeAnnotations, spreadOverNodes, surgeRollout } from '../constructs/workload';
import * as k8s from '../imports/k8s';
import { authPods, gatewayIdentity, gatewayPods, microservicePods, prometheusScraper, serviceHost } from './selectors';

export const NGINX_CONFIG_DIR = '/etc/nginx/gateway';
export const NGINX_CONFIG_FILE = 'nginx.conf';
const WRITABLE_DIR = '/tmp';

/** Routes from the service list: `/<service>/…` → `<service>.<namespace>.svc.<domain>:<port>`. */
export function gatewayRoutes(config: Config): GatewayRoute[] {
  return config.services.map((s) => ({
    prefix: s.name,
    host: serviceHost(config, s.name, config.namespaces.apps),
    port: s.port,
    ...(s.auth.required ? { auth: s.auth.scope !== undefined ? { scope: s.auth.scope } : {} } : {}),
    ...(s.auth.forwardAuthorization ? { forwardAuthorization: true } : {}),
  }));
}

/** The auth service as the gateway's nginx sees it, or nothing when it is disabled. */
export function gatewayAuth(config: Config): GatewayAuth | undefined {
  if (!config.auth.enabled) return undefined;
  return {
    host: serviceHost(config, config.auth.name, config.namespaces.apps),
    port: config.auth.port,
    tokenPath: AUTH_TOKEN_PATH,
    tokenRatePerSecond: config.gateway.tokenRateLimit.perSecond,
    tokenBurst: config.gateway.tokenRateLimit.burst,
  };
}

/**
 * The DNS server nginx asks at request time. The cluster DNS Service by name by default: its IP
 * differs between clusters (10.96.0.10 on kubeadm and kind, 10.43.0.10 on k3s, …), while the
 * name is the same; nginx resolves it once at start through the pod's resolv.conf.
 */
export function gatewayResolver(config: Config): string {
  return config.gateway.resolver ?? serviceHost(config, config.cluster.dns.service, config.cluster.dns.namespace);
}

export function gatewayNginx(config: Config): NginxDirective[] {
  return gatewayNginxConfig({
    routes: gatewayRoutes(config),
    listenPort: config.gateway.port,
    statusPort: config.gateway.statusPort,
    writableDir: WRITABLE_DIR,
    resolver: gatewayResolver(config),
    auth: gatewayAuth(config),
    trustedProxies: config.gateway.trustedProxies,
  });
}

/**
 * The API gateway: the single entry point. nginx routes each `/<service>/` prefix to that
 * service through Kubernetes DNS; an exporter sidecar turns stub_status into Prometheus metrics.
 */
export class GatewayChart extends Chart {
  constructor(scope: Construct, id: string, props: { config: Config }) {
    const config = props.config;
    const gw = config.gateway;
    super(scope, id, { namespace: config.namespaces.apps, disableResourceNameHashes: true });

    const labels = recommendedLabels(gatewayIdentity(config));
    const selector = gatewayPods(config);
    const nginxConf = renderNginx(gatewayNginx(config));

    const configMap = new k8s.KubeConfigMap(this, 'config', {
      metadata: { name: `${gw.name}-nginx`, labels },
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

    const scraper = prometheusScraper(config);
    new AllowPolicy(this, 'network-policy', {
      name: gw.name,
      labels,
      podSelector: selector,
      ingress: [
        // The entry point: clients reach it from anywhere (Service, NodePort, Ingress controller).
        { ports: [tcp(gw.port)] },
        ...(scraper ? [{ from: [namespacedPodPeer(scraper.namespace, scraper.labels)], ports: [tcp(gw.exporter.port)] }] : []),
      ],
      egress: [
        dnsEgress(config.cluster.dns),
        ...config.services.map((s) => ({ to: [podPeer(microservicePods(s))], ports: [tcp(s.port)] })),
        ...(config.auth.enabled ? [{ to: [podPeer(authPods(config))], ports: [tcp(config.auth.port)] }] : []),
      ],
    });
  }
}
