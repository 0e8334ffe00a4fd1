import * as http from 'http';
import type { Config } from '../../config/schema';
import type { GatewayRoute } from '../../constructs/gateway-config';
import { resolve } from '../../model/resolve';
import { AuthInstance, startAuth, writeBundle } from './auth-service';
import { RunningGateway, startGateway, startStub } from './gateway-on-nginx';
import { freePort } from './loopback';

/** The shipped bundle on loopback, signing with key "new" and still validating "old". */
export interface RunningAuthBundle {
  /** The bundle file, for starting more instances (another key, another lifetime). */
  readonly bundle: ReturnType<typeof writeBundle>;
  readonly auth: AuthInstance;
  close(): Promise<void>;
}

export async function startAuthBundle(port?: number): Promise<RunningAuthBundle> {
  const bundle = writeBundle();
  try {
    const auth = await startAuth(bundle.file, { port, kids: ['new', 'old'] });
    return {
      bundle,
      auth,
      close: async () => {
        await auth.close();
        bundle.cleanup();
      },
    };
  } catch (e) {
    bundle.cleanup();
    throw e;
  }
}

/**
 * The generated nginx.conf of a configuration on a real nginx, with the auth bundle behind it and a
 * stub upstream per route of the resolved model (ports moved to the stubs', names kept). `hits`
 * counts the requests each route's stub received.
 */
export interface AuthGateway extends RunningAuthBundle {
  readonly gw: RunningGateway;
  readonly hits: ReadonlyMap<string, number>;
  close(): Promise<void>;
}

export interface AuthGatewayOptions {
  /** Routes beyond the model's, each given a stub of its own; `port` is the stub's. */
  readonly extraRoutes?: ReadonlyArray<Omit<GatewayRoute, 'port'>>;
  readonly trustedProxies?: string[];
}

export async function startAuthGateway(config: Config, o: AuthGatewayOptions = {}): Promise<AuthGateway> {
  const model = resolve(config);
  const stubs: http.Server[] = [];
  const hits = new Map<string, number>();
  const closeStubs = () => Promise.all(stubs.map((s) => new Promise<void>((done) => s.close(() => done()))));
  const authBundle = await startAuthBundle(await freePort());
  try {
    const routes: GatewayRoute[] = [];
    for (const r of [...model.gateway.routes, ...(o.extraRoutes ?? [])]) {
      const stub = await startStub(r.prefix);
      stub.server.on('request', () => hits.set(r.prefix, (hits.get(r.prefix) ?? 0) + 1));
      stubs.push(stub.server);
      routes.push({ ...r, port: stub.port });
    }
    const gwAuth = { ...model.gateway.auth!, port: authBundle.auth.port };
    const gw = await startGateway({ routes, auth: gwAuth, resolvable: [...routes.map((r) => r.host), gwAuth.host], ...(o.trustedProxies ? { trustedProxies: o.trustedProxies } : {}) });
    return {
      ...authBundle,
      gw,
      hits,
      close: async () => {
        await gw.close();
        await authBundle.close();
        await closeStubs();
      },
    };
  } catch (e) {
    await authBundle.close();
    await closeStubs();
    throw e;
  }
}
