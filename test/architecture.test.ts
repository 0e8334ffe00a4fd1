import { readFileSync } from 'fs';
import * as path from 'path';
import { loadConfig } from '../model/load';
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
});
