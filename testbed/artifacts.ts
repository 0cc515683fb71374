/**
 * Artifacts as real tools push them, for the harness registries: cosign signature, attestation and
 * SBOM tags (`sha256-<hex>.sig/.att/.sbom`, an OCI manifest whose config carries no platform), a
 * Helm chart (non-image config), an OCI 1.1 artifact (empty config, `artifactType`), and an index
 * of artifacts as the OCI 1.1 referrers fallback tag (`sha256-<hex>`) holds them. No vitest imports.
 */
import type { Descriptor } from '../lib/core/types.js';
import { pushIndex, type PushedIndex } from './lists.js';
import { MT, pushBlob, pushManifest, sha256, type RegOrTarget } from './registry-ops.js';

/** A pushed artifact manifest: its digest, list entry and the tag it went under (if any). */
export interface PushedArtifact {
  readonly digest: string;
  readonly tag: string | null;
  readonly descriptor: Descriptor;
}

const COSIGN_LAYER = {
  sig: 'application/vnd.dev.cosign.simplesigning.v1+json',
  att: 'application/vnd.dsse.envelope.v1+json',
  sbom: 'text/spdx+json',
} as const;

/** The cosign tag of an image digest: `sha256-<hex>.<kind>`. */
export function cosignTag(imageDigest: string, kind: keyof typeof COSIGN_LAYER): string {
  return `${imageDigest.replace(':', '-')}.${kind}`;
}

async function pushArtifact(
  reg: RegOrTarget, repo: string, tag: string | null, config: { mediaType: string; bytes: Buffer },
  layers: readonly { mediaType: string; bytes: Buffer; annotations?: Record<string, string> }[], artifactType?: string, subject?: Descriptor,
): Promise<PushedArtifact> {
  const configDigest = await pushBlob(reg, repo, config.bytes);
  const layerDescs = await Promise.all(layers.map(async (l) => ({
    mediaType: l.mediaType, digest: await pushBlob(reg, repo, l.bytes), size: l.bytes.length, ...(l.annotations ? { annotations: l.annotations } : {}),
  })));
  const body = {
    schemaVersion: 2, mediaType: MT.ociManifest, ...(artifactType ? { artifactType } : {}),
    config: { mediaType: config.mediaType, digest: configDigest, size: config.bytes.length }, layers: layerDescs,
    ...(subject ? { subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size } } : {}),
  };
  const bytes = Buffer.from(JSON.stringify(body));
  const digest = await pushManifest(reg, repo, tag ?? sha256(bytes), MT.ociManifest, bytes);
  return { digest, tag, descriptor: { mediaType: MT.ociManifest, digest, size: bytes.length, ...(artifactType ? { artifactType } : {}) } };
}

/** A cosign signature/attestation/SBOM of `imageDigest`, under its cosign tag (config without platform). */
export async function pushCosign(reg: RegOrTarget, repo: string, imageDigest: string, kind: keyof typeof COSIGN_LAYER, seed = ''): Promise<PushedArtifact> {
  const config = Buffer.from(JSON.stringify({ architecture: '', os: '', created: '0001-01-01T00:00:00Z', config: {}, rootfs: { type: 'layers', diff_ids: [] } }));
  const payload = Buffer.from(JSON.stringify({ critical: { image: { 'docker-manifest-digest': imageDigest }, type: `cosign ${kind}` }, optional: { seed } }));
  return pushArtifact(reg, repo, cosignTag(imageDigest, kind), { mediaType: MT.ociConfig, bytes: config },
    [{ mediaType: COSIGN_LAYER[kind], bytes: payload, annotations: { 'dev.cosignproject.cosign/signature': `MEUCIQ${kind}${seed}` } }]);
}

/** A Helm chart (config `application/vnd.cncf.helm.config.v1+json`) under `tag`. */
export async function pushHelmChart(reg: RegOrTarget, repo: string, tag: string, version = '1.0.0'): Promise<PushedArtifact> {
  return pushArtifact(reg, repo, tag, { mediaType: 'application/vnd.cncf.helm.config.v1+json', bytes: Buffer.from(JSON.stringify({ name: 'demo', version, apiVersion: 'v2' })) },
    [{ mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', bytes: Buffer.from(`chart ${version}`) }]);
}

/** An OCI 1.1 artifact (empty config, `artifactType`), by digest or under `tag`; with `subject`, a referrer of it. */
export async function pushOciArtifact(
  reg: RegOrTarget, repo: string, tag: string | null, artifactType: string, content: string, subject?: Descriptor,
): Promise<PushedArtifact> {
  return pushArtifact(reg, repo, tag, { mediaType: 'application/vnd.oci.empty.v1+json', bytes: Buffer.from('{}') },
    [{ mediaType: 'application/octet-stream', bytes: Buffer.from(content) }], artifactType, subject);
}

/**
 * An index of artifacts (no platforms) under the referrers fallback tag of `subjectDigest`: `sha256-<hex>`.
 * `asOras`: its entries carry their `artifactType`, as oras writes them (skopeo 1.9 cannot copy that index byte
 * for byte: it drops the field).
 */
export async function pushReferrersIndex(
  reg: RegOrTarget, repo: string, subjectDigest: string, artifacts: readonly PushedArtifact[], asOras = false,
): Promise<PushedIndex> {
  const tag = subjectDigest.replace(':', '-');
  if (!asOras) return pushIndex(reg, repo, tag, artifacts.map((a) => a.descriptor), 'oci');
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: artifacts.map((a) => a.descriptor) }));
  const digest = await pushManifest(reg, repo, tag, MT.ociIndex, bytes);
  return { digest, mediaType: MT.ociIndex, size: bytes.length, bytes, descriptor: { mediaType: MT.ociIndex, digest, size: bytes.length } };
}
