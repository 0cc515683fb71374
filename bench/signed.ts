/**
 * Signatures for the generated images, as cosign and oras leave them on a registry without the
 * referrers API: every 10th image has a cosign `.sig` tag for its source digest, every 20th list
 * a `sha256-<hex>` referrers index (one SBOM referrer) for its first matching child. Both are
 * copied byte for byte to the destinations, as a mirror that keeps signatures does.
 */
import { digestTag } from '../lib/core/digest.js';
import { MT, pushBlob, pushManifest, sha256, type RegOrTarget } from '../testbed/registry-ops.js';

/** The OCI empty descriptor's blob (`{}`), config of every artifact here. */
const EMPTY = Buffer.from('{}');
const EMPTY_TYPE = 'application/vnd.oci.empty.v1+json';
export const SBOM_TYPE = 'application/spdx+json';

/** Whether image `i` gets a cosign `.sig` tag (`sig`) and a referrers index for a child (`referrer`). */
export function signaturePlan(i: number, kind: 'docker-list' | 'oci-index' | 'single'): { sig: boolean; referrer: boolean } {
  return { sig: i % 10 === 3, referrer: kind !== 'single' && i % 20 === 7 };
}

function artifact(artifactType: string, layer: { digest: string; size: number }, image: number, subject?: { mediaType: string; digest: string; size: number }): Buffer {
  return Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: MT.ociManifest, artifactType,
    config: { mediaType: EMPTY_TYPE, digest: sha256(EMPTY), size: EMPTY.length },
    layers: [{ mediaType: 'application/octet-stream', ...layer }],
    ...(subject ? { subject } : {}),
    annotations: { 'org.example.bench.image': String(image) },
  }));
}

/** Pushes the planned signatures of image `image` to the source and every destination. */
export async function pushSignatures(
  image: number, plan: { sig: boolean; referrer: boolean }, repos: { source: string; dest: string },
  regs: { source: RegOrTarget; dests: readonly RegOrTarget[] }, layer: { digest: string; size: number },
  top: string, child?: { mediaType: string; digest: string; size: number },
): Promise<void> {
  if (!plan.sig && !(plan.referrer && child)) return;
  const pushes: [string, string, Buffer][] = [];
  if (plan.sig) pushes.push([`${digestTag(top)!}.sig`, MT.ociManifest, artifact('application/vnd.dev.cosign.artifact.sig.v1+json', layer, image)]);
  if (plan.referrer && child) {
    const referrer = artifact(SBOM_TYPE, layer, image, child);
    pushes.push([sha256(referrer), MT.ociManifest, referrer]);
    const index = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: MT.ociIndex,
      manifests: [{ mediaType: MT.ociManifest, digest: sha256(referrer), size: referrer.length, artifactType: SBOM_TYPE }],
    }));
    pushes.push([digestTag(child.digest)!, MT.ociIndex, index]);
  }
  const all = [{ reg: regs.source, repo: repos.source }, ...regs.dests.map((reg) => ({ reg, repo: repos.dest }))];
  await Promise.all(all.map(async ({ reg, repo }) => {
    await pushBlob(reg, repo, EMPTY);
    for (const [ref, type, bytes] of pushes) await pushManifest(reg, repo, ref, type, bytes);
  }));
}
