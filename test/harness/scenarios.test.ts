/**
 * Sanity of the seeded scenario table: what each scenario's registries actually hold agrees with
 * its expected verdict, checked with the pure core comparison plus raw HEAD/GET facts (child and
 * blob existence, absence, auth). Guards the fixtures the end-to-end tests rely on.
 */
import { describe, expect, inject, it } from 'vitest';
import { compareManifests, isRelevant, nestedSources, type SourceSide } from '../../lib/core/compare.js';
import { parseImageConfig, parseManifest, type Manifest } from '../../lib/core/manifest.js';
import type { Descriptor, PlatformFilter } from '../../lib/core/types.js';
import { call, MANIFEST_ACCEPT } from '../../testbed/registry-client.js';
import { getBlob, getManifest, headStatus } from '../../testbed/images.js';
import { credentials, type Scenario } from '../../testbed/scenarios.js';

const regs = inject('registries');
const table = inject('scenarios');

function filterOf(s: Scenario): PlatformFilter {
  const i = s.flags.indexOf('--arch');
  const arch = i >= 0 ? (s.flags[i + 1] ?? '').split(',') : ['amd64', 'arm64'];
  return { arch, os: ['linux', 'windows'], attestations: s.flags.includes('--attestations') };
}

async function side(s: Scenario, which: 'source' | 'dest'): Promise<{ m: Manifest; digest: string } | null> {
  const reg = regs[s[which].registry];
  const got = await getManifest(reg, s[which].repo, s.tag);
  return got && { m: parseManifest(got.bytes, got.mediaType), digest: got.digest };
}

/**
 * What `--signatures` requires and the destination lacks: the source's cosign tags (same
 * digest), and the entries of its `sha256-<hex>` referrers indexes (listed there, and present).
 */
async function signatureGaps(s: Scenario): Promise<string[]> {
  const src = regs[s.source.registry];
  const dst = regs[s.dest.registry];
  const listing = await call({ reg: src, creds: credentials(src, s.source.creds) ?? null }, s.source.repo, 'GET', `/v2/${s.source.repo}/tags/list`);
  const tags = (JSON.parse(listing.body.toString('utf8')) as { tags: string[] }).tags.filter((t) => /^sha256-[a-f0-9]{64}/.test(t));
  const out: string[] = [];
  for (const t of tags) {
    const [a, b] = [await getManifest(src, s.source.repo, t), await getManifest(dst, s.dest.repo, t)];
    const m = parseManifest(a!.bytes, a!.mediaType);
    if (m.kind !== 'index') {
      if (b?.digest !== a!.digest) out.push(`tag ${t}`);
      continue;
    }
    // A referrers index: its entries (not its bytes) must be there.
    const there = b ? parseManifest(b.bytes, b.mediaType) : null;
    for (const e of m.manifests) {
      const listed = there?.kind === 'index' && there.manifests.some((x) => x.digest === e.digest);
      if (!listed || (await headStatus(dst, s.dest.repo, `manifests/${e.digest}`)) !== 200) out.push(`referrer ${e.digest}`);
    }
  }
  return out;
}

/** Destination children the validator must find, and whether each (and, deep, its blobs) exists. */
async function missing(s: Scenario, children: readonly Descriptor[], deep: boolean): Promise<string[]> {
  const reg = regs[s.dest.registry];
  const out: string[] = [];
  for (const c of children) {
    if ((await headStatus(reg, s.dest.repo, `manifests/${c.digest}`)) !== 200) { out.push(`child ${c.digest}`); continue; }
    if (!deep) continue;
    const child = parseManifest((await getManifest(reg, s.dest.repo, c.digest))!.bytes);
    if (child.kind !== 'image') continue;
    for (const b of [child.config, ...child.layers]) {
      if ((await headStatus(reg, s.dest.repo, `blobs/${b.digest}`)) !== 200) out.push(`blob ${b.digest}`);
    }
  }
  return out;
}

describe('seeded scenarios', () => {
  it('cover every verdict the end-to-end tests need', () => {
    const codes = new Set(table.map((s) => `${s.expected.status}:${s.expected.code ?? ''}`));
    for (const c of ['PASS:', 'SKIPPED:NO_MATCHING_PLATFORM', 'ERROR:AUTH', 'FAILED:DEST_NOT_FOUND', 'FAILED:DEST_MEDIA_TYPE',
      'FAILED:DEST_LIST_LENGTH', 'FAILED:DIGEST_MISMATCH', 'FAILED:PLATFORM_MISMATCH', 'FAILED:CHILD_MISSING', 'FAILED:BLOB_MISSING', 'FAILED:SIGNATURE_MISSING']) {
      expect(codes).toContain(c);
    }
  });

  it.each(table.map((s) => [s.name, s] as const))('%s holds what its verdict needs', async (_name, s) => {
    const src = await side(s, 'source');
    expect(src).not.toBeNull();
    const filter = filterOf(s);
    let platform;
    if (src!.m.kind === 'image') {
      platform = parseImageConfig(await getBlob(regs[s.source.registry], s.source.repo, src!.m.config.digest));
    }
    const source: SourceSide = { manifest: src!.m, digest: src!.digest, ...(platform ? { platform } : {}) };
    if (s.expected.status === 'SKIPPED') {
      expect(isRelevant(source, filter, nestedSources())).toBe(false);
      return;
    }
    expect(isRelevant(source, filter, nestedSources())).toBe(true);
    if (s.expected.status === 'ERROR') {
      const reg = regs[s.dest.registry];
      const r = await call({ reg, creds: credentials(reg, s.dest.creds) ?? null }, s.dest.repo, 'GET',
        `/v2/${s.dest.repo}/manifests/${s.tag}`, { headers: { accept: MANIFEST_ACCEPT } });
      expect(r.status).toBe(401);
      expect(await side(s, 'dest')).not.toBeNull();
      return;
    }
    const dst = await side(s, 'dest');
    if (s.expected.code === 'DEST_NOT_FOUND') {
      expect(dst).toBeNull();
      return;
    }
    expect(dst).not.toBeNull();
    const names = { source: s.source.repo, destination: s.dest.repo, tag: s.tag };
    const verdict = compareManifests(source, { manifest: dst!.m, digest: dst!.digest }, filter, names);
    if (!verdict.ok) {
      expect(verdict.code).toBe(s.expected.code);
      return;
    }
    const nestedDest = verdict.nested.map(([, d]) => d);
    const children = dst!.m.kind === 'index' ? [...verdict.children, ...nestedDest] : [{ digest: dst!.digest, mediaType: dst!.m.mediaType, size: 0 }];
    const gone = await missing(s, children, s.flags.includes('--deep'));
    const signatures = s.flags.includes('--signatures') ? await signatureGaps(s) : [];
    if (s.expected.status === 'PASS') expect([...gone, ...signatures]).toEqual([]);
    else if (s.expected.code === 'SIGNATURE_MISSING') {
      expect(gone).toEqual([]);
      expect(signatures.length).toBeGreaterThan(0);
    } else if (s.expected.code === 'CHILD_MISSING') expect(gone.filter((g) => g.startsWith('child '))).toHaveLength(1);
    else {
      expect(s.expected.code).toBe('BLOB_MISSING');
      expect(gone.filter((g) => g.startsWith('blob '))).toHaveLength(1);
    }
  });
});
