import type { K8sObject, Manifest } from '../../validate/manifests';
import { asManifests } from '../../validate/manifests';

/**
 * Small hand-made objects for the validator's unit tests: each test starts from a valid, minimal
 * set and breaks exactly one thing.
 */
export const NS = 'apps';

export function namespace(name: string, level = 'restricted', version = 'v1.27'): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'pod-security.kubernetes.io/enforce': level, 'pod-security.kubernetes.io/enforce-version': version } },
  };
}

export function hardenedContainer(name = 'app', port = 8080, portName = 'http'): any {
  return {
    name,
    image: 'example/app:1.0.0',
    ports: [{ name: portName, containerPort: port, protocol: 'TCP' }],
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 10001,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
  };
}

export function podSpec(containers: any[] = [hardenedContainer()]): any {
  return { securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } }, containers };
}

export function selectorOf(app: string): Record<string, string> {
  return { 'app.kubernetes.io/name': app, 'app.kubernetes.io/instance': app };
}

export function deployment(app: string, opts: { ns?: string; spec?: any; replicas?: number | null; annotations?: Record<string, string> } = {}): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: app, namespace: opts.ns ?? NS },
    spec: {
      ...(opts.replicas === null ? {} : { replicas: opts.replicas ?? 1 }),
      selector: { matchLabels: selectorOf(app) },
      template: { metadata: { labels: selectorOf(app), ...(opts.annotations ? { annotations: opts.annotations } : {}) }, spec: opts.spec ?? podSpec() },
    },
  };
}

export function statefulSet(app: string, opts: { ns?: string; spec?: any; claims?: string[] } = {}): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: app, namespace: opts.ns ?? NS },
    spec: {
      serviceName: app,
      replicas: 1,
      selector: { matchLabels: selectorOf(app) },
      template: { metadata: { labels: selectorOf(app) }, spec: opts.spec ?? podSpec() },
      volumeClaimTemplates: (opts.claims ?? []).map((name) => ({ metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } })),
    },
  };
}

export function service(app: string, opts: { ns?: string; port?: number; targetPort?: number | string; selector?: Record<string, string>; headless?: boolean } = {}): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: app, namespace: opts.ns ?? NS },
    spec: {
      ...(opts.headless ? { clusterIP: 'None' } : {}),
      selector: opts.selector ?? selectorOf(app),
      ports: [{ name: 'http', port: opts.port ?? 80, targetPort: opts.targetPort ?? 'http', protocol: 'TCP' }],
    },
  };
}

export function configMap(name: string, data: Record<string, string>, ns = NS): K8sObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data };
}

export function networkPolicy(name: string, spec: any, ns = NS): K8sObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec };
}

export const defaultDeny = (ns = NS) => networkPolicy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, ns);

export const DNS_EGRESS = {
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
  ports: [
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 53 },
  ],
};

export function manifests(...objects: K8sObject[]): Manifest[] {
  return asManifests(objects, 'test.yaml');
}

/** Deep copy, so a test can break one field of a shared fixture. */
export function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}
