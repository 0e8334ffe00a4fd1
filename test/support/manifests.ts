import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { parseConfig } from '../../model/load';
import type { Config, ConfigInput } from '../../config/schema';
import { buildApp } from '../../synth/build-app';

/** A Kubernetes object as synthesized (plain JSON). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  // labels and annotations typed as present: a test that reads a missing one fails anyway.
  metadata: { name: string; namespace?: string; labels: Record<string, string>; annotations: Record<string, string> };
  [key: string]: any;
}

export function configFrom(input: ConfigInput = {}): Config {
  return parseConfig(input, '(test)');
}

/** Synthesize a configuration in-process; returns file name → objects, in file order. */
export function synthFiles(config: Config = configFrom()): Map<string, K8sObject[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ci-synth-'));
  try {
    buildApp(config, dir).synth();
    return readManifestDir(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function synthObjects(config: Config = configFrom()): K8sObject[] {
  return [...synthFiles(config).values()].flat();
}

export function readManifestDir(dir: string): Map<string, K8sObject[]> {
  const out = new Map<string, K8sObject[]>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.k8s.yaml')).sort()) {
    out.set(f, parseYamlObjects(readFileSync(path.join(dir, f), 'utf8')));
  }
  return out;
}

export function parseYamlObjects(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as K8sObject)
    .filter((o) => o !== null);
}

/** The single object of `kind` named `name` (and in `namespace`, when given); fails loudly otherwise. */
export function find(objects: K8sObject[], kind: string, name: string, namespace?: string): K8sObject {
  const hits = objects.filter((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));
  if (hits.length !== 1) {
    throw new Error(`expected exactly one ${kind} ${namespace ? `${namespace}/` : ''}${name}, found ${hits.length}`);
  }
  return hits[0];
}

export function ofKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

/** Pod template spec of a workload (Deployment, StatefulSet, DaemonSet, Job) or the spec of a Pod. */
export function podSpecOf(o: K8sObject): any | undefined {
  if (o.kind === 'Pod') return o.spec;
  if (o.kind === 'CronJob') return o.spec?.jobTemplate?.spec?.template?.spec;
  return o.spec?.template?.spec;
}

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod'];

export function workloads(objects: K8sObject[]): K8sObject[] {
  return objects.filter((o) => WORKLOAD_KINDS.includes(o.kind));
}

export function allContainers(podSpec: any): any[] {
  return [...(podSpec?.initContainers ?? []), ...(podSpec?.containers ?? [])];
}
