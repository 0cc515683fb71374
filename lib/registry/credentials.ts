/**
 * Where a side's registry credentials come from, in order:
 * 1. `SOURCE_USERNAME`/`SOURCE_PASSWORD` (side source) or `DEST_USERNAME`/`DEST_PASSWORD`
 *    (side destination), for every registry of that side;
 * 2. `$REGISTRY_AUTH_FILE`, `${XDG_RUNTIME_DIR}/containers/auth.json`,
 *    `${XDG_CONFIG_HOME:-~/.config}/containers/auth.json`;
 * 3. `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`;
 * 4. otherwise anonymous (undefined).
 * In each file: `credHelpers[host]`, then an `auths` entry with credentials, then `credsStore`
 * (helpers run as `docker-credential-<name> get`, server URL on stdin).
 * Results are memoised per registry (helpers are slow). Secrets never reach error messages.
 */
import { spawn } from 'node:child_process';
import { readFile as fsReadFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Credential, CredentialLookup } from './auth.js';
import {
  entryCredential, helperCredential, helperServerUrl, lookupHostKey, parseAuthFile, type AuthFile,
} from './auth-files.js';
import { RegistryError } from './errors.js';

/** Runs `docker-credential-<helper> get` with `serverUrl` on stdin; resolves its stdout, or undefined when it has no credentials. */
export type HelperRunner = (helper: string, serverUrl: string) => Promise<string | undefined>;

export interface CredentialResolverOptions {
  readonly side: 'source' | 'destination';
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Default `os.homedir()`. */
  readonly homeDir?: string;
  /** Resolves the file's text, or undefined when it does not exist. Default: node:fs. */
  readonly readFile?: (file: string) => Promise<string | undefined>;
  readonly runHelper?: HelperRunner;
}

/** Builds the credential lookup of one side; see the module doc for the order. */
export function createCredentialResolver(opts: CredentialResolverOptions): CredentialLookup {
  const env = opts.env;
  const home = opts.homeDir ?? homedir();
  const read = opts.readFile ?? readIfExists;
  const run = opts.runHelper ?? spawnHelper(env);
  const prefix = opts.side === 'source' ? 'SOURCE' : 'DEST';
  const user = env[`${prefix}_USERNAME`];
  const pass = env[`${prefix}_PASSWORD`];
  const fromEnv: Credential | undefined = user && pass !== undefined && pass !== '' ? { username: user, password: pass } : undefined;

  const files: string[] = [];
  if (env.REGISTRY_AUTH_FILE) files.push(env.REGISTRY_AUTH_FILE);
  if (env.XDG_RUNTIME_DIR) files.push(path.join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json'));
  files.push(path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'containers', 'auth.json'));
  files.push(path.join(env.DOCKER_CONFIG || path.join(home, '.docker'), 'config.json'));

  const memo = new Map<string, Promise<Credential | undefined>>();
  const lookup = async (registry: string): Promise<Credential | undefined> => {
    if (fromEnv) return fromEnv;
    for (const file of files) {
      const text = await read(file);
      if (text === undefined) continue;
      const found = await fromFile(parseAuthFile(text, file, registry), file, registry, run);
      if (found) return found;
    }
    return undefined;
  };
  return (registry) => {
    const key = registry.toLowerCase();
    let p = memo.get(key);
    if (!p) {
      p = lookup(registry);
      memo.set(key, p);
    }
    return p;
  };
}

async function fromFile(file: AuthFile, name: string, registry: string, run: HelperRunner): Promise<Credential | undefined> {
  const helper = lookupHostKey(file.credHelpers, registry);
  if (helper) return viaHelper(helper, registry, run);
  const entry = entryCredential(lookupHostKey(file.auths, registry), name, registry);
  if (entry) return entry;
  if (file.credsStore) return viaHelper(file.credsStore, registry, run);
  return undefined;
}

async function viaHelper(helper: string, registry: string, run: HelperRunner): Promise<Credential | undefined> {
  if (!/^[A-Za-z0-9._-]+$/.test(helper)) {
    throw new RegistryError('AUTH', `invalid credential helper name for ${registry}`, { registry });
  }
  const out = await run(helper, helperServerUrl(registry));
  return out === undefined ? undefined : helperCredential(out, helper, registry);
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fsReadFile(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new RegistryError('AUTH', `cannot read credentials file ${file} (${String(code)})`, { registry: '', cause: err });
  }
}

/** The default helper runner: spawns the helper with `env` (its PATH), 30 s timeout. */
export function spawnHelper(env: Readonly<Record<string, string | undefined>>): HelperRunner {
  return (helper, serverUrl) => new Promise((resolve, reject) => {
    const bin = `docker-credential-${helper}`;
    const child = spawn(bin, ['get'], { env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'], timeout: 30_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString('utf8'); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
    child.on('error', (err) => {
      reject(new RegistryError('AUTH', `credential helper ${bin} could not be run`, { registry: serverUrl, cause: err }));
    });
    child.on('close', (code) => {
      if (code === 0) return resolve(stdout);
      if (/credentials not found/i.test(stdout + stderr)) return resolve(undefined);
      reject(new RegistryError('AUTH', `credential helper ${bin} failed (exit ${String(code)})`, { registry: serverUrl }));
    });
    child.stdin.on('error', () => { /* helper exited early: reported by 'close' */ });
    child.stdin.end(serverUrl);
  });
}
