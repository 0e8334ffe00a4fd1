import type { JenkinsConfig } from '../config/schema/jenkins';
import * as k8s from '../imports/k8s';
import { Labels } from './labels';
import { containerResources } from './resources';
import { containerSecurityContext } from './security';

/** Where the kubernetes plugin mounts the workspace in every container of an agent pod. */
export const AGENT_WORKDIR = '/home/jenkins/agent';
/** Container names the Jenkinsfile refers to (`container('node') { … }`). */
export const AGENT_CONTAINERS = { inbound: 'jnlp', node: 'node', kubectl: 'kubectl' } as const;
/** Where Kubernetes clients look for the in-cluster token, CA and namespace. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface AgentPodOptions {
  readonly agent: JenkinsConfig['agent'];
  readonly imagePullPolicy: string;
  readonly labels: Labels;
  /**
   * The deploy identity; its token is mounted into the kubectl container only. Unset (a GitOps tool
   * deploys): no kubectl container, no token, the namespace's default ServiceAccount without one.
   */
  readonly serviceAccountName?: string;
  /** Lifetime of the projected token: a build never needs it longer. */
  readonly tokenExpirationSeconds?: number;
}

/**
 * The agent pod template, as the kubernetes plugin receives it (the `yaml` of the pod template).
 * It passes Pod Security "restricted": numeric non-root user, no privilege escalation, every
 * capability dropped, RuntimeDefault seccomp, read-only root filesystems with an emptyDir for /tmp.
 *
 * The pod runs as the deploy identity, but the API token is NOT automounted: a projected volume puts
 * it into the kubectl container alone, so `npm ci`/`npm test` (third-party code from the registry)
 * run in containers that hold no credentials.
 */
export function agentPod(o: AgentPodOptions): k8s.PodTemplateSpec {
  const a = o.agent;
  const runAs = { user: a.runAsUser, group: a.runAsGroup };
  // HOME and caches in /tmp: the root filesystems are read-only.
  const homeEnv: k8s.EnvVar[] = [{ name: 'HOME', value: '/tmp' }];
  const tmpMount: k8s.VolumeMount = { name: 'tmp', mountPath: '/tmp' };
  const container = (name: string, c: JenkinsConfig['agent']['node'], extra: Partial<k8s.Container>): k8s.Container => ({
    name,
    image: c.image,
    imagePullPolicy: o.imagePullPolicy,
    resources: containerResources(c.resources),
    securityContext: containerSecurityContext(runAs),
    ...extra,
    env: [...homeEnv, ...(extra.env ?? [])],
    volumeMounts: [tmpMount, ...(extra.volumeMounts ?? [])],
  });
  // Tool containers idle until a `container('…') { sh … }` step execs into them. A number, not
  // `infinity`: busybox sleep (alpine/kubectl) and coreutils sleep (node) both accept it.
  const idle = { command: ['sleep'], args: ['2147483647'] };
  const deploys = o.serviceAccountName !== undefined;

  return {
    metadata: { labels: o.labels },
    spec: {
      serviceAccountName: o.serviceAccountName,
      automountServiceAccountToken: false,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: a.runAsUser,
        runAsGroup: a.runAsGroup,
        fsGroup: a.runAsGroup,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      restartPolicy: 'Never',
      enableServiceLinks: false,
      containers: [
        container(AGENT_CONTAINERS.inbound, a.inbound, {}),
        container(AGENT_CONTAINERS.node, a.node, {
          ...idle,
          env: [{ name: 'npm_config_cache', value: '/tmp/npm-cache' }, { name: 'NPM_CONFIG_UPDATE_NOTIFIER', value: 'false' }],
        }),
        ...(deploys
          ? [
              container(AGENT_CONTAINERS.kubectl, a.kubectl, {
                ...idle,
                volumeMounts: [{ name: 'deploy-token', mountPath: SERVICE_ACCOUNT_DIR, readOnly: true }],
              }),
            ]
          : []),
      ],
      volumes: [
        { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } },
        ...(deploys
          ? [
              {
                // What the kubelet would automount, but for one container only.
                name: 'deploy-token',
                projected: {
                  defaultMode: 0o440,
                  sources: [
                    { serviceAccountToken: { path: 'token', expirationSeconds: o.tokenExpirationSeconds ?? 3600 } },
                    { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
                    { downwardApi: { items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
                  ],
                },
              },
            ]
          : []),
      ],
    },
  };
}

/** The agent pod as the plain manifest the kubernetes plugin parses (API field names, no classes). */
export function agentPodManifest(o: AgentPodOptions): Record<string, unknown> {
  const template = JSON.parse(JSON.stringify(k8s.toJson_PodTemplateSpec(agentPod(o)))) as Record<string, unknown>;
  return { apiVersion: 'v1', kind: 'Pod', ...template };
}
