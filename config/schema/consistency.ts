import { z } from 'zod';
import { quantityNanos } from '../../lib/quantity';
import { RESERVED_NAMESPACES } from './common';
import type { Config } from './object';

type Path = (string | number)[];

/**
 * Checks across sections, so that an accepted configuration yields objects that fit together: an
 * autoscaler that can compute utilization, and no component in a namespace Kubernetes itself uses. Checks on derived names and
 * ports (one owner per object name and gateway path, one listener per port) run on the resolved model
 * (model/check.ts) once this schema has accepted the configuration.
 */
export function checkConsistency(c: Config, ctx: z.core.$RefinementCtx<Config>): void {
  const issue = (path: Path, message: string) => ctx.addIssue({ code: 'custom', path, message });

  for (const [key, value] of Object.entries(c.namespaces)) {
    if ((RESERVED_NAMESPACES as readonly string[]).includes(value)) {
      issue(['namespaces', key], `"${value}" is a namespace Kubernetes or its users already rely on; this environment labels its namespaces Pod Security "restricted" and denies all traffic by default there, so it needs namespaces of its own (not ${RESERVED_NAMESPACES.join(', ')})`);
    }
  }

  // The deploy identity's Roles go into the listed namespaces: only ones this environment creates.
  const created = [c.namespaces.apps, c.namespaces.ci, ...(c.monitoring.enabled ? [c.namespaces.monitoring, c.namespaces.nodeMonitoring] : [])];
  if (c.jenkins.enabled) {
    c.jenkins.deploy.namespaces?.forEach((n, i) => {
      if (!created.includes(n)) issue(['jenkins', 'deploy', 'namespaces', i], `"${n}" is not a namespace of this environment: the deploy identity's Role there would land in a namespace the manifests do not create (allowed: ${created.join(', ')})`);
    });
  }

  c.services.forEach((s, i) => {
    if (s.autoscaling && (quantityNanos(s.resources.requests.cpu) ?? 0n) <= 0n) {
      issue(['services', i, 'resources', 'requests', 'cpu'], 'must be above 0 with autoscaling: the HorizontalPodAutoscaler measures CPU use as a share of the request');
    }
  });
}
