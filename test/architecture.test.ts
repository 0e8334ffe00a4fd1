import { readFileSync } from 'fs';
import * as path from 'path';
import { loadConfig } from '../model/load';
import type { EnvironmentModel } from '../model/environment';
import { datastoreEndpoint, ENDPOINT, serviceEndpoint } from '../model/network';
import { resolve } from '../model/resolve';
import { architectureCommand, architectureFile, architectureMarkdown, architectureMermaid, readmeWithArchitecture } from '../report/architecture';
import { configFrom } from './support/manifests';

/** The architecture picture is drawn from the model and kept current, like dist/. */
const ROOT = path.join(__dirname, '..');

describe('the generated architecture picture', () => {
  test.each(['default', 'prod'])('docs for the %s environment are current (run `npm run architecture`)', (env) => {
    const expected = architectureMarkdown(loadConfig({ env }).model, env, architectureCommand(env));
    expect(readFileSync(path.join(ROOT, architectureFile(env)), 'utf8')).toBe(expected);
  });

  test('the README shows the default environment picture', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readmeWithArchitecture(readme, loadConfig({}).model)).toBe(readme);
  });

  test('routes, tokens, calls, events and datastores come from the configuration', () => {
    const picture = architectureMermaid(resolve(configFrom()));
    expect(picture).toMatch(/gw_gateway -->\|"\/payment\/ token, scope payment"\| svc_payment/);
    expect(picture).toMatch(/gw_gateway -->\|"\/news\/"\| svc_news/);
    expect(picture).toMatch(/svc_webtoon -->\|"REST PAYMENT_URL"\| svc_payment/);
    expect(picture).toMatch(/svc_payment -->\|"publishes payment.completed"\| bus_nats/);
    expect(picture).toMatch(/bus_nats -->\|"payment.completed \(durable webtoon-unlock\)"\| svc_webtoon/);
    expect(picture).toMatch(/db_news\[\("news-redis"\)\]/);
  });

  test('changing calls, auth or datastores changes the picture with them', () => {
    const picture = architectureMermaid(
      resolve(
        configFrom({
          services: [{ name: 'news', calls: ['shop'], datastore: { enabled: false } }, { name: 'shop', auth: { required: true, scope: 'payment' } }],
        }),
      ),
    );
    expect(picture).toMatch(/svc_news -->\|"REST SHOP_URL"\| svc_shop/);
    expect(picture).toMatch(/gw_gateway -->\|"\/shop\/ token, scope payment"\| svc_shop/);
    expect(picture).not.toMatch(/news-redis/);
    expect(picture).not.toMatch(/PAYMENT_URL|bus_nats/);
  });

  /**
   * The picture says each solid arrow inside the apps namespace is a flow the NetworkPolicies allow.
   * Arrows are read back from the Mermaid text; an event arrow points the way events go, while the
   * connection is always the service's to the bus, so for the bus either direction counts.
   */
  test.each([
    ['default', () => loadConfig({}).model],
    ['prod', () => loadConfig({ env: 'prod' }).model],
    ['calls and auth changed', () => resolve(configFrom({ services: [{ name: 'news', calls: ['shop-api'] }, { name: 'shop-api', auth: { required: true, scope: 'payment' }, calls: ['news'] }] }))],
  ])('every arrow between pods in %s is a flow of the network model', (_name, modelOf) => {
    const model: EnvironmentModel = modelOf();
    const nodeId = (kind: string, name: string) => `${kind}_${name.replace(/[^A-Za-z0-9]/g, '_')}`;
    const endpoints = new Map<string, string>([
      [nodeId('gw', model.gateway.name), ENDPOINT.gateway],
      [nodeId('auth', model.auth.name), ENDPOINT.auth],
      [nodeId('bus', model.events.name), ENDPOINT.events],
      ...model.services.flatMap((s): Array<[string, string]> => [
        [nodeId('svc', s.name), serviceEndpoint(s.name)],
        [nodeId('db', s.name), datastoreEndpoint(s.name)],
      ]),
    ]);
    const arrows = [...architectureMermaid(model).matchAll(/^\s*(\S+) (?:-->|-\.->)(?:\|[^|]*\|)? (\S+)$/gm)]
      .map((m) => [endpoints.get(m[1]), endpoints.get(m[2])])
      .filter((pair): pair is [string, string] => pair[0] !== undefined && pair[1] !== undefined);
    const flows = new Set(model.network.flows.map((f) => `${f.from} > ${f.to}`));
    const unexplained = arrows.filter(([from, to]) => !flows.has(`${from} > ${to}`) && !(to === ENDPOINT.events || from === ENDPOINT.events ? flows.has(`${to} > ${from}`) : false));
    expect(arrows.length).toBeGreaterThan(model.services.length);
    expect(unexplained).toEqual([]);
  });
});
