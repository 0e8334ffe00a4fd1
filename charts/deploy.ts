import { ApiObject, Chart, JsonPatch, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import type { Config } from '../config/schema';
import type { EnvironmentModel } from '../model/environment';
import {
  APPLYSET_ANNOTATIONS,
  APPLYSET_CRD_NAME,
  APPLYSET_LABELS,
  APPLYSET_TOOLING,
  APPLYSET_TYPE,
  applySetFlag,
  applySetId,
} from '../constructs/applyset';
import { deployPermissions, isClusterScoped, ManagedObject, PolicyRule } from '../constructs/deploy-rbac';
import { Labels, recommendedLabels } from '../lib/labels';
import * as k8s from '../imports/k8s';

/**
 * Chart ids of the two files `scripts/deploy.sh` treats apart from the ApplySet members
 * (`NNNN-<id>.k8s.yaml`; the script matches these suffixes, a test ties them together).
 */
export const DEPLOY_CHART_ID = 'deploy';
export const APPLYSET_CHART_ID = 'applyset';

/** What one environment's deploy is called: its ApplySet parent (also the field manager) and folder. */
export interface DeployIdentity {
  /** Name of the cluster-scoped ApplySet parent, and the server-side apply field manager. */
  readonly parentName: string;
  /** `kubectl apply --applyset=` value. */
  readonly applySet: string;
  readonly fieldManager: string;
  /** The output folder the environment is written to and deployed from. */
  readonly deployDir: string;
}

/**
 * Per environment (`<partOf>-<jenkins.deploy.environment>`): kubectl labels every member with the id
 * of its parent and prunes only objects carrying that id, so deploying one environment never
 * prunes another's.
 */
export function deployIdentity(model: EnvironmentModel): DeployIdentity {
  const parentName = model.jenkins.applySetParent;
  return { parentName, applySet: applySetFlag(parentName), fieldManager: parentName, deployDir: model.jenkins.deployDir };
}

/** The identity the Jenkins pipeline deploys with (a ServiceAccount in the ci namespace). */
export function deployServiceAccount(model: EnvironmentModel): { name: string; namespace: string } {
  return { name: model.jenkins.deploy, namespace: model.jenkins.namespace };
}

function deployLabels(model: EnvironmentModel): Labels {
  return { ...recommendedLabels(model.jenkins.agent.identity), 'app.kubernetes.io/component': 'ci-deploy' };
}

/** Cluster-scoped: the chart's namespace does not apply. */
function clusterScoped<T extends ApiObject>(o: T): T {
  o.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return o;
}

export interface DeployChartProps {
  readonly model: EnvironmentModel;
  /** Every object of the ApplySet (every other chart's): what the deploy identity applies and prunes. */
  readonly members: readonly ManagedObject[];
  /**
   * Generate the pipeline's deploy identity (ServiceAccount, Roles, bindings).
   * @default config.jenkins.enabled
   */
  readonly identity?: boolean;
}

/**
 * What `scripts/deploy.sh` applies outside the ApplySet: the parent's type (a CRD, applied first)
 * and the deploy identity's RBAC (applied after the prune, never pruned, so a run that removes the
 * last object of a kind still holds the right to delete it). Built after every member chart.
 */
export class DeployChart extends Chart {
  private readonly model: EnvironmentModel;
  private readonly config: Config;
  private readonly members: readonly ManagedObject[];
  private permissions?: { namespaced: Map<string, PolicyRule[]>; cluster: PolicyRule[] };

  constructor(scope: Construct, id: string, props: DeployChartProps) {
    const model = props.model;
    const config = model.config;
    super(scope, id, { namespace: config.namespaces.ci, disableResourceNameHashes: true });
    this.model = model;
    this.config = config;
    this.members = props.members;

    clusterScoped(
      new k8s.KubeCustomResourceDefinition(this, 'applyset-crd', {
        metadata: {
          name: APPLYSET_CRD_NAME,
          labels: {
            // One CRD for every environment in the cluster: nothing environment-specific here, or
            // two environments' applies would conflict on it.
            ...recommendedLabels({ name: APPLYSET_TYPE.plural, instance: APPLYSET_CRD_NAME, component: 'deploy', partOf: APPLYSET_TYPE.group }),
            // kubectl accepts custom resources as ApplySet parents only of CRDs with this label.
            [APPLYSET_LABELS.isParentType]: 'true',
          },
        },
        spec: {
          group: APPLYSET_TYPE.group,
          scope: 'Cluster',
          names: { kind: APPLYSET_TYPE.kind, plural: APPLYSET_TYPE.plural, singular: APPLYSET_TYPE.singular, listKind: `${APPLYSET_TYPE.kind}List` },
          versions: [
            {
              name: APPLYSET_TYPE.version,
              served: true,
              storage: true,
              // Metadata only: kubectl keeps the set's kinds and namespaces in annotations.
              schema: { openApiv3Schema: { type: 'object', description: 'A kubectl ApplySet parent: one per deployed environment (scripts/deploy.sh).' } },
            },
          ],
        },
      }),
    );

    if (props.identity ?? config.jenkins.enabled) this.identity();
  }

  private identity(): void {
    const sa = deployServiceAccount(this.model);
    const labels = deployLabels(this.model);
    const deploySa = new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: { name: sa.name, namespace: sa.namespace, labels },
      // Mounted by hand into the kubectl container only (constructs/jenkins-agent-pod.ts).
      automountServiceAccountToken: false,
    });
    const subject = { kind: 'ServiceAccount', name: deploySa.name, namespace: sa.namespace };
    for (const ns of this.targetNamespaces()) {
      const role = new k8s.KubeRole(this, `role-${ns}`, {
        metadata: { name: sa.name, namespace: ns, labels },
        rules: Lazy.any({ produce: () => (this.deployPermissions().namespaced.get(ns) ?? []).map(toK8sRule) }),
      });
      new k8s.KubeRoleBinding(this, `role-binding-${ns}`, {
        metadata: { name: sa.name, namespace: ns, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
        subjects: [subject],
      });
    }
    // Cluster-wide names must not collide with another installation in another namespace.
    const clusterName = `${sa.namespace}-${sa.name}`;
    const clusterRole = clusterScoped(
      new k8s.KubeClusterRole(this, 'cluster-role', {
        metadata: { name: clusterName, labels },
        rules: Lazy.any({ produce: () => this.deployPermissions().cluster.map(toK8sRule) }),
      }),
    );
    clusterScoped(
      new k8s.KubeClusterRoleBinding(this, 'cluster-role-binding', {
        metadata: { name: clusterName, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole.name },
        subjects: [subject],
      }),
    );
  }

  /** Namespaces the deploy identity gets a Role in: configured, or every namespace of the set. */
  targetNamespaces(): string[] {
    const configured = this.config.jenkins.deploy.namespaces;
    if (configured) return [...new Set(configured)].sort();
    const seen = new Set<string>([this.config.namespaces.ci]);
    for (const o of this.members) if (o.namespace && !isClusterScoped(o)) seen.add(o.namespace);
    return [...seen].sort();
  }

  /** What the deploy identity holds: computed once, over the members and this chart's own objects. */
  deployPermissions(): { namespaced: Map<string, PolicyRule[]>; cluster: PolicyRule[] } {
    if (!this.permissions) {
      const parent = deployIdentity(this.model).parentName;
      const named: PolicyRule[] = [
        // deploy.sh applies the parent type every run; kubectl reads and updates the parent.
        { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], resourceNames: [APPLYSET_CRD_NAME], verbs: ['get', 'patch'] },
        { apiGroups: [APPLYSET_TYPE.group], resources: [APPLYSET_TYPE.plural], resourceNames: [parent], verbs: ['get', 'patch'] },
        // kubectl lists the CRDs labelled as parent types before it accepts a custom parent.
        { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['list'] },
      ];
      this.permissions = deployPermissions({ members: this.members, unpruned: this.ownObjects(), named }, this.targetNamespaces());
    }
    return this.permissions;
  }

  /**
   * This chart's identity objects (the CRD is covered by name), read without rendering: their rules
   * are this computation's result, which the identity holds by construction.
   */
  private ownObjects(): ManagedObject[] {
    return this.node
      .findAll()
      .filter((c): c is ApiObject => c instanceof ApiObject && c.kind !== 'CustomResourceDefinition')
      .map((o) => ({
        apiVersion: o.apiVersion,
        kind: o.kind,
        name: o.name,
        ...(o.metadata.namespace && !isClusterScoped(o) ? { namespace: o.metadata.namespace } : {}),
      }));
  }
}

/**
 * The ApplySet parent, alone in its file: its type exists only once the deploy chart's CRD is
 * applied, and kubectl resolves every object of a file before it applies any. deploy.sh creates it
 * when it is missing (as kubectl's own ApplySet field manager), and kubectl keeps its annotations.
 */
export class ApplySetChart extends Chart {
  constructor(scope: Construct, id: string, props: { model: EnvironmentModel }) {
    super(scope, id, { disableResourceNameHashes: true });
    const model = props.model;
    const config = model.config;
    const parent = deployIdentity(model).parentName;
    new ApiObject(this, 'parent', {
      apiVersion: `${APPLYSET_TYPE.group}/${APPLYSET_TYPE.version}`,
      kind: APPLYSET_TYPE.kind,
      metadata: {
        name: parent,
        labels: {
          ...recommendedLabels({ name: APPLYSET_TYPE.singular, instance: parent, component: 'deploy', partOf: config.partOf }),
          [APPLYSET_LABELS.id]: applySetId({ name: parent, kind: APPLYSET_TYPE.kind, group: APPLYSET_TYPE.group }),
        },
        annotations: {
          [APPLYSET_ANNOTATIONS.tooling]: APPLYSET_TOOLING,
          // An empty set: kubectl requires the annotation on a parent that exists.
          [APPLYSET_ANNOTATIONS.containsGroupKinds]: '',
        },
      },
    });
  }
}

/** API-style rule → the generated type's field names (`nonResourceURLs` is `nonResourceUrLs` there). */
export function toK8sRule(r: PolicyRule): k8s.PolicyRule {
  return {
    ...(r.apiGroups ? { apiGroups: [...r.apiGroups] } : {}),
    ...(r.resources ? { resources: [...r.resources] } : {}),
    ...(r.resourceNames ? { resourceNames: [...r.resourceNames] } : {}),
    ...(r.nonResourceURLs ? { nonResourceUrLs: [...r.nonResourceURLs] } : {}),
    verbs: [...r.verbs],
  };
}
