/** The parent type: one CRD for every environment in a cluster (its name is cluster-wide). */
export const APPLYSET_TYPE = {
  group: 'deploy.container-infra.dev',
  version: 'v1',
  kind: 'ApplySet',
  plural: 'applysets',
  singular: 'applyset',
} as const;

/** `applysets.deploy.container-infra.dev`: CRD names are `<plural>.<group>`. */
export const APPLYSET_CRD_NAME = `${APPLYSET_TYPE.plural}.${APPLYSET_TYPE.group}`;
