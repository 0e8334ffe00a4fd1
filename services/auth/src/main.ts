// Entry point of the auth service bundle: settings from the environment, listen, stop cleanly.
import { loadAuth } from './config';
import { createAuthServer } from './server';

const SHUTDOWN_DELAY_MS = Number(process.env.AUTH_SHUTDOWN_DELAY_MS ?? 5000);

function main(): void {
  const auth = loadAuth(process.env);
  const { server, setReady } = createAuthServer(auth);
  server.listen(auth.settings.port, process.env.AUTH_LISTEN_HOST ?? '0.0.0.0', () => {
    console.log(JSON.stringify({ level: 'info', msg: 'listening', port: auth.settings.port, algorithm: auth.settings.algorithm, keys: auth.settings.keys.map((k) => k.kid), clients: auth.settings.clients.map((c) => c.id) }));
  });
  const stop = () => {
    // Unready first, so the endpoints drop this pod while it still answers; then close.
    setReady(false);
    setTimeout(() => {
      server.close(() => process.exit(0));
      server.closeIdleConnections();
      setTimeout(() => process.exit(0), 5000).unref();
    }, SHUTDOWN_DELAY_MS);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

try {
  main();
} catch (e) {
  console.error(JSON.stringify({ level: 'fatal', msg: e instanceof Error ? e.message : String(e) }));
  process.exit(1);
}
