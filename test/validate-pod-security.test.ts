import { checkPodSecurity, evaluatePod, Level } from '../validate/pod-security';
import { podTemplates } from '../validate/workloads';
import { clone, deployment, manifests, namespace, NS } from './support/k8s-fixtures';

/** The restricted-compliant fixture pod, changed by `mutate`, evaluated at `level`. */
function rulesBroken(mutate: (spec: any, meta: any) => void, level: Level, version = 'v1.27'): string[] {
  const d = clone(deployment('app'));
  d.spec.template.metadata.annotations = {};
  mutate(d.spec.template.spec, d.spec.template.metadata);
  const [pod] = podTemplates(manifests(d));
  return [...new Set(evaluatePod(pod, level, version).map((v) => v.rule))];
}

const c = (spec: any) => spec.containers[0];
const csc = (spec: any) => c(spec).securityContext;

// [control, mutation that breaks it]; each also has a compliant variant below.
const BASELINE: Array<[string, (spec: any, meta: any) => void]> = [
  ['HostProcess', (s) => (s.securityContext.windowsOptions = { hostProcess: true })],
  ['Host Namespaces', (s) => (s.hostNetwork = true)],
  ['Host Namespaces', (s) => (s.hostPID = true)],
  ['Host Namespaces', (s) => (s.hostIPC = true)],
  ['Privileged Containers', (s) => (csc(s).privileged = true)],
  ['Capabilities', (s) => (csc(s).capabilities.add = ['SYS_ADMIN'])],
  ['HostPath Volumes', (s) => (s.volumes = [{ name: 'h', hostPath: { path: '/' } }])],
  ['Host Ports', (s) => (c(s).ports[0].hostPort = 8080)],
  ['AppArmor', (_s, m) => (m.annotations['container.apparmor.security.beta.kubernetes.io/app'] = 'unconfined')],
  ['AppArmor', (s) => (csc(s).appArmorProfile = { type: 'Unconfined' })],
  ['SELinux', (s) => (csc(s).seLinuxOptions = { type: 'spc_t' })],
  ['SELinux', (s) => (s.securityContext.seLinuxOptions = { user: 'system_u' })],
  ['SELinux', (s) => (csc(s).seLinuxOptions = { role: 'sysadm_r' })],
  ['/proc Mount Type', (s) => (csc(s).procMount = 'Unmasked')],
  ['Seccomp', (s) => (s.securityContext.seccompProfile = { type: 'Unconfined' })],
  ['Seccomp', (s) => (csc(s).seccompProfile = { type: 'Unconfined' })],
  ['Sysctls', (s) => (s.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }])],
];

const BASELINE_OK: Array<[string, (spec: any, meta: any) => void]> = [
  ['HostProcess false', (s) => (s.securityContext.windowsOptions = { hostProcess: false })],
  ['host namespaces false', (s) => Object.assign(s, { hostNetwork: false, hostPID: false, hostIPC: false })],
  ['privileged false', (s) => (csc(s).privileged = false)],
  ['hostPort 0', (s) => (c(s).ports[0].hostPort = 0)],
  ['AppArmor runtime/default and localhost/', (_s, m) => Object.assign(m.annotations, { 'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default', 'container.apparmor.security.beta.kubernetes.io/x': 'localhost/p' })],
  ['SELinux container_t', (s) => (csc(s).seLinuxOptions = { type: 'container_t', level: 's0:c123,c456' })],
  ['procMount Default', (s) => (csc(s).procMount = 'Default')],
  ['seccomp Localhost', (s) => (csc(s).seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' })],
  ['safe sysctls', (s) => (s.securityContext.sysctls = [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }, { name: 'net.ipv4.ip_local_reserved_ports', value: '1' }])],
  ['NET_BIND_SERVICE added', (s) => (csc(s).capabilities.add = ['NET_BIND_SERVICE'])],
];

const RESTRICTED: Array<[string, (spec: any, meta: any) => void]> = [
  ['Volume Types', (s) => (s.volumes = [{ name: 'n', nfs: { server: 'x', path: '/' } }])],
  ['Privilege Escalation', (s) => delete csc(s).allowPrivilegeEscalation],
  ['Privilege Escalation', (s) => (csc(s).allowPrivilegeEscalation = true)],
  ['Running as Non-root', (s) => (csc(s).runAsNonRoot = false)],
  ['Running as Non-root', (s) => (delete s.securityContext.runAsNonRoot, delete csc(s).runAsNonRoot)],
  ['Running as Non-root user', (s) => (csc(s).runAsUser = 0)],
  ['Running as Non-root user', (s) => (s.securityContext.runAsUser = 0)],
  ['Seccomp', (s) => (delete s.securityContext.seccompProfile, delete csc(s).seccompProfile)],
  ['Capabilities', (s) => (csc(s).capabilities = { drop: ['NET_RAW'] })],
  ['Capabilities', (s) => (csc(s).capabilities.add = ['CHOWN'])],
];

const RESTRICTED_OK: Array<[string, (spec: any, meta: any) => void]> = [
  ['every allowed volume type', (s) => (s.volumes = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'].map((t, i) => ({ name: `v${i}`, [t]: {} })))],
  ['runAsNonRoot only on the pod', (s) => delete csc(s).runAsNonRoot],
  ['runAsNonRoot only on the containers', (s) => delete s.securityContext.runAsNonRoot],
  ['seccomp only on the pod', (s) => delete csc(s).seccompProfile],
  ['seccomp only on the containers', (s) => delete s.securityContext.seccompProfile],
  ['drop ALL and add NET_BIND_SERVICE', (s) => (csc(s).capabilities = { drop: ['ALL'], add: ['NET_BIND_SERVICE'] })],
];

describe('Pod Security Standards', () => {
  test('the hardened fixture satisfies restricted', () => {
    expect(rulesBroken(() => undefined, 'restricted')).toEqual([]);
  });

  test.each(BASELINE)('baseline control %s rejects its violation (and so does restricted; privileged allows it)', (rule, mutate) => {
    expect(rulesBroken(mutate, 'baseline')).toContain(rule);
    expect(rulesBroken(mutate, 'restricted')).toContain(rule);
    expect(rulesBroken(mutate, 'privileged')).toEqual([]);
  });

  test.each(BASELINE_OK)('baseline allows %s', (_what, mutate) => {
    expect(rulesBroken(mutate, 'baseline')).toEqual([]);
  });

  test.each(RESTRICTED)('restricted control %s rejects its violation, which baseline allows', (rule, mutate) => {
    expect(rulesBroken(mutate, 'restricted')).toContain(rule);
    expect(rulesBroken(mutate, 'baseline')).toEqual([]);
  });

  test.each(RESTRICTED_OK)('restricted allows %s', (_what, mutate) => {
    expect(rulesBroken(mutate, 'restricted')).toEqual([]);
  });

  test('the safe sysctls follow the pinned policy version', () => {
    const keepalive = (s: any) => (s.securityContext.sysctls = [{ name: 'net.ipv4.tcp_keepalive_time', value: '60' }]);
    expect(rulesBroken(keepalive, 'baseline', 'v1.27')).toEqual(['Sysctls']);
    expect(rulesBroken(keepalive, 'baseline', 'v1.29')).toEqual([]);
  });

  test('Windows pods are exempt from the Linux-only restricted controls', () => {
    const windows = (s: any) => {
      s.os = { name: 'windows' };
      delete csc(s).allowPrivilegeEscalation;
      delete csc(s).capabilities;
    };
    expect(rulesBroken(windows, 'restricted')).toEqual([]);
  });

  test('init and ephemeral containers are checked like containers', () => {
    expect(rulesBroken((s) => (s.initContainers = [{ name: 'init', image: 'x:1', securityContext: { privileged: true } }]), 'baseline')).toEqual(['Privileged Containers']);
    expect(rulesBroken((s) => (s.ephemeralContainers = [{ name: 'dbg', image: 'x:1', securityContext: { capabilities: { add: ['SYS_PTRACE'] } } }]), 'baseline')).toEqual(['Capabilities']);
  });

  test('each pod is checked at the level its namespace enforces', () => {
    const hostNet = deployment('node-exporter', { ns: 'node' });
    hostNet.spec.template.spec.hostNetwork = true;
    expect(checkPodSecurity(manifests(namespace('node', 'privileged'), hostNet))).toEqual([]);
    const findings = checkPodSecurity(manifests(namespace('node', 'restricted'), hostNet));
    expect(findings).toEqual([expect.objectContaining({ object: { kind: 'Deployment', namespace: 'node', name: 'node-exporter' }, path: 'spec.template.spec.hostNetwork', message: expect.stringContaining('"restricted"') })]);
    expect(checkPodSecurity(manifests(namespace(NS, 'baseline'), deployment('app')))).toEqual([]);
  });
});
