import type { Config } from '../config/schema';
import { repositoryPath } from '../charts/gitops';
import { AUTH_TOKEN_PATH } from '../config/schema/auth';
import { TOOL_NAMESPACE } from '../config/schema/gitops';
import { calleeEnvName } from '../config/schema/microservices';
import { eventBusDeployed, eventServices } from '../constructs/nats-config';
import { datastoreName } from '../constructs/redis-datastore';

/**
 * The architecture picture of an environment, drawn from its configuration: the same declarations
 * the charts read (routes, tokens, calls, events, datastores), so the picture cannot drift from the
 * manifests. Mermaid, so GitHub and most editors render it.
 */

/** A Mermaid node id: letters, digits and underscores only. */
const id = (kind: string, name: string) => `${kind}_${name.replace(/[^A-Za-z0-9]/g, '_')}`;
/** Text in a label, quoted so Mermaid takes `/`, `.` and `>` literally. */
const label = (text: string) => `"${text.replace(/"/g, '#quot;')}"`;

export function architectureMermaid(config: Config): string {
  const ns = config.namespaces;
  const lines: string[] = ['flowchart LR'];
  const edge = (from: string, to: string, text?: string, dotted = false) =>
    lines.push(`  ${from} ${dotted ? '-.->' : '-->'}${text ? `|${label(text)}|` : ''} ${to}`);
  const gw = id('gw', config.gateway.name);
  const bus = id('bus', config.events.name);
  const auth = id('auth', config.auth.name);

  lines.push(`  client((client))`);
  lines.push(`  subgraph apps[${label(`namespace ${ns.apps}: Pod Security restricted, default-deny`)}]`);
  lines.push(`    ${gw}[${label(`API gateway ${config.gateway.name}: nginx + exporter`)}]`);
  if (config.auth.enabled) lines.push(`    ${auth}[${label(`auth service ${config.auth.name}`)}]`);
  for (const s of config.services) {
    const scaling = s.autoscaling ? `HPA ${s.autoscaling.minReplicas}..${s.autoscaling.maxReplicas}` : `${s.replicas} replica${s.replicas === 1 ? '' : 's'}`;
    lines.push(`    ${id('svc', s.name)}[${label(`${s.name}: ${scaling}`)}]`);
    if (s.datastore.enabled) lines.push(`    ${id('db', s.name)}[(${label(datastoreName(s.name))})]`);
  }
  if (eventBusDeployed(config)) lines.push(`    ${bus}{{${label(`event bus ${config.events.name}: NATS JetStream, ${config.events.replicas} server${config.events.replicas === 1 ? '' : 's'}`)}}}`);
  lines.push('  end');

  edge('client', gw, config.gateway.ingress.enabled ? 'Ingress / Service' : `Service (${config.gateway.service.type})`);
  for (const s of config.services) {
    const route = `/${s.name}/`;
    edge(gw, id('svc', s.name), s.auth.required ? `${route} token, scope ${s.auth.scope ?? 'any'}` : route);
    if (s.datastore.enabled) edge(id('svc', s.name), id('db', s.name), 'its own data');
    for (const callee of s.calls) edge(id('svc', s.name), id('svc', callee), `REST ${calleeEnvName(callee)}`);
  }
  if (config.auth.enabled) {
    edge('client', gw, `POST ${AUTH_TOKEN_PATH}`);
    edge(gw, auth, 'auth_request, token', true);
  }
  for (const s of eventServices(config)) {
    for (const subject of s.events.publishes) edge(id('svc', s.name), bus, `publishes ${subject}`);
    for (const c of s.events.consumes) edge(bus, id('svc', s.name), `${c.subject} (durable ${c.durable})`);
  }

  if (config.monitoring.enabled) {
    lines.push(`  subgraph mon[${label(`namespace ${ns.monitoring}`)}]`);
    lines.push(`    prom[Prometheus] --> am[Alertmanager]`);
    lines.push(`    ksm[kube-state-metrics] -.-> prom`);
    lines.push(`    graf[Grafana] --> prom`);
    lines.push('  end');
    lines.push(`  nodeexp[${label(`node-exporter, namespace ${ns.nodeMonitoring}`)}] -.-> prom`);
    lines.push(`  prom -.->|scrape| apps`);
  }
  const gitops = config.gitops.mode === 'none' ? undefined : config.gitops.mode === 'argocd' ? 'Argo CD' : 'Flux';
  if (config.jenkins.enabled) {
    lines.push(`  subgraph ci[${label(`namespace ${ns.ci}`)}]`);
    lines.push(`    jenkins[${label(`Jenkins: ${gitops ? 'tests and checks' : 'deploys'} ${config.jenkins.deploy.environment}`)}]`);
    lines.push('  end');
    if (!gitops) lines.push(`  jenkins -->|${label('kubectl apply --server-side')}| apps`);
    if (config.monitoring.enabled) lines.push(`  prom -.->|scrape| jenkins`);
  }
  if (gitops) {
    const where = config.gitops.namespace ?? TOOL_NAMESPACE[config.gitops.mode as 'argocd' | 'flux'];
    lines.push(`  gitops[${label(`${gitops} in ${where}: pulls ${repositoryPath(config)}/ from Git`)}]`);
    lines.push(`  gitops -->|${label('server-side apply, prune')}| apps`);
  }
  return lines.join('\n');
}

export function architectureMarkdown(config: Config, env: string, command: string): string {
  return [
    `# Architecture of the \`${env}\` environment`,
    '',
    `Generated from the configuration by \`${command}\`; a test keeps it current. Solid arrows are`,
    'requests and events (each one a flow the NetworkPolicies allow), dotted arrows are checks and',
    'scrapes. Routes marked "token" go through the auth service first.',
    '',
    '```mermaid',
    architectureMermaid(config),
    '```',
    '',
  ].join('\n');
}

/** Where an environment's picture lives, relative to the project root. */
export function architectureFile(env: string): string {
  return env === 'default' ? 'docs/architecture.md' : `docs/architecture-${env}.md`;
}

export function architectureCommand(env: string): string {
  return env === 'default' ? 'npm run architecture' : `npm run architecture -- --env ${env}`;
}

const README_START = '<!-- architecture:start (written by `npm run architecture`) -->';
const README_END = '<!-- architecture:end -->';

/** The README with the default environment's picture between its markers. */
export function readmeWithArchitecture(readme: string, config: Config): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${README_START} … ${README_END} section`);
  const block = ['```mermaid', architectureMermaid(config), '```'].join('\n');
  return `${readme.slice(0, start + README_START.length)}\n${block}\n${readme.slice(end)}`;
}
