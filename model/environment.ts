import type { Config } from '../config/schema';
import type { Identity, Labels } from '../lib/labels';
import type { UserCreatedObject } from '../lib/user-created';
import type { Claim, PodPorts } from './objects';
import type { NamespaceSpec } from './namespaces';
import type { NatsFacts } from './nats';
import type { ServiceEnvVar } from './env';
import type { NetworkModel } from './network';

/**
 * The resolved environment: every fact derived from the validated configuration, computed once
 * (model/resolve.ts) and read by the charts, the claim checks, the reports and the validator. A
 * derived name, host, port or label set is spelled here and nowhere else.
 */
export interface EnvironmentModel {
  /** The validated configuration the model was resolved from. */
  readonly config: Config;
  /** The namespaces the enabled components need, each with its Pod Security level. */
  readonly namespaces: readonly NamespaceSpec[];
  readonly services: readonly ServiceModel[];
  readonly gateway: GatewayModel;
  readonly auth: AuthModel;
  readonly events: EventBusModel;
  readonly prometheus: PrometheusModel;
  readonly alertmanager: WithConfigMap;
  readonly grafana: GrafanaModel;
  readonly kubeStateMetrics: KubeStateMetricsModel;
  readonly nodeExporter: Workload;
  readonly jenkins: JenkinsModel;
  readonly gitops: GitOpsModel;
  /** Every object the charts create (kind, namespace, name) with the field that chose the name. */
  readonly objects: readonly Claim[];
  /** Every port each pod listens on, declared or loopback-only. */
  readonly podPorts: readonly PodPorts[];
  /** The Secrets pods reference that the user creates (credentials never go into dist/). */
  readonly userSecrets: readonly UserCreatedObject[];
  /** The NetworkPolicies as data and the flows they allow (model/network.ts). */
  readonly network: NetworkModel;
}

/** The parts of the model the claims are derived from. */
export type Components = Omit<EnvironmentModel, 'objects' | 'podPorts' | 'userSecrets' | 'network'>;

/** A component that runs pods: its name (workload and Service), where, its labels and its address. */
export interface Workload {
  /** Whether the component is generated in this configuration. */
  readonly enabled: boolean;
  /** The configuration field that chose the name, e.g. `gateway.name`. */
  readonly field: string;
  readonly namespace: string;
  readonly name: string;
  readonly identity: Identity;
  /** Selector labels of its pods (stable: name and instance only). */
  readonly pods: Labels;
  /** `<name>.<namespace>.svc.<cluster domain>` */
  readonly host: string;
}

export interface ServiceModel {
  readonly config: Config['services'][number];
  readonly field: string;
  readonly name: string;
  readonly identity: Identity;
  readonly pods: Labels;
  readonly host: string;
  /** `http://<host>:<port>`: what a caller is given. */
  readonly url: string;
  /** Its Redis, named `<service>-redis` (present in the model even when the datastore is off). */
  readonly datastore: DatastoreModel;
  /** Whether it publishes or consumes events on a deployed bus. */
  readonly usesEvents: boolean;
  /** Whether it verifies tokens itself (gets AUTH_JWKS_URL and may fetch the auth service's public keys). */
  readonly verifiesTokens: boolean;
  /** The services it calls (`calls:`), in configuration order, resolved to their Services. */
  readonly calls: readonly ServiceCall[];
  /** Its container's variables in Deployment order, each marked generated or the user's (model/env.ts). */
  readonly env: readonly ServiceEnvVar[];
}

/** A REST call to another service of the environment. */
export interface ServiceCall {
  /** The callee's name (its `services[].name`). */
  readonly service: string;
  /** The caller's environment variable holding the callee's URL, `<NAME>_URL`. */
  readonly env: string;
  /** The callee's `url`. */
  readonly url: string;
}

/** A microservice's own Redis: reachable only from the service's pods. */
export interface DatastoreModel {
  readonly enabled: boolean;
  /** Its Service (headless), StatefulSet and ServiceAccount. */
  readonly name: string;
  readonly identity: Identity;
  /** Selector labels of its pod. */
  readonly pods: Labels;
  /** `<name>.<namespace>.svc.<cluster domain>` */
  readonly host: string;
  readonly port: number;
  /** `tcp://<host>:<port>`: the service's DATASTORE_URL and podinfo's `--cache-server`. */
  readonly url: string;
}

/** One route of the gateway: `/<prefix>/…` to a Service. */
export interface GatewayRoute {
  /** URL prefix without slashes: requests to `/<prefix>/…` go to this route. */
  readonly prefix: string;
  /** Host name of the upstream Service (a fully qualified cluster DNS name: nginx's resolver has no search list). */
  readonly host: string;
  readonly port: number;
  /** Set when the route needs a token: the auth service checks it first (`scope` unset: any valid token). */
  readonly auth?: { readonly scope?: string };
  /**
   * A public route passes the client's `Authorization` header on only when this is set (a service
   * that checks credentials itself); otherwise nginx removes it, so a token meant for another
   * route never reaches this one. Protected routes always pass the checked token on.
   */
  readonly forwardAuthorization?: boolean;
}

/** The auth service as the gateway sees it. */
export interface GatewayAuth {
  readonly host: string;
  readonly port: number;
  /** Public path of the token endpoint on the gateway (config/schema/auth.ts AUTH_TOKEN_PATH). */
  readonly tokenPath: string;
  /** Token requests per second and client address, and the burst allowed above it. */
  readonly tokenRatePerSecond: number;
  readonly tokenBurst: number;
}

export interface GatewayModel extends Workload {
  /** The ConfigMap holding nginx.conf. */
  readonly nginxConfig: string;
  readonly routes: readonly GatewayRoute[];
  /** The auth service as nginx reaches it; undefined when auth is off. */
  readonly auth?: GatewayAuth;
  /**
   * The DNS server nginx asks at request time. The cluster DNS Service by name by default: its IP
   * differs between clusters (10.96.0.10 on kubeadm and kind, 10.43.0.10 on k3s, …), while the
   * name is the same; nginx resolves it once at start through the pod's resolv.conf.
   */
  readonly resolver: string;
}

export interface AuthModel extends Workload {
  /** The ConfigMap holding the service's bundle. */
  readonly bundle: string;
  /** The public keys (JWKS) a token verifier fetches: `http://<host>:<port>/.well-known/jwks.json`. */
  readonly jwksUrl: string;
}

/** `accounts`, `users` (rights and client facts), `routes`: model/nats.ts. */
export interface EventBusModel extends Workload, NatsFacts {
  /** Generated only when enabled and some service declares events (nobody else may connect). */
  readonly deployed: boolean;
  /** Services that declare events, in configuration order: the bus's clients. */
  readonly clients: readonly Config['services'][number][];
  readonly headless: string;
  readonly configMap: string;
  /** `nats://<host>:<client port>` */
  readonly clientUrl: string;
  /** The stream Job's ServiceAccount/NetworkPolicy name; its Job and ConfigMap add `-<hash>`. */
  readonly streams: { readonly name: string; readonly identity: Identity };
  /** The smoke Job's ServiceAccount/NetworkPolicy name; its Job adds `-<hash>`. */
  readonly smoke: { readonly name: string; readonly identity: Identity };
}

export interface WithConfigMap extends Workload {
  readonly configMap: string;
}

export interface PrometheusModel extends WithConfigMap {
  readonly rules: string;
  /** Role and RoleBinding in each namespace it discovers pods in. */
  readonly discovery: string;
  readonly clusterRole: string;
  /** `http://<host>:<port>` */
  readonly url: string;
}

export interface GrafanaModel extends Workload {
  readonly datasources: string;
  readonly dashboardProviders: string;
  readonly dashboards: string;
  readonly data: string;
}

export interface KubeStateMetricsModel extends Workload {
  readonly clusterRole: string;
}

/** The Jenkins UI/metrics Service as a scrape target. */
export interface ScrapeTarget {
  readonly service: string;
  readonly namespace: string;
  readonly port: number;
  /** `<host>:<port>` */
  readonly address: string;
  /** Ends in a slash: the prometheus plugin serves `/<path>/`; the bare path only redirects. */
  readonly path: string;
}

export interface JenkinsModel extends WithConfigMap {
  /** `http://<host>:<port>/` */
  readonly url: string;
  /** Build agents the kubernetes plugin starts; their Service (the inbound agent port) has the same name. */
  readonly agent: { readonly name: string; readonly identity: Identity; readonly pods: Labels; readonly host: string; readonly tunnel: string };
  /** The controller's Role and RoleBinding for running agents. */
  readonly agentsRole: string;
  /** Jenkins applies the environment itself (no GitOps tool does): only then has it a deploy identity. */
  readonly deploys: boolean;
  /** The deploy identity: ServiceAccount, Role and RoleBinding in each deployed namespace. */
  readonly deploy: string;
  readonly deployNamespaces: readonly string[];
  readonly deployClusterRole: string;
  /** The output folder of `jenkins.deploy.environment`: what the pipeline deploys and GitOps applies by default. */
  readonly deployDir: string;
  /** The ApplySet parent of this environment (`<partOf>-<jenkins.deploy.environment>`), also the field manager. */
  readonly applySetParent: string;
  readonly scrapeTarget?: ScrapeTarget;
}

/** The GitOps tool that applies the output folder from Git (model/gitops.ts). */
export interface GitOpsModel {
  /** `none`: Jenkins deploys; `argocd` / `flux`: that tool applies the output folder from the repository. */
  readonly mode: Config['gitops']['mode'];
  /** The tool's name for people (`Argo CD`, `Flux`); undefined without a mode. */
  readonly tool?: 'Argo CD' | 'Flux';
  /** Whether the GitOps objects are written (`<output>/<dir>/`): a mode and `repository.url`. */
  readonly generated: boolean;
  /** The tool's namespace, where its objects live: `gitops.namespace` or the tool's default. */
  readonly namespace: string;
  /** `gitops.name`, default `<partOf>-<jenkins.deploy.environment>`. */
  readonly name: string;
  /** The folder of the repository the tool applies: `repository.path` or the environment's output folder. */
  readonly repositoryPath: string;
  /** The folder inside the output folder holding the GitOps objects. */
  readonly dir: string;
  /** Argo CD mode: the AppProject and the Application that uses it. */
  readonly argocd?: { readonly project: string; readonly application: string };
  /** Flux mode: the GitRepository and the Kustomization that reads it. */
  readonly flux?: { readonly repository: string; readonly kustomization: string };
}
