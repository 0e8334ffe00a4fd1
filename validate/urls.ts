import { API_SERVER_PORTS, DNS_PORT } from '../lib/cluster-ports';
import type { Finding } from './findings';
import { matchesMap } from './label-selector';
import type { Manifest } from './manifests';
import { refOf } from './manifests';
import { containersOf, podTemplates, PodTemplate } from './workloads';

/**
 * In-cluster addresses in generated configuration: `<svc>.<ns>.svc[.<domain>][:port]`, with or
 * without a scheme (`http://grafana.monitoring.svc.cluster.local:3000`, nginx's
 * `server news.container-infra.svc.cluster.local:9898`, `tcp://news-redis…:6379`). They are looked
 * for in ConfigMap data and in container command/args/env values, and each must name a Service and
 * port that exist. The pods that read them are the clients of the flows network-policy checks.
 */
export interface ServiceAddress {
  /** Where the address was found. */
  readonly manifest: Manifest;
  readonly path: string;
  readonly text: string;
  readonly scheme?: string;
  readonly service: string;
  readonly namespace: string;
  /** StatefulSet pod host name (`<pod>.<svc>.<ns>.svc`), when present. */
  readonly pod?: string;
  /** Explicit port, or the scheme's default (http 80, https 443). */
  readonly port?: number;
  /** Pods that read this configuration (mount the ConfigMap, or run the container). */
  readonly clients: PodTemplate[];
}

const LABEL = '[a-z0-9](?:[-a-z0-9]*[a-z0-9])?';
const ADDRESS = new RegExp(`(?:([a-z][a-z0-9+.-]*)://)?((?:${LABEL}\\.)+svc(?:\\.${LABEL})*)(?::([0-9]{1,5}))?`, 'g');
const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443, ws: 80, wss: 443 };

/** A Service the cluster has although no manifest creates it. */
export interface BuiltinService {
  readonly namespace: string;
  readonly name: string;
  readonly ports: readonly number[];
}

/** The API server's Service, the same in every cluster. */
const KUBERNETES_SERVICE: BuiltinService = { namespace: 'default', name: 'kubernetes', ports: [API_SERVER_PORTS[0]] };

/** The cluster's own Services configuration may name: the API server and the cluster DNS Service (the gateway's nginx resolver). */
export function builtinServices(dns: { readonly namespace: string; readonly service: string }): BuiltinService[] {
  return [KUBERNETES_SERVICE, { namespace: dns.namespace, name: dns.service, ports: [DNS_PORT] }];
}

/** Without an environment: the DNS Service by its usual name (CoreDNS keeps the kube-dns name). */
export const BUILTIN_SERVICES: readonly BuiltinService[] = builtinServices({ namespace: 'kube-system', service: 'kube-dns' });

export function findAddresses(text: string): Array<Omit<ServiceAddress, 'manifest' | 'path' | 'clients'>> {
  const out: Array<Omit<ServiceAddress, 'manifest' | 'path' | 'clients'>> = [];
  for (const m of text.matchAll(ADDRESS)) {
    const labels = m[2].split('.');
    const i = labels.indexOf('svc');
    if (i < 2) continue;
    const scheme = m[1];
    const port = m[3] !== undefined ? Number(m[3]) : scheme ? DEFAULT_PORTS[scheme] : undefined;
    out.push({ text: m[0], scheme, service: labels[i - 2], namespace: labels[i - 1], pod: i >= 3 ? labels[i - 3] : undefined, port });
  }
  return out;
}

/**
 * Every ConfigMap's readers, from one pass over the pods (a lookup per ConfigMap instead of a scan
 * of every pod each time). Same answer as consumersOfConfigMap, in pod order.
 */
export function configMapReaders(pods: readonly PodTemplate[]): (ns: string, name: string) => PodTemplate[] {
  const readers = new Map<string, PodTemplate[]>();
  for (const p of pods) {
    const names = new Set<string>();
    for (const v of (p.spec.volumes ?? []) as any[]) {
      if (v.configMap?.name !== undefined) names.add(v.configMap.name);
      for (const s of (v.projected?.sources ?? []) as any[]) if (s.configMap?.name !== undefined) names.add(s.configMap.name);
    }
    for (const { container } of containersOf(p)) {
      for (const e of (container.envFrom ?? []) as any[]) if (e.configMapRef?.name !== undefined) names.add(e.configMapRef.name);
      for (const e of (container.env ?? []) as any[]) if (e.valueFrom?.configMapKeyRef?.name !== undefined) names.add(e.valueFrom.configMapKeyRef.name);
    }
    for (const name of names) {
      const key = `${p.namespace}\u0000${name}`;
      readers.set(key, [...(readers.get(key) ?? []), p]);
    }
  }
  return (ns, name) => readers.get(`${ns}\u0000${name}`) ?? [];
}

/** The pods that read ConfigMap `ns/name` (volume, projected volume, envFrom or env). */
export function consumersOfConfigMap(pods: PodTemplate[], ns: string, name: string): PodTemplate[] {
  return configMapReaders(pods)(ns, name);
}

export function serviceAddresses(manifests: readonly Manifest[]): ServiceAddress[] {
  const pods = podTemplates(manifests);
  const readersOf = configMapReaders(pods);
  const out: ServiceAddress[] = [];
  for (const m of manifests.filter((x) => x.object.kind === 'ConfigMap')) {
    const clients = readersOf(m.object.metadata.namespace ?? 'default', m.object.metadata.name);
    for (const [key, value] of Object.entries((m.object.data ?? {}) as Record<string, string>)) {
      for (const a of findAddresses(String(value))) out.push({ ...a, manifest: m, path: `data["${key}"]`, clients });
    }
  }
  for (const pod of pods) {
    for (const c of containersOf(pod)) {
      const texts: Array<[string, string]> = [
        ...((c.container.command ?? []) as string[]).map((t, i): [string, string] => [`${c.path}.command[${i}]`, t]),
        ...((c.container.args ?? []) as string[]).map((t, i): [string, string] => [`${c.path}.args[${i}]`, t]),
        ...((c.container.env ?? []) as any[]).filter((e) => typeof e.value === 'string').map((e, i): [string, string] => [`${c.path}.env[${i}].value`, e.value]),
      ];
      for (const [path, text] of texts) for (const a of findAddresses(String(text))) out.push({ ...a, manifest: pod.manifest, path, clients: [pod] });
    }
  }
  return out;
}

/** Services by `namespace/name`; the first one wins, as a scan would find it (duplicates are a finding of their own). */
export function servicesByName(manifests: readonly Manifest[]): Map<string, Manifest> {
  const services = new Map<string, Manifest>();
  for (const m of manifests) {
    const key = `${m.object.metadata.namespace ?? 'default'}/${m.object.metadata.name}`;
    if (m.object.kind === 'Service' && !services.has(key)) services.set(key, m);
  }
  return services;
}

export function checkUrls(manifests: readonly Manifest[], builtins: readonly BuiltinService[] = BUILTIN_SERVICES): Finding[] {
  const services = servicesByName(manifests);
  const pods = podTemplates(manifests);
  const out: Finding[] = [];
  for (const a of serviceAddresses(manifests)) {
    const f = (message: string, fix: string): Finding => ({ check: 'urls', file: a.manifest.file, object: refOf(a.manifest.object), path: a.path, message, fix });
    const builtin = builtins.find((b) => b.namespace === a.namespace && b.name === a.service);
    if (builtin) {
      if (a.port !== undefined && !builtin.ports.includes(a.port)) out.push(f(`"${a.text}": Service ${a.namespace}/${a.service} listens on ${builtin.ports.join(', ')}, not ${a.port}`, `use port ${builtin.ports[0]}`));
      continue;
    }
    const svc = services.get(`${a.namespace}/${a.service}`);
    if (!svc) {
      out.push(f(`"${a.text}" names Service ${a.namespace}/${a.service}, which is not in the manifests: the name will not resolve`, 'derive the address from the Service it targets (model/resolve.ts gives every component host), or generate that Service'));
      continue;
    }
    const ports = ((svc.object.spec?.ports ?? []) as any[]).map((p) => p.port as number);
    if (a.port !== undefined && !ports.includes(a.port)) {
      out.push(f(`"${a.text}": Service ${a.namespace}/${a.service} has no port ${a.port} (its ports: ${ports.join(', ') || 'none'})`, 'use the Service port from the configuration schema, not a literal'));
    }
    if (a.pod !== undefined) {
      // `<pod>.<svc>.<ns>.svc` resolves only through a headless Service governing a StatefulSet with that pod.
      const sts = pods.find((p) => p.workload.kind === 'StatefulSet' && p.namespace === a.namespace && p.workload.spec?.serviceName === a.service && a.pod!.startsWith(`${p.workload.metadata.name}-`));
      const selects = sts && svc.object.spec?.selector && matchesMap(svc.object.spec.selector, sts.labels);
      if (!sts || !selects || svc.object.spec?.clusterIP !== 'None') {
        out.push(f(`"${a.text}" names pod ${a.pod} of Service ${a.namespace}/${a.service}, which needs a headless Service governing a StatefulSet with that pod`, 'address the Service instead, or make it the StatefulSet\'s headless serviceName'));
      }
    }
  }
  return out;
}
