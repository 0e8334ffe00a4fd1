import { z } from 'zod';
import { auth, knownScopes } from './auth';
import { dnsLabel, labelMap, WELL_FORMED } from './common';
import { checkConsistency } from './consistency';
import { events } from './events';
import { checkEvents } from './events-check';
import { gateway } from './gateway';
import { gitops } from './gitops';
import { checkGitOps } from './gitops-check';
import { jenkins } from './jenkins';
import { DEFAULT_SERVICES, microservices } from './microservices';
import { monitoring } from './monitoring';
import { repository } from './repository';

const namespaces = z
  .strictObject({
    /** The microservices, their datastores and the API gateway. Pod Security: restricted. */
    apps: dnsLabel.default('container-infra'),
    /** Jenkins and its agent pods. Pod Security: restricted. */
    ci: dnsLabel.default('ci'),
    /** Prometheus, Alertmanager, kube-state-metrics and Grafana. Pod Security: restricted. */
    monitoring: dnsLabel.default('monitoring'),
    /** node-exporter only: it needs the host's namespaces, which only "privileged" allows. */
    nodeMonitoring: dnsLabel.default('monitoring-node'),
  })
  .superRefine((ns, ctx) => {
    const seen = new Map<string, string>();
    for (const [key, value] of Object.entries(ns)) {
      const other = seen.get(value);
      if (other) {
        ctx.addIssue({ code: 'custom', path: [key], message: `"${value}" is already the ${other} namespace; each namespace has its own Pod Security level, so they must differ` });
      }
      seen.set(value, key);
    }
  });

const cluster = z.strictObject({
  /** The cluster DNS domain used in Service addresses (`<svc>.<ns>.svc.<domain>`). */
  domain: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, 'must be a DNS domain such as "cluster.local"')
    .default('cluster.local'),
  /** Where the cluster DNS pods run, so NetworkPolicies can allow DNS and nothing else. */
  dns: z
    .strictObject({
      namespace: dnsLabel.default('kube-system'),
      /** The cluster DNS Service (CoreDNS keeps the name kube-dns); the gateway's nginx resolver. */
      service: dnsLabel.default('kube-dns'),
      /** Labels of the cluster DNS pods (CoreDNS keeps `k8s-app: kube-dns`); keys and values follow Kubernetes' label rules. */
      podLabels: labelMap.default({ 'k8s-app': 'kube-dns' }),
    })
    .prefault({}),
});

const configObject = z.strictObject({
  /** Value of the `app.kubernetes.io/part-of` label on every object. */
  partOf: dnsLabel.default('container-infra'),
  namespaces: namespaces.prefault({}),
  cluster: cluster.prefault({}),
  /** The pull policy of every container. */
  imagePullPolicy: z.enum(['IfNotPresent', 'Always', 'Never']).default('IfNotPresent'),
  services: microservices.default(() => microservices.parse(DEFAULT_SERVICES)),
  gateway: gateway.prefault({}),
  monitoring: monitoring.prefault({}),
  jenkins: jenkins.prefault({}),
  events: events.prefault({}),
  auth: auth.prefault({}),
  /** Your copy of this repository: what the Jenkins job builds and Argo CD / Flux read. */
  repository: repository.prefault({}),
  /** Pull-based deployment with Argo CD or Flux instead of the Jenkins deploy (docs/gitops.md). */
  gitops: gitops.prefault({}),
});

/** The one typed configuration every chart reads (the refinements below do not change its shape). */
export type Config = z.infer<typeof configObject>;
export type ConfigInput = z.input<typeof configObject>;

export const configSchema = configObject
  .superRefine(checkEvents, WELL_FORMED)
  .superRefine((c, ctx) => checkConsistency(c, ctx), WELL_FORMED)
  .superRefine(checkGitOps, WELL_FORMED)
  .superRefine((c, ctx) => {
    // Route scopes must be ones a client can obtain: a typo would lock the route for everyone.
    const scopes = knownScopes(c.auth);
    c.services.forEach((s, i) => {
      if (s.auth.required && !c.auth.enabled) {
        ctx.addIssue({ code: 'custom', path: ['services', i, 'auth', 'required'], message: 'needs the auth service: set auth.enabled to true, or required to false' });
      }
      if (s.auth.scope !== undefined && !s.auth.required) {
        ctx.addIssue({ code: 'custom', path: ['services', i, 'auth', 'scope'], message: 'has no effect without required: true' });
      } else if (s.auth.scope !== undefined && c.auth.enabled && !scopes.has(s.auth.scope)) {
        ctx.addIssue({
          code: 'custom',
          path: ['services', i, 'auth', 'scope'],
          message: `unknown scope "${s.auth.scope}": no client in auth.clients may request it (known: ${[...scopes].sort().join(', ') || 'none'})`,
        });
      }
    });
  }, WELL_FORMED);

