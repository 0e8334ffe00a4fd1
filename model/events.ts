import type { Config } from '../config/schema';
import { subjectMatches } from '../config/schema/events';

/** The key of the server configuration in the bus's ConfigMap (the chart writes it, the program check reads it). */
export const NATS_CONFIG_FILE = 'nats.conf';

/** Is the bus generated? Only when enabled and some service declares events (nobody else may connect). */
export function eventBusDeployed(config: Config): boolean {
  return eventServices(config).length > 0;
}

/** Services that declare events, in configuration order: the bus's clients. */
export function eventServices(config: Config): Config['services'] {
  if (!config.events.enabled) return [];
  return config.services.filter((s) => s.events.publishes.length + s.events.consumes.length > 0);
}

/** `payment.completed` → `events.payment.completed` */
export function natsSubject(config: Config, subject: string): string {
  return `${config.events.subjectPrefix}.${subject}`;
}

/** The stream that stores a declared (relative) subject; the schema guarantees there is one. */
export function streamOf(config: Config, subject: string): string {
  const s = config.events.streams.find((x) => x.subjects.some((p) => subjectMatches(p, subject)));
  if (!s) throw new Error(`no stream stores "${subject}" (the configuration schema should have refused this)`);
  return s.name;
}

/** The smoke Job's pair: the first declared consumer and the service that publishes its subject. */
export function smokePair(config: Config): { publisher: string; consumer: string; subject: string; durable: string } | undefined {
  for (const c of eventServices(config)) {
    for (const { subject, durable } of c.events.consumes) {
      const p = eventServices(config).find((s) => s.events.publishes.includes(subject));
      if (p) return { publisher: p.name, consumer: c.name, subject, durable };
    }
  }
  return undefined;
}
