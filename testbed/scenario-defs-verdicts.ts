/**
 * Scenarios for the shapes real registries hold (issue 9): cosign signature tags, Helm charts and
 * OCI artifacts, referrers fallback indexes, entries without a platform, attestations of any
 * reference type, arm variant spellings, a Windows one-entry list, duplicated platforms and
 * nested indexes. Destinations are made by `skopeo copy --all` where a real mirroring tool can
 * make them, else as hangar writes them. No vitest imports.
 */
import { pushCosign, pushHelmChart, pushOciArtifact, pushReferrersIndex } from './artifacts.js';
import { copyImage, deleteManifest, pushImage, pushIndex } from './images.js';
import { dstList, failed, P, pass, srcList, std, TAG, type ScenarioDef, type Sides } from './scenario-kit.js';
import type { RegistryInfo } from './registry-harness.js';
import { skopeoCopy } from './skopeo.js';
import type { Platform } from '../lib/core/types.js';

const notFound = failed('DEST_NOT_FOUND');

/** An image and its cosign signature at the source; returns the signature tag. */
async function signed(src: RegistryInfo, s: Sides): Promise<string> {
  const image = await pushImage(src, s.srcRepo, { platform: P.amd64, format: 'oci', tag: TAG });
  const sig = await pushCosign(src, s.srcRepo, image.digest, 'sig');
  return sig.tag!;
}

/** An image, a signature and an SBOM at the source, listed under the referrers fallback tag; returns that tag. */
async function referrers(src: RegistryInfo, s: Sides): Promise<{ tag: string; extra: () => Promise<void> }> {
  const image = await pushImage(src, s.srcRepo, { platform: P.amd64, format: 'oci', tag: TAG });
  const sig = await pushOciArtifact(src, s.srcRepo, null, 'application/vnd.dev.cosign.artifact.sig.v1+json', `sig ${image.digest}`);
  const sbom = await pushOciArtifact(src, s.srcRepo, null, 'application/spdx+json', `sbom ${image.digest}`);
  const index = await pushReferrersIndex(src, s.srcRepo, image.digest, [sig, sbom]);
  const tag = image.digest.replace(':', '-');
  return {
    tag,
    // A signature added upstream after the mirror ran.
    extra: async () => {
      const late = await pushOciArtifact(src, s.srcRepo, null, 'application/vnd.dev.cosign.artifact.sig.v1+json', `late ${index.digest}`);
      await pushReferrersIndex(src, s.srcRepo, image.digest, [sig, sbom, late]);
    },
  };
}

const linux = (architecture: string, variant?: string): Platform => ({ architecture, os: 'linux', ...(variant ? { variant } : {}) });
const ARCH_ARM = ['--arch', 'amd64,arm64,arm'];

/** Source list amd64 + arm64/`srcArm64` + arm/`srcArm`; destination the same digests with the other spellings. */
function armSpellings(srcArm64: string | undefined, srcArm: string | undefined, dstArm64: string | undefined, dstArm: string | undefined) {
  return async (_h: unknown, src: RegistryInfo, dst: RegistryInfo, s: Sides): Promise<void> => {
    const imgs = await srcList(src, s.srcRepo, [P.amd64, linux('arm64', srcArm64), linux('arm', srcArm)], 'docker');
    await dstList(src, s, dst, imgs, 'oci', (i) => i.platform.architecture === 'arm64' ? linux('arm64', dstArm64)
      : i.platform.architecture === 'arm' ? linux('arm', dstArm) : i.platform);
  };
}

/** A single Windows image (config os.version set) mirrored as a one-entry list whose entry has `osVersion`. */
function windowsOneEntry(osVersion: string) {
  return async (_h: unknown, src: RegistryInfo, dst: RegistryInfo, s: Sides): Promise<void> => {
    const img = await pushImage(src, s.srcRepo, { platform: P.win, format: 'docker', tag: TAG });
    await dstList(src, s, dst, [img], 'docker', () => ({ ...P.win, 'os.version': osVersion }));
  };
}

/** Every scenario of issue 9's shapes. */
export function verdictScenarios(): ScenarioDef[] {
  return [
    { name: 'cosign-sig-copied', description: 'cosign .sig tag listed as its own line, copied by skopeo', ...std('cosign-sig-copied'),
      expected: pass, seed: async (_h, src, dst, s) => { const tag = await signed(src, s); await skopeoCopy(src, s.srcRepo, tag, dst, s.dstRepo); return tag; } },
    { name: 'cosign-sig-not-copied', description: 'cosign .sig tag; the image was mirrored, its signature was not', ...std('cosign-sig-not-copied'),
      expected: notFound, seed: async (_h, src, dst, s) => { const tag = await signed(src, s); await skopeoCopy(src, s.srcRepo, TAG, dst, s.dstRepo); return tag; } },
    { name: 'cosign-att-other-filter', description: 'cosign .att tag copied by skopeo, validated with --arch s390x (artifacts ignore the filter)',
      ...std('cosign-att-other-filter'), flags: ['--arch', 's390x'], expected: pass, seed: async (_h, src, dst, s) => {
        const image = await pushImage(src, s.srcRepo, { platform: P.amd64, format: 'oci', tag: TAG });
        const att = await pushCosign(src, s.srcRepo, image.digest, 'att');
        await skopeoCopy(src, s.srcRepo, att.tag!, dst, s.dstRepo);
        return att.tag!;
      } },
    { name: 'helm-chart-copied', description: 'Helm chart (non-image config) copied by skopeo', ...std('helm-chart-copied'),
      expected: pass, seed: async (_h, src, dst, s) => { await pushHelmChart(src, s.srcRepo, TAG); await skopeoCopy(src, s.srcRepo, TAG, dst, s.dstRepo); } },
    { name: 'helm-chart-other-version', description: 'Helm chart; the destination tag holds another chart version', ...std('helm-chart-other-version'),
      expected: failed('DIGEST_MISMATCH'), seed: async (_h, src, dst, s) => {
        await pushHelmChart(src, s.srcRepo, TAG, '1.0.1');
        await pushHelmChart(dst, s.dstRepo, TAG, '1.0.0');
      } },
    { name: 'oci-artifact-copied', description: 'OCI 1.1 artifact (empty config, artifactType) copied by skopeo', ...std('oci-artifact-copied'),
      expected: pass, seed: async (_h, src, dst, s) => {
        await pushOciArtifact(src, s.srcRepo, TAG, 'application/vnd.example.config+json', 'some content');
        await skopeoCopy(src, s.srcRepo, TAG, dst, s.dstRepo);
      } },
    { name: 'referrers-tag-copied', description: 'referrers fallback tag sha256-<hex> (index of artifacts) copied by skopeo', ...std('referrers-tag-copied'),
      expected: pass, seed: async (_h, src, dst, s) => { const r = await referrers(src, s); await skopeoCopy(src, s.srcRepo, r.tag, dst, s.dstRepo); return r.tag; } },
    { name: 'referrers-tag-not-copied', description: 'referrers fallback tag; only the image was mirrored', ...std('referrers-tag-not-copied'),
      expected: notFound, seed: async (_h, src, dst, s) => { const r = await referrers(src, s); await skopeoCopy(src, s.srcRepo, TAG, dst, s.dstRepo); return r.tag; } },
    { name: 'referrers-tag-stale', description: 'referrers fallback tag copied, then a signature was added upstream', ...std('referrers-tag-stale'),
      expected: failed('DIGEST_MISMATCH'), seed: async (_h, src, dst, s) => {
        const r = await referrers(src, s);
        await skopeoCopy(src, s.srcRepo, r.tag, dst, s.dstRepo);
        await r.extra();
        return r.tag;
      } },
    { name: 'index-with-signature-entry', description: 'image index whose entries include a signature without platform, copied by skopeo',
      ...std('index-with-signature-entry'), expected: pass, seed: async (_h, src, dst, s) => {
        const imgs = await Promise.all([P.amd64, P.arm64].map((platform) => pushImage(src, s.srcRepo, { platform, format: 'oci' })));
        const sig = await pushOciArtifact(src, s.srcRepo, null, 'application/vnd.dev.cosign.artifact.sig.v1+json', 'in-index');
        await pushIndex(src, s.srcRepo, TAG, [...imgs.map((i) => i.descriptor), sig.descriptor], 'oci');
        await skopeoCopy(src, s.srcRepo, TAG, dst, s.dstRepo);
      } },
    { name: 'index-signature-entry-dropped', description: 'image index with a signature entry; the destination list lost that entry',
      ...std('index-signature-entry-dropped'), expected: failed('DIGEST_MISMATCH'), seed: async (_h, src, dst, s) => {
        const imgs = await Promise.all([P.amd64, P.arm64].map((platform) => pushImage(src, s.srcRepo, { platform, format: 'oci' })));
        const sig = await pushOciArtifact(src, s.srcRepo, null, 'application/vnd.dev.cosign.artifact.sig.v1+json', 'dropped');
        await pushIndex(src, s.srcRepo, TAG, [...imgs.map((i) => i.descriptor), sig.descriptor], 'oci');
        await dstList(src, s, dst, imgs, 'oci');
      } },
    { name: 'attestation-other-type-required', description: 'unknown/unknown entry of reference type "sbom" missing at the destination, --attestations',
      ...std('attestation-other-type'), flags: ['--attestations'], expected: failed('PLATFORM_MISMATCH'), seed: async (_h, src, dst, s) => {
        const img = await pushImage(src, s.srcRepo, { platform: P.amd64, format: 'oci' });
        const sbom = await pushOciArtifact(src, s.srcRepo, null, 'application/spdx+json', 'sbom');
        const entry = { ...sbom.descriptor, platform: { architecture: 'unknown', os: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'sbom', 'vnd.docker.reference.digest': img.digest } };
        await pushIndex(src, s.srcRepo, TAG, [img.descriptor, entry], 'oci');
        await dstList(src, s, dst, [img], 'oci');
      } },
    { name: 'arm-variants-written-out', description: 'source arm64 and arm without variants; destination arm64/v8 and arm/v7, same digests',
      ...std('arm-variants-written-out'), flags: ARCH_ARM, expected: pass, seed: armSpellings(undefined, undefined, 'v8', 'v7') },
    { name: 'arm-variants-dropped', description: 'source arm64/v8 and arm/v7; destination arm64 and arm without variants, same digests',
      ...std('arm-variants-dropped'), flags: ARCH_ARM, expected: pass, seed: armSpellings('v8', 'v7', undefined, undefined) },
    { name: 'windows-one-entry-list', description: 'single Windows image; destination one-entry list with the config os.version',
      ...std('windows-one-entry-list'), expected: pass, seed: windowsOneEntry(P.win['os.version']) },
    { name: 'windows-one-entry-other-version', description: 'single Windows image; destination one-entry list with another os.version',
      ...std('windows-one-entry-other-version'), expected: failed('PLATFORM_MISMATCH'), seed: windowsOneEntry('10.0.20348.2227') },
    { name: 'duplicate-platform-identical', description: 'source index lists linux/amd64 twice; copied by skopeo', ...std('duplicate-platform-identical'),
      expected: pass, seed: async (_h, src, dst, s) => {
        const [a, b] = await Promise.all([P.amd64, P.arm64].map((platform) => pushImage(src, s.srcRepo, { platform, format: 'oci' })));
        await pushIndex(src, s.srcRepo, TAG, [a!.descriptor, b!.descriptor, a!.descriptor], 'oci');
        await skopeoCopy(src, s.srcRepo, TAG, dst, s.dstRepo);
      } },
    { name: 'nested-index-identical', description: 'index of indexes (no platforms) copied byte for byte', ...std('nested-index-identical'),
      expected: pass, seed: async (_h, src, dst, s) => { await nested(src, s.srcRepo); await copyImage(src, s.srcRepo, TAG, dst, s.dstRepo); } },
    { name: 'nested-index-dest-absent', description: 'index of indexes; destination missing', ...std('nested-index-dest-absent'),
      expected: notFound, seed: async (_h, src, _dst, s) => { await nested(src, s.srcRepo); } },
    { name: 'nested-index-child-deleted', description: 'index of indexes copied; one nested index deleted at the destination',
      ...std('nested-index-child-deleted'), expected: failed('CHILD_MISSING'), seed: async (_h, src, dst, s) => {
        const inner = await nested(src, s.srcRepo);
        await copyImage(src, s.srcRepo, TAG, dst, s.dstRepo);
        await deleteManifest(dst, s.dstRepo, inner[1]!);
      } },
  ];
}

/** An index (under TAG) of two indexes without platform, each of amd64 + arm64 images; returns the nested digests. */
async function nested(reg: RegistryInfo, repo: string): Promise<string[]> {
  const inner = await Promise.all(['a', 'b'].map(async (label) => {
    const imgs = await Promise.all([P.amd64, P.arm64].map((platform) => pushImage(reg, repo, { platform, format: 'oci', seed: `${repo}/${label}` })));
    return pushIndex(reg, repo, null, imgs.map((i) => i.descriptor), 'oci');
  }));
  await pushIndex(reg, repo, TAG, inner.map((i) => i.descriptor), 'oci');
  return inner.map((i) => i.digest);
}

/** The rule the JSON report must name for some scenarios (`rule`). */
export const EXPECTED_RULES: Readonly<Record<string, 'artifact' | 'index' | 'single'>> = {
  'cosign-sig-copied': 'artifact', 'cosign-sig-not-copied': 'artifact', 'helm-chart-copied': 'artifact', 'oci-artifact-copied': 'artifact',
  'referrers-tag-copied': 'artifact', 'referrers-tag-not-copied': 'artifact', 'index-with-signature-entry': 'index',
  'nested-index-identical': 'index', 'nested-index-dest-absent': 'index', 'windows-one-entry-list': 'single', 'docker-list-filtered': 'index',
  'single-identical': 'single',
};
