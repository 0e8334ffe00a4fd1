import type { Config } from '../config/schema';
import { JOBS } from '../model/scrape-jobs';

/** The exporter's series of this bus, as the annotated-pods job labels them. */
export function eventBusSelector(config: Config): string {
  return `job="${JOBS.annotatedPods}", namespace="${config.namespaces.apps}", service="${config.events.name}"`;
}
