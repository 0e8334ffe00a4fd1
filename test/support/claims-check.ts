import { HASH_SUFFIX_LENGTH } from '../../model/claims';
import { resolve } from '../../model/resolve';
import { gatewayOwnedSegments } from '../../config/gateway-paths';
import type { Config } from '../../config/schema';
import { calleeEnvName, GENERATED_ENV } from '../../config/schema/microservices';
import { NGINX_CONFIG_FILE } from '../../charts/gateway';
import { allContainers, K8sObject, podSpecOf, workloads } from './manifests';

const id = (kind: string, namespace: string | undefined, name: string) => `${kind} ${namespace ? `${namespace}/` : ''}${name}`;

/**
 * Where the registry of names, ports and paths (model/claims.ts, config/gateway-paths.ts,
 * GENERATED_ENV) and what the charts synthesized disagree. Empty when the registry is the truth:
 * every object claimed and every non-optional claim synthesized, every container port claimed for
 * its pod, every generated variable listed, every gateway location a route or a gateway-owned path.
 */
export function registryMismatches(config: Config, objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const model = resolve(config);
  const claims = model.objects;
  const exact = new Set(claims.filter((c) => !c.prefix).flatMap((c) => c.kinds.map((k) => id(k, c.namespace, c.name))));
  const prefixes = claims.filter((c) => c.prefix);
  const synthesized = new Set(objects.map((o) => id(o.kind, o.metadata.namespace, o.metadata.name)));

  for (const o of objects) {
    const { namespace, name } = o.metadata;
    const byPrefix = prefixes.some((c) => c.kinds.includes(o.kind) && c.namespace === namespace && name.startsWith(c.name) && name.length === c.name.length + HASH_SUFFIX_LENGTH);
    if (!exact.has(id(o.kind, namespace, name)) && !byPrefix) problems.push(`not claimed in model/claims.ts: ${id(o.kind, namespace, name)}`);
  }
  for (const c of claims) {
    if (c.optional) continue;
    for (const kind of c.kinds) {
      const present = c.prefix ? objects.some((o) => o.kind === kind && o.metadata.namespace === c.namespace && o.metadata.name.startsWith(c.name)) : synthesized.has(id(kind, c.namespace, c.name));
      if (!present) problems.push(`claimed by ${c.field} but not synthesized: ${id(kind, c.namespace, c.prefix ? `${c.name}<hash>` : c.name)}`);
    }
  }

  // Ports: every declared containerPort of a pod is one the registry lists for that pod.
  const pods = new Map(model.podPorts.map((p) => [id(p.kind, p.namespace, p.name), new Set(p.ports.map((x) => x.port))]));
  for (const w of workloads(objects)) {
    if (w.kind === 'Job') continue; // the event bus's Jobs listen on nothing
    const claimed = pods.get(id(w.kind, w.metadata.namespace, w.metadata.name));
    if (!claimed) {
      problems.push(`no podPorts entry in model/claims.ts for ${id(w.kind, w.metadata.namespace, w.metadata.name)}`);
      continue;
    }
    for (const c of allContainers(podSpecOf(w))) {
      for (const p of c.ports ?? []) {
        if (!claimed.has(p.containerPort)) problems.push(`port ${p.containerPort} of ${id(w.kind, w.metadata.namespace, w.metadata.name)} (container ${c.name}) is not in its podPorts`);
      }
    }
  }

  // Environment: a service container's variables are the user's `env` and the generated ones, the
  // latter spelled here from the configuration's rules (not read from model/env.ts), all in GENERATED_ENV.
  const eventUsers = new Set(config.events.enabled ? config.services.filter((s) => s.events.publishes.length + s.events.consumes.length > 0).map((s) => s.name) : []);
  const asymmetric = config.auth.enabled && config.auth.signingAlgorithm !== 'HS256';
  for (const s of config.services) {
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.namespace === config.namespaces.apps && o.metadata.name === s.name);
    const app = deployment ? podSpecOf(deployment).containers.find((c: any) => c.name === 'app') : undefined;
    const names = ((app?.env ?? []) as { name: string }[]).map((e) => e.name).sort();
    const receivesTokens = s.auth.required || s.auth.forwardAuthorization || config.services.some((x) => x.calls.includes(s.name));
    const generated = [
      ...(s.datastore.enabled ? ['DATASTORE_URL'] : []),
      ...(s.message !== undefined ? ['PODINFO_UI_MESSAGE'] : []),
      ...(eventUsers.has(s.name) ? ['NATS_URL', 'NATS_USER', 'NATS_PASSWORD', 'NATS_INBOX_PREFIX', 'NATS_JS_API_PREFIX'] : []),
      ...(asymmetric && receivesTokens ? ['AUTH_JWKS_URL'] : []),
    ];
    const unlisted = generated.filter((n) => !(GENERATED_ENV as readonly string[]).includes(n));
    if (unlisted.length) problems.push(`service ${s.name}: generated ${unlisted.join(',')} not in GENERATED_ENV`);
    const expected = [...Object.keys(s.env), ...generated, ...s.calls.map(calleeEnvName)].sort();
    if (JSON.stringify(names) !== JSON.stringify(expected)) problems.push(`service ${s.name}: env ${names.join(',')} is not its env entries plus the generated ones (${expected.join(',')})`);
  }

  // Gateway: every public location is a service route, a gateway-owned path or internal ("/_…").
  const gatewayConf = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === `${config.gateway.name}-nginx`)?.data?.[NGINX_CONFIG_FILE] as string | undefined;
  if (!gatewayConf) problems.push('no gateway nginx.conf');
  else {
    const publicServer = gatewayConf.slice(0, gatewayConf.indexOf(`listen 127.0.0.1:`));
    const locations = [...publicServer.matchAll(/location (= )?(\/\S*) \{/g)].map((m) => `${m[1] ?? ''}${m[2]}`);
    const dup = locations.filter((l, i) => locations.indexOf(l) !== i);
    if (dup.length) problems.push(`gateway locations defined twice: ${dup.join(', ')}`);
    const owned = gatewayOwnedSegments(config.auth.enabled);
    const routes = new Set(config.services.map((s) => s.name));
    for (const l of locations) {
      const segment = l.replace(/^= /, '').split('/')[1];
      if (segment !== '' && !segment.startsWith('_') && !routes.has(segment) && !owned.has(segment)) problems.push(`gateway location ${l} is neither a route nor in config/gateway-paths.ts`);
    }
    for (const segment of owned.keys()) {
      if (!locations.some((l) => l.replace(/^= /, '').split('/')[1] === segment)) problems.push(`config/gateway-paths.ts owns /${segment} but the gateway serves no such location`);
    }
  }
  return problems;
}
