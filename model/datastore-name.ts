/** The datastore of a microservice: its Service, StatefulSet and the `service` label of its metrics. */
export function datastoreName(service: string): string {
  return `${service}-redis`;
}
