/**
 * The reviewed record of everything the Jenkinsfile calls. A Jenkinsfile loaded from SCM runs in
 * the script-security sandbox: a step that no installed plugin provides fails the build, and a
 * Groovy method outside the whitelists stops it with "Scripts not permitted to use …" until an
 * administrator approves it (`env[name]` is one: SECURITY-538 blacklisted the map-style access).
 * test/jenkinsfile.test.ts reads every call, block and property access of the Jenkinsfile and
 * fails on anything not recorded here. Add an entry only after finding where it is defined or
 * whitelisted at the pinned versions (config/schema/jenkins.ts).
 */

export type Provider =
  | 'pipeline-model-definition' // Declarative Pipeline (workflow-aggregator dependency)
  | 'workflow-basic-steps'
  | 'workflow-durable-task-step'
  | 'workflow-cps'
  | 'workflow-job'
  | 'kubernetes'
  | 'core'
  | 'script-security'
  | 'this Jenkinsfile';

export interface Recorded {
  readonly provider: Provider;
  /** Where it is defined or whitelisted (source path and what is there). */
  readonly source: string;
}

const r = (provider: Provider, source: string): Recorded => ({ provider, source });
const DECLARATIVE = 'pipeline-model-definition/src/main/resources/org/jenkinsci/plugins/pipeline/modeldefinition';

/** Declarative directives and steps called by name (`name(...)`, `name { … }`, `name 'arg'`). */
export const JENKINSFILE_STEPS: Readonly<Record<string, Recorded>> = {
  pipeline: r('pipeline-model-definition', `${DECLARATIVE}/ModelInterpreter.groovy: the pipeline block`),
  agent: r('pipeline-model-definition', 'Declarative section `agent`'),
  label: r('pipeline-model-definition', 'agent type `label` (Label.groovy, @Symbol("label"))'),
  options: r('pipeline-model-definition', 'Declarative section `options`'),
  stages: r('pipeline-model-definition', 'Declarative section `stages`'),
  stage: r('pipeline-model-definition', 'Declarative section `stage`'),
  steps: r('pipeline-model-definition', 'Declarative section `steps`'),
  when: r('pipeline-model-definition', 'Declarative section `when`'),
  expression: r('pipeline-model-definition', 'when condition `expression` (ExpressionConditional, @Symbol("expression"))'),
  script: r('pipeline-model-definition', 'step `script` (ScriptStep): scripted Groovy inside declarative steps'),
  disableConcurrentBuilds: r('workflow-job', 'job property DisableConcurrentBuildsJobProperty, @Symbol("disableConcurrentBuilds")'),
  buildDiscarder: r('core', 'hudson.model.BuildDiscarderProperty, @Symbol("buildDiscarder")'),
  logRotator: r('core', 'hudson.tasks.LogRotator, @Symbol("logRotator")'),
  timeout: r('workflow-basic-steps', 'TimeoutStep, getFunctionName() "timeout"'),
  error: r('workflow-basic-steps', 'ErrorStep, getFunctionName() "error"'),
  withEnv: r('workflow-basic-steps', 'EnvStep, getFunctionName() "withEnv"'),
  sh: r('workflow-durable-task-step', 'ShellStep, getFunctionName() "sh"'),
  container: r('kubernetes', 'src/main/java/org/csanchez/jenkins/plugins/kubernetes/pipeline/ContainerStep.java, getFunctionName() "container"'),
  // Functions this Jenkinsfile defines itself (`def name(…)`): plain Groovy methods of the script.
  requiredEnv: r('this Jenkinsfile', 'def requiredEnv(String name)'),
  onDeployBranch: r('this Jenkinsfile', 'def onDeployBranch()'),
  runDeployScript: r('this Jenkinsfile', 'def runDeployScript(String extraArgs)'),
  jenkinsDeploys: r('this Jenkinsfile', 'def jenkinsDeploys()'),
};

/** Methods called on a value (`x.name(...)`), with the whitelist entry that allows them in the sandbox. */
export const JENKINSFILE_METHODS: Readonly<Record<string, Recorded>> = {
  trim: r('script-security', 'generic-whitelist: "method java.lang.String trim"'),
  replaceFirst: r('script-security', 'generic-whitelist: "method java.lang.String replaceFirst java.lang.String java.lang.String"'),
  getProperty: r(
    'workflow-cps',
    'plugin/src/main/java/org/jenkinsci/plugins/workflow/cps/CpsWhitelist.java permitsMethod: receiver EnvActionImpl, getProperty/setProperty (only on `env`)',
  ),
};

/** Objects whose properties may be read (`env.BRANCH_NAME`): EnvActionImpl.getProperty, as above. */
export const JENKINSFILE_PROPERTY_RECEIVERS: readonly string[] = ['env'];
