/**
 * Signatures and referrers in the harness registries, shaped as cosign and oras write them:
 * cosign's `sha256-<hex>.sig/.att/.sbom` tags (an OCI manifest with a simplesigning, in-toto or
 * SPDX layer), OCI 1.1 referrers (an artifact manifest with `artifactType` and `subject`) and
 * the `sha256-<hex>` referrers index of the tag schema; and `skopeo copy --all`, the real
 * mirroring tool, to make destinations. No vitest imports.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Descriptor } from '../lib/core/types.js';
import { MT, pushBlob, pushManifest, sha256, type RegOrTarget } from './registry-ops.js';
import type { RegistryInfo } from './registry-harness.js';

const run = promisify(execFile);

export const COSIGN_LAYER = {
  '.sig': 'application/vnd.dev.cosign.simplesigning.v1+json',
  '.att': 'application/vnd.dsse.envelope.v1+json',
  '.sbom': 'text/spdx+json',
} as const;
export type CosignSuffix = keyof typeof COSIGN_LAYER;
export const SIG_ARTIFACT = 'application/vnd.dev.cosign.artifact.sig.v1+json';
export const SBOM_ARTIFACT = 'application/spdx+json';
const EMPTY = { mediaType: 'application/vnd.oci.empty.v1+json', bytes: Buffer.from('{}') };

/** `sha256-<hex>` of a digest. */
export const schemaTag = (digest: string): string => digest.replace(':', '-');

/**
 * Pushes cosign's tag for `subject` (`sha256-<hex><suffix>`): an OCI manifest with an empty
 * platform config and one payload layer. `salt` makes other bytes (a re-signed image). Returns
 * the tag and its digest.
 */
export async function pushCosign(
  reg: RegOrTarget, repo: string, subject: string, suffix: CosignSuffix, salt = '',
): Promise<{ tag: string; digest: string }> {
  const payload = Buffer.from(JSON.stringify({ critical: { image: { 'docker-manifest-digest': subject }, type: `cosign ${suffix}` }, salt }));
  const config = Buffer.from(JSON.stringify({
    architecture: '', os: '', config: {}, created: '0001-01-01T00:00:00Z', rootfs: { type: 'layers', diff_ids: [sha256(payload)] },
  }));
  const [configDigest, layerDigest] = await Promise.all([pushBlob(reg, repo, config), pushBlob(reg, repo, payload)]);
  const bytes = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: MT.ociManifest,
    config: { mediaType: MT.ociConfig, digest: configDigest, size: config.length },
    layers: [{ mediaType: COSIGN_LAYER[suffix], digest: layerDigest, size: payload.length, annotations: { 'dev.cosignproject.cosign/signature': `MEUC${salt}` } }],
  }));
  const tag = `${schemaTag(subject)}${suffix}`;
  return { tag, digest: await pushManifest(reg, repo, tag, MT.ociManifest, bytes) };
}

/** Pushes an OCI 1.1 referrer of `subject` (by digest): its descriptor, artifactType included. */
export async function pushReferrer(reg: RegOrTarget, repo: string, subject: Descriptor, artifactType: string, salt = ''): Promise<Descriptor> {
  const payload = Buffer.from(JSON.stringify({ artifactType, subject: subject.digest, salt }));
  const [configDigest, layerDigest] = await Promise.all([pushBlob(reg, repo, EMPTY.bytes), pushBlob(reg, repo, payload)]);
  const bytes = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: MT.ociManifest, artifactType,
    config: { mediaType: EMPTY.mediaType, digest: configDigest, size: EMPTY.bytes.length },
    layers: [{ mediaType: 'application/octet-stream', digest: layerDigest, size: payload.length }],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
  }));
  const digest = await pushManifest(reg, repo, sha256(bytes), MT.ociManifest, bytes);
  return { mediaType: MT.ociManifest, digest, size: bytes.length, artifactType };
}

/** Pushes the tag-schema referrers index `sha256-<hex>` of `subject` listing `entries` (their manifests must exist). */
export async function pushReferrersIndex(reg: RegOrTarget, repo: string, subject: string, entries: readonly Descriptor[]): Promise<string> {
  const bytes = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: MT.ociIndex,
    manifests: entries.map((e) => ({ mediaType: e.mediaType, digest: e.digest, size: e.size, artifactType: e.artifactType })),
  }));
  return pushManifest(reg, repo, schemaTag(subject), MT.ociIndex, bytes);
}

function creds(reg: RegistryInfo, flag: string): string[] {
  return reg.username ? [`--${flag}-creds`, `${reg.username}:${reg.password}`] : [`--${flag}-no-creds`];
}

/**
 * `skopeo copy --all` of `from/fromRef` to `to/toRef` (tags), as a mirror job does. With
 * `preserveDigests` (default) skopeo refuses to change any byte; without it, skopeo 1.9 rewrites
 * a referrers index it copies (it drops the entries' `artifactType`), so the copy gets another digest.
 */
export async function skopeoCopy(from: RegistryInfo, fromRef: string, to: RegistryInfo, toRef: string, preserveDigests = true): Promise<void> {
  await run('skopeo', [
    '--insecure-policy', 'copy', '--all', ...(preserveDigests ? ['--preserve-digests'] : []), '--src-tls-verify=false', '--dest-tls-verify=false',
    ...creds(from, 'src'), ...creds(to, 'dest'), `docker://${from.host}/${fromRef}`, `docker://${to.host}/${toRef}`,
  ], { timeout: 60_000 });
}
