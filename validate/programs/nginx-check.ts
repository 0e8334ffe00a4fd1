import { spawnSync } from 'child_process';
import { chmodSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { tmpdir } from 'os';
import * as path from 'path';
import type { K8sObject } from '../manifests';
import { podSpecOf } from './container-run';
import { DnsStub, findNginx, request, startLogged, stop, TIMEOUT_MS, waitFor } from './loopback';
import { freePorts } from './processes';
import { attempt, Installed, notInstalled, ProgramResult } from './results';

/**
 * Every nginx container of the manifests (command `nginx`) on the real nginx: its nginx.conf from
 * the ConfigMap it mounts, checked with `nginx -t`, and (`start`) run with one request through a
 * route. Only what cannot exist outside the pod changes, each rewrite explicit and failing when
 * its line is missing: listen ports → free loopback ports; the writable emptyDir mounts → a temp
 * directory; the resolver → a DNS stub answering 127.0.0.1 for the upstream names the file sets;
 * upstream ports → one loopback stub that answers 200 to anything (the auth check included).
 */

interface NginxPod {
  readonly workload: K8sObject;
  readonly container: any;
  /** nginx.conf as generated, and the ConfigMap it came from. */
  readonly conf: string;
  readonly source: string;
  /** Mount paths of writable (emptyDir) volumes: the conf's pid and temp paths live there. */
  readonly writable: string[];
}

function nginxPods(objects: readonly K8sObject[]): NginxPod[] {
  const out: NginxPod[] = [];
  for (const w of objects) {
    const spec = podSpecOf(w);
    if (!spec || w.kind === 'ConfigMap') continue;
    for (const c of spec.containers ?? []) {
      if ((c.command ?? [])[0] !== 'nginx') continue;
      const i = (c.args ?? []).indexOf('-c');
      if (i < 0) continue;
      const confPath: string = c.args[i + 1];
      const mount = (c.volumeMounts ?? []).find((m: any) => confPath.startsWith(`${m.mountPath}/`));
      const volume = mount && spec.volumes.find((v: any) => v.name === mount.name);
      const cm = volume?.configMap && objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume.configMap.name && o.metadata.namespace === w.metadata.namespace);
      const conf = cm?.data?.[confPath.slice(mount.mountPath.length + 1)];
      if (typeof conf !== 'string') continue;
      const writable = (c.volumeMounts ?? []).filter((m: any) => spec.volumes.find((v: any) => v.name === m.name)?.emptyDir).map((m: any) => m.mountPath);
      out.push({ workload: w, container: c, conf, source: `ConfigMap ${cm.metadata.namespace}/${cm.metadata.name}`, writable });
    }
  }
  return out;
}

function mustReplace(text: string, re: RegExp, by: (...m: string[]) => string, what: string): string {
  if (!re.test(text)) throw new Error(`nginx.conf has no ${what}`);
  re.lastIndex = 0;
  return text.replace(re, by as any);
}

interface Local {
  readonly conf: string;
  readonly listen: number[];
  readonly upstreamHosts: string[];
}

/** The rewrites listed above; `ports` are used in order for the listen directives. */
function localConf(pod: NginxPod, dir: string, ports: number[], dnsPort: number, upstreamPort: number): Local {
  let conf = pod.conf;
  for (const m of pod.writable) conf = conf.split(` ${m}/`).join(` ${dir}/`);
  const listen: number[] = [];
  conf = mustReplace(conf, /^(\s*listen )(?:127\.0\.0\.1:)?([0-9]+)(;| )/gm, (_a, lead, _port, end) => {
    const p = ports[listen.length];
    if (p === undefined) throw new Error('more listen directives than ports');
    listen.push(p);
    return `${lead}127.0.0.1:${p}${end}`;
  }, 'listen directive');
  conf = conf.replace(/^(\s*resolver )\S+/gm, `$1127.0.0.1:${dnsPort}`);
  const upstreamHosts: string[] = [];
  conf = conf.replace(/^(\s*set \$\S+ )([a-z0-9.-]+):([0-9]+);$/gm, (_a, lead: string, host: string) => {
    upstreamHosts.push(host);
    return `${lead}${host}:${upstreamPort};`;
  });
  return { conf, listen, upstreamHosts };
}

/** The first route: a prefix location that proxies (`location /news/ { … proxy_pass … }`). */
function firstRoute(conf: string): string | undefined {
  const re = /^(\s*)location (\/[a-z0-9-]+\/) \{\n([\s\S]*?)^\1\}$/gm;
  for (let m = re.exec(conf); m; m = re.exec(conf)) if (/^\s*proxy_pass /m.test(m[3])) return m[2];
  return undefined;
}

export async function checkNginx(objects: readonly K8sObject[], o: { start: boolean; installed: Installed }): Promise<ProgramResult[]> {
  const pods = nginxPods(objects);
  const nginx = o.installed('nginx') ? findNginx() : undefined;
  const results: ProgramResult[] = [];
  for (const pod of pods) {
    const where = `${pod.workload.kind} ${pod.workload.metadata.namespace}/${pod.workload.metadata.name} (${pod.source})`;
    if (!nginx) {
      results.push(notInstalled('nginx', `nginx -t ${where}`));
      continue;
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'nginx-check-'));
    // nginx started as root runs its workers as an unprivileged user: they must reach the directory.
    chmodSync(dir, 0o755);
    const dns = new DnsStub();
    const seen: string[] = [];
    const upstream = http.createServer((req, res) => {
      seen.push(req.url ?? '');
      req.resume();
      req.on('end', () => res.end('upstream stub'));
    });
    let child: ReturnType<typeof startLogged>['child'] | undefined;
    try {
      const dnsPort = await dns.start();
      await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
      const local = localConf(pod, dir, await freePorts(8), dnsPort, (upstream.address() as AddressInfo).port);
      for (const h of local.upstreamHosts) dns.names.add(h);
      const confFile = path.join(dir, 'nginx.conf');
      writeFileSync(confFile, local.conf);
      const args = ['-p', `${dir}/`, '-c', confFile, '-e', 'stderr'];
      results.push(
        await attempt('nginx', `nginx -t ${where}`, async () => {
          // Output to a file: nginx opens /dev/stderr by name (error_log), which fails on a pipe.
          const logFile = path.join(dir, 'nginx-t.log');
          const fd = openSync(logFile, 'a');
          const r = spawnSync(nginx, ['-t', ...args], { stdio: ['ignore', fd, fd], timeout: TIMEOUT_MS });
          closeSync(fd);
          if (r.status !== 0) throw new Error(readFileSync(logFile, 'utf8').trim() || `exit ${r.status}`);
          return undefined;
        }),
      );
      if (!o.start || results[results.length - 1].status !== 'passed') continue;
      const route = firstRoute(local.conf);
      results.push(
        await attempt('nginx', `nginx started with ${where}${route ? `, GET ${route}sample through its route` : ''}`, async () => {
          const started = startLogged(nginx, [...args, '-g', 'daemon off;'], path.join(dir, 'nginx.log'));
          child = started.child;
          const probe = pod.container.readinessProbe?.httpGet?.path ?? '/';
          const port = local.listen[0];
          await waitFor('nginx', started.child, async () => (await request(port, probe)).status === 200, started.log);
          if (!route) return 'no route location to request';
          const r = await request(port, `${route}sample?q=1`);
          if (r.status !== 200 || !seen.includes('/sample?q=1')) throw new Error(`GET ${route}sample?q=1 answered ${r.status} ${r.body.slice(0, 200)}; the upstream saw ${JSON.stringify(seen)}\n${started.log()}`);
          return `${route}sample?q=1 reached the upstream as /sample?q=1`;
        }),
      );
    } catch (e) {
      results.push({ program: 'nginx', check: `nginx ${where}`, status: 'failed', detail: (e as Error).message });
    } finally {
      await stop(child);
      await dns.close().catch(() => undefined);
      await new Promise<void>((resolve) => upstream.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return results;
}
