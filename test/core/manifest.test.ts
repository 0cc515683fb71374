import { describe, expect, it } from 'vitest';
import { MAX_INDEX_ENTRIES, ManifestError, isAttestation, parseImageConfig, parseManifest, platformOf, specEntry } from '../../lib/core/manifest.js';
import {
  ACCEPT_MANIFEST, DOCKER_LIST, DOCKER_V1, DOCKER_V1_SIGNED, DOCKER_V2, OCI_INDEX, OCI_MANIFEST,
  baseMediaType, isImage, isIndex, isSchema1,
} from '../../lib/core/media-types.js';
import { encode, fakeDigest, fixtureBytes } from '../helpers/manifest-fixtures.js';

function platforms(name: string): string[] {
  const m = parseManifest(fixtureBytes(name));
  if (m.kind !== 'index') throw new Error(`${name} is ${m.kind}`);
  return m.manifests.map((d) => `${platformOf(d).os}/${platformOf(d).architecture}`);
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ManifestError);
    return (err as ManifestError).code;
  }
  return undefined;
}

describe('media types', () => {
  it('lists the full Accept set in preference order', () => {
    expect(ACCEPT_MANIFEST).toEqual([OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_V2, DOCKER_V1_SIGNED, DOCKER_V1]);
  });
  it('classifies types, ignoring parameters and case', () => {
    expect(isIndex(`${DOCKER_LIST}; charset=utf-8`)).toBe(true);
    expect(isIndex(OCI_INDEX.toUpperCase())).toBe(true);
    expect(isImage(OCI_MANIFEST)).toBe(true);
    expect(isImage(DOCKER_LIST)).toBe(false);
    expect(isSchema1(DOCKER_V1_SIGNED)).toBe(true);
    expect(baseMediaType(' application/json ; q=1')).toBe('application/json');
  });
});

describe('parseManifest on the hangar fixtures', () => {
  it.each([
    ['s2v2-list.json', 'index', DOCKER_LIST],
    ['oci-index.json', 'index', OCI_INDEX],
    ['oci-dst-manifest-list.json', 'index', DOCKER_LIST],
    ['oci-index-with-attestation.json', 'index', OCI_INDEX],
    ['oci-index-two-attestations.json', 'index', OCI_INDEX],
    ['s2v2.json', 'image', DOCKER_V2],
    ['oci-manifest.json', 'image', OCI_MANIFEST],
    ['s1v2.json', 'schema1', DOCKER_V1_SIGNED],
  ])('%s is %s (%s)', (name, kind, mediaType) => {
    const m = parseManifest(fixtureBytes(name));
    expect(m.kind).toBe(kind);
    expect(m.mediaType).toBe(mediaType);
  });

  it('reads list platforms', () => {
    expect(platforms('s2v2-list.json')).toEqual(['linux/amd64', 'linux/arm64', 'linux/s390x']);
    expect(platforms('oci-index.json')).toEqual(['linux/amd64', 'linux/arm64']);
    expect(platforms('oci-index-two-attestations.json')).toEqual(['linux/amd64', 'unknown/unknown', 'linux/arm64', 'unknown/unknown']);
  });

  it('mixed Docker list holds OCI children', () => {
    const m = parseManifest(fixtureBytes('oci-dst-manifest-list.json'));
    expect(m.kind === 'index' && m.manifests.map((d) => d.mediaType)).toEqual([OCI_MANIFEST, OCI_MANIFEST]);
  });

  it('detects attestations by annotation', () => {
    const m = parseManifest(fixtureBytes('oci-index-two-attestations.json'));
    expect(m.kind === 'index' && m.manifests.map(isAttestation)).toEqual([false, true, false, true]);
    const plain = parseManifest(fixtureBytes('oci-index.json'));
    expect(plain.kind === 'index' && plain.manifests.some(isAttestation)).toBe(false);
  });

  it('takes every unknown/unknown entry for an attestation, whatever its reference type', () => {
    const d = { mediaType: OCI_MANIFEST, digest: fakeDigest('x'), size: 1, platform: { architecture: 'unknown', os: 'unknown' } };
    expect(isAttestation(d)).toBe(true);
    expect(isAttestation({ ...d, annotations: { 'vnd.docker.reference.type': 'sbom' } })).toBe(true);
    expect(isAttestation({ ...d, platform: { architecture: 'amd64', os: 'linux' } })).toBe(false);
  });

  it('reads the schema2 image config and layers', () => {
    const m = parseManifest(fixtureBytes('s2v2.json'));
    expect(m.kind === 'image' && m.config.digest).toMatch(/^sha256:b8d45566/);
    expect(m.kind === 'image' && m.layers.length).toBeGreaterThan(5);
  });

  it('reads the schema1 platform from architecture and history[0].v1Compatibility', () => {
    const m = parseManifest(fixtureBytes('s1v2.json'), DOCKER_V1_SIGNED);
    expect(m).toEqual({ kind: 'schema1', mediaType: DOCKER_V1_SIGNED, platform: { architecture: 'amd64', os: 'linux' } });
  });

  it('reads a schema1 variant', () => {
    const body = { schemaVersion: 1, architecture: 'arm', fsLayers: [], history: [{ v1Compatibility: '{"os":"linux","variant":"v7"}' }] };
    expect(parseManifest(encode(body))).toMatchObject({ kind: 'schema1', mediaType: DOCKER_V1, platform: { architecture: 'arm', os: 'linux', variant: 'v7' } });
  });

  it('builds hangar spec entries', () => {
    const m = parseManifest(fixtureBytes('oci-index.json'));
    if (m.kind !== 'index') throw new Error('index expected');
    expect(specEntry(m.manifests[0]!)).toEqual({
      digest: 'sha256:eb80dec4b474a7e20c96cbbb85dd59134809b5ba235517c20606a3064bb0645b',
      mediaType: OCI_MANIFEST,
      platform: { architecture: 'amd64', os: 'linux' },
    });
  });
});

describe('media type detection', () => {
  const index = { schemaVersion: 2, manifests: [] };
  it('falls back to Content-Type, then structure', () => {
    expect(parseManifest(encode(index), DOCKER_LIST).mediaType).toBe(DOCKER_LIST);
    expect(parseManifest(encode(index)).mediaType).toBe(OCI_INDEX);
    expect(parseManifest(encode(index), 'application/json').mediaType).toBe(OCI_INDEX);
    const image = { schemaVersion: 2, config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: fakeDigest('c'), size: 1 }, layers: [] };
    expect(parseManifest(encode(image)).mediaType).toBe(DOCKER_V2);
  });

  it.each([
    ['disagreeing Content-Type', fixtureBytes('oci-index.json'), DOCKER_LIST, 'MALFORMED'],
    ['bad JSON', new TextEncoder().encode('{"mediaType":'), undefined, 'MALFORMED'],
    ['a JSON array', encode([1]), undefined, 'MALFORMED'],
    ['an index without manifests', encode({ mediaType: OCI_INDEX }), undefined, 'MALFORMED'],
    ['a descriptor with a short digest', encode({ mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_MANIFEST, digest: 'sha256:abc', size: 1 }] }), undefined, 'MALFORMED'],
    ['a descriptor with another digest algorithm', encode({ mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_MANIFEST, digest: `sha384:${'a'.repeat(96)}`, size: 1 }] }), undefined, 'MALFORMED'],
    ['a descriptor with a negative size', encode({ mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_MANIFEST, digest: fakeDigest('a'), size: -1 }] }), undefined, 'MALFORMED'],
    ['a descriptor without size', encode({ mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_MANIFEST, digest: fakeDigest('a') }] }), undefined, 'MALFORMED'],
    ['schema1 without os', encode({ schemaVersion: 1, architecture: 'amd64', fsLayers: [], history: [] }), undefined, 'MALFORMED'],
    ['an unknown mediaType', encode({ mediaType: 'application/vnd.example+json' }), undefined, 'UNSUPPORTED_MEDIA_TYPE'],
    ['an unknown structure', encode({ hello: 'world' }), undefined, 'UNSUPPORTED_MEDIA_TYPE'],
  ])('rejects %s', (_name, bytes, contentType, code) => {
    expect(codeOf(() => parseManifest(bytes, contentType))).toBe(code);
  });

  it.each([undefined, 'application/json', 'text/plain', 'application/octet-stream', `${OCI_INDEX}; charset=utf-8`])(
    'accepts Content-Type %s with an OCI index body',
    (ct) => {
      expect(parseManifest(fixtureBytes('oci-index.json'), ct).kind).toBe('index');
    },
  );
});

describe('parseImageConfig', () => {
  it('reads the fixture config', () => {
    expect(parseImageConfig(fixtureBytes('s2v2-config.json'))).toMatchObject({ architecture: 'arm64', os: 'linux' });
  });
  it('reads variant, os.version and os.features', () => {
    const cfg = { architecture: 'amd64', os: 'windows', 'os.version': '10.0.17763.1', 'os.features': ['win32k'], variant: 'v3' };
    expect(parseImageConfig(encode(cfg))).toEqual(cfg);
  });
  it.each([
    ['no platform fields', { config: {} }],
    ['a cosign signature config (empty architecture and os)', { architecture: '', os: '', created: '0001-01-01T00:00:00Z', rootfs: { type: 'layers', diff_ids: [] }, config: {} }],
    ['an attestation config (unknown/unknown)', { architecture: 'unknown', os: 'unknown', config: {} }],
    ['an os without architecture', { os: 'linux' }],
  ])('reads %s as no platform (an artifact), never MALFORMED', (_name, cfg) => {
    expect(parseImageConfig(encode(cfg))).toBeUndefined();
  });
  it('rejects a config that is not a JSON object', () => {
    expect(codeOf(() => parseImageConfig(encode([1, 2])))).toBe('MALFORMED');
    expect(codeOf(() => parseImageConfig(new TextEncoder().encode('not json')))).toBe('MALFORMED');
  });
});

describe('index size cap', () => {
  const index = (n: number) => encode({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: Array.from({ length: n }, (_, i) => ({
    mediaType: OCI_MANIFEST, digest: fakeDigest(`e${i}`), size: 1, platform: { architecture: 'amd64', os: 'linux' },
  })) });
  it(`accepts ${MAX_INDEX_ENTRIES} entries and refuses one more as MALFORMED "too many entries"`, () => {
    expect(parseManifest(index(MAX_INDEX_ENTRIES)).kind).toBe('index');
    let err: unknown;
    try { parseManifest(index(MAX_INDEX_ENTRIES + 1)); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ManifestError);
    expect((err as ManifestError).code).toBe('MALFORMED');
    expect((err as ManifestError).message).toMatch(/too many entries \(10001, limit 10000\)/);
  });
});
