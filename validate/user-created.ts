import type { UserCreatedObject } from '../lib/user-created';

export type { UserCreatedObject };

// Objects the user creates in the cluster (lib/user-created.ts): credentials never belong in
// generated manifests (the docs give the one `kubectl create secret …` command for each).
// Namespaces and names are the configuration defaults; an environment that renames them passes
// its own list (validateManifests options) or keeps the defaults for these Secrets.
export const USER_CREATED: readonly UserCreatedObject[] = [
  { kind: 'Secret', namespace: 'monitoring', name: 'grafana-admin', reason: 'Grafana admin login: a credential, never in dist/; created as docs/grafana.md shows' },
  { kind: 'Secret', namespace: 'monitoring', name: 'alertmanager-receiver', reason: 'Slack/webhook URL of the alert receiver (a credential); created as docs/monitoring.md shows' },
  { kind: 'Secret', namespace: 'container-infra', name: 'nats-credentials', reason: 'NATS passwords of the event bus (admin and one per service that uses events); created as docs/event-bus.md shows' },
  { kind: 'Secret', namespace: 'container-infra', name: 'auth-clients', reason: 'client secrets of the auth service (credentials); created as the README shows' },
  { kind: 'Secret', namespace: 'container-infra', name: 'auth-signing-keys', reason: 'token signing keys of the auth service (credentials); created as the README shows' },
  { kind: 'Secret', namespace: 'ci', name: 'jenkins-admin', reason: 'Jenkins admin login: a credential, never in dist/; created as docs/jenkins.md shows' },
];

export function isUserCreated(kind: string, namespace: string, name: string, list: readonly UserCreatedObject[] = USER_CREATED): UserCreatedObject | undefined {
  return list.find((o) => o.kind === kind && o.namespace === namespace && o.name === name);
}
