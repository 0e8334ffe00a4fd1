import type { K8sObject } from '../manifests';
import { checkMonitoring } from './monitoring-check';
import { checkNats, EventClient } from './nats-check';
import { checkNginx } from './nginx-check';
import { checkRedis } from './redis-check';
import type { ProgramResult } from './results';

export { eventClients } from './nats-check';
export type { EventClient } from './nats-check';
export { formatResult } from './results';
export type { ProgramResult, ProgramStatus } from './results';

export interface ProgramCheckOptions {
  /** Start nginx and send one request through a route (besides `nginx -t`). */
  readonly startNginx: boolean;
  /** The services' event declarations (from the configuration), for a publish and a pull per subject. */
  readonly eventClients?: readonly EventClient[];
}

/**
 * "Does the real program take it": each program the manifests configure, run on what they carry
 * (`npm run validate -- --programs`, and the property test on generated configurations). One after
 * another: the machine may be small, and each check starts and stops its own processes.
 */
export async function checkPrograms(objects: readonly K8sObject[], o: ProgramCheckOptions): Promise<ProgramResult[]> {
  return [
    ...(await checkNginx(objects, { start: o.startNginx })),
    ...(await checkNats(objects, { clients: o.eventClients })),
    ...(await checkMonitoring(objects)),
    ...(await checkRedis(objects)),
  ];
}
