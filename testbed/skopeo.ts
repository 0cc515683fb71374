/**
 * `skopeo copy --all --preserve-digests`: a real mirroring tool making byte-exact destinations
 * (lists, their children, signature tags and artifacts) between harness registries. No vitest imports.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { RegistryInfo } from './registry-harness.js';

const run = promisify(execFile);

/**
 * Copies `fromRepo:ref` to `toRepo:toRef` (default: the same ref) with skopeo, as user `tester` where the registry has one.
 * `preserveDigests: false` lets skopeo rewrite what it does not keep: skopeo 1.9 drops the entries' `artifactType`
 * of a referrers index (as oras writes it), so the copy gets another digest.
 */
export async function skopeoCopy(
  from: RegistryInfo, fromRepo: string, ref: string, to: RegistryInfo, toRepo: string, toRef = ref, opts: { preserveDigests?: boolean } = {},
): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mv-skopeo-'));
  const auths: Record<string, { auth: string }> = {};
  for (const r of [from, to]) if (r.username && r.password) auths[r.host] = { auth: Buffer.from(`${r.username}:${r.password}`).toString('base64') };
  const authFile = path.join(dir, 'auth.json');
  try {
    await writeFile(authFile, JSON.stringify({ auths }));
    await run('skopeo', ['copy', '--all', ...(opts.preserveDigests === false ? [] : ['--preserve-digests']), '--src-tls-verify=false', '--dest-tls-verify=false', '--authfile', authFile,
      `docker://${from.host}/${fromRepo}:${ref}`, `docker://${to.host}/${toRepo}:${toRef}`], { timeout: 60_000 });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
