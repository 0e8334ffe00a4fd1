import type { UserCreatedObject } from '../lib/user-created';
import type { Components } from './environment';

/**
 * The Secrets this environment's pods reference but `dist/` never holds (credentials): the user
 * creates them, as the README shows. Derived from the configuration, so an environment that renames
 * a namespace or a Secret gets the validator's reference checks right too.
 */
export function userCreatedSecrets(model: Components): UserCreatedObject[] {
  const config = model.config;
  const ns = config.namespaces;
  const secret = (namespace: string, name: string, reason: string): UserCreatedObject => ({ kind: 'Secret', namespace, name, reason });
  const m = config.monitoring;
  return [
    ...(m.enabled
      ? [
          secret(ns.monitoring, m.grafana.adminSecret.name, 'Grafana admin login: a credential, never in dist/; created as docs/grafana.md shows'),
          secret(ns.monitoring, m.alertmanager.receiver.secretName, 'Slack/webhook URL of the alert receiver (a credential); created as docs/monitoring.md shows'),
        ]
      : []),
    ...(config.events.enabled ? [secret(ns.apps, config.events.secretName, 'NATS passwords of the event bus (admin and one per service that uses events); created as docs/event-bus.md shows')] : []),
    ...(config.auth.enabled
      ? [
          secret(ns.apps, config.auth.clientsSecret, 'client secrets of the auth service (credentials); created as the README shows'),
          secret(ns.apps, config.auth.signingKeysSecret, 'token signing keys of the auth service (credentials); created as the README shows'),
        ]
      : []),
    ...(config.jenkins.enabled ? [secret(ns.ci, config.jenkins.adminSecretName, 'Jenkins admin login: a credential, never in dist/; created as docs/jenkins.md shows')] : []),
  ];
}
