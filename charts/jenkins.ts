import { Chart, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { jenkinsDeploys } from '../model/jenkins-deploys';
import type { EnvironmentModel } from '../model/environment';
import { checksum } from '../constructs/checksum';
import { PolicyRule } from '../constructs/deploy-rbac';
import { agentPodManifest } from '../constructs/jenkins-agent-pod';
import { ADMIN_PASSWORD_FILE, ADMIN_USERNAME_FILE, CascDocument, jenkinsCasc } from '../constructs/jenkins-casc';
import { recommendedLabels } from '../lib/labels';
import { DefaultDenyPolicy, NetworkPolicy } from '../constructs/network';
import { defaultDenyOf, ENDPOINT, policyOf } from '../model/network';
import { containerResources } from '../constructs/resources';
import { containerSecurityContext, podSecurityContext } from '../constructs/security';
import { httpProbe, singlePortService } from '../constructs/workload';
import { SingleInstanceStatefulSet } from '../constructs/single-instance-statefulset';
import * as k8s from '../imports/k8s';
import { deployIdentity, deployServiceAccount, toK8sRule } from './deploy';

export const CASC_FILE = 'jenkins.yaml';
export const PLUGINS_FILE = 'plugins.txt';
const CONFIG_DIR = '/var/jenkins_config';
const JENKINS_HOME = '/var/jenkins_home';
const SECRETS_DIR = '/run/secrets/jenkins-admin';
/** Where the init container downloads plugins; mounted over JENKINS_HOME/plugins in the controller. */
const PLUGIN_DOWNLOAD_DIR = '/var/jenkins_plugins';
/** Heap share of jenkins-plugin-cli's container limit (config jenkins.initResources). */
export const PLUGIN_CLI_MAX_RAM_PERCENTAGE = 75;
/** Exploded war (webroot): written at every start, so an emptyDir rather than the read-only image. */
const CACHE_DIR = '/var/jenkins_cache';

/** Environment the pipeline reads (global node properties of the controller). */
export const BUILD_ENV = {
  deployBranch: 'CONTAINER_INFRA_DEPLOY_BRANCH',
  /** The environment to synthesize and deploy (the synth step passes it as CONTAINER_INFRA_ENV). */
  environment: 'CONTAINER_INFRA_DEPLOY_ENV',
  /** Its output folder: `scripts/deploy.sh` reads the ApplySet parent and field manager from it. */
  deployDir: 'CONTAINER_INFRA_DEPLOY_DIR',
  /** `none`: the pipeline deploys; `argocd`/`flux`: that tool deploys and the pipeline only checks. */
  gitops: 'CONTAINER_INFRA_GITOPS',
} as const;

export { jenkinsDeploys };

/**
 * What the kubernetes plugin needs in the Jenkins namespace to run agents: start, watch, exec into
 * and delete pods, read their logs and events. Nothing else, nowhere else.
 */
export const CONTROLLER_RULES: PolicyRule[] = [
  { apiGroups: [''], resources: ['pods'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'watch'] },
  { apiGroups: [''], resources: ['pods/exec'], verbs: ['create', 'get'] },
  { apiGroups: [''], resources: ['pods/log'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['events'], verbs: ['get', 'list', 'watch'] },
];

export interface JenkinsChartProps {
  readonly model: EnvironmentModel;
}

/**
 * Jenkins CI/CD: the controller (StatefulSet, pinned plugins, JCasC) and agents in pods. The
 * identity the pipeline deploys with is the deploy chart's (charts/deploy.ts).
 */
export class JenkinsChart extends Chart {
  readonly casc: CascDocument;

  constructor(scope: Construct, id: string, props: JenkinsChartProps) {
    const model = props.model;
    const config = model.config;
    const ci = config.namespaces.ci;
    super(scope, id, { namespace: ci, disableResourceNameHashes: true });
    const j = config.jenkins;
    const labels = recommendedLabels(model.jenkins.identity);
    const selector = model.jenkins.pods;
    const agentLabels = recommendedLabels(model.jenkins.agent.identity);
    const agentServiceName = model.jenkins.agent.name;

    new DefaultDenyPolicy(this, 'default-deny', defaultDenyOf(model.network, ci));

    // --- identities -------------------------------------------------------------------------
    const controllerSa = new k8s.KubeServiceAccount(this, 'service-account', { metadata: { name: j.name, labels } });
    const controllerRole = new k8s.KubeRole(this, 'agents-role', { metadata: { name: model.jenkins.agentsRole, labels }, rules: CONTROLLER_RULES.map(toK8sRule) });
    new k8s.KubeRoleBinding(this, 'agents-role-binding', {
      metadata: { name: model.jenkins.agentsRole, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: controllerRole.name },
      subjects: [{ kind: 'ServiceAccount', name: controllerSa.name, namespace: ci }],
    });

    // With Argo CD or Flux deploying, no identity of Jenkins may write to the cluster (no deploy chart).
    const deploys = jenkinsDeploys(config);
    const deploySa = deploys ? deployServiceAccount(model) : undefined;

    // --- services ---------------------------------------------------------------------------
    const service = singlePortService(this, 'service', { name: j.name, labels, selector, portName: 'http', port: j.port });
    // Its own Service: agents reach the tunnel port by a stable name, and the UI Service can be
    // exposed (NodePort, Ingress) without exposing the agent port with it.
    singlePortService(this, 'agent-service', { name: agentServiceName, labels, selector, portName: 'agent', port: j.agentPort });

    // --- configuration ----------------------------------------------------------------------
    const deploy = deployIdentity(model);
    const repo = config.repository;
    const jenkinsUrl = model.jenkins.url;
    const agentPodYaml = stringify(
      agentPodManifest({ agent: j.agent, imagePullPolicy: config.imagePullPolicy, labels: agentLabels, serviceAccountName: deploySa?.name }),
      { lineWidth: 0 },
    );
    this.casc = jenkinsCasc({
      systemMessage: `${config.partOf} CI/CD: configured as code from this repository; changes made in the UI are lost on restart.`,
      jenkinsUrl,
      jenkinsTunnel: model.jenkins.agent.tunnel,
      agentPort: j.agentPort,
      namespace: ci,
      cloudName: 'kubernetes',
      containerCap: j.agent.containerCap,
      connectTimeoutSeconds: j.agent.connectTimeoutSeconds,
      podTemplate: { name: j.agent.label, label: j.agent.label, yaml: agentPodYaml },
      metricsPath: j.metricsPath.slice(1),
      buildEnv: {
        [BUILD_ENV.deployBranch]: repo.revision,
        [BUILD_ENV.environment]: j.deploy.environment,
        [BUILD_ENV.deployDir]: deploy.deployDir,
        [BUILD_ENV.gitops]: config.gitops.mode,
      },
      // No repository, no job (a job polling a placeholder URL fails on every poll); run() says so.
      job: repo.url === undefined ? undefined : {
        name: j.job.name,
        repositoryUrl: repo.url,
        branch: repo.revision,
        scriptPath: j.job.scriptPath,
        pollSchedule: j.job.pollSchedule,
        description: deploys
          ? `Tests, synthesizes and (on ${repo.revision}) deploys ${repo.url}`
          : `Tests, synthesizes and checks ${deploy.deployDir}/ of ${repo.url}; ${model.gitops.tool} deploys it`,
      },
    });
    const cascYaml = Lazy.any({ produce: () => renderCasc(this.casc) });
    const pluginsTxt = `${j.plugins.join('\n')}\n`;
    new k8s.KubeConfigMap(this, 'config', {
      metadata: { name: model.jenkins.configMap, labels },
      data: { [CASC_FILE]: cascYaml, [PLUGINS_FILE]: pluginsTxt },
    });
    const configMapName = model.jenkins.configMap;

    // --- controller -------------------------------------------------------------------------
    const runAs = { user: j.runAsUser, group: j.runAsGroup };
    const javaOpts = [
      // Heap follows the container limit instead of the node's memory.
      `-XX:MaxRAMPercentage=${j.maxRAMPercentage}`,
      `-XX:InitialRAMPercentage=${Math.min(25, j.maxRAMPercentage)}`,
      '-XX:+ExitOnOutOfMemoryError',
      '-Djenkins.install.runSetupWizard=false',
      '-Djava.io.tmpdir=/tmp',
    ].join(' ');
    new SingleInstanceStatefulSet(this, 'statefulset', {
      name: j.name,
      identity: model.jenkins.identity,
      serviceName: service.name,
      pod: {
        metadata: {
          labels,
          // New JCasC or plugin list: restart, Jenkins reads both only at start.
          annotations: { 'container-infra/config-checksum': Lazy.any({ produce: () => checksum(renderCasc(this.casc), pluginsTxt) }) },
        },
        spec: {
          serviceAccountName: controllerSa.name,
          // The kubernetes plugin talks to the API server with this token.
          automountServiceAccountToken: true,
          enableServiceLinks: false,
          securityContext: podSecurityContext({ ...runAs, fsGroup: j.runAsGroup }),
          terminationGracePeriodSeconds: 60,
          initContainers: [
            {
              name: 'plugins',
              image: j.image,
              imagePullPolicy: config.imagePullPolicy,
              // Exact versions from plugins.txt; `--latest false` resolves dependencies to the
              // minimum versions those releases declare, so the set cannot drift between starts.
              command: ['jenkins-plugin-cli'],
              args: [
                '--war', '/usr/share/jenkins/jenkins.war',
                '--plugin-file', `${CONFIG_DIR}/${PLUGINS_FILE}`,
                '--plugin-download-directory', PLUGIN_DOWNLOAD_DIR,
                '--latest', 'false',
                '--verbose',
              ],
              env: [
                { name: 'CACHE_DIR', value: '/tmp/plugin-cache' },
                // The init container runs nothing but this JVM: most of its limit can be heap.
                { name: 'JAVA_OPTS', value: `-XX:MaxRAMPercentage=${PLUGIN_CLI_MAX_RAM_PERCENTAGE} -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp` },
              ],
              resources: containerResources(j.initResources),
              securityContext: containerSecurityContext(runAs),
              volumeMounts: [
                { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
                { name: 'plugins', mountPath: PLUGIN_DOWNLOAD_DIR },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          containers: [
            {
              name: 'jenkins',
              image: j.image,
              imagePullPolicy: config.imagePullPolicy,
              env: [
                { name: 'JAVA_OPTS', value: javaOpts },
                { name: 'JENKINS_OPTS', value: `--httpPort=${j.port} --webroot=${CACHE_DIR}/war` },
                { name: 'JENKINS_SLAVE_AGENT_PORT', value: String(j.agentPort) },
                { name: 'CASC_JENKINS_CONFIG', value: `${CONFIG_DIR}/${CASC_FILE}` },
                // JCasC resolves ${admin-username} / ${admin-password} from files in this directory.
                { name: 'SECRETS', value: SECRETS_DIR },
              ],
              ports: [
                { name: 'http', containerPort: j.port, protocol: 'TCP' },
                { name: 'agent', containerPort: j.agentPort, protocol: 'TCP' },
              ],
              resources: containerResources(j.resources),
              securityContext: containerSecurityContext(runAs),
              // /login answers 200 without credentials once Jenkins is up.
              startupProbe: httpProbe('/login', 'http', { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 36 }),
              livenessProbe: httpProbe('/login', 'http', { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 5 }),
              readinessProbe: httpProbe('/login', 'http', { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 }),
              volumeMounts: [
                { name: 'jenkins-home', mountPath: JENKINS_HOME },
                // Exactly the downloaded plugin set, every start: stale plugins on the volume are hidden.
                { name: 'plugins', mountPath: `${JENKINS_HOME}/plugins` },
                { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
                { name: 'admin', mountPath: SECRETS_DIR, readOnly: true },
                { name: 'cache', mountPath: CACHE_DIR },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: configMapName } },
            {
              name: 'admin',
              secret: {
                secretName: j.adminSecretName,
                defaultMode: 0o400,
                items: [
                  { key: 'username', path: ADMIN_USERNAME_FILE },
                  { key: 'password', path: ADMIN_PASSWORD_FILE },
                ],
              },
            },
            { name: 'plugins', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } },
            { name: 'cache', emptyDir: { sizeLimit: k8s.Quantity.fromString('512Mi') } },
            { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } },
          ],
        },
      },
      claims: { 'jenkins-home': j.storage },
    });

    // --- network ----------------------------------------------------------------------------
    new NetworkPolicy(this, 'network-policy', policyOf(model.network, ENDPOINT.jenkins));
    new NetworkPolicy(this, 'agent-network-policy', policyOf(model.network, ENDPOINT.jenkinsAgent));
  }
}

/** jenkins.yaml text: rendered once, with Lazy values resolved first. */
export function renderCasc(doc: CascDocument): string {
  return stringify(resolveLazy(doc), { lineWidth: 0 });
}

function resolveLazy(value: unknown): unknown {
  if (value instanceof Lazy) return resolveLazy(value.produce());
  if (Array.isArray(value)) return value.map(resolveLazy);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, resolveLazy(v)]));
  }
  return value;
}
