/**
 * Lifecycle of a private harness (not the shared one): start, token lifetime and stats reset,
 * stop (processes gone, temporary directory removed), and early-exit reporting.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { call, fetchToken } from '../../testbed/registry-client.js';
import { startRegistries } from '../../testbed/registry-harness.js';

describe('startRegistries lifecycle', () => {
  it('honours tokenExpiresIn, resets stats, and stop() frees ports and removes its directory', async () => {
    const h = await startRegistries({ tokenExpiresIn: 120 });
    const caFileDir = path.dirname(path.dirname(h.caFile));
    try {
      expect(existsSync(h.caFile)).toBe(true);
      const realm = new URL(h.token.tokenUrl!);
      realm.searchParams.set('service', h.token.service!);
      realm.searchParams.append('scope', 'repository:public/a:pull');
      realm.searchParams.append('scope', 'repository:public/b:pull,push');
      const r = await call({ reg: h.token }, '', 'GET', realm.href, { noAuth: true });
      const body = JSON.parse(r.body.toString('utf8')) as { token: string; access_token: string; expires_in: number };
      expect(body.expires_in).toBe(120);
      expect(body.access_token).toBe(body.token);
      const claims = JSON.parse(Buffer.from(body.token.split('.')[1]!, 'base64url').toString('utf8')) as {
        aud: string; access: unknown[]; exp: number; iat: number;
      };
      expect(claims.aud).toBe('mirror-validate-test');
      expect(claims.exp - claims.iat).toBe(120);
      expect(claims.access).toEqual([
        { type: 'repository', name: 'public/a', actions: ['pull'] },
        { type: 'repository', name: 'public/b', actions: ['pull'] },
      ]);
      await fetchToken({ reg: h.token }, 'mirror/x');
      const stats = async () => JSON.parse((await call({ reg: h.token }, '', 'GET', h.token.statsUrl!, { noAuth: true })).body.toString('utf8')) as unknown;
      expect(await stats()).toEqual({ tokenRequests: 2, byRepository: { 'public/a': 1, 'public/b': 1, 'mirror/x': 1 } });
      await call({ reg: h.token }, '', 'POST', `${h.token.statsUrl!}/reset`, { noAuth: true });
      expect(await stats()).toEqual({ tokenRequests: 0, byRepository: {} });
    } finally {
      await h.stop();
    }
    expect(existsSync(caFileDir)).toBe(false);
    await expect(call({ reg: h.plain }, '', 'GET', '/v2/', { noAuth: true })).rejects.toThrow();
    await h.stop();
  });

  it('rejects with the registry stderr when the binary exits at once, and cleans up', async () => {
    const err = await startRegistries({ registryBin: '/bin/false' }).then(() => null, (e: unknown) => e as Error);
    expect(err?.message).toMatch(/exited early \(code 1/);
    const dir = /registry in (\S+) exited/.exec(err!.message)?.[1];
    expect(dir && path.dirname(dir)).toMatch(/mirror-validate-registries-/);
    expect(existsSync(dir!)).toBe(false);
  });
});
