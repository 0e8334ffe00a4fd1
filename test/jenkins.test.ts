import { parse } from 'yaml';
import { APPLYSET_LABELS, APPLYSET_TYPE } from '../constructs/applyset';
import { PLUGIN_CLI_MAX_RAM_PERCENTAGE } from '../charts/jenkins';
import { ConfigError, loadConfig } from '../config/load';
import { DEFAULT_PLUGINS, pluginName } from '../config/schema/jenkins';
import { allContainers, configFrom, find, K8sObject, ofKind, podSpecOf, synthObjects } from './support/manifests';

const config = configFrom();
const ci = config.namespaces.ci;
const objects = synthObjects(config);
const configMap = find(objects, 'ConfigMap', `${config.jenkins.name}-config`, ci);
const casc = parse(configMap.data['jenkins.yaml']);
const controller = find(objects, 'StatefulSet', config.jenkins.name, ci);
const cloud = casc.jenkins.clouds[0].kubernetes;
const template = cloud.templates[0];
const agentPod = parse(template.yaml);

describe('JCasC', () => {
  test('the cloud reaches the controller through the UI Service and the separate agent Service', () => {
    const ui = find(objects, 'Service', config.jenkins.name, ci);
    const agent = find(objects, 'Service', `${config.jenkins.name}-agent`, ci);

    expect(cloud.namespace).toBe(ci);
    expect(cloud.jenkinsUrl).toBe(`http://${ui.metadata.name}.${ci}.svc.${config.cluster.domain}:${ui.spec.ports[0].port}/`);
    expect(cloud.jenkinsTunnel).toBe(`${agent.metadata.name}.${ci}.svc.${config.cluster.domain}:${agent.spec.ports[0].port}`);
    expect(agent.spec.ports[0].port).toBe(config.jenkins.agentPort);
    expect(casc.jenkins.slaveAgentPort).toBe(config.jenkins.agentPort);
    expect(cloud.containerCapStr).toBe(String(config.jenkins.agent.containerCap));
  });

  test('the container cap follows the configuration', () => {
    const objs = synthObjects(configFrom({ jenkins: { agent: { containerCap: 7 } } }));
    const doc = parse(find(objs, 'ConfigMap', 'jenkins-config', ci).data['jenkins.yaml']);

    expect(doc.jenkins.clouds[0].kubernetes.containerCapStr).toBe('7');
  });

  test('the pod template runs the inbound agent, Node and kubectl at the configured images', () => {
    const images = Object.fromEntries(agentPod.spec.containers.map((c: any) => [c.name, c.image]));

    expect(template.label).toBe(config.jenkins.agent.label);
    expect(images.jnlp).toBe(config.jenkins.agent.inbound.image);
    expect(images.jnlp).toMatch(/^jenkins\/inbound-agent:/);
    expect(images.node).toMatch(/^node:\d+\.\d+\.\d+/);
    expect(images.kubectl).toMatch(/kubectl:\d+\.\d+\.\d+/);
  });

  test('agent pods meet Pod Security "restricted" and every container has requests and a memory limit', () => {
    const spec = agentPod.spec;

    expect(spec.securityContext.runAsNonRoot).toBe(true);
    expect(spec.securityContext.seccompProfile.type).toBe('RuntimeDefault');
    expect(spec.hostNetwork ?? false).toBe(false);
    for (const c of spec.containers) {
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
      expect(c.securityContext.runAsUser).toBeGreaterThan(0);
      expect(c.resources.requests.cpu).toBeDefined();
      expect(c.resources.requests.memory).toBeDefined();
      expect(c.resources.limits.memory).toBeDefined();
    }
    for (const v of spec.volumes) expect(Object.keys(v).filter((k) => k !== 'name')).toEqual(expect.arrayContaining([expect.stringMatching(/^(emptyDir|projected|configMap|secret)$/)]));
  });

  test('only the kubectl container holds the deploy token', () => {
    const withToken = agentPod.spec.containers.filter((c: any) => (c.volumeMounts ?? []).some((m: any) => m.mountPath.startsWith('/var/run/secrets/kubernetes.io')));

    expect(agentPod.spec.automountServiceAccountToken).toBe(false);
    expect(withToken.map((c: any) => c.name)).toEqual(['kubectl']);
    expect(agentPod.spec.serviceAccountName).toBe(`${config.jenkins.name}-deploy`);
  });

  test('security: local admin from Secret files, no anonymous access, no executors on the controller', () => {
    const realm = casc.jenkins.securityRealm.local;

    expect(realm.allowsSignup).toBe(false);
    expect(realm.users[0].id).toMatch(/^\$\{[a-z-]+\}$/);
    expect(realm.users[0].password).toMatch(/^\$\{[a-z-]+\}$/);
    expect(casc.jenkins.authorizationStrategy).toEqual({ loggedInUsersCanDoAnything: { allowAnonymousRead: false } });
    expect(casc.jenkins.numExecutors).toBe(0);
  });

  test('the admin password never reaches dist: the Secret is referenced, not created', () => {
    expect(ofKind(objects, 'Secret')).toHaveLength(0);
    const volumes = podSpecOf(controller).volumes;
    expect(volumes.find((v: any) => v.secret)?.secret.secretName).toBe(config.jenkins.adminSecretName);
  });

  test('the pipeline job builds the configured repository and branch from its Jenkinsfile', () => {
    const objs = synthObjects(configFrom({ repository: { url: 'https://git.example.org/me/fork.git', revision: 'release' } }));
    const doc = parse(find(objs, 'ConfigMap', 'jenkins-config', ci).data['jenkins.yaml']);
    const script: string = doc.jobs[0].script;

    expect(script).toContain(`pipelineJob('${config.jenkins.job.name}')`);
    expect(script).toContain("url('https://git.example.org/me/fork.git')");
    expect(script).toContain("branch('*/release')");
    expect(script).toContain("scriptPath('Jenkinsfile')");
    const env = Object.fromEntries(doc.jenkins.globalNodeProperties[0].envVars.env.map((e: any) => [e.key, e.value]));
    expect(env.CONTAINER_INFRA_DEPLOY_BRANCH).toBe('release');
  });

  test('without repository.url there is no job (no placeholder repository to poll), and the controller still starts configured', () => {
    expect(config.repository.url).toBeUndefined();
    expect(casc).not.toHaveProperty('jobs');
    expect(casc.jenkins.clouds).toHaveLength(1);
  });

  test('the prometheus plugin serves the metrics path shared with the monitoring charts, without login', () => {
    expect(`/${casc.unclassified.prometheusConfiguration.path}`).toBe(config.jenkins.metricsPath);
    expect(casc.unclassified.prometheusConfiguration).not.toHaveProperty('urlName');
    expect(casc.unclassified.prometheusConfiguration.useAuthenticatedEndpoint).toBe(false);
  });
});

describe('plugins', () => {
  const lines = configMap.data['plugins.txt'].trim().split('\n');

  test('every line is name:exact-version', () => {
    for (const line of lines) {
      expect(line).toMatch(/^[a-z0-9][a-z0-9_.-]*:[0-9][A-Za-z0-9_.+-]*$/);
      expect(line).not.toMatch(/:(latest|experimental)$/);
    }
  });

  test('the plugins the generated configuration uses are installed', () => {
    const names = lines.map(pluginName);
    for (const needed of ['kubernetes', 'workflow-aggregator', 'git', 'configuration-as-code', 'prometheus', 'job-dsl', 'credentials-binding']) {
      expect(names).toContain(needed);
    }
  });

  test('the init container installs exactly plugins.txt, without upgrading dependencies', () => {
    const init = podSpecOf(controller).initContainers[0];
    const args: string[] = init.args;

    expect(init.image).toBe(controller.spec.template.spec.containers[0].image);
    expect(init.command).toEqual(['jenkins-plugin-cli']);
    expect(args[args.indexOf('--latest') + 1]).toBe('false');
    expect(args[args.indexOf('--plugin-file') + 1]).toMatch(/plugins\.txt$/);
    expect(args).toContain('--plugin-download-directory');
  });

  test.each([['git:latest'], ['git'], ['git:experimental'], ['Git:5.10.0']])('the schema refuses %s', (bad) => {
    expect(() => configFrom({ jenkins: { plugins: [...DEFAULT_PLUGINS, bad] } })).toThrow(ConfigError);
  });

  test('the schema refuses a plugin pinned twice', () => {
    expect(() => configFrom({ jenkins: { plugins: [...DEFAULT_PLUGINS, 'git:5.9.0'] } })).toThrow(/already pinned/);
  });
});

describe('controller', () => {
  const spec = podSpecOf(controller);
  const jenkins = spec.containers[0];

  test('runs as the numeric jenkins user, hardened, with JENKINS_HOME on a claim of the configured size', () => {
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    for (const c of allContainers(spec)) {
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    }
    const claim = controller.spec.volumeClaimTemplates[0];
    expect(claim.spec.resources.requests.storage).toBe(config.jenkins.storage.size);
    expect(jenkins.volumeMounts.find((m: any) => m.name === claim.metadata.name).mountPath).toBe('/var/jenkins_home');
  });

  test('the JVM heap follows the memory limit and the setup wizard is off', () => {
    const javaOpts = jenkins.env.find((e: any) => e.name === 'JAVA_OPTS').value;

    expect(javaOpts).toContain(`-XX:MaxRAMPercentage=${config.jenkins.maxRAMPercentage}`);
    expect(javaOpts).toContain('-Djenkins.install.runSetupWizard=false');
    expect(jenkins.resources.limits.memory).toBe(config.jenkins.resources.limits.memory);
  });

  test('default requests fit the small-node budget (at most 0.25 vCPU / 768 MiB)', () => {
    const millicores = (q: string): number => (q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000);
    const mebibytes = (q: string): number => (q.endsWith('Gi') ? Number(q.slice(0, -2)) * 1024 : Number(q.replace(/Mi$/, '')));

    expect(millicores(jenkins.resources.requests.cpu)).toBeLessThanOrEqual(250);
    expect(mebibytes(jenkins.resources.requests.memory)).toBeLessThanOrEqual(768);
  });

  test('startup, liveness and readiness probes hit /login on the http port', () => {
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      expect(jenkins[probe].httpGet).toEqual({ path: '/login', port: 'http' });
    }
  });

  test('a JCasC change rolls the controller', () => {
    const other = synthObjects(configFrom({ repository: { revision: 'other' } }));
    const a = controller.spec.template.metadata.annotations['container-infra/config-checksum'];
    const b = find(other, 'StatefulSet', 'jenkins', ci).spec.template.metadata.annotations['container-infra/config-checksum'];

    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(b).not.toBe(a);
  });
});

describe('network', () => {
  const policies = ofKind(objects, 'NetworkPolicy').filter((p) => p.metadata.namespace === ci);
  const byName = (n: string): K8sObject => find(policies, 'NetworkPolicy', n, ci);

  test('the namespace denies by default', () => {
    expect(byName('default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  test('the agent port admits agent pods only; Prometheus may reach the UI port', () => {
    const ingress = byName(config.jenkins.name).spec.ingress;
    const agentRule = ingress.find((r: any) => r.ports[0].port === config.jenkins.agentPort);
    const promRule = ingress.find((r: any) => r.from?.[0]?.namespaceSelector);

    expect(agentRule.from).toHaveLength(1);
    expect(Object.keys(agentRule.from[0])).toEqual(['podSelector']);
    expect(agentPod.metadata.labels).toMatchObject(agentRule.from[0].podSelector.matchLabels);
    expect(promRule.from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe(config.namespaces.monitoring);
    expect(promRule.ports[0].port).toBe(config.jenkins.port);
  });

  test('agent pods carry the labels the policies select', () => {
    const selector = byName(`${config.jenkins.name}-agent`).spec.podSelector.matchLabels;

    expect(agentPod.metadata.labels).toMatchObject(selector);
  });
});

describe('the environment this Jenkins deploys', () => {
  const buildEnv = (c: typeof config) => {
    const doc = parse(find(synthObjects(c), 'ConfigMap', `${c.jenkins.name}-config`, c.namespaces.ci).data['jenkins.yaml']);
    return Object.fromEntries(doc.jenkins.globalNodeProperties[0].envVars.env.map((e: any) => [e.key, e.value]));
  };

  test('comes from jenkins.deploy.environment: its output folder (deploy.sh reads the ApplySet from it)', () => {
    expect(buildEnv(config)).toMatchObject({ CONTAINER_INFRA_DEPLOY_ENV: 'default', CONTAINER_INFRA_DEPLOY_DIR: 'dist' });
    expect(Object.keys(buildEnv(config)).sort()).toEqual(['CONTAINER_INFRA_DEPLOY_BRANCH', 'CONTAINER_INFRA_DEPLOY_DIR', 'CONTAINER_INFRA_DEPLOY_ENV', 'CONTAINER_INFRA_GITOPS']);
    const staging = buildEnv(configFrom({ jenkins: { deploy: { environment: 'staging' } } }));
    expect(staging).toMatchObject({ CONTAINER_INFRA_DEPLOY_ENV: 'staging', CONTAINER_INFRA_DEPLOY_DIR: 'dist-staging' });
  });

  test('two environments never share an ApplySet, so deploying one cannot prune the other', () => {
    const parentOf = (c: typeof config) => find(synthObjects(c), APPLYSET_TYPE.kind, `${c.partOf}-${c.jenkins.deploy.environment}`);
    const a = parentOf(config);
    const b = parentOf(configFrom({ jenkins: { deploy: { environment: 'prod' } } }));
    expect(a.metadata.name).toBe(`${config.partOf}-default`);
    expect(b.metadata.name).toBe(`${config.partOf}-prod`);
    expect(a.metadata.labels[APPLYSET_LABELS.id]).not.toBe(b.metadata.labels[APPLYSET_LABELS.id]);
  });

  test('the prod environment file deploys prod', () => {
    expect(loadConfig({ env: 'prod' }).config.jenkins.deploy.environment).toBe('prod');
  });

  test('an environment name that is not a DNS label is refused', () => {
    expect(() => configFrom({ jenkins: { deploy: { environment: 'Prod_1' } } })).toThrow(/jenkins\.deploy\.environment/);
  });
});

describe('images and memory the pipeline depends on', () => {
  test('the agent Node image is an exact tag of a supported LTS line (24), not the end-of-life 20', () => {
    expect(agentPod.spec.containers.find((c: any) => c.name === 'node').image).toMatch(/^node:24\.[0-9]+\.[0-9]+-[a-z]+-slim$/);
  });

  test('the plugin download container gets a large heap without raising the pod request above the controller', () => {
    const spec = podSpecOf(controller);
    const init = spec.initContainers[0];
    const main = spec.containers[0];
    const mi = (q: string) => (q.endsWith('Gi') ? Number(q.slice(0, -2)) * 1024 : q.endsWith('Mi') ? Number(q.slice(0, -2)) : NaN);
    const heapMi = (mi(init.resources.limits.memory) * PLUGIN_CLI_MAX_RAM_PERCENTAGE) / 100;
    expect(heapMi).toBeGreaterThanOrEqual(512);
    expect(mi(init.resources.requests.memory)).toBeLessThanOrEqual(mi(main.resources.requests.memory));
    expect(init.env.find((e: any) => e.name === 'JAVA_OPTS').value).toContain(`-XX:MaxRAMPercentage=${PLUGIN_CLI_MAX_RAM_PERCENTAGE}`);
  });
});
