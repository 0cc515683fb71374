/**
 * `--signatures` over the fake reader: what must be at the destination (cosign tags, referrers
 * through the API or the tag schema) and the messages. Request economy: signature-economy.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { digestTag } from '../../lib/core/digest.js';
import { SignatureMemo } from '../../lib/check/signature-memo.js';
import { MemoryCache } from '../helpers/fake-reader.js';
import {
  AMD, ARM, cosign, DIGESTS, DST, fallbackIndex, INDEX, referrers, run, SBOM_TYPE, SIG_TYPE, SRC, world,
} from '../helpers/signature-fixtures.js';

describe('checkSignatures: cosign tags', () => {
  it('passes a source without signatures: 1 referrers probe and 1 tag listing at the source, nothing at the destination', async () => {
    const w = world();
    expect(await run(w)).toBeNull();
    expect(w.source.calls.map((c) => c.method)).toEqual(['referrers', 'listTags']);
    expect(w.destination.calls).toEqual([]);
  });

  it('passes copied .sig/.att/.sbom tags: one HEAD per tag found, on each side', async () => {
    const w = world();
    const tags = [cosign(w, INDEX, '.sig', 'same'), cosign(w, AMD, '.att', 'same'), cosign(w, ARM, '.sbom', 'same')];
    expect(await run(w)).toBeNull();
    expect(w.source.calls.filter((c) => c.method === 'headManifest').map((c) => c.reference).sort()).toEqual([...tags].sort());
    expect(w.destination.calls.map((c) => `${c.method} ${c.reference}`).sort()).toEqual(tags.map((t) => `headManifest ${t}`).sort());
    expect(w.source.count('getManifest') + w.destination.count('getManifest')).toBe(0);
  });

  it('fails a signature that was not copied, naming its tag', async () => {
    const w = world();
    const tag = cosign(w, INDEX, '.sig', 'none');
    const r = await run(w);
    expect(r).toMatchObject({ status: 'FAILED', code: 'SIGNATURE_MISSING' });
    expect(r!.message).toBe(`destination signature tag sha256-${INDEX.slice(7, 19)}….sig does not exist`);
    expect(tag.startsWith(`sha256-${INDEX.slice(7, 19)}`)).toBe(true);
  });

  it('fails a signature tag that names other bytes at the destination', async () => {
    const w = world();
    cosign(w, AMD, '.att', 'other');
    const r = await run(w);
    expect(r).toMatchObject({ status: 'FAILED', code: 'SIGNATURE_MISSING' });
    expect(r!.message).toMatch(/^destination signature tag sha256-[0-9a-f]{12}….att is sha256:[0-9a-f]{12}…, source sha256:[0-9a-f]{12}…$/);
  });

  it('names three problems and counts the rest', async () => {
    const w = world();
    for (const d of DIGESTS) for (const s of ['.sig', '.att']) cosign(w, d, s, 'none');
    expect((await run(w))!.message).toMatch(/does not exist; .* does not exist; .* does not exist; and 3 more$/);
  });

  it('checks only the digests it is given', async () => {
    const w = world();
    cosign(w, ARM, '.sig', 'none');
    expect(await run(w, new SignatureMemo(), [INDEX, AMD])).toBeNull();
  });
});

describe('checkSignatures: referrers through the tag schema (no referrers API)', () => {
  it('passes when the sha256-<hex> index and its referrers were copied (same index digest: no destination GET)', async () => {
    const w = world();
    const refs = referrers(w.source, SRC, INDEX, [SIG_TYPE, SBOM_TYPE]);
    fallbackIndex(w.source, SRC, INDEX, refs);
    referrers(w.destination, DST, INDEX, [SIG_TYPE, SBOM_TYPE]);
    fallbackIndex(w.destination, DST, INDEX, refs);
    expect(await run(w)).toBeNull();
    expect(w.destination.calls.map((c) => `${c.method} ${c.reference === digestTag(INDEX) ? 'tag' : 'digest'}`).sort()).toEqual(
      ['headManifest digest', 'headManifest digest', 'headManifest tag', 'referrers digest'],
    );
    expect(w.destination.count('getManifest')).toBe(0);
  });

  it('fails each referrer missing at the destination, naming its digest and artifactType', async () => {
    const w = world();
    const refs = referrers(w.source, SRC, AMD, [SIG_TYPE, SBOM_TYPE]);
    fallbackIndex(w.source, SRC, AMD, refs);
    const r = await run(w);
    expect(r).toMatchObject({ status: 'FAILED', code: 'SIGNATURE_MISSING' });
    expect(r!.message).toBe([
      `destination referrer ${refs[0]!.digest.slice(0, 19)}… (${SIG_TYPE}) of ${AMD.slice(0, 19)}… does not exist`,
      `destination referrer ${refs[1]!.digest.slice(0, 19)}… (${SBOM_TYPE}) of ${AMD.slice(0, 19)}… does not exist`,
    ].join('; '));
  });

  it('fails a referrer the destination index lists but no longer has', async () => {
    const w = world();
    const refs = referrers(w.source, SRC, INDEX, [SIG_TYPE, SBOM_TYPE]);
    fallbackIndex(w.source, SRC, INDEX, refs);
    referrers(w.destination, DST, INDEX, [SIG_TYPE]);
    fallbackIndex(w.destination, DST, INDEX, refs);
    expect((await run(w))!.message).toBe(
      `destination referrer ${refs[1]!.digest.slice(0, 19)}… (${SBOM_TYPE}) of ${INDEX.slice(0, 19)}… does not exist`,
    );
  });

  it('reads a differing destination index (one GET) and accepts extra entries there', async () => {
    const w = world();
    const refs = referrers(w.source, SRC, INDEX, [SIG_TYPE]);
    fallbackIndex(w.source, SRC, INDEX, refs);
    const extra = referrers(w.destination, DST, INDEX, [SIG_TYPE, SBOM_TYPE]);
    fallbackIndex(w.destination, DST, INDEX, [...extra].reverse());
    expect(await run(w)).toBeNull();
    expect(w.destination.count('getManifest')).toBe(1);
  });

  it('reads the source index through the manifest cache on the next run', async () => {
    const w = world();
    fallbackIndex(w.source, SRC, INDEX, referrers(w.source, SRC, INDEX, [SIG_TYPE]));
    const cache = new MemoryCache();
    await run(w, new SignatureMemo(), DIGESTS, { cache });
    const gets = w.source.count('getManifest');
    expect(gets).toBe(1);
    expect(await run(w, new SignatureMemo(), DIGESTS, { cache })).not.toBeNull();
    expect(w.source.count('getManifest')).toBe(gets);
  });
});

describe('checkSignatures: referrers API', () => {
  it('passes when the destination API lists every source referrer, without HEADs', async () => {
    const w = world();
    for (const d of referrers(w.source, SRC, INDEX, [SIG_TYPE, SBOM_TYPE])) w.source.putReferrer(SRC, INDEX, d);
    for (const d of referrers(w.destination, DST, INDEX, [SIG_TYPE, SBOM_TYPE])) w.destination.putReferrer(DST, INDEX, d);
    expect(await run(w)).toBeNull();
    expect(w.destination.calls.map((c) => c.method)).toEqual(['referrers']);
    expect(w.source.count('referrers')).toBe(3);
  });

  it('fails a referrer the destination API lacks', async () => {
    const w = world();
    const [sig] = referrers(w.source, SRC, AMD, [SIG_TYPE]);
    w.source.putReferrer(SRC, AMD, sig!);
    w.destination.enableReferrersApi();
    referrers(w.destination, DST, AMD, [SIG_TYPE]); // present by digest, yet not a referrer there
    expect(await run(w)).toMatchObject({ code: 'SIGNATURE_MISSING', message: expect.stringContaining(SIG_TYPE) });
  });

  it('accepts a destination without the API that lists them in its sha256-<hex> index', async () => {
    const w = world();
    const refs = referrers(w.source, SRC, INDEX, [SIG_TYPE]);
    w.source.putReferrer(SRC, INDEX, refs[0]!);
    referrers(w.destination, DST, INDEX, [SIG_TYPE]);
    fallbackIndex(w.destination, DST, INDEX, refs);
    expect(await run(w)).toBeNull();
  });

  it('does not look for the sha256-<hex> tag at a source that has the API', async () => {
    const w = world();
    w.source.enableReferrersApi();
    fallbackIndex(w.source, SRC, INDEX, referrers(w.source, SRC, INDEX, [SIG_TYPE]));
    w.source.pageSize = 1;
    expect(await run(w)).toBeNull();
    expect(w.source.calls.filter((c) => c.method === 'headManifest').map((c) => c.reference)).not.toContain(digestTag(INDEX));
  });
});

