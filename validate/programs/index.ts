import type { K8sObject } from '../manifests';
import { checkMonitoring } from './monitoring-check';
import { checkNats, EventClient } from './nats-check';
import { checkNginx } from './nginx-check';
import { checkRedis } from './redis-check';
import { findNginx } from './loopback';
import type { Installed, ProgramResult } from './results';
import { findTool } from './tools';

export { eventClients } from './nats-check';
export type { EventClient } from './nats-check';
export { formatResult } from './results';
export type { ProgramResult, ProgramStatus } from './results';

export interface ProgramCheckOptions {
  /** Start nginx and send one request through a route (besides `nginx -t`). */
  readonly startNginx: boolean;
  /** The services' event declarations (from the configuration), for a publish and a pull per subject. */
  readonly eventClients?: readonly EventClient[];
  /** Default: found in .tools/bin or on the PATH (nginx also in /usr/sbin). */
  readonly installed?: Installed;
}

export const isInstalled: Installed = (program) => (program === 'nginx' ? findNginx() : findTool(program)) !== undefined;

/**
 * "Does the real program take it": each program the manifests configure, run on what they carry
 * (`npm run validate -- --programs`, and the property test on generated configurations). One after
 * another: the machine may be small, and each check starts and stops its own processes.
 */
export async function checkPrograms(objects: readonly K8sObject[], o: ProgramCheckOptions): Promise<ProgramResult[]> {
  const installed = o.installed ?? isInstalled;
  return [
    ...(await checkNginx(objects, { start: o.startNginx, installed })),
    ...(await checkNats(objects, { clients: o.eventClients, installed })),
    ...(await checkMonitoring(objects, installed)),
    ...(await checkRedis(objects, installed)),
  ];
}
