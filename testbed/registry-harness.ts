/**
 * Integration-test harness: three REAL Debian `docker-registry` (distribution 2.8) processes on
 * 127.0.0.1, in a temporary directory that {@link Harness.stop} removes.
 *
 * - `plain`: HTTP, no auth; accepts schema1 pushes (`compatibility.schema1.enabled`).
 * - `tls`: HTTPS (certificate from a throw-away CA) and htpasswd basic auth, user `tester`.
 * - `token`: HTTPS and bearer-token auth against an in-process token server (see token-server.ts).
 *
 * Plain functions, no vitest imports: scripts may reuse {@link startRegistries}.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { generateTestPki, type TestPki } from './certs.js';
import { startTokenServer, type TokenServer } from './token-server.js';

/** Where and how to reach one test registry. JSON-serialisable. */
export interface RegistryInfo {
  readonly name: 'plain' | 'tls' | 'token';
  /** `127.0.0.1:<port>` */
  readonly host: string;
  /** `http(s)://127.0.0.1:<port>` */
  readonly url: string;
  /** PEM of the CA that signed the registry's certificate (HTTPS registries only). */
  readonly caPem?: string;
  readonly username?: string;
  readonly password?: string;
  /** `token` registry only: a user that may pull `limited/*` and nothing else. */
  readonly limitedUsername?: string;
  readonly limitedPassword?: string;
  /** `token` registry only: the realm, `https://127.0.0.1:<port>/token`. */
  readonly tokenUrl?: string;
  /** `token` registry only: the `service` the registry names in its challenge. */
  readonly service?: string;
  /** `token` registry only: `GET` for `{tokenRequests}`, `POST <statsUrl>/reset` to zero it. */
  readonly statsUrl?: string;
}

/** Everything but `stop`; what globalSetup provides to the tests. */
export interface HarnessInfo {
  readonly plain: RegistryInfo;
  readonly tls: RegistryInfo;
  readonly token: RegistryInfo;
  readonly caPem: string;
  readonly caFile: string;
}

/** A running harness. */
export interface Harness extends HarnessInfo {
  /** Kill the registries, close the token server, remove the temporary directory. Idempotent. */
  stop(): Promise<void>;
}

/** Options of {@link startRegistries}. */
export interface HarnessOptions {
  /** Token lifetime in seconds (default 300). */
  readonly tokenExpiresIn?: number;
  /** Registry binary (default `/usr/bin/docker-registry`, or `$DOCKER_REGISTRY_BIN`). */
  readonly registryBin?: string;
  /** distribution log level (default `error`). */
  readonly logLevel?: 'error' | 'warn' | 'info' | 'debug';
}

const run = promisify(execFile);
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
const live = new Set<ChildProcess>();
const liveDirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
    for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
  });
}

/** A port that was free a moment ago (listen on 0, close). Collisions are retried by the caller. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

const q = (s: string): string => JSON.stringify(s);

function registryConfig(dir: string, port: number, logLevel: string, extra: string): string {
  return [
    'version: 0.1',
    'log:',
    `  level: ${logLevel}`,
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${q(path.join(dir, 'data'))}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: ${q(`127.0.0.1:${port}`)}`,
    `  secret: ${q(randomBytes(16).toString('hex'))}`,
    extra,
    '',
  ].join('\n');
}

/** Resolve when `GET /v2/` answers anything at all. */
function ping(url: string, ca?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const mod = url.startsWith('https:') ? https : http;
    const req = mod.get(`${url}/v2/`, { agent: false, timeout: 1000, ...(ca ? { ca } : {}) }, (res) => {
      res.resume();
      resolve();
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

interface Spawned { readonly child: ChildProcess; readonly port: number }

async function spawnRegistry(
  bin: string, dir: string, tlsCa: string | undefined, makeConfig: (port: number) => string,
): Promise<Spawned> {
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const configFile = path.join(dir, 'config.yml');
    await writeFile(configFile, makeConfig(port));
    // setpriv --pdeathsig: the registry dies with this process even on SIGKILL (no 'exit' event).
    const [cmd, args] = SETPRIV ? [SETPRIV, ['--pdeathsig', 'KILL', '--', bin, 'serve', configFile]] : [bin, ['serve', configFile]];
    const child = spawn(cmd, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    live.add(child);
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => { stderr = (stderr + d).slice(-8192); });
    let exited: { code: number | null; signal: string | null } | undefined;
    let spawnError: Error | undefined;
    child.once('error', (e) => { spawnError = e; });
    child.once('exit', (code, signal) => { exited = { code, signal }; live.delete(child); });
    const url = `${tlsCa ? 'https' : 'http'}://127.0.0.1:${port}`;
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (spawnError) throw new Error(`cannot start ${bin}: ${spawnError.message}`, { cause: spawnError });
      if (exited) break;
      try {
        await ping(url, tlsCa);
        return { child, port };
      } catch { /* not yet */ }
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`registry in ${dir} not ready after 15 s; stderr: ${stderr.trim()}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    lastError = new Error(
      `registry in ${dir} exited early (code ${exited.code}, signal ${exited.signal}); stderr: ${stderr.trim()}`,
    );
    if (!/address already in use/i.test(stderr)) throw lastError;
  }
  throw lastError ?? new Error('registry did not start');
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await gone;
  clearTimeout(timer);
}

const secret = (): string => randomBytes(12).toString('hex');

function tlsBlock(pki: TestPki): string {
  return ['  tls:', `    certificate: ${q(pki.serverCertFile)}`, `    key: ${q(pki.serverKeyFile)}`].join('\n');
}

/**
 * Start the three registries and the token server. Rejects (after cleaning up) if any of them
 * fails, with the registry's stderr in the message.
 */
export async function startRegistries(opts: HarnessOptions = {}): Promise<Harness> {
  installExitHook();
  const bin = opts.registryBin ?? process.env.DOCKER_REGISTRY_BIN ?? '/usr/bin/docker-registry';
  const logLevel = opts.logLevel ?? 'error';
  const root = mkdtempSync(path.join(os.tmpdir(), 'mirror-validate-registries-'));
  liveDirs.add(root);
  const children: ChildProcess[] = [];
  let tokenServer: TokenServer | undefined;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await Promise.all(children.map(stopChild));
    await tokenServer?.close();
    rmSync(root, { recursive: true, force: true });
    liveDirs.delete(root);
  };

  try {
    const pkiDir = path.join(root, 'pki');
    await mkdir(pkiDir);
    const pki = await generateTestPki(pkiDir);
    const tester = { user: 'tester', pass: secret() };
    const limited = { user: 'limited', pass: secret() };
    const { stdout: htpasswdLine } = await run('htpasswd', ['-B', '-C', '4', '-bn', tester.user, tester.pass]);
    const htpasswdFile = path.join(root, 'htpasswd');
    await writeFile(htpasswdFile, htpasswdLine.trim() + '\n');

    const service = 'mirror-validate-test';
    const issuer = 'mirror-validate-test-issuer';
    tokenServer = await startTokenServer({
      certPem: pki.serverCertPem, keyPem: pki.serverKeyPem,
      signingKeyPem: pki.tokenKeyPem, signingCertDerB64: pki.tokenCertDerB64,
      issuer, service, expiresIn: opts.tokenExpiresIn,
      users: { [tester.user]: tester.pass, [limited.user]: limited.pass },
    });
    const realm = tokenServer.realm;

    const dirs = { plain: path.join(root, 'plain'), tls: path.join(root, 'tls'), token: path.join(root, 'token') };
    await Promise.all(Object.values(dirs).map((d) => mkdir(d)));
    const settled = await Promise.allSettled([
      spawnRegistry(bin, dirs.plain, undefined, (p) => registryConfig(dirs.plain, p, logLevel, [
        'compatibility:', '  schema1:', '    enabled: true',
      ].join('\n'))),
      spawnRegistry(bin, dirs.tls, pki.caPem, (p) => registryConfig(dirs.tls, p, logLevel, [
        tlsBlock(pki), 'auth:', '  htpasswd:', '    realm: mirror-validate-basic', `    path: ${q(htpasswdFile)}`,
      ].join('\n'))),
      spawnRegistry(bin, dirs.token, pki.caPem, (p) => registryConfig(dirs.token, p, logLevel, [
        tlsBlock(pki), 'auth:', '  token:', `    realm: ${q(realm)}`, `    service: ${q(service)}`,
        `    issuer: ${q(issuer)}`, `    rootcertbundle: ${q(pki.tokenCertFile)}`,
      ].join('\n'))),
    ]);
    for (const r of settled) if (r.status === 'fulfilled') children.push(r.value.child);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const [plain, tls, token] = settled.map((r) => (r as PromiseFulfilledResult<Spawned>).value);

    return {
      plain: { name: 'plain', host: `127.0.0.1:${plain!.port}`, url: `http://127.0.0.1:${plain!.port}` },
      tls: {
        name: 'tls', host: `127.0.0.1:${tls!.port}`, url: `https://127.0.0.1:${tls!.port}`, caPem: pki.caPem,
        username: tester.user, password: tester.pass,
      },
      token: {
        name: 'token', host: `127.0.0.1:${token!.port}`, url: `https://127.0.0.1:${token!.port}`, caPem: pki.caPem,
        username: tester.user, password: tester.pass,
        limitedUsername: limited.user, limitedPassword: limited.pass,
        tokenUrl: realm, service, statsUrl: tokenServer.statsUrl,
      },
      caPem: pki.caPem,
      caFile: pki.caFile,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Strip `stop` so the harness can be passed through vitest's `provide`. */
export function harnessInfo(h: Harness): HarnessInfo {
  return { plain: h.plain, tls: h.tls, token: h.token, caPem: h.caPem, caFile: h.caFile };
}
