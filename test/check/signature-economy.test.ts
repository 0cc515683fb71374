/**
 * `--signatures` request economy over the fake reader: one tag listing per repository and run
 * (Link pages followed) or HEADs when the listing is longer than the line's candidates; single
 * flight across concurrent lines; failures shared, then asked again. And the call from checkImage.
 */
import { describe, expect, it } from 'vitest';
import { checkImage } from '../../lib/check/check-image.js';
import { digestTag } from '../../lib/core/digest.js';
import { OCI_INDEX, OCI_MANIFEST } from '../../lib/core/media-types.js';
import { SignatureMemo } from '../../lib/check/signature-memo.js';
import { FakeReader } from '../helpers/fake-reader.js';
import { encode, fakeDigest } from '../helpers/manifest-fixtures.js';
import { AMD, artifact, cosign, DST, INDEX, run, SIG_TYPE, SRC, world, type World } from '../helpers/signature-fixtures.js';

describe('request economy: tag listing or HEADs, shared by the lines of a run', () => {
  it('follows Link pages while they are fewer than the candidates, once per run and repository', async () => {
    const w = world();
    for (let i = 0; i < 9; i++) w.source.tag(SRC, `v${i}`, INDEX);
    w.source.pageSize = 2; // 10 tags: 5 pages, 12 candidates
    const memo = new SignatureMemo();
    await Promise.all([run(w, memo), run(w, memo), run(w, memo, [AMD])]);
    expect(w.source.count('listTags')).toBe(5);
    expect(w.source.calls.filter((c) => c.method === 'listTags').map((c) => c.reference)).toEqual(
      ['', '?last=v0&n=2', '?last=v2&n=2', '?last=v4&n=2', '?last=v6&n=2'],
    );
    expect(w.source.count('headManifest')).toBe(0);
    expect(w.source.count('referrers')).toBe(1);
    await run(w, new SignatureMemo());
    expect(w.source.count('listTags')).toBe(10);
  });

  it('gives the listing up for HEADs when it needs more pages than the line has candidates', async () => {
    const w = world();
    for (let i = 0; i < 20; i++) w.source.tag(SRC, `v${i}`, INDEX);
    w.source.pageSize = 1;
    const tag = cosign(w, AMD, '.sig', 'same');
    const memo = new SignatureMemo();
    expect(await run(w, memo, [AMD])).toBeNull();
    // 1 digest without referrers API: 4 candidates, so at most 4 pages; then 4 HEADs.
    expect(w.source.count('listTags')).toBe(4);
    expect(w.source.count('headManifest')).toBe(4);
    expect(await run(w, memo)).toBeNull();
    expect(w.source.count('listTags')).toBe(4);
    expect(w.source.count('headManifest')).toBe(4 + 12);
    expect(w.destination.calls.map((c) => c.reference)).toEqual([tag, tag]);
  });

  it('a source listing answered 404 (the repository was just read) proves nothing: the candidates are HEADed', async () => {
    const w = world();
    cosign(w, AMD, '.sig', 'none');
    w.source.listTags = async () => null;
    const r = await run(w, new SignatureMemo(), [AMD]);
    expect(r).toMatchObject({ status: 'FAILED', code: 'SIGNATURE_MISSING' });
    expect(r?.message).toBe(`destination signature tag sha256-${AMD.slice(7, 19)}….sig does not exist`);
    expect(w.source.count('headManifest')).toBe(4);
  });

  it('a failed listing fails its lines and is asked again by the next line', async () => {
    const w = world();
    const denied = Object.assign(new Error('denied'), { code: 'AUTH' });
    w.source.fail('listTags', '', denied);
    const memo = new SignatureMemo();
    await expect(run(w, memo)).rejects.toMatchObject({ side: 'source', cause: denied });
    expect(w.source.count('listTags')).toBe(1);
    await expect(run(w, memo)).rejects.toMatchObject({ side: 'source' });
    expect(w.source.count('listTags')).toBe(2);
  });

  it('a destination error is the destination side', async () => {
    const w = world();
    const tag = cosign(w, INDEX, '.sig', 'same');
    w.destination.fail('headManifest', tag, Object.assign(new Error('reset'), { code: 'NETWORK' }));
    await expect(run(w)).rejects.toMatchObject({ side: 'destination' });
  });
});

describe('checkImage with signatures', () => {
  const FILTER = { arch: ['amd64', 'arm64'], os: ['linux'], attestations: false };
  /** A two-child OCI index copied byte for byte, children present on both sides. */
  function mirrored(): World & { index: string; children: string[] } {
    const w = { source: new FakeReader(), destination: new FakeReader() };
    const kids = ['amd64', 'arm64'].map((architecture) => {
      const bytes = encode({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'x', digest: fakeDigest(architecture), size: 1 }, layers: [] });
      return { bytes, desc: { mediaType: OCI_MANIFEST, digest: fakeDigest(`m-${architecture}`), size: bytes.length, platform: { architecture, os: 'linux' } } };
    });
    for (const [r, ref] of [[w.source, SRC], [w.destination, DST]] as const) {
      kids.forEach((k) => r.putManifestAt(ref, k.desc.digest, k.bytes, OCI_MANIFEST));
    }
    const bytes = encode({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: kids.map((k) => k.desc) });
    const index = w.source.putManifest(SRC, bytes, OCI_INDEX, '1.0');
    w.destination.putManifest(DST, bytes, OCI_INDEX, '1.0');
    return { ...w, index, children: kids.map((k) => k.desc.digest) };
  }
  const item = { line: 1, input: 'x', source: SRC, destination: DST };
  const check = async (w: World, memo?: SignatureMemo) => {
    return checkImage(item, { source: w.source, destination: w.destination, filter: FILTER, deep: false, ...(memo ? { signatures: memo } : {}) });
  };

  it('without the setting, signatures are not looked at', async () => {
    const w = mirrored();
    w.source.putManifest(SRC, artifact(w.index, SIG_TYPE), OCI_MANIFEST, `${digestTag(w.index)!}.sig`);
    expect(await check(w)).toMatchObject({ status: 'PASS' });
    expect(w.source.count('listTags') + w.source.count('referrers')).toBe(0);
  });

  it('checks the tag digest and every matched child: a child signature not copied fails', async () => {
    const w = mirrored();
    w.source.putManifest(SRC, artifact(w.children[1]!, SIG_TYPE), OCI_MANIFEST, `${digestTag(w.children[1]!)!}.sig`);
    const r = await check(w, new SignatureMemo());
    expect(r).toMatchObject({ status: 'FAILED', code: 'SIGNATURE_MISSING' });
    expect(r.message).toContain(`sha256-${w.children[1]!.slice(7, 19)}….sig`);
    w.destination.putManifest(DST, artifact(w.children[1]!, SIG_TYPE), OCI_MANIFEST, `${digestTag(w.children[1]!)!}.sig`);
    expect(await check(w, new SignatureMemo())).toMatchObject({ status: 'PASS' });
  });

  it('a filtered mirror (other list digest) still needs the signature of the source index digest', async () => {
    const w = mirrored();
    const src = (await w.source.getManifest(SRC, '1.0'))!;
    const only = JSON.parse(new TextDecoder().decode(src.bytes)) as { manifests: unknown[] };
    w.destination.putManifest(DST, encode({ ...only, manifests: only.manifests.slice(0, 1) }), OCI_INDEX, '1.0');
    const filter = { arch: ['amd64'], os: ['linux'], attestations: false };
    const item2 = { line: 1, input: 'x', source: SRC, destination: DST };
    const sigTag = `${digestTag(w.index)!}.sig`;
    w.source.putManifest(SRC, artifact(w.index, SIG_TYPE), OCI_MANIFEST, sigTag);
    const r = await checkImage(item2, { source: w.source, destination: w.destination, filter, deep: false, signatures: new SignatureMemo() });
    expect(r).toMatchObject({ status: 'FAILED', code: 'SIGNATURE_MISSING', message: expect.stringContaining(`sha256-${w.index.slice(7, 19)}….sig`) });
    w.destination.putManifest(DST, artifact(w.index, SIG_TYPE), OCI_MANIFEST, sigTag);
    expect(await checkImage(item2, { source: w.source, destination: w.destination, filter, deep: false, signatures: new SignatureMemo() }))
      .toMatchObject({ status: 'PASS' });
  });

  it('a missing child is reported first (CHILD_MISSING), without looking for signatures', async () => {
    const w = mirrored();
    const d = new FakeReader();
    const bytes = (await w.destination.getManifest(DST, '1.0'))!.bytes;
    d.putManifest(DST, bytes, OCI_INDEX, '1.0');
    const r = await check({ source: w.source, destination: d }, new SignatureMemo());
    expect(r).toMatchObject({ status: 'FAILED', code: 'CHILD_MISSING' });
    expect(w.source.count('listTags')).toBe(0);
  });

  it('a source registry error while looking for signatures is ERROR on the source side, never PASS', async () => {
    const w = mirrored();
    w.source.fail('listTags', '', Object.assign(new Error('registry answered 503'), { code: 'NETWORK' }));
    expect(await check(w, new SignatureMemo())).toMatchObject({ status: 'ERROR', code: 'NETWORK', message: 'source: registry answered 503' });
  });
});
