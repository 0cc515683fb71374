import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../lib/core/manifest.js';
import { DOCKER_LIST, DOCKER_V2, OCI_INDEX, OCI_MANIFEST } from '../../lib/core/media-types.js';
import type { ImageRef, PlatformFilter } from '../../lib/core/types.js';
import { headsSourceFirst } from '../../lib/check/source.js';
import { checkImage } from '../../lib/check/check-image.js';
import { FakeReader, MemoryCache } from '../helpers/fake-reader.js';
import { digestOf, encode, fixtureBytes } from '../helpers/manifest-fixtures.js';

const FILTER: PlatformFilter = { arch: ['amd64', 'arm64'], os: ['linux', 'windows'], attestations: false };
const HUB: ImageRef = { registry: 'docker.io', repository: 'library/nginx', tag: '1.25' };
const PRIVATE: ImageRef = { registry: 'quay.example', repository: 'org/nginx', tag: '1.25' };
const DST: ImageRef = { registry: 'reg.example', repository: 'library/nginx', tag: '1.25' };

/** Method calls as `side:method:reference-kind` in call order per side. */
function plan(r: FakeReader, side: string): string[] {
  return r.calls.map((c) => `${side}:${c.method}:${c.reference.startsWith('sha256:') ? 'digest' : 'tag'}`);
}

/** A source list under the tag and a destination list (same or filtered), children present. */
function lists(src: ImageRef, sameDigest: boolean) {
  const source = new FakeReader();
  const destination = new FakeReader();
  const srcName = sameDigest ? 's2v2-list.json' : 'oci-index.json';
  const dstName = sameDigest ? 's2v2-list.json' : 'oci-dst-manifest-list.json';
  source.putManifest(src, fixtureBytes(srcName), sameDigest ? DOCKER_LIST : OCI_INDEX, '1.25');
  destination.putManifest(DST, fixtureBytes(dstName), DOCKER_LIST, '1.25');
  const m = parseManifest(fixtureBytes(dstName));
  if (m.kind !== 'index') throw new Error('index expected');
  for (const c of m.manifests) destination.putManifestAt(DST, c.digest, encode({ child: c.digest }), OCI_MANIFEST);
  const k = m.manifests.filter((d) => FILTER.arch.includes(d.platform?.architecture ?? '')).length;
  return { source, destination, k };
}

describe('headsSourceFirst', () => {
  it.each([
    ['docker.io without cache', HUB, false, true],
    ['index.docker.io alias', { ...HUB, registry: 'index.docker.io' }, false, true],
    ['private registry without cache', PRIVATE, false, false],
    ['private registry with cache', PRIVATE, true, true],
    ['pinned digest on docker.io', { ...HUB, digest: digestOf(new Uint8Array([1])) }, true, false],
  ])('%s', (_name, ref, withCache, expected) => {
    expect(headsSourceFirst(ref as ImageRef, withCache ? new MemoryCache() : undefined)).toBe(expected);
  });
});

describe('checkImage: request economy per image (k matched children)', () => {
  it.each([
    // [case, source ref, same top digest, cache, expected source plan]
    ['private, no cache, digests differ: 1 source GET by tag', PRIVATE, false, 'none', ['source:getManifest:tag']],
    ['private, no cache, digests equal: still 1 source GET by tag', PRIVATE, true, 'none', ['source:getManifest:tag']],
    ['private, cold cache, digests differ: HEAD then GET by digest', PRIVATE, false, 'cold', ['source:headManifest:tag', 'source:getManifest:digest']],
    ['private, warm cache: HEAD only', PRIVATE, false, 'warm', ['source:headManifest:tag']],
    ['Docker Hub, no cache, digests equal: HEAD only (no quota spent)', HUB, true, 'none', ['source:headManifest:tag']],
    ['Docker Hub, no cache, digests differ: HEAD then GET by digest', HUB, false, 'none', ['source:headManifest:tag', 'source:getManifest:digest']],
    ['Docker Hub, warm cache: HEAD only', HUB, false, 'warm', ['source:headManifest:tag']],
  ] as const)('%s', async (_name, src, same, cacheState, expected) => {
    const { source, destination, k } = lists(src, same);
    const cache = cacheState === 'none' ? undefined : new MemoryCache();
    const item = { line: 1, input: 'x', source: src, destination: DST };
    if (cacheState === 'warm') {
      const warmUp = lists(src, same);
      expect((await checkImage(item, { source: warmUp.source, destination: warmUp.destination, filter: FILTER, deep: false, cache })).status).toBe('PASS');
    }
    const r = await checkImage(item, { source, destination, filter: FILTER, deep: false, ...(cache ? { cache } : {}) });
    expect(r.status).toBe('PASS');
    expect(plan(source, 'source')).toEqual(expected);
    expect(plan(destination, 'destination').sort()).toEqual(
      ['destination:getManifest:tag', ...Array<string>(k).fill('destination:headManifest:digest')].sort(),
    );
  });

  it('reports a source missing by tag as SOURCE_ERROR after a single GET', async () => {
    const { destination } = lists(PRIVATE, false);
    const source = new FakeReader();
    const r = await checkImage({ line: 1, input: 'x', source: PRIVATE, destination: DST }, { source, destination, filter: FILTER, deep: false });
    expect(r).toMatchObject({ status: 'ERROR', code: 'SOURCE_ERROR' });
    expect(plan(source, 'source')).toEqual(['source:getManifest:tag']);
  });

  it('a single-image source without cache: 1 GET by tag and 1 config blob GET', async () => {
    const configDigest = digestOf(fixtureBytes('s2v2-config.json'));
    const body = JSON.parse(new TextDecoder().decode(fixtureBytes('s2v2.json'))) as { config: { digest: string } };
    body.config.digest = configDigest;
    const manifest = encode(body);
    const source = new FakeReader();
    const destination = new FakeReader();
    const digest = source.putManifest(PRIVATE, manifest, DOCKER_V2, '1.25');
    source.putBlob(PRIVATE, configDigest, fixtureBytes('s2v2-config.json'));
    const entry = { mediaType: DOCKER_V2, digest, size: manifest.length, platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } };
    destination.putManifest(DST, encode({ schemaVersion: 2, mediaType: DOCKER_LIST, manifests: [entry] }), DOCKER_LIST, '1.25');
    destination.putManifestAt(DST, digest, manifest, DOCKER_V2);
    const r = await checkImage({ line: 1, input: 'x', source: PRIVATE, destination: DST }, { source, destination, filter: FILTER, deep: false });
    expect(r.status).toBe('PASS');
    expect(plan(source, 'source')).toEqual(['source:getManifest:tag', 'source:getBlob:digest']);
    expect(plan(destination, 'destination').sort()).toEqual(['destination:getManifest:tag', 'destination:headManifest:digest']);
  });

  it('a source whose GET by tag is refused fails closed as ERROR, never PASS', async () => {
    const { source, destination } = lists(PRIVATE, true);
    const refused = Object.assign(new Error('denied'), { code: 'AUTH' });
    source.fail('getManifest', '1.25', refused);
    const r = await checkImage({ line: 1, input: 'x', source: PRIVATE, destination: DST }, { source, destination, filter: FILTER, deep: false });
    expect(r).toMatchObject({ status: 'ERROR' });
    expect(r.message).toMatch(/^source: /);
  });
});
