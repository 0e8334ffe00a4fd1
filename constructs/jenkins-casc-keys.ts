/**
 * The reviewed record of every JCasC key path the generated jenkins.yaml may contain, each with the
 * core or plugin release that defines it and the source location (setter, constructor parameter,
 * field, symbol or configurator) at exactly that release. JCasC refuses an unknown attribute and
 * Jenkins then does not start, so test/jenkins-casc-keys.test.ts fails when the generated file has a
 * key path that is not recorded here. When a pinned version changes (config/schema/jenkins.ts), every
 * entry of that component is re-checked at the new tag; docs/jenkins.md says how.
 *
 * Key paths: dot-separated, `[]` for list items. Source paths are relative to the repository.
 */

/** Exact releases the record was checked against (the tags in the jenkinsci repositories). */
export const RECORDED_VERSIONS = {
  core: { repo: 'jenkinsci/jenkins', tag: 'jenkins-2.541.3', pin: 'jenkins/jenkins:2.541.3-jdk21' },
  'configuration-as-code': { repo: 'jenkinsci/configuration-as-code-plugin', tag: '2053.vb_0da_47381a_25', pin: 'configuration-as-code:2053.vb_0da_47381a_25' },
  kubernetes: { repo: 'jenkinsci/kubernetes-plugin', tag: '4423.vb_59f230b_ce53', pin: 'kubernetes:4423.vb_59f230b_ce53' },
  prometheus: { repo: 'jenkinsci/prometheus-plugin', tag: '852.v317db_5d17a_b_0', pin: 'prometheus:852.v317db_5d17a_b_0' },
  'job-dsl': { repo: 'jenkinsci/job-dsl-plugin', tag: '3654.vdf58f53e2d15', pin: 'job-dsl:3654.vdf58f53e2d15' },
} as const;
export type RecordedComponent = keyof typeof RECORDED_VERSIONS;

export type DefinedBy = 'setter' | 'constructor' | 'field' | 'symbol' | 'configurator' | 'derived-symbol';

export interface CascKey {
  readonly component: RecordedComponent;
  readonly definedBy: DefinedBy;
  /** `path:line` at the recorded tag, and what is there. */
  readonly source: string;
}

export interface NotConfigurable {
  readonly component: RecordedComponent;
  /** Why the key must not be generated. */
  readonly reason: string;
  readonly source: string;
}

const CORE = 'core/src/main/java';
const CASC = 'plugin/src/main/java/io/jenkins/plugins/casc';
const K8S = 'src/main/java/org/csanchez/jenkins/plugins/kubernetes';
const PROM = 'src/main/java/org/jenkinsci/plugins/prometheus/config/PrometheusConfiguration.java';
const JOBDSL = 'job-dsl-plugin/src/main';
const DERIVED_GLOBAL = `${CASC}/Configurator.java:83 (no @Symbol: the class name, decapitalized)`;

const k = (component: RecordedComponent, definedBy: DefinedBy, source: string): CascKey => ({ component, definedBy, source });

export const CASC_KEYS: Readonly<Record<string, CascKey>> = {
  // --- root elements -------------------------------------------------------------------------
  jenkins: k('configuration-as-code', 'configurator', `${CASC}/core/JenkinsConfigurator.java:156 getName() "jenkins"`),
  security: k('core', 'symbol', `${CORE}/jenkins/model/GlobalConfigurationCategory.java:77 @Symbol("security")`),
  unclassified: k('core', 'symbol', `${CORE}/jenkins/model/GlobalConfigurationCategory.java:61 @Symbol("unclassified")`),
  jobs: k('job-dsl', 'configurator', `${JOBDSL}/java/javaposse/jobdsl/plugin/casc/SeedJobConfigurator.java:37 getName() "jobs"`),
  'jobs[].script': k('job-dsl', 'symbol', `${JOBDSL}/java/javaposse/jobdsl/plugin/casc/InlineGroovyScriptSource.java:23 @Symbol("script")`),

  // --- jenkins (core Jenkins object) -----------------------------------------------------------
  'jenkins.systemMessage': k('core', 'setter', `${CORE}/jenkins/model/Jenkins.java:1710 setSystemMessage`),
  'jenkins.numExecutors': k('core', 'setter', `${CORE}/jenkins/model/Jenkins.java:3004 setNumExecutors`),
  'jenkins.mode': k('core', 'setter', `${CORE}/jenkins/model/Jenkins.java:3293 setMode(Mode)`),
  'jenkins.slaveAgentPort': k('core', 'setter', `${CORE}/jenkins/model/Jenkins.java:1220 setSlaveAgentPort`),
  'jenkins.disableRememberMe': k('core', 'setter', `${CORE}/jenkins/model/Jenkins.java:2785 setDisableRememberMe`),
  'jenkins.securityRealm': k('core', 'setter', `${CORE}/jenkins/model/Jenkins.java:2730 setSecurityRealm`),
  'jenkins.securityRealm.local': k('core', 'symbol', `${CORE}/hudson/security/HudsonPrivateSecurityRealm.java:1140 @Symbol("local")`),
  'jenkins.securityRealm.local.allowsSignup': k('core', 'constructor', `${CORE}/hudson/security/HudsonPrivateSecurityRealm.java:143 HudsonPrivateSecurityRealm(boolean allowsSignup, ...)`),
  'jenkins.securityRealm.local.users': k('configuration-as-code', 'configurator', `${CASC}/core/HudsonPrivateSecurityRealmConfigurator.java:43 MultivaluedAttribute "users"`),
  'jenkins.securityRealm.local.users[].id': k('configuration-as-code', 'constructor', `${CASC}/core/HudsonPrivateSecurityRealmConfigurator.java:119 UserWithPassword(String id, String password)`),
  'jenkins.securityRealm.local.users[].password': k('configuration-as-code', 'constructor', `${CASC}/core/HudsonPrivateSecurityRealmConfigurator.java:119 UserWithPassword(String id, String password)`),
  'jenkins.securityRealm.local.users[].name': k('configuration-as-code', 'setter', `${CASC}/core/HudsonPrivateSecurityRealmConfigurator.java:125 @DataBoundSetter setName`),
  'jenkins.authorizationStrategy': k('core', 'setter', `${CORE}/jenkins/model/Jenkins.java:2773 setAuthorizationStrategy`),
  'jenkins.authorizationStrategy.loggedInUsersCanDoAnything': k('core', 'symbol', `${CORE}/hudson/security/FullControlOnceLoggedInAuthorizationStrategy.java:100 @Symbol("loggedInUsersCanDoAnything")`),
  'jenkins.authorizationStrategy.loggedInUsersCanDoAnything.allowAnonymousRead': k('core', 'setter', `${CORE}/hudson/security/FullControlOnceLoggedInAuthorizationStrategy.java:76 @DataBoundSetter setAllowAnonymousRead`),
  'jenkins.globalNodeProperties': k('configuration-as-code', 'configurator', `${CASC}/core/GlobalNodePropertiesConfigurator.java:28 getName() "globalNodeProperties" (core Jenkins.java:2234 getGlobalNodeProperties)`),
  'jenkins.globalNodeProperties[].envVars': k('core', 'symbol', `${CORE}/hudson/slaves/EnvironmentVariablesNodeProperty.java:90 @Symbol("envVars")`),
  'jenkins.globalNodeProperties[].envVars.env': k('core', 'constructor', `${CORE}/hudson/slaves/EnvironmentVariablesNodeProperty.java:58 @DataBoundConstructor EnvironmentVariablesNodeProperty(List<Entry> env)`),
  'jenkins.globalNodeProperties[].envVars.env[].key': k('core', 'constructor', `${CORE}/hudson/slaves/EnvironmentVariablesNodeProperty.java:120 Entry(String key, String value)`),
  'jenkins.globalNodeProperties[].envVars.env[].value': k('core', 'constructor', `${CORE}/hudson/slaves/EnvironmentVariablesNodeProperty.java:120 Entry(String key, String value)`),
  'jenkins.clouds': k('core', 'field', `${CORE}/jenkins/model/Jenkins.java:552 public final Hudson.CloudList clouds (public fields are attributes: ${CASC}/BaseConfigurator.java:60)`),

  // --- kubernetes cloud and pod template ------------------------------------------------------
  'jenkins.clouds[].kubernetes': k('kubernetes', 'derived-symbol', `no @Symbol on ${K8S}/KubernetesCloud.java: JCasC drops the extension point's name ("Cloud") from the class name, ${CASC}/impl/attributes/DescribableAttribute.java:57-59`),
  'jenkins.clouds[].kubernetes.name': k('kubernetes', 'constructor', `${K8S}/KubernetesCloud.java:187 @DataBoundConstructor KubernetesCloud(String name)`),
  'jenkins.clouds[].kubernetes.serverUrl': k('kubernetes', 'setter', `${K8S}/KubernetesCloud.java:294 setServerUrl`),
  'jenkins.clouds[].kubernetes.namespace': k('kubernetes', 'setter', `${K8S}/KubernetesCloud.java:333 setNamespace`),
  'jenkins.clouds[].kubernetes.jenkinsUrl': k('kubernetes', 'setter', `${K8S}/KubernetesCloud.java:469 setJenkinsUrl`),
  'jenkins.clouds[].kubernetes.jenkinsTunnel': k('kubernetes', 'setter', `${K8S}/KubernetesCloud.java:478 setJenkinsTunnel`),
  'jenkins.clouds[].kubernetes.containerCapStr': k('kubernetes', 'setter', `${K8S}/KubernetesCloud.java:496 setContainerCapStr`),
  'jenkins.clouds[].kubernetes.connectTimeout': k('kubernetes', 'setter', `${K8S}/KubernetesCloud.java:599 setConnectTimeout`),
  'jenkins.clouds[].kubernetes.readTimeout': k('kubernetes', 'setter', `${K8S}/KubernetesCloud.java:516 setReadTimeout`),
  'jenkins.clouds[].kubernetes.retentionTimeout': k('kubernetes', 'setter', `${K8S}/KubernetesCloud.java:257 setRetentionTimeout`),
  'jenkins.clouds[].kubernetes.waitForPodSec': k('kubernetes', 'setter', `${K8S}/KubernetesCloud.java:998 setWaitForPodSec`),
  'jenkins.clouds[].kubernetes.templates': k('kubernetes', 'setter', `${K8S}/KubernetesCloud.java:285 setTemplates`),
  'jenkins.clouds[].kubernetes.templates[].name': k('kubernetes', 'setter', `${K8S}/PodTemplate.java:305 setName`),
  'jenkins.clouds[].kubernetes.templates[].label': k('kubernetes', 'setter', `${K8S}/PodTemplate.java:487 setLabel`),
  'jenkins.clouds[].kubernetes.templates[].namespace': k('kubernetes', 'setter', `${K8S}/PodTemplate.java:318 setNamespace`),
  'jenkins.clouds[].kubernetes.templates[].nodeUsageMode': k('kubernetes', 'setter', `${K8S}/PodTemplate.java:526 setNodeUsageMode(String)`),
  'jenkins.clouds[].kubernetes.templates[].idleMinutes': k('kubernetes', 'setter', `${K8S}/PodTemplate.java:427 setIdleMinutes`),
  'jenkins.clouds[].kubernetes.templates[].slaveConnectTimeout': k('kubernetes', 'setter', `${K8S}/PodTemplate.java:379 setSlaveConnectTimeout`),
  'jenkins.clouds[].kubernetes.templates[].showRawYaml': k('kubernetes', 'setter', `${K8S}/PodTemplate.java:1034 setShowRawYaml`),
  'jenkins.clouds[].kubernetes.templates[].yamlMergeStrategy': k('kubernetes', 'setter', `${K8S}/PodTemplate.java:223 setYamlMergeStrategy; value "override" is @Symbol("override") at ${K8S}/pod/yaml/Overrides.java:34`),
  'jenkins.clouds[].kubernetes.templates[].yaml': k('kubernetes', 'setter', `${K8S}/PodTemplate.java:870 setYaml`),

  // --- security ---------------------------------------------------------------------------------
  'security.apiToken': k('core', 'symbol', `${CORE}/jenkins/security/apitoken/ApiTokenPropertyConfiguration.java:39 @Symbol("apiToken")`),
  'security.apiToken.tokenGenerationOnCreationEnabled': k('core', 'setter', `${CORE}/jenkins/security/apitoken/ApiTokenPropertyConfiguration.java:71 setTokenGenerationOnCreationEnabled`),
  'security.apiToken.creationOfLegacyTokenEnabled': k('core', 'setter', `${CORE}/jenkins/security/apitoken/ApiTokenPropertyConfiguration.java:80 setCreationOfLegacyTokenEnabled`),
  'security.apiToken.usageStatisticsEnabled': k('core', 'setter', `${CORE}/jenkins/security/apitoken/ApiTokenPropertyConfiguration.java:89 setUsageStatisticsEnabled`),
  'security.globalJobDslSecurityConfiguration': k('job-dsl', 'derived-symbol', `${JOBDSL}/groovy/javaposse/jobdsl/plugin/GlobalJobDslSecurityConfiguration.groovy:10 (Security category, line 12); name per ${DERIVED_GLOBAL}`),
  'security.globalJobDslSecurityConfiguration.useScriptSecurity': k('job-dsl', 'setter', `${JOBDSL}/groovy/javaposse/jobdsl/plugin/GlobalJobDslSecurityConfiguration.groovy:15 Groovy property (generated setter) useScriptSecurity`),

  // --- unclassified -----------------------------------------------------------------------------
  'unclassified.location': k('core', 'symbol', `${CORE}/jenkins/model/JenkinsLocationConfiguration.java:36 @Symbol("location")`),
  'unclassified.location.url': k('core', 'setter', `${CORE}/jenkins/model/JenkinsLocationConfiguration.java:138 setUrl`),
  'unclassified.prometheusConfiguration': k('prometheus', 'derived-symbol', `${PROM}:28 class PrometheusConfiguration extends GlobalConfiguration; name per ${DERIVED_GLOBAL}`),
  'unclassified.prometheusConfiguration.path': k('prometheus', 'setter', `${PROM}:97 @DataBoundSetter setPath (first segment becomes the URL name)`),
  'unclassified.prometheusConfiguration.defaultNamespace': k('prometheus', 'setter', `${PROM}:121 @DataBoundSetter setDefaultNamespace`),
  'unclassified.prometheusConfiguration.collectingMetricsPeriodInSeconds': k('prometheus', 'setter', `${PROM}:162 @DataBoundSetter setCollectingMetricsPeriodInSeconds`),
  'unclassified.prometheusConfiguration.useAuthenticatedEndpoint': k('prometheus', 'setter', `${PROM}:175 @DataBoundSetter setUseAuthenticatedEndpoint`),
  'unclassified.prometheusConfiguration.countSuccessfulBuilds': k('prometheus', 'setter', `${PROM}:184 @DataBoundSetter setCountSuccessfulBuilds`),
  'unclassified.prometheusConfiguration.countUnstableBuilds': k('prometheus', 'setter', `${PROM}:193 @DataBoundSetter setCountUnstableBuilds`),
  'unclassified.prometheusConfiguration.countFailedBuilds': k('prometheus', 'setter', `${PROM}:202 @DataBoundSetter setCountFailedBuilds`),
  'unclassified.prometheusConfiguration.countNotBuiltBuilds': k('prometheus', 'setter', `${PROM}:211 @DataBoundSetter setCountNotBuiltBuilds`),
  'unclassified.prometheusConfiguration.countAbortedBuilds': k('prometheus', 'setter', `${PROM}:220 @DataBoundSetter setCountAbortedBuilds`),
};

/** Keys found NOT to be configurable (or to do nothing) at the recorded versions: never generate them. */
export const NOT_CONFIGURABLE: Readonly<Record<string, NotConfigurable>> = {
  'unclassified.prometheusConfiguration.urlName': {
    component: 'prometheus',
    reason: 'getUrlName() has no setter; JCasC refuses the unknown attribute and Jenkins does not start. The property is `path`.',
    source: `${PROM}:308 getUrlName() (getter only); the setter is setPath at ${PROM}:97`,
  },
  'jenkins.remotingSecurity.enabled': {
    component: 'core',
    reason: 'maps to AdminWhitelistRule.setMasterKillSwitch, a deprecated no-op in this core (it only logs).',
    source: `${CASC}/core/AdminWhitelistRuleConfigurator.java:68; ${CORE}/jenkins/security/s2m/AdminWhitelistRule.java:17 @Deprecated, :28 setMasterKillSwitch logs only`,
  },
  'jenkins.remotingSecurity': {
    component: 'configuration-as-code',
    reason: 'only holds `enabled`, see jenkins.remotingSecurity.enabled.',
    source: `${CASC}/core/JenkinsConfigurator.java:64`,
  },
};

/** Every key path of a JCasC document: `a.b`, `a.list[].c`. */
export function cascKeyPaths(doc: unknown, prefix = ''): string[] {
  if (Array.isArray(doc)) return doc.flatMap((item) => cascKeyPaths(item, `${prefix}[]`));
  if (doc && typeof doc === 'object') {
    return Object.entries(doc as Record<string, unknown>).flatMap(([key, value]) => {
      const path = prefix ? `${prefix}.${key}` : key;
      return [path, ...cascKeyPaths(value, path)];
    });
  }
  return [];
}

/** Key paths of `doc` that are not in the record (or are recorded as not configurable), with why. */
export function unrecordedCascKeys(doc: unknown): string[] {
  const problems: string[] = [];
  for (const path of [...new Set(cascKeyPaths(doc))]) {
    const bad = NOT_CONFIGURABLE[path];
    if (bad) problems.push(`${path}: not configurable (${bad.reason})`);
    else if (!CASC_KEYS[path]) problems.push(`${path}: not in the reviewed record constructs/jenkins-casc-keys.ts`);
  }
  return problems;
}
