/**
 * Build and break images in the harness registries: blobs, manifests, lists/indexes,
 * attestation children, copies (identical bytes ⇒ identical digests) and deletions.
 *
 * Every function takes a {@link RegistryInfo} (default credentials: `tester`) or a
 * {@link Target} (`{reg, creds}`) to act as another user. No vitest imports.
 */
import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Descriptor, Platform } from '../lib/core/types.js';
import { MT, pushBlob, pushManifest, sha256, type Format, type RegOrTarget } from './registry-ops.js';

export * from './registry-ops.js';
export { pushIndex, pushAttestation, attestationDescriptor, copyImage, type PushedIndex, type IndexChild } from './lists.js';
export type { Target, Creds } from './registry-client.js';

/** Deterministic pseudo-random bytes from a seed (sha256 in counter mode); random without a seed. */
export function pseudoRandom(n: number, seed?: string): Buffer {
  if (seed === undefined) return randomBytes(n);
  const out: Buffer[] = [];
  for (let i = 0, len = 0; len < n; i++) {
    const block = createHash('sha256').update(`${seed}/${i}`).digest();
    out.push(block);
    len += block.length;
  }
  return Buffer.concat(out).subarray(0, n);
}

/** What {@link pushImage} built. `descriptor` is ready to put in a list. */
export interface PushedImage {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  readonly configDigest: string;
  readonly layerDigests: readonly string[];
  readonly bytes: Buffer;
  readonly platform: Platform;
  readonly descriptor: Descriptor;
}

/** Options of {@link pushImage}. */
export interface ImageOptions {
  readonly platform: Platform;
  readonly format: Format;
  /** Same seed + platform + format ⇒ same bytes ⇒ same digest. Random when absent. */
  readonly seed?: string;
  /** Also tag the manifest (default: pushed by digest only). */
  readonly tag?: string;
  /** 1 or 2 (default 2). */
  readonly layers?: 1 | 2;
}

/** Push a small single-platform image (config, gzip layers, schema2 or OCI manifest). */
export async function pushImage(reg: RegOrTarget, repo: string, o: ImageOptions): Promise<PushedImage> {
  const oci = o.format === 'oci';
  const seed = o.seed ?? randomBytes(8).toString('hex');
  const layers = Array.from({ length: o.layers ?? 2 }, (_, i) => {
    const raw = pseudoRandom(512 + i * 64, `${seed}/${o.platform.os}/${o.platform.architecture}/layer${i}`);
    return { raw, gz: gzipSync(raw) };
  });
  const p = o.platform;
  const config = {
    architecture: p.architecture, os: p.os,
    ...(p.variant ? { variant: p.variant } : {}),
    ...(p['os.version'] ? { 'os.version': p['os.version'] } : {}),
    created: '2024-01-01T00:00:00Z',
    config: { Env: [`SEED=${seed}`] },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => sha256(l.raw)) },
  };
  const configBytes = Buffer.from(JSON.stringify(config));
  const configDigest = await pushBlob(reg, repo, configBytes);
  const layerDigests = await Promise.all(layers.map((l) => pushBlob(reg, repo, l.gz)));
  const mediaType = oci ? MT.ociManifest : MT.dockerManifest;
  const manifest = {
    schemaVersion: 2, mediaType,
    config: { mediaType: oci ? MT.ociConfig : MT.dockerConfig, digest: configDigest, size: configBytes.length },
    layers: layers.map((l, i) => ({ mediaType: oci ? MT.ociLayer : MT.dockerLayer, digest: layerDigests[i]!, size: l.gz.length })),
  };
  const bytes = Buffer.from(JSON.stringify(manifest, null, 2));
  const digest = await pushManifest(reg, repo, o.tag ?? sha256(bytes), mediaType, bytes);
  return {
    digest, mediaType, size: bytes.length, configDigest, layerDigests, bytes, platform: p,
    descriptor: { mediaType, digest, size: bytes.length, platform: p },
  };
}
