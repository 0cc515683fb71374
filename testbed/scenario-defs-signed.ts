/**
 * Standard scenarios of `--signatures` (tag schema: distribution 2.8 has no referrers API). The
 * source is an OCI index (amd64, arm64) signed as cosign and oras sign: a `.sig` and an `.sbom`
 * tag for the index, an `.att` tag for the amd64 child, and for the arm64 child a referrer listed
 * in its `sha256-<hex>` referrers index. Destinations are made by `skopeo copy --all`, with or
 * without the signature tags, the referrers index byte for byte or by skopeo (the mirror without
 * them passes without `--signatures`: see test/e2e/signatures.test.ts). No vitest imports.
 */
import { pushCosign, pushOciArtifact, pushReferrersIndex } from './artifacts.js';
import { copyImage } from './lists.js';
import type { HarnessInfo, RegistryInfo } from './registry-harness.js';
import { getManifest } from './registry-ops.js';
import { failed, P, pass, srcList, std, TAG, type ScenarioDef, type Sides } from './scenario-kit.js';
import { skopeoCopy } from './skopeo.js';

const SIGNATURES = ['--signatures'];
export const SIG_ARTIFACT = 'application/vnd.dev.cosign.artifact.sig.v1+json';
export const SBOM_ARTIFACT = 'application/spdx+json';

/** Seeds the signed source; returns its cosign tags and the tag of its referrers index. */
async function signedSource(src: RegistryInfo, repo: string): Promise<{ cosign: string[]; index: string }> {
  const [amd, arm] = await srcList(src, repo, [P.amd64, P.arm64], 'oci');
  const index = await getManifest(src, repo, TAG);
  const sig = await pushCosign(src, repo, index!.digest, 'sig');
  const sbom = await pushCosign(src, repo, index!.digest, 'sbom');
  const att = await pushCosign(src, repo, amd!.digest, 'att');
  const referrer = await pushOciArtifact(src, repo, null, SBOM_ARTIFACT, `sbom of ${arm!.digest}`, arm!.descriptor);
  await pushReferrersIndex(src, repo, arm!.digest, [referrer], true);
  return { cosign: [sig.tag!, sbom.tag!, att.tag!], index: arm!.digest.replace(':', '-') };
}

type Copy = 'skopeo' | 'exact' | 'none';

/**
 * Seeds a signed source and mirrors TAG and the cosign tags `cosign` keeps with `skopeo copy
 * --all --preserve-digests`, and the referrers index: `exact` byte for byte (as `oras cp -r`
 * does), `skopeo` (which rewrites it: other digest, same entries) or not at all.
 */
function mirror(cosign: (tags: string[]) => string[], index: Copy, after?: (dst: RegistryInfo, s: Sides, tags: string[]) => Promise<void>) {
  return async (_h: HarnessInfo, src: RegistryInfo, dst: RegistryInfo, s: Sides): Promise<void> => {
    const tags = await signedSource(src, s.srcRepo);
    for (const t of [TAG, ...cosign(tags.cosign)]) await skopeoCopy(src, s.srcRepo, t, dst, s.dstRepo);
    if (index === 'exact') await copyImage(src, s.srcRepo, tags.index, dst, s.dstRepo);
    if (index === 'skopeo') await skopeoCopy(src, s.srcRepo, tags.index, dst, s.dstRepo, tags.index, { preserveDigests: false });
    await after?.(dst, s, tags.cosign);
  };
}

/** Scenarios with `--signatures`. */
export function signatureScenarios(): ScenarioDef[] {
  return [
    { name: 'signed-copied', description: 'signed OCI index; skopeo copy --all of the image and the cosign tags, referrers index byte for byte',
      ...std('signed-copied'), flags: SIGNATURES, expected: pass, seed: mirror((t) => t, 'exact') },
    { name: 'signed-skopeo-all', description: 'signed OCI index; skopeo copy --all of every tag (it rewrites the referrers index: same entries)',
      ...std('signed-skopeo-all'), flags: SIGNATURES, expected: pass, seed: mirror((t) => t, 'skopeo') },
    { name: 'signed-not-copied', description: 'signed OCI index; only the image was copied',
      ...std('signed-not-copied'), flags: SIGNATURES, expected: failed('SIGNATURE_MISSING'), seed: mirror(() => [], 'none') },
    { name: 'signed-other-bytes', description: 'the .sig tag of the index was re-signed at the destination (other bytes)',
      ...std('signed-other-bytes'), flags: SIGNATURES, expected: failed('SIGNATURE_MISSING'),
      seed: mirror((t) => t.filter((x) => !x.endsWith('.sig')), 'exact', async (dst, s, tags) => {
        const subject = `sha256:${tags[0]!.slice('sha256-'.length, -'.sig'.length)}`;
        await pushCosign(dst, s.dstRepo, subject, 'sig', 'resigned');
      }) },
    { name: 'signed-referrers-not-copied', description: 'cosign tags copied, the sha256-<hex> referrers index of arm64 not',
      ...std('signed-referrers-not-copied'), flags: SIGNATURES, expected: failed('SIGNATURE_MISSING'), seed: mirror((t) => t, 'none') },
    { name: 'unsigned--signatures', description: 'an unsigned OCI index copied byte for byte, with --signatures',
      ...std('oci-index-identical'), seedKey: 'oci-index-identical', flags: SIGNATURES, expected: pass },
  ];
}
