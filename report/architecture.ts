import type { EnvironmentModel } from '../model/environment';

/**
 * The architecture picture of an environment, drawn from its resolved model: the same names,
 * routes, calls, events and datastores the charts render, so the picture cannot drift from the
 * manifests. Mermaid, so GitHub and most editors render it.
 */

/** A Mermaid node id: letters, digits and underscores only. */
const id = (kind: string, name: string) => `${kind}_${name.replace(/[^A-Za-z0-9]/g, '_')}`;
/** Text in a label, quoted so Mermaid takes `/`, `.` and `>` literally. */
const label = (text: string) => `"${text.replace(/"/g, '#quot;')}"`;

export function architectureMermaid(model: EnvironmentModel): string {
  const config = model.config;
  const lines: string[] = ['flowchart LR'];
  const edge = (from: string, to: string, text?: string, dotted = false) =>
    lines.push(`  ${from} ${dotted ? '-.->' : '-->'}${text ? `|${label(text)}|` : ''} ${to}`);
  const gw = id('gw', model.gateway.name);
  const bus = id('bus', model.events.name);
  const auth = id('auth', model.auth.name);

  lines.push(`  client((client))`);
  lines.push(`  subgraph apps[${label(`namespace ${model.gateway.namespace}: Pod Security restricted, default-deny`)}]`);
  lines.push(`    ${gw}[${label(`API gateway ${model.gateway.name}: nginx + exporter`)}]`);
  if (model.auth.enabled) lines.push(`    ${auth}[${label(`auth service ${model.auth.name}`)}]`);
  for (const { name, config: s, datastore } of model.services) {
    const scaling = s.autoscaling ? `HPA ${s.autoscaling.minReplicas}..${s.autoscaling.maxReplicas}` : `${s.replicas} replica${s.replicas === 1 ? '' : 's'}`;
    lines.push(`    ${id('svc', name)}[${label(`${name}: ${scaling}`)}]`);
    if (s.datastore.enabled) lines.push(`    ${id('db', name)}[(${label(datastore.name)})]`);
  }
  if (model.events.deployed) lines.push(`    ${bus}{{${label(`event bus ${model.events.name}: NATS JetStream, ${config.events.replicas} server${config.events.replicas === 1 ? '' : 's'}`)}}}`);
  lines.push('  end');

  edge('client', gw, config.gateway.ingress.enabled ? 'Ingress / Service' : `Service (${config.gateway.service.type})`);
  for (const s of model.services) {
    // The gateway's route to this service's Service (one per service).
    for (const r of model.gateway.routes.filter((x) => x.host === s.host)) {
      const route = `/${r.prefix}/`;
      edge(gw, id('svc', s.name), r.auth ? `${route} token, scope ${r.auth.scope ?? 'any'}` : route);
    }
    if (s.config.datastore.enabled) edge(id('svc', s.name), id('db', s.name), 'its own data');
    for (const call of s.calls) edge(id('svc', s.name), id('svc', call.service), `REST ${call.env}`);
  }
  if (model.gateway.auth) {
    edge('client', gw, `POST ${model.gateway.auth.tokenPath}`);
    edge(gw, auth, 'auth_request, token', true);
  }
  for (const s of model.events.clients) {
    for (const subject of s.events.publishes) edge(id('svc', s.name), bus, `publishes ${subject}`);
    for (const c of s.events.consumes) edge(bus, id('svc', s.name), `${c.subject} (durable ${c.durable})`);
  }

  if (model.prometheus.enabled) {
    lines.push(`  subgraph mon[${label(`namespace ${model.prometheus.namespace}`)}]`);
    lines.push(`    prom[Prometheus] --> am[Alertmanager]`);
    lines.push(`    ksm[kube-state-metrics] -.-> prom`);
    lines.push(`    graf[Grafana] --> prom`);
    lines.push('  end');
    lines.push(`  nodeexp[${label(`node-exporter, namespace ${model.nodeExporter.namespace}`)}] -.-> prom`);
    lines.push(`  prom -.->|scrape| apps`);
  }
  const g = model.gitops;
  if (model.jenkins.enabled) {
    lines.push(`  subgraph ci[${label(`namespace ${model.jenkins.namespace}`)}]`);
    lines.push(`    jenkins[${label(`Jenkins: ${model.jenkins.deploys ? 'deploys' : 'tests and checks'} ${config.jenkins.deploy.environment}`)}]`);
    lines.push('  end');
    if (model.jenkins.deploys) lines.push(`  jenkins -->|${label('kubectl apply --server-side')}| apps`);
    if (model.prometheus.enabled) lines.push(`  prom -.->|scrape| jenkins`);
  }
  if (g.tool) {
    lines.push(`  gitops[${label(`${g.tool} in ${g.namespace}: pulls ${g.repositoryPath}/ from Git`)}]`);
    lines.push(`  gitops -->|${label('server-side apply, prune')}| apps`);
  }
  return lines.join('\n');
}

export function architectureMarkdown(model: EnvironmentModel, env: string, command: string): string {
  return [
    `# Architecture of the \`${env}\` environment`,
    '',
    `Generated from the configuration by \`${command}\`; a test keeps it current. Solid arrows are`,
    'requests and events (each one a flow the NetworkPolicies allow), dotted arrows are checks and',
    'scrapes. Routes marked "token" go through the auth service first.',
    '',
    '```mermaid',
    architectureMermaid(model),
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
export function readmeWithArchitecture(readme: string, model: EnvironmentModel): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${README_START} … ${README_END} section`);
  const block = ['```mermaid', architectureMermaid(model), '```'].join('\n');
  return `${readme.slice(0, start + README_START.length)}\n${block}\n${readme.slice(end)}`;
}
