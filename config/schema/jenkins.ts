import { z } from 'zod';
import { dnsLabel, imageRef, port, res, resources, storage, serviceName } from './common';
import { nodeImage } from './node-lts';

/**
 * Controller image: an exact LTS release on JDK 21. 2.541.x is the last LTS line that still runs on
 * JDK 17 as well; every default plugin below requires Jenkins 2.479.3 or older, so it loads on it.
 */
export const DEFAULT_JENKINS_IMAGE = 'jenkins/jenkins:2.541.3-jdk21';

/**
 * The plugins the controller needs, each at an exact release (see docs/jenkins.md for how they were
 * checked against the core version and how to change them). Their dependencies are resolved by
 * jenkins-plugin-cli with `--latest false`, i.e. to the minimum versions these exact releases
 * declare, so the whole set is a function of this list.
 */
export const DEFAULT_PLUGINS = [
  // Agents in pods, the cloud and pod templates of the JCasC below.
  'kubernetes:4423.vb_59f230b_ce53',
  // Pipeline (declarative and scripted), to run the Jenkinsfile.
  'workflow-aggregator:608.v67378e9d3db_1',
  // Checkout of the repository the job builds.
  'git:5.10.0',
  // Reads the generated JCasC file (jenkins.yaml) at start.
  'configuration-as-code:2053.vb_0da_47381a_25',
  // The metrics endpoint Prometheus scrapes.
  'prometheus:852.v317db_5d17a_b_0',
  // The `jobs:` section of the JCasC: the pipeline job is defined as code.
  'job-dsl:3654.vdf58f53e2d15',
  // withCredentials in pipelines; 728 fixes the file-name sanitizing flaw of 720 and earlier.
  'credentials-binding:728.v902a_273b_8947',
];

/** `name:version`: a plugin id and an exact release (versions start with a digit). */
const PLUGIN_LINE = /^([a-z0-9][a-z0-9_.-]*):([0-9][A-Za-z0-9_.+-]*)$/;

export const pluginPin = z
  .string()
  .refine((p) => !/:(latest|experimental)$/.test(p) && !/:incrementals;/.test(p), {
    message: 'must pin an exact release: "latest", "experimental" and incrementals change what a rebuild installs',
  })
  .refine((p) => PLUGIN_LINE.test(p), { message: 'must be "name:version" with an exact version, such as "git:5.10.0"' });

/** The plugin id of a `name:version` line. */
export function pluginName(line: string): string {
  return line.slice(0, line.indexOf(':'));
}

const plugins = z
  .array(pluginPin)
  .min(1, 'must list at least the plugins the generated configuration uses')
  .superRefine((list, ctx) => {
    const seen = new Map<string, number>();
    list.forEach((line, i) => {
      const name = pluginName(line);
      const first = seen.get(name);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: [i], message: `plugin "${name}" is already pinned by plugins[${first}]; pin each plugin once` });
      } else {
        seen.set(name, i);
      }
    });
    // The generated jenkins.yaml configures these plugins: without them Jenkins refuses to start.
    for (const required of ['kubernetes', 'workflow-aggregator', 'git', 'configuration-as-code', 'prometheus', 'job-dsl']) {
      if (!seen.has(required)) {
        ctx.addIssue({ code: 'custom', path: [], message: `must pin "${required}": the generated configuration uses it` });
      }
    }
  });

const agentContainer = (image: string, r: ReturnType<typeof res>) =>
  z
    .strictObject({
      image: imageRef.default(image),
      resources: resources.default(r),
    })
    .prefault({});

const agent = z.strictObject({
  /** Jenkins label of the pod template; the Jenkinsfile asks for it (`agent { label … }`). */
  label: dnsLabel.default('container-infra'),
  /** UID/GID of the `jenkins` user in the inbound-agent image (and of `node` in the node image). */
  runAsUser: z.number().int().min(1).default(1000),
  runAsGroup: z.number().int().min(1).default(1000),
  /** The agent process: connects back to the controller through the tunnel Service. */
  inbound: agentContainer('jenkins/inbound-agent:3355.v388858a_47b_33-3-jdk21', res('100m', '256Mi', '512Mi')),
  /**
   * Runs `npm ci`, `npm test` and the synth. The same Node LTS release as the auth service's image
   * (config/schema/node-lts.ts), Debian trixie variant: the real-program tests use Debian trixie builds.
   */
  node: agentContainer(nodeImage('trixie-slim'), res('250m', '512Mi', '1536Mi')),
  /** Runs `kubectl apply`; the only container that gets the deploy identity's token. */
  kubectl: agentContainer('alpine/kubectl:1.34.2', res('50m', '64Mi', '256Mi')),
  /** Most agent pods the cloud runs at once. */
  containerCap: z.number().int().min(1, 'must be at least 1').max(100).default(2),
  /** Seconds the controller waits for an agent pod to connect before it gives up. */
  connectTimeoutSeconds: z.number().int().min(30).default(300),
});

/** The pipeline job; the repository and branch it builds are `repository.url` / `repository.revision`. */
const job = z.strictObject({
  /** Name of the pipeline job. */
  name: dnsLabel.default('container-infra'),
  /** Path of the pipeline definition in the repository. */
  scriptPath: z.string().regex(/^[A-Za-z0-9._/-]+$/, 'must be a relative path such as "Jenkinsfile"').default('Jenkinsfile'),
  /** SCM polling schedule (cron syntax, `H` spreads the load); empty turns polling off. */
  pollSchedule: z
    .string()
    .regex(/^$|^[0-9HhA-Za-z*/,\- ()]+$/, 'must be a Jenkins cron expression such as "H/5 * * * *", or "" for no polling')
    .default('H/5 * * * *'),
});

/**
 * Jenkins CI/CD. The Service name, ports and metrics path are shared with the monitoring charts
 * (Prometheus scrapes Jenkins), so they are defined here once.
 */
export const jenkins = z.strictObject({
  enabled: z.boolean().default(true),
  /** Name of the controller StatefulSet and of its UI Service. */
  name: serviceName.max(50, 'must be at most 50 characters (objects are named "<name>-agent", "<name>-deploy")').default('jenkins'),
  /** UI and HTTP API port (Service and container). */
  port: port.default(8080),
  /** Inbound agent (JNLP/WebSocket tunnel) port, on its own Service `<name>-agent`. */
  agentPort: port.default(50000),
  /** Path of the prometheus plugin's endpoint. */
  metricsPath: z
    .string()
    .regex(/^\/[A-Za-z0-9_-]+$/, 'must be one path segment such as "/prometheus" (the plugin serves its endpoint at the Jenkins root)')
    .default('/prometheus'),
  image: imageRef.default(DEFAULT_JENKINS_IMAGE),
  /** UID/GID of the `jenkins` user in the official image. */
  runAsUser: z.number().int().min(1).default(1000),
  runAsGroup: z.number().int().min(1).default(1000),
  /** Fits one small node: the JVM heap follows the memory limit (see maxRAMPercentage). */
  resources: resources.default(res('250m', '768Mi', '1Gi')),
  /** Share of the container memory limit the JVM heap may use; the rest is metaspace, threads, buffers. */
  maxRAMPercentage: z.number().int().min(25, 'must be 25 to 80 (percent of the memory limit)').max(80, 'must be 25 to 80 (percent of the memory limit)').default(50),
  /**
   * The plugin-download init container. jenkins-plugin-cli is a JVM that parses the whole
   * update-center JSON into memory (public reports show it running out of heap on small heaps), and
   * a failure here means Jenkins never starts. 768Mi/1Gi gives it a ~768 MiB heap (75 % of the
   * limit) and costs no scheduling capacity: init containers run before the controller, so the pod
   * requests max(init, controller) and the controller already requests 768Mi. docs/jenkins.md.
   */
  initResources: resources.default(res('100m', '768Mi', '1Gi')),
  /** JENKINS_HOME: jobs, build history, credentials. */
  storage: storage.prefault({ size: '8Gi' }),
  plugins: plugins.default(() => [...DEFAULT_PLUGINS]),
  /**
   * The Secret (in the ci namespace) with keys `username` and `password` of the admin user. You
   * create it; dist/ never contains it (docs/jenkins.md gives the command).
   */
  adminSecretName: dnsLabel.default('jenkins-admin'),
  agent: agent.prefault({}),
  job: job.prefault({}),
  deploy: z
    .strictObject({
      /**
       * The environment this Jenkins deploys: the pipeline synthesizes it (CONTAINER_INFRA_ENV) and
       * applies its output folder (`dist/` for "default", `dist-<name>/` otherwise), pruning only
       * objects of this environment's ApplySet. Set it in each environment file.
       */
      environment: dnsLabel.default('default'),
      /**
       * Namespaces the pipeline's deploy identity may apply to. Unset means every namespace the
       * synthesized manifests use, which is what `kubectl apply -f dist` needs.
       */
      namespaces: z.array(dnsLabel).min(1, 'must list at least one namespace, or leave it unset').optional(),
    })
    .prefault({}),
});
export type JenkinsConfig = z.infer<typeof jenkins>;
