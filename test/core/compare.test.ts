import { describe, expect, it } from 'vitest';
import { compareManifests, isRelevant, nestedSources, type CompareResult, type SourceSide } from '../../lib/core/compare.js';
import { parseManifest, type Manifest } from '../../lib/core/manifest.js';
import { DOCKER_LIST, DOCKER_V2, OCI_INDEX, OCI_MANIFEST } from '../../lib/core/media-types.js';
import type { Descriptor, Platform, PlatformFilter } from '../../lib/core/types.js';
import { digestOf, fakeDigest, fixtureBytes } from '../helpers/manifest-fixtures.js';

const FILTER: PlatformFilter = { arch: ['amd64', 'arm64'], os: ['linux', 'windows'], attestations: false };
const WITH_ATT: PlatformFilter = { ...FILTER, attestations: true };
const NAMES = { source: 'docker.io/library/nginx', destination: 'reg.example/library/nginx', tag: '1.25' };

function fixture(name: string): { manifest: Manifest; digest: string } {
  const bytes = fixtureBytes(name);
  return { manifest: parseManifest(bytes), digest: digestOf(bytes) };
}

function entry(label: string, architecture: string, os = 'linux', extra: Partial<Platform> = {}): Descriptor {
  return { mediaType: DOCKER_V2, digest: fakeDigest(label), size: 100, platform: { architecture, os, ...extra } };
}

function attestation(label: string, of: string): Descriptor {
  return {
    mediaType: OCI_MANIFEST,
    digest: fakeDigest(label),
    size: 10,
    platform: { architecture: 'unknown', os: 'unknown' },
    annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': fakeDigest(of) },
  };
}

function list(entries: Descriptor[], mediaType = DOCKER_LIST): { manifest: Manifest; digest: string } {
  return { manifest: { kind: 'index', mediaType, manifests: entries }, digest: fakeDigest(JSON.stringify(entries) + mediaType) };
}

const amd = entry('amd', 'amd64');
const arm = entry('arm', 'arm64', 'linux', { variant: 'v8' });
const s390 = entry('s390', 's390x');
const win = entry('win', 'amd64', 'windows', { 'os.version': '10.0.17763.1' });
const attAmd = attestation('att-amd', 'amd');
const attArm = attestation('att-arm', 'arm');

function code(r: CompareResult): string {
  return r.ok ? 'OK' : r.code;
}

describe('list or index source', () => {
  const cases: Array<[string, { manifest: Manifest; digest: string }, { manifest: Manifest; digest: string }, PlatformFilter, string, number?]> = [
    ['Docker list, identical', fixture('s2v2-list.json'), fixture('s2v2-list.json'), FILTER, 'OK', 2],
    ['OCI index, identical', fixture('oci-index.json'), fixture('oci-index.json'), FILTER, 'OK', 2],
    ['OCI index mirrored as Docker list (mixed)', fixture('oci-index.json'), fixture('oci-dst-manifest-list.json'), FILTER, 'OK', 2],
    ['Docker list mirrored as OCI index', list([amd, arm]), list([amd, arm], OCI_INDEX), FILTER, 'OK', 2],
    ['filtered destination (s390x dropped)', list([amd, arm, s390]), list([amd, arm]), FILTER, 'OK', 2],
    ['reordered destination', list([amd, arm, win]), list([win, arm, amd]), FILTER, 'OK', 3],
    ['destination extra outside the filter', list([amd]), list([amd, s390]), FILTER, 'OK', 1],
    ['missing platform', list([amd, arm]), list([amd]), FILTER, 'PLATFORM_MISMATCH'],
    ['extra platform in the filter', list([amd]), list([amd, arm]), FILTER, 'PLATFORM_MISMATCH'],
    ['wrong digest (upstream updated)', list([amd, arm]), list([amd, entry('arm-old', 'arm64', 'linux', { variant: 'v8' })]), FILTER, 'DIGEST_MISMATCH'],
    ['duplicate platform in destination', list([amd, arm]), list([amd, arm, entry('amd2', 'amd64')]), FILTER, 'PLATFORM_MISMATCH'],
    ['arm64 ≡ arm64/v8 (containerd normalisation)', list([amd, arm]), list([amd, { ...arm, platform: { architecture: 'arm64', os: 'linux' } }]), FILTER, 'OK', 2],
    ['variant mismatch (arm64/v8 against arm64/v9)', list([amd, arm]), list([amd, { ...arm, platform: { architecture: 'arm64', os: 'linux', variant: 'v9' } }]), FILTER, 'PLATFORM_MISMATCH'],
    ['os.version mismatch', list([amd, win]), list([amd, { ...win, platform: { architecture: 'amd64', os: 'windows', 'os.version': '10.0.20348.1' } }]), FILTER, 'PLATFORM_MISMATCH'],
    ['attestations ignored by default (dest lacks them)', list([amd, attAmd, arm, attArm], OCI_INDEX), list([amd, arm]), FILTER, 'OK', 2],
    ['attestations ignored by default (dest has them)', list([amd, arm]), list([amd, attAmd, arm, attArm], OCI_INDEX), FILTER, 'OK', 2],
    ['--attestations: all present', list([amd, attAmd, arm, attArm], OCI_INDEX), list([arm, attArm, amd, attAmd], OCI_INDEX), WITH_ATT, 'OK', 4],
    ['--attestations: one missing', list([amd, attAmd, arm, attArm], OCI_INDEX), list([amd, attAmd, arm], OCI_INDEX), WITH_ATT, 'PLATFORM_MISMATCH'],
    ['--attestations: extra in destination', list([amd, arm], OCI_INDEX), list([amd, arm, attArm], OCI_INDEX), WITH_ATT, 'PLATFORM_MISMATCH'],
    ['--attestations, --arch amd64: arm64 attestation not required', list([amd, attAmd, arm, attArm], OCI_INDEX), list([amd, attAmd], OCI_INDEX), { ...WITH_ATT, arch: ['amd64'] }, 'OK', 2],
    ['destination is a single manifest', list([amd]), fixture('s2v2.json'), FILTER, 'DEST_MEDIA_TYPE'],
  ];

  it.each(cases)('%s', (_name, src, dst, filter, expected, children) => {
    const r = compareManifests(src, dst, filter, NAMES);
    expect(code(r)).toBe(expected);
    if (r.ok) expect(r.children).toHaveLength(children ?? -1);
  });

  it('returns the destination descriptors of matched children', () => {
    const r = compareManifests(fixture('oci-index.json'), fixture('oci-dst-manifest-list.json'), FILTER, NAMES);
    expect(r.ok && r.children.map((d) => d.platform?.architecture).sort()).toEqual(['amd64', 'arm64']);
  });

  it('uses hangar wording, names the platform and attaches sorted specs', () => {
    const r = compareManifests(list([arm, amd]), list([amd]), FILTER, NAMES);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toContain('source manifest "docker.io/library/nginx" != dest "reg.example/library/nginx", tag "1.25"');
    expect(r.message).toContain('linux/arm64/v8 (');
    expect(r.srcSpec?.map((s) => s.platform.architecture)).toEqual(['amd64', 'arm64']);
    expect(r.dstSpec).toEqual([{ digest: amd.digest, mediaType: DOCKER_V2, platform: { architecture: 'amd64', os: 'linux' } }]);
  });

  it('tells to run mirror again on a digest mismatch', () => {
    const r = compareManifests(list([amd]), list([entry('old', 'amd64')]), FILTER, NAMES);
    expect(!r.ok && r.message).toMatch(/source digest ".*" != dest digest ".*".*run mirror again/);
  });

  it('reports DEST_MEDIA_TYPE with the type', () => {
    const r = compareManifests(list([amd]), fixture('oci-manifest.json'), FILTER, NAMES);
    expect(!r.ok && r.message).toBe(`destination manifest MIME type unknown: ${OCI_MANIFEST}`);
  });
});

describe('single image source', () => {
  const arm64: Platform = { architecture: 'arm64', os: 'linux' };
  const img = fixture('s2v2.json');
  const src: SourceSide = { ...img, platform: arm64 };
  const child = (over: Partial<Descriptor> = {}): Descriptor => ({ mediaType: DOCKER_V2, digest: img.digest, size: 1, platform: arm64, ...over });

  it.each<[string, { manifest: Manifest; digest: string }, string, string?]>([
    ['same digest', img, 'OK'],
    ['one-entry list', list([child()]), 'OK'],
    ['two-entry list', list([child(), entry('x', 'amd64')]), 'DEST_LIST_LENGTH', 'destination manifest list length should be 1'],
    ['empty list', list([]), 'DEST_LIST_LENGTH', 'destination manifest list length should be 1'],
    ['one-entry list, other digest', list([child({ digest: fakeDigest('other') })]), 'DIGEST_MISMATCH', `source digest "${img.digest}" != dest digest "${fakeDigest('other')}"`],
    ['different single manifest', fixture('oci-manifest.json'), 'DIGEST_MISMATCH', `source digest "${img.digest}" != dest digest "${fixture('oci-manifest.json').digest}"`],
    ['arch differs', list([child({ platform: { architecture: 'amd64', os: 'linux' } })]), 'PLATFORM_MISMATCH', 'source arch "arm64" != dest arch "amd64"'],
    ['os differs', list([child({ platform: { architecture: 'arm64', os: 'windows' } })]), 'PLATFORM_MISMATCH', 'source os "linux" != dest os "windows"'],
    ['default variant written out (arm64/v8)', list([child({ platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } })]), 'OK'],
    ['variant differs', list([child({ platform: { architecture: 'arm64', os: 'linux', variant: 'v9' } })]), 'PLATFORM_MISMATCH', 'source variant "" != dest variant "v9"'],
    ['os.version set', list([child({ platform: { ...arm64, 'os.version': '1.0' } })]), 'PLATFORM_MISMATCH', 'dest os.version is "1.0", should be empty'],
  ])('%s', (_name, dst, expected, message) => {
    const r = compareManifests(src, dst, FILTER, NAMES);
    expect(code(r)).toBe(expected);
    if (!r.ok) expect(r.message).toBe(message);
  });

  it('has nothing to HEAD when the digests are equal, the entry otherwise', () => {
    const same = compareManifests(src, img, FILTER, NAMES);
    expect(same.ok && same.children).toEqual([]);
    const one = compareManifests(src, list([child()]), FILTER, NAMES);
    expect(one.ok && one.children.map((d) => d.digest)).toEqual([img.digest]);
  });

  it('is skipped when its config platform does not pass the filter', () => {
    expect(isRelevant(src, FILTER, nestedSources())).toBe(true);
    expect(isRelevant(src, { ...FILTER, arch: ['amd64'] }, nestedSources())).toBe(false);
    expect(isRelevant({ ...src, platform: { architecture: 'arm64', os: 'darwin' } }, FILTER, nestedSources())).toBe(false);
  });
});

describe('schema1 source', () => {
  const s1 = fixture('s1v2.json');
  const amd64 = { architecture: 'amd64', os: 'linux' };
  const one = (platform: Platform) => list([{ mediaType: DOCKER_V2, digest: fakeDigest('converted'), size: 1, platform }]);

  it.each<[string, { manifest: Manifest; digest: string }, string, string?]>([
    ['one-entry list, any digest', one(amd64), 'OK'],
    ['two-entry list', list([entry('a', 'amd64'), entry('b', 'arm64')]), 'DEST_LIST_LENGTH'],
    ['not a list', fixture('s2v2.json'), 'DEST_MEDIA_TYPE', `destination manifest MIME type unknown: ${DOCKER_V2}`],
    ['arch differs', one({ architecture: 'arm64', os: 'linux' }), 'PLATFORM_MISMATCH', 'source arch "amd64" != dest arch "arm64"'],
    ['variant differs', one({ ...amd64, variant: 'v2' }), 'PLATFORM_MISMATCH', 'source variant "" != dest variant "v2"'],
    ['os.version set', one({ ...amd64, 'os.version': '1' }), 'PLATFORM_MISMATCH', 'dest os.version is "1", should be empty'],
  ])('%s', (_name, dst, expected, message) => {
    const r = compareManifests(s1, dst, FILTER, NAMES);
    expect(code(r)).toBe(expected);
    if (!r.ok && message) expect(r.message).toBe(message);
  });

  it('is skipped outside the filter', () => {
    expect(isRelevant(s1, FILTER, nestedSources())).toBe(true);
    expect(isRelevant(s1, { ...FILTER, arch: ['arm64'] }, nestedSources())).toBe(false);
  });
});

describe('no matching platform', () => {
  it.each<[string, { manifest: Manifest; digest: string }, PlatformFilter, boolean]>([
    ['s390x only', list([s390]), FILTER, false],
    ['attestations do not count', list([attestation('a', 's390'), s390], OCI_INDEX), WITH_ATT, false],
    ['windows excluded by --os', list([win]), { ...FILTER, os: ['linux'] }, false],
    ['arm64 entry passes', list([s390, arm]), FILTER, true],
    ['an entry without platform (an artifact) always counts', list([s390, { mediaType: DOCKER_V2, digest: fakeDigest('n'), size: 1 }]), FILTER, true],
  ])('%s', (_name, src, filter, expected) => {
    expect(isRelevant(src, filter, nestedSources())).toBe(expected);
  });
});
