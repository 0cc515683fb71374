/**
 * Lists and indexes for the harness: Docker manifest lists and OCI indexes (children may mix
 * Docker and OCI media types, as hangar 2023 writes OCI children into a Docker list),
 * buildx-style attestation children, and byte-identical copies between registries.
 * No vitest imports.
 */
import type { Descriptor, Platform } from '../lib/core/types.js';
import {
  getBlob, getManifest, MT, pushBlob, pushManifest, sha256, type Format, type RegOrTarget,
} from './registry-ops.js';

/** A list entry: a descriptor, platform usually set. Extra fields are kept as given. */
export type IndexChild = Descriptor;

/** What {@link pushIndex} built. */
export interface PushedIndex {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  readonly bytes: Buffer;
  readonly descriptor: Descriptor;
}

/**
 * Push a Docker manifest list (`docker`) or OCI index (`oci`) holding `children` in the given
 * order, under `tag` (or by digest when `tag` is null). The children must already be in `repo`.
 */
export async function pushIndex(
  reg: RegOrTarget, repo: string, tag: string | null, children: readonly IndexChild[], format: Format,
  annotations?: Readonly<Record<string, string>>,
): Promise<PushedIndex> {
  const mediaType = format === 'oci' ? MT.ociIndex : MT.dockerList;
  const body = {
    schemaVersion: 2, mediaType,
    manifests: children.map((c) => ({
      mediaType: c.mediaType, digest: c.digest, size: c.size,
      ...(c.platform ? { platform: c.platform } : {}),
      ...(c.annotations ? { annotations: c.annotations } : {}),
    })),
    ...(annotations ? { annotations } : {}),
  };
  const bytes = Buffer.from(JSON.stringify(body, null, 2));
  const digest = await pushManifest(reg, repo, tag ?? sha256(bytes), mediaType, bytes);
  return { digest, mediaType, size: bytes.length, bytes, descriptor: { mediaType, digest, size: bytes.length } };
}

/** The list entry of a buildx attestation manifest for the image `forDigest`. */
export function attestationDescriptor(digest: string, size: number, forDigest: string): Descriptor {
  const platform: Platform = { architecture: 'unknown', os: 'unknown' };
  return {
    mediaType: MT.ociManifest, digest, size, platform,
    annotations: {
      'vnd.docker.reference.type': 'attestation-manifest',
      'vnd.docker.reference.digest': forDigest,
    },
  };
}

/**
 * Push a buildx-style attestation manifest (OCI, one in-toto layer) for the image `forDigest`
 * into `repo`, by digest. Returns its list entry (see {@link attestationDescriptor}).
 */
export async function pushAttestation(reg: RegOrTarget, repo: string, forDigest: string): Promise<Descriptor> {
  const statement = Buffer.from(JSON.stringify({
    _type: 'https://in-toto.io/Statement/v0.1', predicateType: 'https://spdx.dev/Document',
    subject: [{ name: 'pkg:docker/test', digest: { sha256: forDigest.slice('sha256:'.length) } }], predicate: {},
  }));
  const config = Buffer.from(JSON.stringify({ architecture: 'unknown', os: 'unknown', config: {}, rootfs: { type: 'layers', diff_ids: [sha256(statement)] } }));
  const configDigest = await pushBlob(reg, repo, config);
  const layerDigest = await pushBlob(reg, repo, statement);
  const manifest = {
    schemaVersion: 2, mediaType: MT.ociManifest,
    config: { mediaType: MT.ociConfig, digest: configDigest, size: config.length },
    layers: [{
      mediaType: MT.inToto, digest: layerDigest, size: statement.length,
      annotations: { 'in-toto.io/predicate-type': 'https://spdx.dev/Document' },
    }],
  };
  const bytes = Buffer.from(JSON.stringify(manifest, null, 2));
  const digest = await pushManifest(reg, repo, sha256(bytes), MT.ociManifest, bytes);
  return attestationDescriptor(digest, bytes.length, forDigest);
}

interface Parsed {
  manifests?: { digest: string }[];
  config?: { digest: string };
  layers?: { digest: string }[];
}

/**
 * Copy `ref` (tag or digest) from one repository to another, byte for byte: blobs, children of a
 * list/index, then the manifest itself. Tags it `toTag` (default: `ref` when `ref` is a tag,
 * else by digest only). Returns the digest, equal at both ends.
 */
export async function copyImage(
  from: RegOrTarget, fromRepo: string, ref: string, to: RegOrTarget, toRepo: string, toTag?: string,
): Promise<string> {
  const src = await getManifest(from, fromRepo, ref);
  if (!src) throw new Error(`copyImage: ${fromRepo}:${ref} not found`);
  const m = JSON.parse(src.bytes.toString('utf8')) as Parsed;
  if (m.manifests) {
    await Promise.all(m.manifests.map((child) => copyImage(from, fromRepo, child.digest, to, toRepo)));
  } else {
    const blobs = [m.config?.digest, ...(m.layers ?? []).map((l) => l.digest)].filter((d): d is string => !!d);
    await Promise.all(blobs.map(async (d) => pushBlob(to, toRepo, await getBlob(from, fromRepo, d))));
  }
  const tag = toTag ?? (ref.startsWith('sha256:') ? src.digest : ref);
  return pushManifest(to, toRepo, tag, src.mediaType, src.bytes);
}
