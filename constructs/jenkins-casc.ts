/**
 * The Jenkins Configuration-as-Code file (jenkins.yaml), built as data and rendered once.
 * Every key path is checked against constructs/jenkins-casc-keys.ts, the reviewed record of where each
 * key is defined in the source of the pinned core and plugins (test/jenkins-casc-keys.test.ts).
 */

/** Admin credentials are read from files of the mounted Secret (JCasC `${name}` from $SECRETS). */
export const ADMIN_USERNAME_FILE = 'admin-username';
export const ADMIN_PASSWORD_FILE = 'admin-password';

export interface PipelineJobSpec {
  readonly name: string;
  readonly repositoryUrl: string;
  readonly branch: string;
  readonly scriptPath: string;
  /** Empty: no SCM polling. */
  readonly pollSchedule: string;
  readonly description: string;
}

export interface CascOptions {
  readonly systemMessage: string;
  /** Public URL of the controller (Service DNS name): links, and how agents find it. */
  readonly jenkinsUrl: string;
  /** `host:port` of the inbound-agent Service. */
  readonly jenkinsTunnel: string;
  readonly agentPort: number;
  readonly namespace: string;
  readonly cloudName: string;
  readonly containerCap: number;
  readonly connectTimeoutSeconds: number;
  readonly podTemplate: { readonly name: string; readonly label: string; readonly yaml: string };
  /** Path of the prometheus endpoint below the Jenkins root, without slashes (the plugin's `path`). */
  readonly metricsPath: string;
  /** Environment every build sees (global node properties). */
  readonly buildEnv: Record<string, string>;
  /** Unset: no job (no repository configured). */
  readonly job?: PipelineJobSpec;
}

export type CascDocument = {
  jenkins: Record<string, unknown>;
  security: Record<string, unknown>;
  unclassified: Record<string, unknown>;
  jobs?: { script: string }[];
};

export function jenkinsCasc(o: CascOptions): CascDocument {
  return {
    jenkins: {
      systemMessage: o.systemMessage,
      // Builds run in agent pods only: a build on the controller could read JENKINS_HOME.
      numExecutors: 0,
      mode: 'EXCLUSIVE',
      slaveAgentPort: o.agentPort,
      securityRealm: {
        local: {
          allowsSignup: false,
          users: [{ id: `\${${ADMIN_USERNAME_FILE}}`, name: 'Administrator', password: `\${${ADMIN_PASSWORD_FILE}}` }],
        },
      },
      // No anonymous access at all; every signed-in user administers (there is one: the admin).
      authorizationStrategy: { loggedInUsersCanDoAnything: { allowAnonymousRead: false } },
      disableRememberMe: true,
      globalNodeProperties: [
        {
          envVars: {
            env: Object.keys(o.buildEnv)
              .sort()
              .map((key) => ({ key, value: o.buildEnv[key] })),
          },
        },
      ],
      clouds: [
        {
          kubernetes: {
            name: o.cloudName,
            // Empty server URL: the in-cluster API server and the controller's ServiceAccount.
            serverUrl: '',
            namespace: o.namespace,
            jenkinsUrl: o.jenkinsUrl,
            jenkinsTunnel: o.jenkinsTunnel,
            containerCapStr: String(o.containerCap),
            connectTimeout: 10,
            readTimeout: 30,
            retentionTimeout: 5,
            waitForPodSec: o.connectTimeoutSeconds,
            templates: [
              {
                name: o.podTemplate.name,
                label: o.podTemplate.label,
                namespace: o.namespace,
                nodeUsageMode: 'EXCLUSIVE',
                idleMinutes: 0,
                slaveConnectTimeout: o.connectTimeoutSeconds,
                showRawYaml: false,
                yamlMergeStrategy: 'override',
                yaml: o.podTemplate.yaml,
              },
            ],
          },
        },
      ],
    },
    security: {
      apiToken: { creationOfLegacyTokenEnabled: false, tokenGenerationOnCreationEnabled: false, usageStatisticsEnabled: false },
      // Job DSL scripts from JCasC run as the system; the script below is generated, not user input.
      globalJobDslSecurityConfiguration: { useScriptSecurity: false },
    },
    unclassified: {
      location: { url: o.jenkinsUrl },
      prometheusConfiguration: {
        // `path`, not `urlName`: the plugin has a getUrlName() but no setter for it, and JCasC refuses
        // unknown attributes (see constructs/jenkins-casc-keys.ts).
        path: o.metricsPath,
        defaultNamespace: 'default',
        // Prometheus scrapes without credentials; the NetworkPolicy limits who reaches the port.
        useAuthenticatedEndpoint: false,
        collectingMetricsPeriodInSeconds: 120,
        countSuccessfulBuilds: true,
        countFailedBuilds: true,
        countUnstableBuilds: true,
        countAbortedBuilds: true,
        countNotBuiltBuilds: true,
      },
    },
    ...(o.job ? { jobs: [{ script: jobDslScript(o.job) }] } : {}),
  };
}

/** A Groovy single-quoted string literal. */
export function groovyString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

/** Job DSL for the pipeline job: the Jenkinsfile of `branch` in `repositoryUrl`. */
export function jobDslScript(j: PipelineJobSpec): string {
  const lines = [
    `pipelineJob(${groovyString(j.name)}) {`,
    `  description(${groovyString(j.description)})`,
    '  properties {',
    '    disableConcurrentBuilds()',
    ...(j.pollSchedule ? ['    pipelineTriggers {', '      triggers {', `        pollSCM { scmpoll_spec(${groovyString(j.pollSchedule)}) }`, '      }', '    }'] : []),
    '  }',
    '  logRotator { numToKeep(30) }',
    '  definition {',
    '    cpsScm {',
    '      scm {',
    '        git {',
    `          remote { url(${groovyString(j.repositoryUrl)}) }`,
    `          branch(${groovyString(`*/${j.branch}`)})`,
    '        }',
    '      }',
    `      scriptPath(${groovyString(j.scriptPath)})`,
    '      lightweight(true)',
    '    }',
    '  }',
    '}',
  ];
  return `${lines.join('\n')}\n`;
}
