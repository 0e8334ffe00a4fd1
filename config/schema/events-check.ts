import type { z } from 'zod';
import { quantityBytes } from '../../validate/quantity';
import { ADMIN_USER, EventsConfig, ServiceEvents, STORE_SHARE, subjectMatches, subjectsOverlap } from './events';

interface Checked {
  readonly events: EventsConfig;
  readonly services: ReadonlyArray<{ readonly name: string; readonly events: ServiceEvents }>;
}

/**
 * Rules between the services' event declarations and the bus: a service publishes only under its
 * own name, every published subject is stored by exactly one stream, a consumed subject is one some
 * service publishes, durable names are unique per stream, streams fit the cluster and the volume.
 * Each issue names the field to change.
 */
export function checkEvents(config: Checked, ctx: z.RefinementCtx): void {
  const ev = config.events;
  if (!ev.enabled) return;
  const issue = (path: Array<string | number>, message: string) => ctx.addIssue({ code: 'custom', path, message });

  ev.streams.forEach((s, k) => {
    // JetStream refuses a stream whose own subjects repeat or overlap ("subject … overlaps with …").
    s.subjects.forEach((a, i) => {
      const j = s.subjects.findIndex((b, x) => x < i && subjectsOverlap(a, b));
      if (j >= 0) issue(['events', 'streams', k, 'subjects', i], `"${a}" ${a === s.subjects[j] ? 'repeats' : 'overlaps'} "${s.subjects[j]}" (subjects[${j}]); JetStream refuses a stream whose subjects overlap: keep the wider one`);
    });
    if (s.replicas > ev.replicas) issue(['events', 'streams', k, 'replicas'], `must be at most events.replicas (${ev.replicas}): a stream cannot keep more copies than there are servers`);
    ev.streams.slice(0, k).forEach((other, o) => {
      if (other.name === s.name) issue(['events', 'streams', k, 'name'], `duplicate stream name "${s.name}" (already events.streams[${o}])`);
      for (const a of s.subjects) {
        const b = other.subjects.find((x) => subjectsOverlap(a, x));
        if (b) issue(['events', 'streams', k, 'subjects'], `"${a}" overlaps "${b}" of events.streams[${o}] (${other.name}); JetStream refuses streams whose subjects overlap`);
      }
    });
  });
  if (quantityBytes(ev.storage.size) > Number.MAX_SAFE_INTEGER) {
    // Byte counts are written exactly into nats.conf (max_file_store) and the stream definitions.
    issue(['events', 'storage', 'size'], `must be less than 8Pi (at most ${Number.MAX_SAFE_INTEGER} bytes)`);
  } else {
    const store = Math.floor(quantityBytes(ev.storage.size) * STORE_SHARE);
    const reserved = ev.streams.reduce((sum, s) => sum + quantityBytes(s.maxBytes), 0);
    if (reserved > store) {
      issue(['events', 'streams'], `the streams' maxBytes add up to ${reserved} bytes, more than the ${store} bytes JetStream gets from events.storage.size ${ev.storage.size} (${STORE_SHARE * 100} %); lower maxBytes or raise the storage size`);
    }
  }

  const published = new Map<string, string>();
  config.services.forEach((svc, i) => {
    const at = (...rest: Array<string | number>) => ['services', i, 'events', ...rest];
    const uses = svc.events.publishes.length + svc.events.consumes.length > 0;
    if (uses && svc.name === ADMIN_USER) issue(['services', i, 'name'], `"${ADMIN_USER}" is the NATS identity of the stream Job; a service that uses events needs another name`);
    svc.events.publishes.forEach((subject, j) => {
      if (!subject.startsWith(`${svc.name}.`)) {
        issue(at('publishes', j), `"${subject}" is outside the service's own subjects: ${svc.name} may publish only "${svc.name}.<event>"`);
        return;
      }
      if (svc.events.publishes.indexOf(subject) !== j) issue(at('publishes', j), `"${subject}" is listed twice`);
      const streams = ev.streams.filter((s) => s.subjects.some((p) => subjectMatches(p, subject)));
      if (streams.length === 0) {
        issue(at('publishes', j), `no stream stores "${subject}": add a subject that covers it (such as "${svc.name}.>") to one of events.streams (${ev.streams.map((s) => s.name).join(', ') || 'none'})`);
      }
      published.set(subject, svc.name);
    });
  });

  const durables = new Map<string, string>();
  config.services.forEach((svc, i) => {
    svc.events.consumes.forEach((c, j) => {
      const at = ['services', i, 'events', 'consumes', j];
      if (!published.has(c.subject)) {
        const known = [...published.keys()].sort();
        issue([...at, 'subject'], `no service publishes "${c.subject}"; published subjects: ${known.length ? known.map((s) => `"${s}"`).join(', ') : 'none'}`);
        return;
      }
      const stream = ev.streams.find((s) => s.subjects.some((p) => subjectMatches(p, c.subject)));
      if (!stream) return; // reported at the publisher
      const key = `${stream.name}/${c.durable}`;
      const owner = durables.get(key);
      if (owner) issue([...at, 'durable'], `durable "${c.durable}" is already used in stream ${stream.name} by ${owner}; each consumer needs its own name`);
      durables.set(key, `services[${i}] (${svc.name})`);
    });
  });
}
