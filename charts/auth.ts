import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { Config } from '../config/schema';
import type { EnvironmentModel } from '../model/environment';
import { checksum } from '../constructs/checksum';
import { appDeployment } from '../constructs/deployment';
import { recommendedLabels } from '../lib/labels';
import { NetworkPolicy } from '../constructs/network';
import { ENDPOINT, policyOf } from '../model/network';
import { containerResources } from '../constructs/resources';
import { containerSecurityContext, podSecurityContext } from '../constructs/security';
import { disruptionBudget, httpProbe, ownServiceAccount, scrapeAnnotations, singlePortService, spreadOverNodes, surgeRollout } from '../constructs/workload';
import { secretEnv } from '../constructs/env';
import * as k8s from '../imports/k8s';
import { AUTH_BUNDLE } from '../services/auth/generated/auth-bundle';
import type { AuthSettings } from '../services/auth/src/config';

export const AUTH_BUNDLE_DIR = '/app';
export const AUTH_BUNDLE_FILE = 'auth.js';
/**
 * V8 heap caps, well below the container's memory limit so V8 collects before the kernel kills:
 * without them Node 24 grew to about 140 MiB resident under concurrent load, with them about 85.
 */
const NODE_HEAP_FLAGS = ['--max-old-space-size=32', '--max-semi-space-size=2'];
/** How long the pod answers while unready after SIGTERM, so endpoints drop it first. */
const SHUTDOWN_DELAY_MS = 5000;

/** The service's non-secret settings, as the bundle reads them from AUTH_CONFIG. */
export function authSettings(config: Config): AuthSettings {
  const a = config.auth;
  return {
    port: a.port,
    algorithm: a.signingAlgorithm,
    issuer: a.issuer,
    audience: a.audience,
    tokenLifetimeSeconds: a.tokenLifetimeSeconds,
    clients: a.clients.map((c, i) => ({ id: c.id, scopes: c.scopes, secretEnv: `AUTH_CLIENT_SECRET_${i}` })),
    keys: a.signingKeyIds.map((kid, i) => ({ kid, env: `AUTH_SIGNING_KEY_${i}` })),
  };
}

/**
 * The auth service: issues client-credentials tokens and answers the gateway's auth_request
 * checks. Our own TypeScript (services/auth), bundled into one file shipped in a ConfigMap and run
 * on the official Node image: no image to build. Its credentials come from user-created Secrets.
 */
export class AuthChart extends Chart {
  constructor(scope: Construct, id: string, props: { model: EnvironmentModel }) {
    const model = props.model;
    const config = model.config;
    const a = config.auth;
    super(scope, id, { namespace: config.namespaces.apps, disableResourceNameHashes: true });

    const labels = recommendedLabels(model.auth.identity);
    const selector = model.auth.pods;
    const settings = authSettings(config);
    const settingsJson = JSON.stringify(settings);

    const configMap = new k8s.KubeConfigMap(this, 'bundle', {
      metadata: { name: model.auth.bundle, labels },
      data: { [AUTH_BUNDLE_FILE]: AUTH_BUNDLE },
    });
    const sa = ownServiceAccount(this, a.name, labels);

    appDeployment(this, 'deployment', {
      name: a.name,
      labels,
      selector,
      replicas: a.replicas,
      strategy: surgeRollout(),
      podAnnotations: {
        ...scrapeAnnotations(a.port, '/metrics'),
        // New code or settings roll the pods (Secrets are read at start too: see the README on rotation).
        'container-infra/config-checksum': checksum(AUTH_BUNDLE, settingsJson),
      },
      serviceAccountName: sa.name,
      securityContext: podSecurityContext({ user: a.runAsUser, group: a.runAsGroup }),
      terminationGracePeriodSeconds: 15,
      pod: {
        topologySpreadConstraints: spreadOverNodes(selector),
        containers: [
          {
            name: 'auth',
            image: a.image,
            imagePullPolicy: config.imagePullPolicy,
            command: ['node'],
            args: [...NODE_HEAP_FLAGS, `${AUTH_BUNDLE_DIR}/${AUTH_BUNDLE_FILE}`],
            env: [
              { name: 'AUTH_CONFIG', value: settingsJson },
              { name: 'AUTH_SHUTDOWN_DELAY_MS', value: String(SHUTDOWN_DELAY_MS) },
              { name: 'NODE_ENV', value: 'production' },
              // Not optional: the pod waits (CreateContainerConfigError) until the user creates the Secrets.
              ...settings.clients.map((c) => secretEnv(c.secretEnv, { name: a.clientsSecret, key: c.id, optional: false })),
              ...settings.keys.map((k) => secretEnv(k.env, { name: a.signingKeysSecret, key: k.kid, optional: false })),
            ],
            ports: [{ name: 'http', containerPort: a.port, protocol: 'TCP' }],
            resources: containerResources(a.resources),
            securityContext: containerSecurityContext({ user: a.runAsUser, group: a.runAsGroup }),
            livenessProbe: httpProbe('/healthz', 'http'),
            readinessProbe: httpProbe('/readyz', 'http', { periodSeconds: 5 }),
            volumeMounts: [{ name: 'bundle', mountPath: AUTH_BUNDLE_DIR, readOnly: true }],
          },
        ],
        volumes: [{ name: 'bundle', configMap: { name: configMap.name } }],
      },
    });

    singlePortService(this, 'service', { name: a.name, labels, selector, portName: 'http', port: a.port });
    disruptionBudget(this, a.name, labels, selector);

    // The gateway, the services that fetch the public keys (JWKS) themselves, and Prometheus.
    new NetworkPolicy(this, 'network-policy', policyOf(model.network, ENDPOINT.auth));
  }
}
