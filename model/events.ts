import type { Config } from '../config/schema';

/** Is the bus generated? Only when enabled and some service declares events (nobody else may connect). */
export function eventBusDeployed(config: Config): boolean {
  return eventServices(config).length > 0;
}

/** Services that declare events, in configuration order: the bus's clients. */
export function eventServices(config: Config): Config['services'] {
  if (!config.events.enabled) return [];
  return config.services.filter((s) => s.events.publishes.length + s.events.consumes.length > 0);
}
