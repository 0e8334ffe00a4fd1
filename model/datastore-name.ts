/** The datastore of a microservice: its Service, StatefulSet and the `service` label of its metrics. */
export function datastoreName(service: string): string {
  return `${service}-redis`;
}

/** The `app.kubernetes.io/component` of every datastore; alerts and dashboards select on it. */
export const DATASTORE_COMPONENT = 'datastore';
