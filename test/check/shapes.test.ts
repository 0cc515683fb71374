/**
 * checkImage on the shapes real registries hold (over the in-memory reader): artifacts, artifact
 * indexes, nested indexes, and the bounds that keep one image's work small.
 */
import { describe, expect, it } from 'vitest';
import { checkImage, type CheckDeps } from '../../lib/check/check-image.js';
import { MESSAGE_MAX } from '../../lib/core/messages.js';
import { DOCKER_V2, OCI_CONFIG, OCI_INDEX, OCI_MANIFEST } from '../../lib/core/media-types.js';
import type { Descriptor, ImageRef, Platform, PlatformFilter } from '../../lib/core/types.js';
import { FakeReader } from '../helpers/fake-reader.js';
import { digestOf, encode, fakeDigest } from '../helpers/manifest-fixtures.js';

const FILTER: PlatformFilter = { arch: ['amd64', 'arm64'], os: ['linux', 'windows'], attestations: false };
const SRC: ImageRef = { registry: 'src.example', repository: 'app/x', tag: '1' };
const DST: ImageRef = { registry: 'dst.example', repository: 'mirror/x', tag: '1' };
const ITEM = { line: 1, input: 'src.example/app/x dst.example/mirror/x 1', source: SRC, destination: DST };
const linux = (architecture: string): Platform => ({ architecture, os: 'linux' });

/** A manifest with its bytes and descriptor. */
interface Built { bytes: Uint8Array; digest: string; desc: Descriptor; config?: { digest: string; bytes: Uint8Array } }

function manifest(label: string, config: object | null, platform?: Platform, configType = OCI_CONFIG): Built {
  const cfg = config ? encode({ ...config, label }) : encode({ label });
  const bytes = encode({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: configType, digest: digestOf(cfg), size: cfg.length }, layers: [{ mediaType: 'application/octet-stream', digest: fakeDigest(`${label}-layer`), size: 1 }] });
  const digest = digestOf(bytes);
  return { bytes, digest, desc: { mediaType: OCI_MANIFEST, digest, size: bytes.length, ...(platform ? { platform } : {}) }, config: { digest: digestOf(cfg), bytes: cfg } };
}
const img = (label: string, p: Platform) => manifest(label, { architecture: p.architecture, os: p.os }, p);
const cosign = (label: string) => manifest(label, { architecture: '', os: '', config: {} });
const helm = (label: string) => manifest(label, null, undefined, 'application/vnd.cncf.helm.config.v1+json');

function index(entries: Descriptor[]): Built {
  const bytes = encode({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries });
  const digest = digestOf(bytes);
  return { bytes, digest, desc: { mediaType: OCI_INDEX, digest, size: bytes.length } };
}

/** Puts manifests (and configs) into a reader's repository; the first one under the tag. */
function put(reader: FakeReader, repo: ImageRef, tagged: Built | null, others: Built[]): void {
  for (const b of tagged ? [tagged, ...others] : others) {
    const type = JSON.parse(new TextDecoder().decode(b.bytes)).mediaType as string;
    reader.putManifest(repo, b.bytes, type, b === tagged ? '1' : undefined);
    if (b.config) reader.putBlob(repo, b.config.digest, b.config.bytes);
  }
}

function run(source: FakeReader, destination: FakeReader, over: Partial<CheckDeps> = {}) {
  return checkImage(ITEM, { source, destination, filter: FILTER, deep: false, ...over });
}

describe('a single artifact (cosign signature, Helm chart)', () => {
  it.each([['a cosign .sig', cosign('sig')], ['a Helm chart', helm('chart')]])('%s copied byte for byte PASSes as an artifact, whatever the filter', async (_n, art) => {
    const source = new FakeReader();
    const destination = new FakeReader();
    put(source, SRC, art, []);
    put(destination, DST, art, []);
    const r = await run(source, destination, { filter: { ...FILTER, arch: ['ppc64le'] } });
    expect(r).toMatchObject({ status: 'PASS', code: null, rule: 'artifact' });
    expect(r.message).toMatch(/\(artifact\)$/);
  });

  it('not mirrored is FAILED DEST_NOT_FOUND naming the artifact, never MALFORMED or SKIPPED', async () => {
    const source = new FakeReader();
    const art = cosign('sig');
    put(source, SRC, art, []);
    const r = await run(source, new FakeReader());
    expect(r).toMatchObject({ status: 'FAILED', code: 'DEST_NOT_FOUND', rule: 'artifact', message: `destination manifest does not exist (artifact ${art.digest})` });
  });

  it('replaced by another manifest is DIGEST_MISMATCH', async () => {
    const source = new FakeReader();
    const destination = new FakeReader();
    put(source, SRC, cosign('sig'), []);
    put(destination, DST, cosign('other'), []);
    expect(await run(source, destination)).toMatchObject({ status: 'FAILED', code: 'DIGEST_MISMATCH', rule: 'artifact' });
  });

  it('with a non-image config reads no config blob', async () => {
    const source = new FakeReader();
    const destination = new FakeReader();
    put(source, SRC, helm('chart'), []);
    put(destination, DST, helm('chart'), []);
    await run(source, destination);
    expect(source.count('getBlob') + destination.count('getBlob')).toBe(0);
  });
});

describe('an artifact index (referrers fallback tag, signature index)', () => {
  const sig = cosign('sig');
  const att = cosign('att');
  const referrers = index([sig.desc, att.desc]);

  it('copied byte for byte PASSes after HEADing every entry', async () => {
    const source = new FakeReader();
    const destination = new FakeReader();
    put(source, SRC, referrers, [sig, att]);
    put(destination, DST, referrers, [sig, att]);
    const r = await run(source, destination, { filter: { ...FILTER, arch: ['ppc64le'] } });
    expect(r).toMatchObject({ status: 'PASS', rule: 'artifact' });
    expect(destination.calls.filter((c) => c.method === 'headManifest').map((c) => c.reference).sort()).toEqual([sig.digest, att.digest].sort());
  });

  it('not mirrored is DEST_NOT_FOUND; an entry gone from the registry is CHILD_MISSING', async () => {
    const source = new FakeReader();
    put(source, SRC, referrers, [sig, att]);
    expect(await run(source, new FakeReader())).toMatchObject({ status: 'FAILED', code: 'DEST_NOT_FOUND', rule: 'artifact' });
    const destination = new FakeReader();
    put(destination, DST, referrers, [sig]);
    const r = await run(source, destination);
    expect(r).toMatchObject({ status: 'FAILED', code: 'CHILD_MISSING' });
    expect(r.message).toContain(`${att.digest} (artifact)`);
  });
});

describe('nested indexes', () => {
  const amd = img('amd', linux('amd64'));
  const arm = img('arm', linux('arm64'));
  const s390 = img('s390', linux('s390x'));
  const inner = index([amd.desc, arm.desc, s390.desc]);
  const top = index([inner.desc]);

  it('a byte-identical copy PASSes as rule "index": the nested index and its filtered children HEADed', async () => {
    const source = new FakeReader();
    const destination = new FakeReader();
    put(source, SRC, top, [inner, amd, arm, s390]);
    put(destination, DST, top, [inner, amd, arm]);
    const r = await run(source, destination);
    expect(r).toMatchObject({ status: 'PASS', rule: 'index' });
    expect(destination.calls.filter((c) => c.method === 'headManifest').map((c) => c.reference).sort()).toEqual([inner.digest, amd.digest, arm.digest].sort());
  });

  it('missing at the destination is DEST_NOT_FOUND, never SKIPPED', async () => {
    const source = new FakeReader();
    put(source, SRC, top, [inner, amd, arm]);
    expect(await run(source, new FakeReader())).toMatchObject({ status: 'FAILED', code: 'DEST_NOT_FOUND', rule: 'index' });
  });

  it('is SKIPPED, after reading both sides, when nothing nested passes the filter', async () => {
    const source = new FakeReader();
    const destination = new FakeReader();
    put(source, SRC, top, [inner]);
    const r = await run(source, destination, { filter: { ...FILTER, arch: ['ppc64le'] } });
    expect(r.status).toBe('SKIPPED');
    expect(destination.count('getManifest')).toBe(1);
  });

  it('rebuilt at the destination with only the filtered platforms PASSes; a wrong child inside FAILs naming the nested index', async () => {
    const source = new FakeReader();
    put(source, SRC, top, [inner]);
    const rebuilt = index([arm.desc, amd.desc]);
    const good = new FakeReader();
    put(good, DST, index([rebuilt.desc]), [rebuilt, amd, arm]);
    expect(await run(source, good)).toMatchObject({ status: 'PASS', rule: 'index' });
    const wrong = index([amd.desc, img('arm-old', linux('arm64')).desc]);
    const bad = new FakeReader();
    put(bad, DST, index([wrong.desc]), [wrong, amd]);
    const r = await run(source, bad);
    expect(r).toMatchObject({ status: 'FAILED', code: 'DIGEST_MISMATCH', rule: 'index' });
    expect(r.message).toMatch(new RegExp(`^nested index ${inner.digest}: `));
  });

  it('a nested index with a platform but nothing to compare inside is left out on both sides: a byte-identical copy PASSes', async () => {
    const unknown: Platform = { architecture: 'unknown', os: 'unknown' };
    const att = img('att', unknown);
    const attestations = index([att.desc]);
    const mixed = index([amd.desc, { ...attestations.desc, platform: linux('amd64') }]);
    const source = new FakeReader();
    const destination = new FakeReader();
    put(source, SRC, mixed, [attestations, amd, att]);
    put(destination, DST, mixed, [attestations, amd, att]);
    expect(await run(source, destination)).toMatchObject({ status: 'PASS', rule: 'index' });
    const extra = index([img('att-other', unknown).desc]);
    const other = new FakeReader();
    put(other, DST, index([amd.desc, { ...extra.desc, platform: linux('amd64') }]), [extra, amd]);
    expect(await run(source, other)).toMatchObject({ status: 'FAILED', code: 'PLATFORM_MISMATCH' });
  });

  it('a nested index gone from the destination registry is CHILD_MISSING', async () => {
    const source = new FakeReader();
    const destination = new FakeReader();
    put(source, SRC, top, [inner]);
    put(destination, DST, top, [amd, arm]);
    expect(await run(source, destination)).toMatchObject({ status: 'FAILED', code: 'CHILD_MISSING' });
  });

  it('nesting deeper than 4 levels is ERROR MALFORMED', async () => {
    const source = new FakeReader();
    let level = index([amd.desc]);
    const all = [level];
    for (let i = 0; i < 5; i++) { level = index([level.desc]); all.push(level); }
    put(source, SRC, level, all.slice(0, -1));
    const r = await run(source, new FakeReader());
    expect(r).toMatchObject({ status: 'ERROR', code: 'MALFORMED' });
    expect(r.message).toContain('nested more than 4 levels deep');
  });
});

describe('bounded work for one image', () => {
  const entries = (n: number, tag: string): Descriptor[] => Array.from({ length: n }, (_, i) => ({ mediaType: DOCKER_V2, digest: fakeDigest(`${tag}${i}`), size: 1, platform: linux(i % 2 ? 'amd64' : 'arm64') }));

  it('two 29,000-entry indexes are ERROR MALFORMED "too many entries", without a request per entry', async () => {
    const source = new FakeReader();
    const destination = new FakeReader();
    put(source, SRC, index(entries(29_000, 'a')), []);
    put(destination, DST, index(entries(29_000, 'b')), []);
    const r = await run(source, destination);
    expect(r).toMatchObject({ status: 'ERROR', code: 'MALFORMED' });
    expect(r.message).toMatch(/too many entries \(29000, limit 10000\)/);
    expect(source.calls.length + destination.calls.length).toBeLessThanOrEqual(3);
  });

  it('a destination whose 100,000-character mediaType is unknown is DEST_MEDIA_TYPE quoting at most 200 characters of it', async () => {
    const source = new FakeReader();
    const destination = new FakeReader();
    put(source, SRC, index(entries(2, 'a')), []);
    const type = `application/vnd.${'x'.repeat(100_000)}+json`;
    destination.putManifest(DST, encode({ mediaType: type }), type, '1');
    const r = await run(source, destination);
    expect(r).toMatchObject({ status: 'FAILED', code: 'DEST_MEDIA_TYPE' });
    expect(r.message.length).toBeLessThan(300);
  });

  it('10,000 entries in all, nested indexes included, is the limit', async () => {
    const source = new FakeReader();
    const inner = index(entries(6_000, 'i'));
    put(source, SRC, index([inner.desc, ...entries(4_000, 'o')]), [inner]);
    expect(await run(source, new FakeReader())).toMatchObject({ status: 'ERROR', code: 'MALFORMED' });
  });

  it('two different 10,000-entry indexes FAIL with a message under 4 KiB and at most 50 spec entries a side', async () => {
    const source = new FakeReader();
    const destination = new FakeReader();
    put(source, SRC, index(entries(10_000, 'a')), []);
    put(destination, DST, index(entries(10_000, 'b')), []);
    const cpu = process.cpuUsage();
    const r = await run(source, destination);
    const used = process.cpuUsage(cpu);
    console.info(`[figures] two different 10,000-entry indexes: ${((used.user + used.system) / 1000).toFixed(0)} ms CPU (parse, match, message), message ${r.message.length} characters`);
    expect(r).toMatchObject({ status: 'FAILED', code: 'DIGEST_MISMATCH' });
    expect(r.message.length).toBeLessThanOrEqual(MESSAGE_MAX);
    expect(r.srcSpec!.length).toBeLessThanOrEqual(50);
    expect(r.dstSpec!.length).toBeLessThanOrEqual(50);
    expect(destination.count('headManifest')).toBe(0);
  });
});
