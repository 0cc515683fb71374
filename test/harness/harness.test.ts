/**
 * Self-test of the integration harness: the three registries answer as configured, skopeo can
 * read seeded images from each, the token server grants and counts as documented, and breaking
 * an image (deleting a child or a blob) is visible.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { call, fetchToken } from '../../testbed/registry-client.js';
import { getManifest, headStatus, MT } from '../../testbed/images.js';
import { scenario, scenarioEnv } from '../../testbed/scenarios.js';
import type { RegistryInfo } from '../../testbed/registry-harness.js';

const run = promisify(execFile);
const regs = inject('registries');
const table = inject('scenarios');

async function skopeoRaw(reg: RegistryInfo, repoTag: string, creds?: string): Promise<Record<string, unknown>> {
  const args = ['inspect', '--raw', '--tls-verify=false', ...(creds ? ['--creds', creds] : ['--no-creds'])];
  const { stdout } = await run('skopeo', [...args, `docker://${reg.host}/${repoTag}`], { timeout: 20_000 });
  return JSON.parse(stdout) as Record<string, unknown>;
}

interface Stats { tokenRequests: number; byRepository: Record<string, number> }
async function tokenStats(): Promise<Stats> {
  const r = await call({ reg: regs.token }, '', 'GET', regs.token.statsUrl!, { noAuth: true });
  return JSON.parse(r.body.toString('utf8')) as Stats;
}

describe('registry harness', () => {
  it.each([
    ['plain', 200, undefined],
    ['tls', 401, /^Basic realm=/],
    ['token', 401, /^Bearer realm="https:\/\/127\.0\.0\.1:\d+\/token",service="mirror-validate-test"/],
  ] as const)('%s answers /v2/ anonymously with %i', async (name, status, challenge) => {
    const reg = regs[name];
    const r = await call({ reg }, '', 'GET', '/v2/', { noAuth: true });
    expect(r.status).toBe(status);
    if (challenge) expect(String(r.headers['www-authenticate'])).toMatch(challenge);
  });

  it('serves the harness info as plain data with distinct ports', () => {
    const hosts = new Set([regs.plain.host, regs.tls.host, regs.token.host]);
    expect(hosts.size).toBe(3);
    expect(regs.tls.url).toBe(`https://${regs.tls.host}`);
    expect(regs.caPem).toContain('BEGIN CERTIFICATE');
  });

  it('skopeo reads a seeded list from plain (anonymously) and its mirror from tls (tester)', async () => {
    const s = scenario(table, 'docker-list-filtered');
    const src = await skopeoRaw(regs.plain, `${s.source.repo}:${s.tag}`);
    expect(src.mediaType).toBe(MT.dockerList);
    expect(src.manifests).toHaveLength(3);
    const dst = await skopeoRaw(regs.tls, `${s.dest.repo}:${s.tag}`, `${regs.tls.username}:${regs.tls.password}`);
    expect(dst.manifests).toHaveLength(2);
    await expect(skopeoRaw(regs.tls, `${s.dest.repo}:${s.tag}`)).rejects.toThrow(/unauthorized|authentication required/i);
  });

  it('skopeo reads public/* from token anonymously, and mirror/* only as tester', async () => {
    const pub = scenario(table, 'token-public-source');
    expect((await skopeoRaw(regs.token, `${pub.source.repo}:${pub.tag}`)).mediaType).toBe(MT.dockerList);
    const dst = scenario(table, 'token-dest');
    const raw = await skopeoRaw(regs.token, `${dst.dest.repo}:${dst.tag}`, `${regs.token.username}:${regs.token.password}`);
    expect(raw.manifests).toHaveLength(2);
    const limited = `${regs.token.limitedUsername}:${regs.token.limitedPassword}`;
    await expect(skopeoRaw(regs.token, `${dst.dest.repo}:${dst.tag}`, limited)).rejects.toThrow();
  });

  it('counts token requests per repository (and in total); fetchToken caches', async () => {
    const repo = `public/counted-${process.pid}-${Date.now()}`;
    const before = await tokenStats();
    expect(before.byRepository[repo]).toBeUndefined();
    await fetchToken({ reg: regs.token, creds: null }, repo, 'pull');
    await fetchToken({ reg: regs.token, creds: null }, repo, 'pull');
    await fetchToken({ reg: regs.token, creds: null }, repo, 'pull,push');
    const after = await tokenStats();
    expect(after.byRepository[repo]).toBe(2);
    expect(after.tokenRequests).toBeGreaterThanOrEqual(before.tokenRequests + 2);
  });

  it('grants only what each user may have: anonymous on mirror/* gets a token that is refused', async () => {
    const s = scenario(table, 'token-dest');
    const path = `/v2/${s.dest.repo}/manifests/${s.tag}`;
    const headers = { accept: MT.dockerList };
    expect((await call({ reg: regs.token }, s.dest.repo, 'GET', path, { headers })).status).toBe(200);
    const anon = await call({ reg: regs.token, creds: null }, s.dest.repo, 'GET', path, { headers });
    expect(anon.status).toBe(401);
    expect(String(anon.headers['www-authenticate'])).toContain('insufficient_scope');
  });

  it('a deleted child manifest answers 404 while its list is still served', async () => {
    const s = scenario(table, 'child-deleted');
    const list = await getManifest(regs.tls, s.dest.repo, s.tag);
    const children = (JSON.parse(list!.bytes.toString('utf8')) as { manifests: { digest: string }[] }).manifests;
    const statuses = await Promise.all(children.map((c) => headStatus(regs.tls, s.dest.repo, `manifests/${c.digest}`)));
    expect(statuses.sort()).toEqual([200, 404]);
  });

  it('a deleted layer blob answers 404 in the mirror but not in the source', async () => {
    const s = scenario(table, 'deep-missing-blob');
    const list = await getManifest(regs.tls, s.dest.repo, s.tag);
    const arm = (JSON.parse(list!.bytes.toString('utf8')) as { manifests: { digest: string }[] }).manifests[1]!;
    const child = JSON.parse((await getManifest(regs.tls, s.dest.repo, arm.digest))!.bytes.toString('utf8')) as {
      layers: { digest: string }[];
    };
    const layer = child.layers[0]!.digest;
    expect(await headStatus(regs.tls, s.dest.repo, `blobs/${layer}`)).toBe(404);
    expect(await headStatus(regs.plain, s.source.repo, `blobs/${layer}`)).toBe(200);
  });

  it('seeds a table of scenarios with unique names, full-host list lines and env for credentials', () => {
    expect(new Set(table.map((s) => s.name)).size).toBe(table.length);
    for (const s of table) {
      expect(s.listLine.split(' ')).toEqual([`${s.source.host}/${s.source.repo}`, `${s.dest.host}/${s.dest.repo}`, s.tag]);
    }
    const env = scenarioEnv(regs, scenario(table, 'token-dest-limited-denied'));
    expect(env).toEqual({ DEST_USERNAME: 'limited', DEST_PASSWORD: regs.token.limitedPassword });
  });
});
