/**
 * Fast generation of N correctly mirrored images, the way hangar 2023's `mirror` leaves them:
 * Docker lists and OCI indexes of 2–4 platforms at the source (some platforms outside
 * amd64/arm64), and at the destination a Docker list of the matching entries in source order
 * (byte-identical to the source when nothing was filtered out); every 20th image is a single
 * schema2 image, mirrored as a one-entry Docker list.
 *
 * Speed: per repository one shared layer and one config per platform are pushed once; child
 * manifests are made distinct per image by an annotation, so an image costs only its manifest
 * PUTs (p + 1 at the source, k + 1 at the destination). Images are pushed in parallel.
 */
import { gzipSync } from 'node:zlib';
import type { Platform } from '../lib/core/types.js';
import { MT, pushBlob, pushManifest, sha256, type RegOrTarget } from '../testbed/registry-ops.js';
import { pushSignatures, signaturePlan } from './signed.js';

/** Where one image lives and what the validator must find. */
export interface BenchImage {
  readonly index: number;
  readonly repo: string;
  readonly destRepo: string;
  readonly tag: string;
  readonly kind: 'docker-list' | 'oci-index' | 'single';
  /** Platforms at the source. */
  readonly platforms: number;
  /** Children matching amd64,arm64 (what the validator HEADs at the destination). */
  readonly matched: number;
  /** Source and destination top-level manifests are the same bytes. */
  readonly sameDigest: boolean;
  /** A cosign `.sig` tag for the source digest, at the source and (copied) the destination. */
  readonly signed: boolean;
  /** A `sha256-<hex>` referrers index (one referrer) for the first matching child, at both ends. */
  readonly referred: boolean;
}

const P = {
  amd64: { architecture: 'amd64', os: 'linux' },
  arm64: { architecture: 'arm64', os: 'linux', variant: 'v8' },
  armv7: { architecture: 'arm', os: 'linux', variant: 'v7' },
  s390x: { architecture: 's390x', os: 'linux' },
  ppc64le: { architecture: 'ppc64le', os: 'linux' },
} as const satisfies Record<string, Platform>;

/** Platform sets, cycled through by image index. */
const SETS: readonly (readonly Platform[])[] = [
  [P.amd64, P.arm64],
  [P.amd64, P.arm64, P.armv7],
  [P.amd64, P.arm64, P.ppc64le, P.s390x],
  [P.amd64, P.s390x],
  [P.arm64, P.amd64, P.armv7, P.ppc64le],
];
const ALL = [P.amd64, P.arm64, P.armv7, P.s390x, P.ppc64le];
const MATCH = new Set(['amd64', 'arm64']);
/** Images per repository (tags `v<i>`). */
export const TAGS_PER_REPO = 5;

interface RepoBlobs {
  readonly layer: { digest: string; size: number };
  readonly configs: ReadonlyMap<string, { digest: string; size: number }>;
}

const key = (p: Platform): string => `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;

function configBytes(p: Platform, extra = ''): Buffer {
  return Buffer.from(JSON.stringify({
    architecture: p.architecture, os: p.os, ...(p.variant ? { variant: p.variant } : {}),
    created: '2024-01-01T00:00:00Z', config: { Env: [`BENCH=${extra}`] },
    rootfs: { type: 'layers', diff_ids: [sha256('bench-layer')] },
  }));
}

async function pushRepoBlobs(reg: RegOrTarget, repo: string): Promise<RepoBlobs> {
  const layer = gzipSync(Buffer.from('bench-layer'));
  const layerDigest = await pushBlob(reg, repo, layer);
  const configs = new Map<string, { digest: string; size: number }>();
  for (const p of ALL) {
    const bytes = configBytes(p);
    configs.set(key(p), { digest: await pushBlob(reg, repo, bytes), size: bytes.length });
  }
  return { layer: { digest: layerDigest, size: layer.length }, configs };
}

function child(blobs: RepoBlobs, p: Platform, oci: boolean, image: number): Buffer {
  const config = blobs.configs.get(key(p))!;
  return Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: oci ? MT.ociManifest : MT.dockerManifest,
    config: { mediaType: oci ? MT.ociConfig : MT.dockerConfig, ...config },
    layers: [{ mediaType: oci ? MT.ociLayer : MT.dockerLayer, ...blobs.layer }],
    annotations: { 'org.example.bench.image': String(image) },
  }, null, 2));
}

function list(mediaType: string, entries: readonly { mediaType: string; digest: string; size: number; platform: Platform }[]): Buffer {
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, manifests: entries }, null, 2));
}

/** The plan of image `i` (no I/O). */
export function describeImage(i: number): BenchImage {
  const r = Math.floor(i / TAGS_PER_REPO);
  const base = { index: i, repo: `bench/app-${r}`, destRepo: `mirror/app-${r}`, tag: `v${i}` };
  if (i % 20 === 19) {
    const plan = signaturePlan(i, 'single');
    return { ...base, kind: 'single', platforms: 1, matched: 1, sameDigest: false, signed: plan.sig, referred: plan.referrer };
  }
  const set = SETS[i % SETS.length]!;
  const kind = i % 2 === 0 ? 'docker-list' : 'oci-index';
  const matched = set.filter((p) => MATCH.has(p.architecture)).length;
  const plan = signaturePlan(i, kind);
  return {
    ...base, kind, platforms: set.length, matched, sameDigest: kind === 'docker-list' && matched === set.length,
    signed: plan.sig, referred: plan.referrer,
  };
}

/** Pushes image `i` to the source and (as mirrored) to each destination. */
async function pushOne(
  img: BenchImage, source: RegOrTarget, dests: readonly RegOrTarget[],
  blobs: { source: RepoBlobs; dests: readonly RepoBlobs[] },
): Promise<void> {
  if (img.kind === 'single') {
    const p = img.index % 40 === 19 ? P.arm64 : P.amd64;
    const cfg = configBytes(p, `single-${img.index}`);
    const make = (b: RepoBlobs, cfgDigest: string): Buffer => Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: MT.dockerManifest,
      config: { mediaType: MT.dockerConfig, digest: cfgDigest, size: cfg.length },
      layers: [{ mediaType: MT.dockerLayer, ...b.layer }],
    }, null, 2));
    const cfgDigest = await pushBlob(source, img.repo, cfg);
    const bytes = make(blobs.source, cfgDigest);
    await pushManifest(source, img.repo, img.tag, MT.dockerManifest, bytes);
    await pushSignatures(img.index, { sig: img.signed, referrer: img.referred }, { source: img.repo, dest: img.destRepo },
      { source, dests }, blobs.source.layer, sha256(bytes));
    await Promise.all(dests.map(async (d) => {
      await pushBlob(d, img.destRepo, cfg);
      const digest = await pushManifest(d, img.destRepo, sha256(bytes), MT.dockerManifest, bytes);
      const entry = { mediaType: MT.dockerManifest, digest, size: bytes.length, platform: p };
      await pushManifest(d, img.destRepo, img.tag, MT.dockerList, list(MT.dockerList, [entry]));
    }));
    return;
  }
  const oci = img.kind === 'oci-index';
  const set = SETS[img.index % SETS.length]!;
  const children = set.map((p) => ({ p, bytes: child(blobs.source, p, oci, img.index) }));
  const entries = children.map((c) => ({
    mediaType: oci ? MT.ociManifest : MT.dockerManifest, digest: sha256(c.bytes), size: c.bytes.length, platform: c.p,
  }));
  await Promise.all(children.map((c) => pushManifest(source, img.repo, sha256(c.bytes), entries[0]!.mediaType, c.bytes)));
  const top = list(oci ? MT.ociIndex : MT.dockerList, entries);
  await pushManifest(source, img.repo, img.tag, oci ? MT.ociIndex : MT.dockerList, top);
  const kept = entries.filter((e) => MATCH.has(e.platform.architecture));
  const keptBytes = children.filter((c) => MATCH.has(c.p.architecture)).map((c) => c.bytes);
  await Promise.all(dests.map(async (d) => {
    await Promise.all(keptBytes.map((b) => pushManifest(d, img.destRepo, sha256(b), entries[0]!.mediaType, b)));
    await pushManifest(d, img.destRepo, img.tag, MT.dockerList, list(MT.dockerList, kept));
  }));
  await pushSignatures(img.index, { sig: img.signed, referrer: img.referred }, { source: img.repo, dest: img.destRepo },
    { source, dests }, blobs.source.layer, sha256(top), kept[0] && { mediaType: kept[0].mediaType, digest: kept[0].digest, size: kept[0].size });
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

/**
 * Pushes images 0..n-1 to `source` and `dest`, and images 0..extraN-1 to each of `extraDests`
 * too. Returns the image plans.
 */
export async function generateImages(
  n: number, source: RegOrTarget, dest: RegOrTarget, extra: { dests: readonly RegOrTarget[]; n: number },
  parallel = 16,
): Promise<BenchImage[]> {
  const images = Array.from({ length: n }, (_, i) => describeImage(i));
  const repos = [...new Set(images.map((i) => Math.floor(i.index / TAGS_PER_REPO)))];
  const blobs = new Map<number, { source: RepoBlobs; dests: RepoBlobs[] }>();
  await pool(repos, parallel, async (r) => {
    const withExtra = r * TAGS_PER_REPO < extra.n;
    const dests = withExtra ? [dest, ...extra.dests] : [dest];
    const [s, ...d] = await Promise.all([
      pushRepoBlobs(source, `bench/app-${r}`),
      ...dests.map((x) => pushRepoBlobs(x, `mirror/app-${r}`)),
    ]);
    blobs.set(r, { source: s!, dests: d });
  });
  await pool(images, parallel, async (img) => {
    const b = blobs.get(Math.floor(img.index / TAGS_PER_REPO))!;
    const dests = img.index < extra.n ? [dest, ...extra.dests] : [dest];
    await pushOne(img, source, dests, { source: b.source, dests: b.dests });
  });
  return images;
}
