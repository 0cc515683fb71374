/**
 * The registry client against REAL distribution 2.8 registries from the harness: plain HTTP,
 * HTTPS + htpasswd Basic (with the test CA), and HTTPS + Bearer tokens (with token counting).
 * Each test pushes its own images into repositories of its own.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ImageRef } from '../../lib/core/types.js';
import { newRequestStats, RegistryClient, type Credential, type RegistryClientOptions } from '../../lib/registry/client.js';
import { pushImage, type PushedImage } from '../../testbed/images.js';
import { call } from '../../testbed/registry-client.js';
import type { RegistryInfo } from '../../testbed/registry-harness.js';

const regs = inject('registries');
const run = randomBytes(4).toString('hex');
const platform = { architecture: 'amd64', os: 'linux' };
const clients: RegistryClient[] = [];
afterAll(async () => { await Promise.all(clients.map((c) => c.close())); });

function client(opts: Partial<RegistryClientOptions> & { tlsVerify: boolean }, cred?: Credential): RegistryClient {
  const c = new RegistryClient({ ca: regs.caPem, retry: { retries: 1, baseMs: 1, maxMs: 5 }, ...opts,
    ...(cred ? { credentials: async () => cred } : {}) });
  clients.push(c);
  return c;
}

const tester = (reg: RegistryInfo): Credential => ({ username: reg.username!, password: reg.password! });
const ref = (reg: RegistryInfo, repository: string): ImageRef => ({ registry: reg.host, repository });

async function tokenCount(repository: string): Promise<number> {
  const r = await call({ reg: regs.token }, '', 'GET', regs.token.statsUrl!, { noAuth: true });
  const stats = JSON.parse(r.body.toString('utf8')) as { byRepository: Record<string, number> };
  return stats.byRepository[repository] ?? 0;
}

describe.each([
  ['plain', () => client({ tlsVerify: false })],
  ['tls', () => client({ tlsVerify: true }, tester(regs.tls))],
  ['token', () => client({ tlsVerify: true }, tester(regs.token))],
] as const)('%s registry', (name, makeClient) => {
  const reg = (): RegistryInfo => regs[name];
  const repo = `mvclient-${run}/${name}`;
  let image: PushedImage;
  beforeAll(async () => {
    image = await pushImage(reg(), repo, { platform, format: 'oci', tag: '1.0', seed: `${run}-${name}` });
  });

  it('HEAD and GET by tag agree with what was pushed', async () => {
    const stats = newRequestStats();
    const reader = makeClient().reader(stats);
    const head = await reader.headManifest(ref(reg(), repo), '1.0');
    expect(head).toEqual({ digest: image.digest, mediaType: image.mediaType, size: image.size });
    const got = await reader.getManifest(ref(reg(), repo), '1.0');
    expect(got?.digest).toBe(image.digest);
    expect(Buffer.from(got?.bytes ?? []).equals(image.bytes)).toBe(true);
    expect(stats.counts).toMatchObject({ manifestHead: 1, manifestGet: 1 });
  });

  it('GET by digest, config blob and blob HEADs', async () => {
    const reader = makeClient().reader();
    expect((await reader.getManifest(ref(reg(), repo), image.digest))?.mediaType).toBe(image.mediaType);
    const config = await reader.getBlob(ref(reg(), repo), image.configDigest);
    expect(JSON.parse(Buffer.from(config ?? []).toString('utf8'))).toMatchObject(platform);
    expect(await reader.headBlob(ref(reg(), repo), image.layerDigests[0]!)).toBe(true);
    expect(await reader.headBlob(ref(reg(), repo), `sha256:${'0'.repeat(64)}`)).toBe(false);
  });

  it('a missing tag and a missing repository are absent (null)', async () => {
    const reader = makeClient().reader();
    expect(await reader.headManifest(ref(reg(), repo), 'no-such-tag')).toBeNull();
    expect(await reader.getManifest(ref(reg(), repo), 'no-such-tag')).toBeNull();
    expect(await reader.headManifest(ref(reg(), `mvclient-${run}/never-pushed`), '1.0')).toBeNull();
  });

  it('lists tags in one page; has no referrers API (null, so the tag schema applies)', async () => {
    const stats = newRequestStats();
    const reader = makeClient().reader(stats);
    await pushImage(reg(), repo, { platform, format: 'oci', tag: `sha256-${image.digest.slice(7)}.sig`, seed: `${run}-${name}-sig` });
    expect(await reader.listTags(ref(reg(), repo))).toEqual({ tags: expect.arrayContaining(['1.0', `sha256-${image.digest.slice(7)}.sig`]) });
    expect(await reader.referrers(ref(reg(), repo), image.digest)).toBeNull();
    expect(stats.counts).toMatchObject({ tagList: 1, referrers: 1 });
    expect(await reader.listTags(ref(reg(), `mvclient-${run}/never-pushed`))).toBeNull();
  });
});

describe('authentication against real registries', () => {
  it('tls: anonymous and wrong-password reads are AUTH, never absent', async () => {
    const repo = `mvclient-${run}/tls`;
    await expect(client({ tlsVerify: true }).reader().headManifest(ref(regs.tls, repo), '1.0'))
      .rejects.toMatchObject({ code: 'AUTH', status: 401 });
    await expect(client({ tlsVerify: true }, { username: 'tester', password: 'wrong' }).reader().headManifest(ref(regs.tls, repo), '1.0'))
      .rejects.toMatchObject({ code: 'AUTH' });
  });

  it('tls without the CA is a TLS error', async () => {
    const c = new RegistryClient({ tlsVerify: true, retry: { retries: 0, baseMs: 1, maxMs: 1 } });
    clients.push(c);
    await expect(c.reader().headManifest(ref(regs.tls, 'x/y'), '1.0')).rejects.toMatchObject({ code: 'TLS' });
  });

  it('token: one token serves many requests on a repository (cached)', async () => {
    const repo = `mvclient-${run}/cached`;
    const image = await pushImage(regs.token, repo, { platform, format: 'docker', tag: '1.0', seed: `${run}-cached` });
    const before = await tokenCount(repo);
    const stats = newRequestStats();
    const reader = client({ tlsVerify: true }, tester(regs.token)).reader(stats);
    await Promise.all(Array.from({ length: 10 }, () => reader.headManifest(ref(regs.token, repo), '1.0')));
    await reader.getManifest(ref(regs.token, repo), image.digest);
    await reader.getBlob(ref(regs.token, repo), image.configDigest);
    expect(await tokenCount(repo)).toBe(before + 1);
    expect(stats.counts.token).toBe(1);
  });

  it('token: anonymous pull works on public/*, and is AUTH elsewhere', async () => {
    const pub = `public/mvclient-${run}`;
    const image = await pushImage(regs.token, pub, { platform, format: 'oci', tag: '1.0', seed: `${run}-pub` });
    const anon = client({ tlsVerify: true }).reader();
    expect((await anon.headManifest(ref(regs.token, pub), '1.0'))?.digest).toBe(image.digest);
    await expect(anon.headManifest(ref(regs.token, `mvclient-${run}/token`), '1.0')).rejects.toMatchObject({ code: 'AUTH' });
  });

  it('token: a user limited to limited/* gets AUTH on other repositories', async () => {
    const limited = { username: regs.token.limitedUsername!, password: regs.token.limitedPassword! };
    const lim = `limited/mvclient-${run}`;
    const image = await pushImage(regs.token, lim, { platform, format: 'oci', tag: '1.0', seed: `${run}-lim` });
    const reader = client({ tlsVerify: true }, limited).reader();
    expect((await reader.getManifest(ref(regs.token, lim), '1.0'))?.digest).toBe(image.digest);
    await expect(reader.getManifest(ref(regs.token, `mvclient-${run}/token`), '1.0')).rejects.toMatchObject({ code: 'AUTH' });
  });
});
