/**
 * SPEC §3 rules for the shapes real registries hold: artifacts, artifact indexes, platform-less
 * entries, attestations of any reference type, variants, Windows os.version, duplicates, nested
 * indexes, and the bounds on large indexes.
 */
import { describe, expect, it } from 'vitest';
import { compareManifests, isRelevant, nestedSources, ruleOf, type CompareResult, type SourceSide } from '../../lib/core/compare.js';
import type { Manifest } from '../../lib/core/manifest.js';
import { MESSAGE_MAX } from '../../lib/core/messages.js';
import { DOCKER_LIST, DOCKER_V2, OCI_INDEX, OCI_MANIFEST } from '../../lib/core/media-types.js';
import type { Descriptor, Platform, PlatformFilter } from '../../lib/core/types.js';
import { fakeDigest } from '../helpers/manifest-fixtures.js';

const FILTER: PlatformFilter = { arch: ['amd64', 'arm64'], os: ['linux', 'windows'], attestations: false };
const NAMES = { source: 'docker.io/library/x', destination: 'reg.example/library/x', tag: '1' };

const entry = (label: string, platform?: Platform, extra: Partial<Descriptor> = {}): Descriptor =>
  ({ mediaType: OCI_MANIFEST, digest: fakeDigest(label), size: 10, ...(platform ? { platform } : {}), ...extra });
const index = (entries: Descriptor[], mediaType = OCI_INDEX) =>
  ({ manifest: { kind: 'index', mediaType, manifests: entries } as Manifest, digest: fakeDigest(JSON.stringify(entries) + mediaType) });
const image = (label: string) => ({ manifest: { kind: 'image', mediaType: OCI_MANIFEST, config: entry(`${label}-cfg`), layers: [] } as Manifest, digest: fakeDigest(label) });
const linux = (architecture: string, variant?: string): Platform => ({ architecture, os: 'linux', ...(variant ? { variant } : {}) });
const cmp = (s: SourceSide, d: { manifest: Manifest; digest: string }, filter = FILTER, nested = nestedSources()) => compareManifests(s, d, filter, NAMES, nested);
const code = (r: CompareResult) => (r.ok ? 'OK' : r.code);
const message = (r: CompareResult) => (r.ok ? '' : r.message);

const amd = entry('amd', linux('amd64'));
const arm = entry('arm', linux('arm64', 'v8'));
const sig = entry('sig');
const sbom = entry('sbom');

describe('artifacts (image manifests whose config has no platform)', () => {
  const art = image('cosign-sig');
  it('decide by rule "artifact", never SKIPPED whatever the filter', () => {
    expect(ruleOf(art)).toBe('artifact');
    expect(isRelevant(art, { ...FILTER, arch: ['ppc64le'] }, nestedSources())).toBe(true);
  });
  it('PASS-so-far for the same digest, nothing to HEAD', () => {
    expect(cmp(art, art)).toEqual({ ok: true, children: [], nested: [], sources: [] });
  });
  it('DIGEST_MISMATCH naming the artifact otherwise (another manifest, or a list holding it)', () => {
    const other = image('other');
    expect(message(cmp(art, other))).toBe(`artifact: source digest "${art.digest}" != dest digest "${other.digest}"`);
    expect(code(cmp(art, index([entry('cosign-sig', linux('amd64'))])))).toBe('DIGEST_MISMATCH');
  });
});

describe('artifact indexes (entries without a platform)', () => {
  const src = index([sig, sbom]);
  it('decide by rule "artifact" and are never SKIPPED; an empty index too', () => {
    expect(ruleOf(src)).toBe('artifact');
    expect(isRelevant(src, { ...FILTER, arch: ['ppc64le'] }, nestedSources())).toBe(true);
    expect(ruleOf(index([]))).toBe('artifact');
    expect(isRelevant(index([]), FILTER, nestedSources())).toBe(true);
  });
  it.each<[string, { manifest: Manifest; digest: string }, string]>([
    ['byte-identical copy', src, 'OK'],
    ['same entries in another order, as a Docker list', index([sbom, sig], DOCKER_LIST), 'OK'],
    ['destination holds one more signature', index([sig, sbom, entry('extra')]), 'OK'],
    ['an entry missing', index([sig]), 'DIGEST_MISMATCH'],
    ['destination is a single manifest', image('x'), 'DEST_MEDIA_TYPE'],
  ])('%s: %s', (_name, dst, want) => {
    expect(code(cmp(src, dst))).toBe(want);
  });
  it('HEADs every entry and names a missing one as an artifact', () => {
    const ok = cmp(src, src);
    expect(ok.ok && ok.children.map((d) => d.digest)).toEqual([sig.digest, sbom.digest]);
    expect(message(cmp(src, index([sig])))).toContain(`artifact ${sbom.digest} missing in destination`);
  });
});

describe('entries without a platform inside an image index', () => {
  const src = index([amd, arm, sig]);
  it('must be at the destination with the same digest, whatever the filter', () => {
    expect(code(cmp(src, index([amd, arm, sig])))).toBe('OK');
    expect(code(cmp(src, index([amd, arm])))).toBe('DIGEST_MISMATCH');
    expect(code(cmp(src, index([amd, sig]), { ...FILTER, arch: ['amd64'] }))).toBe('OK');
  });
  it('keep the line from being SKIPPED when no platform passes the filter', () => {
    expect(isRelevant(index([entry('s390', linux('s390x')), sig]), FILTER, nestedSources())).toBe(true);
    expect(isRelevant(index([entry('s390', linux('s390x'))]), FILTER, nestedSources())).toBe(false);
  });
});

describe('--attestations compares every unknown/unknown entry, whatever its reference type', () => {
  const unknown = { architecture: 'unknown', os: 'unknown' };
  const sbomRef = entry('sbom-ref', unknown, { annotations: { 'vnd.docker.reference.type': 'sbom', 'vnd.docker.reference.digest': amd.digest } });
  const bare = entry('bare', unknown);
  const src = index([amd, arm, sbomRef, bare]);
  it.each<[string, Descriptor[], boolean, string]>([
    ['ignored by default', [amd, arm], false, 'OK'],
    ['compared with --attestations: all present', [amd, arm, sbomRef, bare], true, 'OK'],
    ['compared with --attestations: one with another reference type missing', [amd, arm, bare], true, 'PLATFORM_MISMATCH'],
    ['compared with --attestations: one without annotations missing', [amd, arm, sbomRef], true, 'PLATFORM_MISMATCH'],
  ])('%s', (_name, dst, attestations, want) => {
    expect(code(cmp(src, index(dst), { ...FILTER, attestations }))).toBe(want);
  });
});

describe('variants, as containerd normalises them', () => {
  const armv7 = entry('armv7', linux('arm', 'v7'));
  const F = { ...FILTER, arch: ['amd64', 'arm64', 'arm'] };
  it.each<[string, Descriptor, Descriptor, string]>([
    ['arm64/v8 at the source, arm64 at the destination', arm, { ...arm, platform: linux('arm64') }, 'OK'],
    ['arm64 at the source, arm64/v8 at the destination', { ...arm, platform: linux('arm64') }, arm, 'OK'],
    ['arm/v7 at the source, arm at the destination', armv7, { ...armv7, platform: linux('arm') }, 'OK'],
    ['arm at the source, arm/v7 at the destination', { ...armv7, platform: linux('arm') }, armv7, 'OK'],
    ['amd64/v1 against amd64', { ...amd, platform: linux('amd64', 'v1') }, amd, 'OK'],
    ['arm/v6 against arm/v7: a real difference', { ...armv7, platform: linux('arm', 'v6') }, armv7, 'PLATFORM_MISMATCH'],
    ['same platform, other digest', arm, entry('arm-old', linux('arm64')), 'DIGEST_MISMATCH'],
    ['variant "v7" with os.version "1" against variant "v7:1"', { ...armv7, platform: { ...linux('arm', 'v7'), 'os.version': '1' } }, { ...armv7, platform: linux('arm', 'v7:1') }, 'PLATFORM_MISMATCH'],
    ['variant "v9" with os.version "1" against variant "v9:1"', { ...arm, platform: { ...linux('arm64', 'v9'), 'os.version': '1' } }, { ...arm, platform: linux('arm64', 'v9:1') }, 'PLATFORM_MISMATCH'],
  ])('%s', (_name, s, d, want) => {
    expect(code(cmp(index([amd, s]), index([amd, d]), F))).toBe(want);
  });
});

describe('single Windows image mirrored as a one-entry list', () => {
  const win: Platform = { architecture: 'amd64', os: 'windows', 'os.version': '10.0.17763.5458' };
  const img = image('win');
  const src: SourceSide = { ...img, platform: win };
  const one = (platform: Platform) => index([{ mediaType: DOCKER_V2, digest: img.digest, size: 1, platform }], DOCKER_LIST);
  it.each<[string, Platform, string, string?]>([
    ['entry os.version equal to the config\'s', win, 'OK'],
    ['entry without os.version', { architecture: 'amd64', os: 'windows' }, 'OK'],
    ['entry with another os.version', { ...win, 'os.version': '10.0.20348.2227' }, 'PLATFORM_MISMATCH', 'source os.version "10.0.17763.5458" != dest os.version "10.0.20348.2227"'],
  ])('%s', (_name, platform, want, msg) => {
    const r = cmp(src, one(platform));
    expect(code(r)).toBe(want);
    if (msg) expect(message(r)).toBe(msg);
  });
});

describe('duplicates: a multiset of (digest, normalised platform)', () => {
  it.each<[string, Descriptor[], Descriptor[], string]>([
    ['a byte-identical copy with a duplicated platform', [amd, amd, arm], [amd, amd, arm], 'OK'],
    ['the same duplicate written once as arm64/v8 and once as arm64', [arm, { ...arm, platform: linux('arm64') }], [arm, arm], 'OK'],
    ['a destination that adds a duplicate', [amd, arm], [amd, amd, arm], 'PLATFORM_MISMATCH'],
    ['a destination that drops one of two', [amd, amd, arm], [amd, arm], 'PLATFORM_MISMATCH'],
    ['two amd64 images at the source, both copied', [amd, entry('amd-b', linux('amd64')), arm], [entry('amd-b', linux('amd64')), amd, arm], 'OK'],
  ])('%s', (_name, s, d, want) => {
    const r = cmp(index(s), index(d));
    expect(code(r)).toBe(want);
  });
  it('names an added duplicate as such', () => {
    expect(message(cmp(index([amd, arm]), index([amd, amd, arm])))).toContain(`duplicate linux/amd64 (${amd.digest}) in destination`);
  });
});

describe('nested indexes', () => {
  const innerA = index([amd, arm]);
  const innerS = index([entry('s390', linux('s390x'))]);
  const ref = (i: { digest: string }, platform?: Platform): Descriptor => ({ mediaType: OCI_INDEX, digest: i.digest, size: 100, ...(platform ? { platform } : {}) });
  const nested = nestedSources(new Map([[innerA.digest, innerA.manifest], [innerS.digest, innerS.manifest]]));
  it('are judged by what they hold: rule "index", SKIPPED only when nothing inside passes', () => {
    const top = index([ref(innerA), ref(innerS)]);
    expect(ruleOf(top)).toBe('index');
    expect(isRelevant(top, FILTER, nested)).toBe(true);
    expect(isRelevant(index([ref(innerS)]), FILTER, nested)).toBe(false);
    expect(isRelevant(index([ref(innerS)]), FILTER, nestedSources())).toBe(true);
  });
  it('come back as pairs to compare in turn: same digest, or same platform with another digest', () => {
    const rebuilt = index([amd]);
    const r = cmp(index([ref(innerA), ref(innerS)]), index([ref(rebuilt)]), FILTER, nested);
    expect(r.ok && r.nested.map(([s, d]) => [s.digest, d.digest])).toEqual([[innerA.digest, rebuilt.digest]]);
    expect(r.ok && r.sources).toEqual([innerA.digest]);
    const same = cmp(index([ref(innerA)]), index([ref(innerA)]), FILTER, nested);
    expect(same.ok && same.nested.length === 1 && same.children).toEqual([]);
  });
  it('fail when the destination lacks one', () => {
    expect(code(cmp(index([ref(innerA)]), index([amd, arm]), FILTER, nested))).toBe('PLATFORM_MISMATCH');
  });
  it('fail when the destination adds one without a platform that the source lacks (a runtime looks inside it)', () => {
    const added = index([entry('arm-extra', linux('arm64'))]);
    const r = cmp(index([amd]), index([amd, ref(added)]), FILTER, nested);
    expect(code(r)).toBe('PLATFORM_MISMATCH');
    expect(message(r)).toContain(`destination has index (${added.digest}) that the source lacks`);
    expect(code(cmp(index([amd]), index([amd, sig]), FILTER, nested))).toBe('OK');
    // An artifact index (referrers tag) may hold more at the destination, index-typed referrers included.
    expect(code(cmp(index([sig]), index([sig, ref(added)]), FILTER, nested))).toBe('OK');
  });
});

describe('large indexes stay cheap and their results small', () => {
  const N = 10_000;
  const many = (tag: string) => Array.from({ length: N }, (_, i) => entry(`${tag}${i}`, linux(i % 2 ? 'amd64' : 'arm64', i % 2 ? undefined : `v${i}`)));
  it('matches 10,000 identical entries in any order', () => {
    const src = many('a');
    const r = cmp(index(src), index([...src].reverse()));
    expect(r.ok && r.children.length).toBe(N);
  });
  it('caps the message and the specs of 10,000 differences', () => {
    const r = cmp(index(many('a')), index(many('b')));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message.length).toBeLessThanOrEqual(MESSAGE_MAX);
    expect(r.message).toMatch(/… and \d+ more/);
    expect(r.message).toContain('srcSpec and dstSpec list only the differing entries');
    expect(r.srcSpec!.length).toBeLessThanOrEqual(50);
    expect(r.dstSpec!.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(r.srcSpec).length + JSON.stringify(r.dstSpec).length).toBeLessThan(64 * 1024);
  });
  it('quotes a hostile 100,000-character variant at most 200 characters long', () => {
    const long = 'v'.repeat(100_000);
    const r = cmp(index([entry('x', linux('amd64', long))]), index([entry('y', linux('amd64', long))]));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message.length).toBeLessThanOrEqual(MESSAGE_MAX);
  });
});
