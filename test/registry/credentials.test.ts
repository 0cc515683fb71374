import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCredentialResolver, spawnHelper } from '../../lib/registry/credentials.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const HOME = '/home/u';

/** An in-memory file system for readFile. */
function files(map: Record<string, unknown>): (file: string) => Promise<string | undefined> {
  return async (file) => {
    const v = map[file];
    if (v === undefined) return undefined;
    return typeof v === 'string' ? v : JSON.stringify(v);
  };
}

const dockerConfig = `${HOME}/.docker/config.json`;
const userAuthJson = `${HOME}/.config/containers/auth.json`;

describe('createCredentialResolver order', () => {
  const all = {
    '/tmp/reg-auth.json': { auths: { 'reg.example.com': { auth: b64('fromfile:p1') } } },
    [userAuthJson]: { auths: { 'reg.example.com': { auth: b64('xdg:p2') }, 'other.example.com': { auth: b64('xdg2:p') } } },
    [dockerConfig]: { auths: { 'reg.example.com': { auth: b64('docker:p3') }, 'third.example.com': { auth: b64('docker3:p') } } },
  };

  it('source env pair wins for every registry of that side', async () => {
    const r = createCredentialResolver({
      side: 'source', env: { SOURCE_USERNAME: 'envuser', SOURCE_PASSWORD: 'envpw', DEST_USERNAME: 'd', DEST_PASSWORD: 'd' },
      homeDir: HOME, readFile: files(all),
    });
    expect(await r('reg.example.com')).toEqual({ username: 'envuser', password: 'envpw' });
    expect(await r('anything.io')).toEqual({ username: 'envuser', password: 'envpw' });
  });

  it('destination side uses DEST_* only', async () => {
    const r = createCredentialResolver({
      side: 'destination', env: { SOURCE_USERNAME: 's', SOURCE_PASSWORD: 's', DEST_USERNAME: 'du', DEST_PASSWORD: 'dp' },
      homeDir: HOME, readFile: files({}),
    });
    expect(await r('x.io')).toEqual({ username: 'du', password: 'dp' });
  });

  it('REGISTRY_AUTH_FILE, then XDG auth.json, then docker config, then anonymous', async () => {
    const env = { REGISTRY_AUTH_FILE: '/tmp/reg-auth.json' };
    const r = createCredentialResolver({ side: 'source', env, homeDir: HOME, readFile: files(all) });
    expect(await r('reg.example.com')).toEqual({ username: 'fromfile', password: 'p1' });
    expect(await r('other.example.com')).toEqual({ username: 'xdg2', password: 'p' });
    expect(await r('third.example.com')).toEqual({ username: 'docker3', password: 'p' });
    expect(await r('nowhere.example.com')).toBeUndefined();
  });

  it('XDG_RUNTIME_DIR auth.json comes before XDG_CONFIG_HOME', async () => {
    const r = createCredentialResolver({
      side: 'source', env: { XDG_RUNTIME_DIR: '/run/user/1', XDG_CONFIG_HOME: '/cfg' }, homeDir: HOME,
      readFile: files({
        '/run/user/1/containers/auth.json': { auths: { 'a.io': { auth: b64('runtime:x') } } },
        '/cfg/containers/auth.json': { auths: { 'a.io': { auth: b64('config:x') } } },
      }),
    });
    expect(await r('a.io')).toEqual({ username: 'runtime', password: 'x' });
  });

  it('Docker Hub is found under https://index.docker.io/v1/; keys accept schemes and /v1/ suffixes', async () => {
    const r = createCredentialResolver({
      side: 'source', env: { DOCKER_CONFIG: '/dc' }, homeDir: HOME,
      readFile: files({ '/dc/config.json': { auths: {
        'https://index.docker.io/v1/': { auth: b64('hub:pw') },
        'https://quay.io': { username: 'q', password: 'qp' },
        'ghcr.io/v1/': { identitytoken: 'idtok' },
        'reg.io/team/app': { auth: b64('ns:only') },
      } } }),
    });
    expect(await r('docker.io')).toEqual({ username: 'hub', password: 'pw' });
    expect(await r('quay.io')).toEqual({ username: 'q', password: 'qp' });
    expect(await r('ghcr.io')).toEqual({ identityToken: 'idtok' });
    expect(await r('reg.io')).toBeUndefined(); // namespace keys do not answer a registry-level lookup
  });

  it('credHelpers[host] before auths, credsStore last; <token> means identity token', async () => {
    const calls: Array<[string, string]> = [];
    const r = createCredentialResolver({
      side: 'destination', env: {}, homeDir: HOME,
      readFile: files({ [dockerConfig]: {
        credHelpers: { 'ecr.example.com': 'ecr-login' },
        credsStore: 'desktop',
        auths: { 'ecr.example.com': { auth: b64('stale:x') }, 'plain.io': { auth: b64('p:q') }, 'docker.io': {} },
      } }),
      runHelper: async (helper, url) => {
        calls.push([helper, url]);
        return helper === 'ecr-login'
          ? JSON.stringify({ ServerURL: url, Username: 'AWS', Secret: 'ecrpw' })
          : JSON.stringify({ ServerURL: url, Username: '<token>', Secret: 'refresh' });
      },
    });
    expect(await r('ecr.example.com')).toEqual({ username: 'AWS', password: 'ecrpw' });
    expect(await r('plain.io')).toEqual({ username: 'p', password: 'q' });
    expect(await r('docker.io')).toEqual({ identityToken: 'refresh' });
    expect(calls).toEqual([['ecr-login', 'ecr.example.com'], ['desktop', 'https://index.docker.io/v1/']]);
  });

  it('a malformed file is an error naming the file, not its content', async () => {
    const r = createCredentialResolver({
      side: 'source', env: {}, homeDir: HOME, readFile: files({ [dockerConfig]: '{"auths": {"x": supersecret' }),
    });
    const err = await r('x').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'AUTH', message: expect.stringContaining(dockerConfig) });
    expect((err as Error).message).not.toContain('supersecret');
  });

  it('memoises lookups per registry', async () => {
    let reads = 0;
    const r = createCredentialResolver({ side: 'source', env: {}, homeDir: HOME, readFile: async () => { reads++; return undefined; } });
    await r('a.io');
    await r('A.io');
    expect(reads).toBe(2); // ~/.config/containers/auth.json and ~/.docker/config.json, once each
  });
});

describe('credential helper process', () => {
  let bin: string;
  beforeAll(() => {
    bin = mkdtempSync(path.join(os.tmpdir(), 'mv-helper-'));
    const script = path.join(bin, 'docker-credential-test');
    writeFileSync(script, [
      '#!/bin/sh',
      '[ "$1" = get ] || exit 3',
      'read -r url',
      'if [ "$url" = "missing.io" ]; then echo "credentials not found in native keychain"; exit 1; fi',
      'if [ "$url" = "broken.io" ]; then echo "boom secret-ish" >&2; exit 2; fi',
      'printf \'{"ServerURL":"%s","Username":"helper-user","Secret":"helper-pw"}\' "$url"',
    ].join('\n'));
    chmodSync(script, 0o755);
  });
  afterAll(() => rmSync(bin, { recursive: true, force: true }));

  const env = (): Record<string, string> => ({ PATH: `${bin}:/usr/bin:/bin` });

  it('a fake docker-credential-test in PATH supplies credentials via credsStore', async () => {
    const r = createCredentialResolver({
      side: 'source', env: env(), homeDir: HOME, readFile: files({ [dockerConfig]: { credsStore: 'test' } }),
    });
    expect(await r('reg.example.com')).toEqual({ username: 'helper-user', password: 'helper-pw' });
  });

  it('"credentials not found" means anonymous; other failures are AUTH without helper output', async () => {
    const run = spawnHelper(env());
    await expect(run('test', 'missing.io')).resolves.toBeUndefined();
    const err = await run('test', 'broken.io').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'AUTH' });
    expect((err as Error).message).not.toContain('secret-ish');
    await expect(run('does-not-exist', 'x.io')).rejects.toMatchObject({ code: 'AUTH' });
  });
});
