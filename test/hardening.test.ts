import { loadConfig } from '../model/load';
import { allContainers, K8sObject, podSpecOf, synthObjects, workloads } from './support/manifests';

// Every workload of every chart, in the default and the prod environment.
const environments: Array<[string, K8sObject[]]> = [
  ['default', synthObjects(loadConfig().config)],
  ['prod', synthObjects(loadConfig({ env: 'prod' }).config)],
];

describe.each(environments)('secure defaults in the %s environment', (_env, objects) => {
  const cases = workloads(objects).flatMap((w) =>
    allContainers(podSpecOf(w)).map((c) => [`${w.kind} ${w.metadata.namespace}/${w.metadata.name} container ${c.name}`, w, c] as const),
  );

  test('there are workloads to check', () => {
    expect(cases.length).toBeGreaterThan(5);
  });

  test.each(cases)('%s', (_name, workload, c) => {
    const pod = podSpecOf(workload);
    const sc = c.securityContext ?? {};
    const podSc = pod.securityContext ?? {};
    // Numeric non-root user.
    const uid = sc.runAsUser ?? podSc.runAsUser;
    expect(typeof uid).toBe('number');
    expect(uid).toBeGreaterThan(0);
    expect(sc.runAsNonRoot ?? podSc.runAsNonRoot).toBe(true);
    expect(sc.allowPrivilegeEscalation).toBe(false);
    expect(sc.privileged ?? false).toBe(false);
    expect(sc.readOnlyRootFilesystem).toBe(true);
    expect(sc.capabilities?.drop).toEqual(['ALL']);
    expect(sc.capabilities?.add ?? []).toEqual([]);
    expect((sc.seccompProfile ?? podSc.seccompProfile)?.type).toBe('RuntimeDefault');
    // Requests and a memory limit.
    expect(c.resources?.requests?.cpu).toBeDefined();
    expect(c.resources?.requests?.memory).toBeDefined();
    expect(c.resources?.limits?.memory).toBeDefined();
    // An exact image tag or digest, never latest.
    expect(c.image).toMatch(/(:[\w][\w.-]*|@sha256:[a-f0-9]{64})$/);
    expect(c.image).not.toMatch(/:latest$/);
    // Long-running containers only: a Job's container runs once to completion.
    if (!(pod.initContainers ?? []).includes(c) && !['Job', 'CronJob'].includes(workload.kind)) {
      expect(c.livenessProbe ?? c.startupProbe).toBeDefined();
      expect(c.readinessProbe).toBeDefined();
    }
  });
});
