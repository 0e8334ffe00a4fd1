import { mkdirSync, writeFileSync } from 'fs';
import * as path from 'path';
import type { K8sObject } from '../manifests';

/**
 * A container of a synthesized workload turned into a local command line: its generated `args`,
 * with only what cannot exist outside a cluster substituted, each substitution explicit:
 * - a volume's mountPath at the start of a flag value → a directory in the test's temp dir
 *   (ConfigMap volumes get the ConfigMap's files; hostPath volumes keep the host path; emptyDir and
 *   claims get an empty directory),
 * - the same mount paths inside the ConfigMap files (e.g. Prometheus' rule_files),
 * - `$(VAR)` → the value given in `env` (Kubernetes' dependent environment variables),
 * - `host:port` listen and target addresses → 127.0.0.1 and a port from `ports`.
 * Nothing else of the arguments or the configuration files is changed.
 */
export interface LocalRun {
  readonly args: string[];
  /** Files written for ConfigMap volumes, by `<mountPath>/<key>`. */
  readonly files: Map<string, string>;
}

export interface LocalRunOptions {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly container: string;
  /** The temp directory of the process. */
  readonly dir: string;
  /** Container port (as in the args) → the free local port to use instead. */
  readonly ports: ReadonlyMap<number, number>;
  /** Values of `$(VAR)` references the cluster would fill in (downward API). */
  readonly env?: Readonly<Record<string, string>>;
}

export function localRun(objects: readonly K8sObject[], o: LocalRunOptions): LocalRun {
  const workload = find(objects, o.kind, o.name, o.namespace);
  const spec = podSpecOf(workload);
  const container = [...(spec.initContainers ?? []), ...spec.containers].find((c: any) => c.name === o.container);
  if (!container) throw new Error(`${o.kind}/${o.name} has no container ${o.container}`);
  const mounts = new Map<string, string>();
  const files = new Map<string, string>();
  const configMounts: string[] = [];
  for (const m of container.volumeMounts ?? []) {
    const volume = (spec.volumes ?? []).find((v: any) => v.name === m.name);
    if (volume?.hostPath) {
      mounts.set(m.mountPath, volume.hostPath.path);
      continue;
    }
    const local = path.join(o.dir, 'mnt', m.name);
    mkdirSync(local, { recursive: true });
    mounts.set(m.mountPath, local);
    if (volume?.configMap) {
      configMounts.push(m.mountPath);
      const cm = find(objects, 'ConfigMap', volume.configMap.name, o.namespace);
      for (const [key, text] of Object.entries<string>(cm.data ?? {})) files.set(`${m.mountPath}/${key}`, text);
    }
  }
  const byLength = [...mounts.keys()].sort((a, b) => b.length - a.length);
  const localPath = (value: string): string => {
    const mount = byLength.find((p) => value === p || value.startsWith(`${p}/`));
    return mount ? mounts.get(mount)! + value.slice(mount.length) : value;
  };
  const localAddresses = (value: string): string =>
    value.replace(/(^|\/\/)(\$\([A-Z_]+\)|[0-9.]*|localhost):([0-9]+)/, (all, lead: string, _host: string, port: string) => {
      const local = o.ports.get(Number(port));
      return local === undefined ? all : `${lead}127.0.0.1:${local}`;
    });
  const expandEnv = (value: string): string =>
    value.replace(/\$\(([A-Z_][A-Z0-9_]*)\)/g, (all, name: string) => o.env?.[name] ?? all);

  // Files first: their mount paths inside other ConfigMap files (rule_files) point at the copies.
  const cmPaths = [...configMounts].sort((a, b) => b.length - a.length);
  for (const [file, text] of files) {
    let local = text;
    for (const p of cmPaths) local = local.split(`${p}/`).join(`${mounts.get(p)}/`);
    writeFileSync(localPath(file), local);
  }
  const args = (container.args ?? []).map((arg: string) => {
    const eq = arg.indexOf('=');
    if (!arg.startsWith('-') || eq < 0) return expandEnv(localPath(arg));
    const flag = arg.slice(0, eq);
    const value = localAddresses(arg.slice(eq + 1));
    return `${flag}=${expandEnv(localPath(value))}`;
  });
  return { args, files };
}

/** The single object of `kind` named `name` in `namespace`; fails loudly otherwise. */
export function find(objects: readonly K8sObject[], kind: string, name: string, namespace?: string): K8sObject {
  const hits = objects.filter((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));
  if (hits.length !== 1) throw new Error(`expected exactly one ${kind} ${namespace ? `${namespace}/` : ''}${name}, found ${hits.length}`);
  return hits[0];
}

/** Pod template spec of a workload (Deployment, StatefulSet, DaemonSet, Job), the jobTemplate's of a CronJob, or a Pod's spec. */
export function podSpecOf(o: K8sObject): any | undefined {
  if (o.kind === 'Pod') return o.spec;
  if (o.kind === 'CronJob') return o.spec?.jobTemplate?.spec?.template?.spec;
  return o.spec?.template?.spec;
}
