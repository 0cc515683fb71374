import { describe, expect, it } from 'vitest';
import { computeDigest } from '../../lib/core/digest.js';
import { MirrorValidateError } from '../../lib/core/errors.js';
import { parseManifest } from '../../lib/core/manifest.js';
import { DOCKER_LIST, DOCKER_V1_SIGNED, DOCKER_V2, OCI_INDEX, OCI_MANIFEST } from '../../lib/core/media-types.js';
import type { ImageRef, PlatformFilter } from '../../lib/core/types.js';
import { checkImage, type CheckDeps } from '../../lib/check/check-image.js';
import { FakeReader, MemoryCache } from '../helpers/fake-reader.js';
import { digestOf, encode, fakeDigest, fixtureBytes } from '../helpers/manifest-fixtures.js';

const FILTER: PlatformFilter = { arch: ['amd64', 'arm64'], os: ['linux', 'windows'], attestations: false };
const SRC: ImageRef = { registry: 'docker.io', repository: 'library/nginx', tag: '1.25' };
const DST: ImageRef = { registry: 'reg.example', repository: 'library/nginx', tag: '1.25' };
const ITEM = { line: 3, input: 'nginx:1.25', source: SRC, destination: DST };

function children(name: string): { digest: string; arch: string }[] {
  const m = parseManifest(fixtureBytes(name));
  if (m.kind !== 'index') throw new Error('index expected');
  return m.manifests.map((d) => ({ digest: d.digest, arch: d.platform?.architecture ?? '' }));
}

/** Source with `srcName` under the tag, destination with `dstName` (or nothing), all children present. */
function setup(srcName: string, dstName: string | null, mediaTypes: [string, string]) {
  const source = new FakeReader();
  const destination = new FakeReader();
  source.putManifest(SRC, fixtureBytes(srcName), mediaTypes[0], '1.25');
  if (dstName) {
    destination.putManifest(DST, fixtureBytes(dstName), mediaTypes[1], '1.25');
    for (const c of children(dstName)) destination.putManifestAt(DST, c.digest, encode({ child: c.digest }), OCI_MANIFEST);
  }
  const deps = (over: Partial<CheckDeps> = {}): CheckDeps => ({ source, destination, filter: FILTER, deep: false, ...over });
  return { source, destination, deps };
}

describe('checkImage: lists', () => {
  it('PASSes identical lists with one source HEAD, one destination GET and one HEAD per filtered child', async () => {
    const { source, destination, deps } = setup('s2v2-list.json', 's2v2-list.json', [DOCKER_LIST, DOCKER_LIST]);
    const r = await checkImage(ITEM, deps());
    expect(r).toMatchObject({ line: 3, input: 'nginx:1.25', status: 'PASS', code: null });
    expect(r.message).toBe('[docker.io/library/nginx:1.25] == [reg.example/library/nginx:1.25]');
    expect(source.count('headManifest')).toBe(1);
    expect(source.count('getManifest')).toBe(0);
    expect(destination.count('getManifest')).toBe(1);
    expect(destination.count('headManifest')).toBe(2);
  });

  it('GETs the source by digest once when the top digests differ, and caches it', async () => {
    const { source, deps } = setup('oci-index.json', 'oci-dst-manifest-list.json', [OCI_INDEX, DOCKER_LIST]);
    const cache = new MemoryCache();
    const first = await checkImage(ITEM, deps({ cache }));
    expect(first.status).toBe('PASS');
    const digest = digestOf(fixtureBytes('oci-index.json'));
    expect(source.calls.filter((c) => c.method === 'getManifest').map((c) => c.reference)).toEqual([digest]);
    expect(cache.entries.has(digest)).toBe(true);

    const second = await checkImage(ITEM, deps({ cache }));
    expect(second.status).toBe('PASS');
    expect(source.count('getManifest')).toBe(1);
  });

  it('ignores a corrupt cache entry and GETs the source', async () => {
    const { source, deps } = setup('oci-index.json', 'oci-dst-manifest-list.json', [OCI_INDEX, DOCKER_LIST]);
    const cache = new MemoryCache();
    cache.entries.set(digestOf(fixtureBytes('oci-index.json')), encode({ not: 'it' }));
    expect((await checkImage(ITEM, deps({ cache }))).status).toBe('PASS');
    expect(source.count('getManifest')).toBe(1);
  });

  it('does not HEAD the source when the line pins a digest', async () => {
    const { source, deps } = setup('s2v2-list.json', 's2v2-list.json', [DOCKER_LIST, DOCKER_LIST]);
    const pinned = { ...ITEM, source: { ...SRC, digest: digestOf(fixtureBytes('s2v2-list.json')) } };
    expect((await checkImage(pinned, deps())).status).toBe('PASS');
    expect(source.calls).toEqual([]);
  });

  it('FAILs a list mismatch with srcSpec and dstSpec', async () => {
    const { deps } = setup('s2v2-list.json', 'oci-index.json', [DOCKER_LIST, OCI_INDEX]);
    const r = await checkImage(ITEM, deps());
    expect(r.status).toBe('FAILED');
    expect(r.code).toBe('DIGEST_MISMATCH');
    expect(r.srcSpec).toHaveLength(2);
    expect(r.dstSpec).toHaveLength(2);
  });

  it('FAILs CHILD_MISSING naming the digest and platform when a child HEAD is 404', async () => {
    const source = new FakeReader();
    const destination = new FakeReader();
    source.putManifest(SRC, fixtureBytes('oci-index.json'), OCI_INDEX, '1.25');
    destination.putManifest(DST, fixtureBytes('oci-index.json'), OCI_INDEX, '1.25');
    const [amd, arm] = children('oci-index.json');
    destination.putManifestAt(DST, amd!.digest, encode({}), OCI_MANIFEST);
    const r = await checkImage(ITEM, { source, destination, filter: FILTER, deep: false });
    expect(r.status).toBe('FAILED');
    expect(r.code).toBe('CHILD_MISSING');
    expect(r.message).toContain(arm!.digest);
    expect(r.message).toContain('linux/arm64');
    expect(r.message).not.toContain(amd!.digest);
  });

  it('SKIPs a source without a matching platform even when the destination is absent', async () => {
    const { deps } = setup('s2v2-list.json', null, [DOCKER_LIST, DOCKER_LIST]);
    const r = await checkImage(ITEM, deps({ filter: { ...FILTER, arch: ['ppc64le'] } }));
    expect(r).toMatchObject({ status: 'SKIPPED', code: 'NO_MATCHING_PLATFORM' });
  });

  it('FAILs DEST_NOT_FOUND when the destination is absent', async () => {
    const { source, deps } = setup('s2v2-list.json', null, [DOCKER_LIST, DOCKER_LIST]);
    const r = await checkImage(ITEM, deps());
    expect(r).toMatchObject({ status: 'FAILED', code: 'DEST_NOT_FOUND', message: 'destination manifest does not exist' });
    expect(source.count('getManifest')).toBe(1);
  });
});

describe('checkImage: --deep', () => {
  function deepSetup(omitBlob?: string, omitArmChild = false) {
    const source = new FakeReader();
    const destination = new FakeReader();
    const cfg = fakeDigest('cfg');
    const shared = fakeDigest('shared-layer');
    const mk = (own: string) => encode({
      schemaVersion: 2, mediaType: DOCKER_V2,
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: cfg, size: 1 },
      layers: [
        { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: shared, size: 1 },
        { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: fakeDigest(own), size: 1 },
        { mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip', digest: fakeDigest('foreign'), size: 1 },
      ],
    });
    const amdBody = mk('amd-layer');
    const armBody = mk('arm-layer');
    const index = encode({
      schemaVersion: 2, mediaType: OCI_INDEX,
      manifests: [
        { mediaType: DOCKER_V2, digest: digestOf(amdBody), size: amdBody.length, platform: { architecture: 'amd64', os: 'linux' } },
        { mediaType: DOCKER_V2, digest: digestOf(armBody), size: armBody.length, platform: { architecture: 'arm64', os: 'linux' } },
      ],
    });
    source.putManifest(SRC, index, OCI_INDEX, '1.25');
    destination.putManifest(DST, index, OCI_INDEX, '1.25');
    destination.putManifest(DST, amdBody, DOCKER_V2);
    if (!omitArmChild) destination.putManifest(DST, armBody, DOCKER_V2);
    for (const d of [cfg, shared, fakeDigest('amd-layer'), fakeDigest('arm-layer')]) {
      if (d !== omitBlob) destination.putBlob(DST, d);
    }
    return { source, destination };
  }

  it('GETs each child instead of HEAD and HEADs every distinct non-foreign blob once', async () => {
    const { source, destination } = deepSetup();
    const r = await checkImage(ITEM, { source, destination, filter: FILTER, deep: true });
    expect(r.status).toBe('PASS');
    expect(destination.count('headManifest')).toBe(0);
    expect(destination.count('getManifest')).toBe(3);
    expect(destination.count('headBlob')).toBe(4);
  });

  it('FAILs BLOB_MISSING naming the blob and platform', async () => {
    const { source, destination } = deepSetup(fakeDigest('arm-layer'));
    const r = await checkImage(ITEM, { source, destination, filter: FILTER, deep: true });
    expect(r.status).toBe('FAILED');
    expect(r.code).toBe('BLOB_MISSING');
    expect(r.message).toContain(fakeDigest('arm-layer'));
    expect(r.message).toContain('linux/arm64');
  });

  it('FAILs CHILD_MISSING when a child GET is 404', async () => {
    const { source, destination } = deepSetup(undefined, true);
    const r = await checkImage(ITEM, { source, destination, filter: FILTER, deep: true });
    expect(r.code).toBe('CHILD_MISSING');
    expect(destination.count('headBlob')).toBe(0);
  });
});

describe('checkImage: single image and schema1 sources', () => {
  // s2v2.json with its config digest pointing at the real bytes of s2v2-config.json (arm64 v8).
  const configDigest = digestOf(fixtureBytes('s2v2-config.json'));
  const body = JSON.parse(new TextDecoder().decode(fixtureBytes('s2v2.json'))) as { config: { digest: string } };
  body.config.digest = configDigest;
  const manifest = encode(body);
  function single(dest: 'same' | 'list' | 'two') {
    const source = new FakeReader();
    const destination = new FakeReader();
    const digest = source.putManifest(SRC, manifest, DOCKER_V2, '1.25');
    source.putBlob(SRC, configDigest, fixtureBytes('s2v2-config.json'));
    const entry = { mediaType: DOCKER_V2, digest, size: 1, platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } };
    if (dest === 'same') {
      destination.putManifest(DST, manifest, DOCKER_V2, '1.25');
      destination.putBlob(DST, configDigest, fixtureBytes('s2v2-config.json'));
    } else {
      const extra = { ...entry, digest: fakeDigest('x'), platform: { architecture: 'amd64', os: 'linux' } };
      destination.putManifest(DST, encode({ schemaVersion: 2, mediaType: DOCKER_LIST, manifests: dest === 'list' ? [entry] : [entry, extra] }), DOCKER_LIST, '1.25');
      destination.putManifestAt(DST, digest, manifest, DOCKER_V2);
    }
    return { source, destination };
  }

  it('PASSes a one-entry list: source config fetched once, child HEADed once', async () => {
    const { source, destination } = single('list');
    const r = await checkImage(ITEM, { source, destination, filter: FILTER, deep: false });
    expect(r.status).toBe('PASS');
    expect(source.count('getBlob')).toBe(1);
    expect(source.count('getManifest')).toBe(1);
    expect(destination.count('headManifest')).toBe(1);
  });

  it('PASSes the same digest with no source GET at all and no child HEAD', async () => {
    const { source, destination } = single('same');
    const r = await checkImage(ITEM, { source, destination, filter: FILTER, deep: false });
    expect(r.status).toBe('PASS');
    expect(source.calls.map((c) => c.method)).toEqual(['headManifest']);
    expect(destination.count('getBlob')).toBe(1);
    expect(destination.count('headManifest')).toBe(0);
  });

  it('takes the config from the cache on a re-run', async () => {
    const { source, destination } = single('list');
    const cache = new MemoryCache();
    await checkImage(ITEM, { source, destination, filter: FILTER, deep: false, cache });
    await checkImage(ITEM, { source, destination, filter: FILTER, deep: false, cache });
    expect(source.count('getBlob')).toBe(1);
    expect(source.count('getManifest')).toBe(1);
  });

  it('with --deep and the same digest, HEADs the config and layers of the destination manifest', async () => {
    const { source, destination } = single('same');
    const r = await checkImage(ITEM, { source, destination, filter: FILTER, deep: true });
    expect(r.code).toBe('BLOB_MISSING');
    const layers = parseManifest(fixtureBytes('s2v2.json'));
    expect(destination.count('headBlob')).toBe(layers.kind === 'image' ? layers.layers.length + 1 : -1);
  });

  it.each([
    ['lacks the config\'s default variant (arm64 ≡ arm64/v8)', { architecture: 'arm64', os: 'linux' }, 'PASS', null],
    ['writes the variant as "8"', { architecture: 'aarch64', os: 'linux', variant: '8' }, 'PASS', null],
    ['names another variant', { architecture: 'arm64', os: 'linux', variant: 'v9' }, 'FAILED', 'source variant "" != dest variant "v9"'],
  ])('one-entry list whose entry %s', async (_name, platform, status, message) => {
    const { source, destination } = single('list');
    const list = encode({ schemaVersion: 2, mediaType: DOCKER_LIST, manifests: [{ mediaType: DOCKER_V2, digest: digestOf(manifest), size: 1, platform }] });
    destination.putManifest(DST, list, DOCKER_LIST, '1.25');
    const r = await checkImage(ITEM, { source, destination, filter: FILTER, deep: false });
    expect(r.status).toBe(status);
    if (message) expect(r).toMatchObject({ code: 'PLATFORM_MISMATCH', message, rule: 'single' });
  });

  it.each(['same', 'list'] as const)('PASSes a line pinned by sha512 whose destination is %s (registries name it by sha256)', async (dest) => {
    const { source, destination } = single(dest);
    const pin = computeDigest(manifest, 'sha512');
    source.putManifestAt(SRC, pin, manifest, DOCKER_V2);
    const item = { ...ITEM, source: { registry: SRC.registry, repository: SRC.repository, digest: pin } };
    expect(await checkImage(item, { source, destination, filter: FILTER, deep: false })).toMatchObject({ status: 'PASS', rule: 'single' });
    const other = encode({ ...body, layers: [] });
    const wrong = { ...item, source: { ...item.source, digest: computeDigest(other, 'sha512') } };
    source.putManifestAt(SRC, wrong.source.digest, other, DOCKER_V2);
    expect(await checkImage(wrong, { source, destination, filter: FILTER, deep: false })).toMatchObject({ status: 'FAILED', code: 'DIGEST_MISMATCH' });
  });

  it('PASSes the same manifest when both registries name it by sha512', async () => {
    const { source, destination } = single('same');
    const pin = computeDigest(manifest, 'sha512');
    for (const [r, ref] of [[source, SRC], [destination, DST]] as const) {
      r.putManifestAt(ref, pin, manifest, DOCKER_V2);
      r.tag(ref, '1.25', pin);
    }
    expect(await checkImage(ITEM, { source, destination, filter: FILTER, deep: false })).toMatchObject({ status: 'PASS' });
  });

  it('FAILs DEST_LIST_LENGTH for a two-entry list', async () => {
    const { source, destination } = single('two');
    const r = await checkImage(ITEM, { source, destination, filter: FILTER, deep: false });
    expect(r).toMatchObject({ status: 'FAILED', code: 'DEST_LIST_LENGTH', message: 'destination manifest list length should be 1' });
  });

  it('SKIPs a single image whose config platform is filtered out', async () => {
    const { source, destination } = single('list');
    const r = await checkImage(ITEM, { source, destination, filter: { ...FILTER, arch: ['amd64'] }, deep: false });
    expect(r.status).toBe('SKIPPED');
    expect(destination.count('headManifest')).toBe(0);
  });

  it('PASSes a schema1 source converted into a one-entry list', async () => {
    const source = new FakeReader();
    const destination = new FakeReader();
    source.putManifest(SRC, fixtureBytes('s1v2.json'), DOCKER_V1_SIGNED, '1.25');
    const child = fakeDigest('converted');
    destination.putManifest(DST, encode({ schemaVersion: 2, mediaType: DOCKER_LIST, manifests: [{ mediaType: DOCKER_V2, digest: child, size: 1, platform: { architecture: 'amd64', os: 'linux' } }] }), DOCKER_LIST, '1.25');
    destination.putManifestAt(DST, child, encode({}), DOCKER_V2);
    const r = await checkImage(ITEM, { source, destination, filter: FILTER, deep: false });
    expect(r.status).toBe('PASS');
    expect(destination.calls.filter((c) => c.method === 'headManifest').map((c) => c.reference)).toEqual([child]);
  });
});

describe('checkImage: fail-closed errors', () => {
  const secret = 'Bearer eyJhbGciOi.secret-token';

  it('reports a destination AUTH error as ERROR AUTH, never DEST_NOT_FOUND', async () => {
    const { destination, deps } = setup('s2v2-list.json', null, [DOCKER_LIST, DOCKER_LIST]);
    destination.fail('getManifest', '1.25', new MirrorValidateError('AUTH', `401 from reg.example with ${secret}`));
    const r = await checkImage(ITEM, deps());
    expect(r.status).toBe('ERROR');
    expect(r.code).toBe('AUTH');
    expect(r.message.startsWith('destination: ')).toBe(true);
    expect(r.message).not.toContain('secret-token');
  });

  it('reports a source RATE_LIMITED as ERROR RATE_LIMITED', async () => {
    const { source, deps } = setup('s2v2-list.json', 's2v2-list.json', [DOCKER_LIST, DOCKER_LIST]);
    source.fail('headManifest', '1.25', new MirrorValidateError('RATE_LIMITED', '429 Too Many Requests'));
    const r = await checkImage(ITEM, deps());
    expect(r).toMatchObject({ status: 'ERROR', code: 'RATE_LIMITED', message: 'source: 429 Too Many Requests' });
  });

  it('reports a missing source as ERROR SOURCE_ERROR', async () => {
    const source = new FakeReader();
    const { destination } = setup('s2v2-list.json', 's2v2-list.json', [DOCKER_LIST, DOCKER_LIST]);
    const r = await checkImage(ITEM, { source, destination, filter: FILTER, deep: false });
    expect(r).toMatchObject({ status: 'ERROR', code: 'SOURCE_ERROR', message: 'source manifest does not exist' });
  });

  it('reports an error on a child HEAD as ERROR, not CHILD_MISSING', async () => {
    const { destination, deps } = setup('s2v2-list.json', 's2v2-list.json', [DOCKER_LIST, DOCKER_LIST]);
    const [first] = children('s2v2-list.json');
    destination.fail('headManifest', first!.digest, new MirrorValidateError('NETWORK', 'connection reset'));
    const r = await checkImage(ITEM, deps());
    expect(r).toMatchObject({ status: 'ERROR', code: 'NETWORK', message: 'destination: connection reset' });
  });

  it('maps an uncoded exception to NETWORK and keeps URL credentials out', async () => {
    const { source, deps } = setup('s2v2-list.json', 's2v2-list.json', [DOCKER_LIST, DOCKER_LIST]);
    source.fail('headManifest', '1.25', new Error('connect ECONNREFUSED https://bob:hunter2@docker.io/v2/'));
    const r = await checkImage(ITEM, deps());
    expect(r.code).toBe('NETWORK');
    expect(r.message).not.toContain('hunter2');
  });

  it('reports a malformed destination body as ERROR MALFORMED', async () => {
    const source = new FakeReader();
    const destination = new FakeReader();
    source.putManifest(SRC, fixtureBytes('s2v2-list.json'), DOCKER_LIST, '1.25');
    destination.putManifest(DST, new TextEncoder().encode('{"manifests": ['), DOCKER_LIST, '1.25');
    const r = await checkImage(ITEM, { source, destination, filter: FILTER, deep: false });
    expect(r).toMatchObject({ status: 'ERROR', code: 'MALFORMED' });
    expect(r.message.startsWith('destination: ')).toBe(true);
  });

  it('FAILs DEST_MEDIA_TYPE for a destination of an unknown type', async () => {
    const source = new FakeReader();
    const destination = new FakeReader();
    source.putManifest(SRC, fixtureBytes('s2v2-list.json'), DOCKER_LIST, '1.25');
    destination.putManifest(DST, encode({ mediaType: 'application/vnd.example.thing+json' }), 'application/vnd.example.thing+json', '1.25');
    const r = await checkImage(ITEM, { source, destination, filter: FILTER, deep: false });
    expect(r).toMatchObject({ status: 'FAILED', code: 'DEST_MEDIA_TYPE', message: 'destination manifest MIME type unknown: application/vnd.example.thing+json' });
  });
});
