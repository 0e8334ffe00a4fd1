import * as fc from 'fast-check';
import { availableEnvironments } from '../config/load';
import type { Config } from '../config/schema';
import { loadConfig, parseConfig } from '../model/load';
import { ENDPOINT, serviceEndpoint } from '../model/network';
import { resolve } from '../model/resolve';
import { validConfig } from './support/config-arbitrary';
import { clone } from './support/k8s-fixtures';
import { find, K8sObject, synthObjects } from './support/manifests';
import { checkFlows } from './support/network-flows';

/*
 * The network flows between components are model data (model/network.ts); the charts render the
 * NetworkPolicies from it. Here the synthesized policies, read back from YAML, are compared with
 * the model's flows both ways: each flow passes the source's egress and the destination's ingress,
 * and each peer and port a policy allows is some flow's.
 */

const GENERATED = 4;
const cases: [string, Config][] = [
  ...availableEnvironments().map((env): [string, Config] => [env, loadConfig({ env }).config]),
  ...fc.sample(validConfig, { seed: 2026_12_07, numRuns: GENERATED }).map((input, i): [string, Config] => [`generated ${i}`, parseConfig(input, `(generated ${i})`)]),
];

describe.each(cases)('network flows of %s', (_name, config) => {
  const model = resolve(config);
  const objects = synthObjects(config);

  test('every model flow is allowed, every allowed peer and port is a model flow, every endpoint is a workload', () => {
    const result = checkFlows(objects, model.network);
    expect(result).toEqual({ blocked: [], unexplained: [], unknownEndpoints: [] });
    // The comparison covered something: all policies but the default-deny ones have rules.
    expect(model.network.flows.length).toBeGreaterThan(model.services.length);
  });

  test('each component with pods has exactly one policy of its own in the objects, named as in the model', () => {
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy' && Object.keys(o.spec.podSelector.matchLabels ?? {}).length > 0);
    expect(policies.map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual(model.network.policies.map((p) => `${p.namespace}/${p.name}`).sort());
    const denyAll = objects.filter((o) => o.kind === 'NetworkPolicy' && Object.keys(o.spec.podSelector.matchLabels ?? {}).length === 0);
    expect(denyAll.map((o) => o.metadata.namespace).sort()).toEqual(objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name).sort());
    expect(denyAll.every((o) => o.spec.ingress === undefined && o.spec.egress === undefined)).toBe(true);
  });

  test("a service's DATASTORE_URL names its datastore's Service and port, which admits only that service's pods", () => {
    for (const s of model.services) {
      const container = find(objects, 'Deployment', s.name, config.namespaces.apps).spec.template.spec.containers[0];
      const url = (container.env ?? []).find((e: any) => e.name === 'DATASTORE_URL')?.value;
      if (!s.config.datastore.enabled) {
        expect(url).toBeUndefined();
        continue;
      }
      expect(url).toBe(s.datastore.url);
      const m = /^tcp:\/\/([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.(.+):(\d+)$/.exec(url);
      expect(m).not.toBeNull();
      const [, name, namespace, domain, port] = m!;
      expect(domain).toBe(config.cluster.domain);
      const service = find(objects, 'Service', name, namespace);
      expect(service.spec.ports.map((p: any) => p.port)).toContain(Number(port));
      // The Service's pods are a StatefulSet's whose container listens there.
      const sets = objects.filter((o) => o.kind === 'StatefulSet' && o.metadata.namespace === namespace && Object.entries(service.spec.selector).every(([k, v]) => o.spec.template.metadata.labels[k] === v));
      expect(sets).toHaveLength(1);
      const podLabels = sets[0].spec.template.metadata.labels;
      expect(sets[0].spec.template.spec.containers.flatMap((c: any) => (c.ports ?? []).map((p: any) => p.containerPort))).toContain(Number(port));
      // Its policies admit, on that port, exactly the service's pods.
      const own = objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === namespace && Object.entries(o.spec.podSelector.matchLabels ?? {}).every(([k, v]) => podLabels[k] === v));
      const admitted = own.flatMap((o) => (o.spec.ingress ?? []).filter((r: any) => r.ports.some((p: any) => p.port === Number(port))).flatMap((r: any) => r.from ?? [{ anyone: true }]));
      const deployment = find(objects, 'Deployment', s.name, config.namespaces.apps).spec.template.metadata.labels;
      expect(admitted).toHaveLength(1);
      expect(admitted[0].namespaceSelector).toBeUndefined();
      expect(Object.entries(admitted[0].podSelector.matchLabels).every(([k, v]) => deployment[k] === v)).toBe(true);
    }
  });
});

describe('the flows name DNS, the API server and the components', () => {
  const model = resolve(loadConfig({ env: 'default' }).config);
  const config = model.config;
  const has = (from: string, to: string, protocol: string, port: number) =>
    model.network.flows.some((f) => f.from === from && f.to === to && f.protocol === protocol && f.port === port);

  test('flows read as the architecture describes them', () => {
    const news = config.services[0];
    expect(has(ENDPOINT.gateway, ENDPOINT.dns, 'UDP', 53)).toBe(true);
    expect(has(ENDPOINT.gateway, ENDPOINT.dns, 'TCP', 53)).toBe(true);
    expect(has(ENDPOINT.anyone, ENDPOINT.gateway, 'TCP', config.gateway.port)).toBe(true);
    expect(has(ENDPOINT.gateway, serviceEndpoint(news.name), 'TCP', news.port)).toBe(true);
    expect(has(ENDPOINT.kubeStateMetrics, ENDPOINT.apiServer, 'TCP', 443)).toBe(true);
    expect(has(ENDPOINT.prometheus, ENDPOINT.kubelet, 'TCP', 10250)).toBe(true);
    // Nobody but its owner reaches a datastore's Redis port.
    const toRedis = model.network.flows.filter((f) => f.to === `${serviceEndpoint(news.name)}.datastore` && f.port === news.datastore.port);
    expect(toRedis.map((f) => f.from)).toEqual([serviceEndpoint(news.name)]);
    // Each flow once.
    const keys = model.network.flows.map((f) => `${f.from} ${f.to} ${f.protocol} ${f.port}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('the comparison can fail', () => {
  const config = loadConfig({ env: 'default' }).config;
  const model = resolve(config);
  const objects = synthObjects(config);
  const news = config.services[0].name;
  const withPolicy = (name: string, change: (spec: any) => void): K8sObject[] =>
    objects.map((o) => {
      if (o.kind !== 'NetworkPolicy' || o.metadata.name !== name) return o;
      const copy = clone(o);
      change(copy.spec);
      return copy;
    });

  test('a rule removed from a policy blocks a model flow', () => {
    // The gateway's egress to news (after DNS).
    const result = checkFlows(withPolicy(config.gateway.name, (spec) => spec.egress.splice(1, 1)), model.network);
    expect(result.blocked).toEqual([expect.stringContaining(`${ENDPOINT.gateway} -> ${serviceEndpoint(news)} TCP/`)]);
  });

  test('an extra port on a rule is allowed but explained by no flow', () => {
    const result = checkFlows(withPolicy(news, (spec) => spec.ingress[0].ports.push({ protocol: 'TCP', port: 6379 })), model.network);
    expect(result.blocked).toEqual([]);
    expect(result.unexplained).toEqual([expect.stringMatching(/ingress\[0\] .* TCP\/6379$/)]);
  });

  test('a rule opened to any address is explained by no flow', () => {
    const result = checkFlows(withPolicy(news, (spec) => delete spec.ingress[0].from), model.network);
    expect(result.unexplained).toEqual([expect.stringMatching(/ingress\[0\] any address TCP\//)]);
  });

  test('a model flow no policy serves is blocked', () => {
    const network = { ...model.network, flows: [...model.network.flows, { from: serviceEndpoint(news), to: ENDPOINT.grafana, protocol: 'TCP' as const, port: config.monitoring.grafana.port }] };
    expect(checkFlows(objects, network).blocked).toEqual([expect.stringContaining(`${serviceEndpoint(news)} -> ${ENDPOINT.grafana}`)]);
  });

  test('an endpoint whose pods no workload has is reported', () => {
    const network = { ...model.network, endpoints: [...model.network.endpoints, { id: 'ghost', kind: 'pods' as const, namespace: config.namespaces.apps, pods: { 'app.kubernetes.io/name': 'ghost' }, hostNetwork: false }] };
    expect(checkFlows(objects, network).unknownEndpoints).toEqual([expect.stringContaining('ghost: 0 workloads')]);
  });
});
