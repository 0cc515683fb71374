/**
 * The standard end-to-end scenarios, as data plus a seeding function each. Expected results
 * follow SPEC §3 (with `lib/core/compare*.ts` deciding list-mismatch codes: a same-platform digest
 * difference is DIGEST_MISMATCH, any other difference in the filtered entry set, duplicates
 * included, is PLATFORM_MISMATCH). No vitest imports.
 */
import { copyImage, deleteBlob, deleteManifest, pushAttestation, pushImage, pushIndex } from './images.js';
import { schema1Scenarios, tokenScenarios } from './scenario-defs-more.js';
import { verdictScenarios } from './scenario-defs-verdicts.js';
import { signatureScenarios } from './scenario-defs-signed.js';
import { dstList, failed, P, pass, srcList, std, TAG, type ScenarioDef } from './scenario-kit.js';

export { TAG, type CredsName, type RegistryName, type ScenarioDef, type ScenarioSide, type Sides } from './scenario-kit.js';

/** Every standard scenario. Names are unique and stable: tests may look them up. */
export const SCENARIO_DEFS: readonly ScenarioDef[] = [
  { name: 'docker-list-filtered', description: 'Docker list amd64+arm64+s390x; dst list amd64+arm64, same children',
    ...std('docker-list-filtered'), expected: pass, seed: async (_h, src, dst, s) => {
      const [a, b] = await srcList(src, s.srcRepo, [P.amd64, P.arm64, P.s390x], 'docker');
      await dstList(src, s, dst, [a!, b!], 'docker');
    } },
  { name: 'oci-index-identical', description: 'OCI index copied byte for byte', ...std('oci-index-identical'),
    expected: pass, seed: async (_h, src, dst, s) => {
      await srcList(src, s.srcRepo, [P.amd64, P.arm64], 'oci');
      await copyImage(src, s.srcRepo, TAG, dst, s.dstRepo);
    } },
  { name: 'oci-index-to-docker-list', description: 'OCI index source; dst Docker list holding the OCI children (hangar 2023)',
    ...std('oci-index-to-docker-list'), expected: pass, seed: async (_h, src, dst, s) => {
      const imgs = await srcList(src, s.srcRepo, [P.amd64, P.arm64], 'oci');
      await dstList(src, s, dst, imgs, 'docker');
    } },
  { name: 'docker-list-to-oci-index', description: 'Docker list source; dst OCI index with the same Docker children',
    ...std('docker-list-to-oci-index'), expected: pass, seed: async (_h, src, dst, s) => {
      const imgs = await srcList(src, s.srcRepo, [P.amd64, P.arm64], 'docker');
      await dstList(src, s, dst, imgs, 'oci');
    } },
  { name: 'mixed-docker-list-source', description: 'Docker list with OCI children as source; dst OCI index',
    ...std('mixed-docker-list-source'), expected: pass, seed: async (_h, src, dst, s) => {
      const imgs = await srcList(src, s.srcRepo, [P.amd64, P.arm64], 'docker', 'oci');
      await dstList(src, s, dst, imgs, 'oci');
    } },
  { name: 'reordered', description: 'dst list has the same entries in another order', ...std('reordered'),
    expected: pass, seed: async (_h, src, dst, s) => {
      const [a, b] = await srcList(src, s.srcRepo, [P.amd64, P.arm64], 'docker');
      await dstList(src, s, dst, [b!, a!], 'docker');
    } },
  { name: 'dst-missing-platform', description: 'dst list lacks arm64', ...std('dst-missing-platform'),
    expected: failed('PLATFORM_MISMATCH'), seed: async (_h, src, dst, s) => {
      const [a] = await srcList(src, s.srcRepo, [P.amd64, P.arm64], 'docker');
      await dstList(src, s, dst, [a!], 'docker');
    } },
  { name: 'upstream-updated', description: 'source amd64 rebuilt; dst still has the old amd64 digest',
    ...std('upstream-updated'), expected: failed('DIGEST_MISMATCH'), seed: async (_h, src, dst, s) => {
      const [, b] = await srcList(src, s.srcRepo, [P.amd64, P.arm64], 'docker');
      const old = await pushImage(dst, s.dstRepo, { platform: P.amd64, format: 'docker', seed: 'old-amd64' });
      await copyImage(src, s.srcRepo, b!.digest, dst, s.dstRepo);
      await pushIndex(dst, s.dstRepo, TAG, [old.descriptor, b!.descriptor], 'docker');
    } },
  { name: 'duplicate-platform', description: 'dst list holds the amd64 entry twice', ...std('duplicate-platform'),
    expected: failed('PLATFORM_MISMATCH'), seed: async (_h, src, dst, s) => {
      const [a, b] = await srcList(src, s.srcRepo, [P.amd64, P.arm64], 'docker');
      await dstList(src, s, dst, [a!, a!, b!], 'docker');
    } },
  { name: 'child-deleted', description: 'dst list correct but its arm64 child manifest was deleted',
    ...std('child-deleted'), expected: failed('CHILD_MISSING'), seed: async (_h, src, dst, s) => {
      const [, b] = await srcList(src, s.srcRepo, [P.amd64, P.arm64], 'docker');
      await copyImage(src, s.srcRepo, TAG, dst, s.dstRepo);
      await deleteManifest(dst, s.dstRepo, b!.digest);
    } },
  { name: 'single-identical', description: 'schema2 source; identical dst', ...std('single-identical'),
    expected: pass, seed: async (_h, src, dst, s) => {
      await pushImage(src, s.srcRepo, { platform: P.amd64, format: 'docker', tag: TAG });
      await copyImage(src, s.srcRepo, TAG, dst, s.dstRepo);
    } },
  { name: 'single-to-one-entry-list', description: 'schema2 source; dst list of one entry with that digest',
    ...std('single-to-one-entry-list'), expected: pass, seed: async (_h, src, dst, s) => {
      const i = await pushImage(src, s.srcRepo, { platform: P.amd64, format: 'docker', tag: TAG });
      await dstList(src, s, dst, [i], 'docker');
    } },
  { name: 'single-to-two-entry-list', description: 'schema2 source; dst list of two entries',
    ...std('single-to-two-entry-list'), expected: failed('DEST_LIST_LENGTH'), seed: async (_h, src, dst, s) => {
      const i = await pushImage(src, s.srcRepo, { platform: P.amd64, format: 'docker', tag: TAG });
      const other = await pushImage(dst, s.dstRepo, { platform: P.arm64, format: 'docker' });
      await copyImage(src, s.srcRepo, i.digest, dst, s.dstRepo);
      await pushIndex(dst, s.dstRepo, TAG, [i.descriptor, other.descriptor], 'docker');
    } },
  { name: 'single-different-digest', description: 'schema2 source; dst another schema2 manifest',
    ...std('single-different-digest'), expected: failed('DIGEST_MISMATCH'), seed: async (_h, src, dst, s) => {
      await pushImage(src, s.srcRepo, { platform: P.amd64, format: 'docker', tag: TAG });
      await pushImage(dst, s.dstRepo, { platform: P.amd64, format: 'docker', tag: TAG });
    } },
  { name: 'variant-mismatch', description: 'arm v7 in source, same digest listed as arm v6 in dst (--arch amd64,arm)',
    ...std('variant-mismatch'), flags: ['--arch', 'amd64,arm'], expected: failed('PLATFORM_MISMATCH'),
    seed: async (_h, src, dst, s) => {
      const imgs = await srcList(src, s.srcRepo, [P.amd64, P.armv7], 'docker');
      await dstList(src, s, dst, imgs, 'docker', (i) => (i.platform.variant === 'v7' ? { ...i.platform, variant: 'v6' } : i.platform));
    } },
  { name: 'os-version-mismatch', description: 'windows entry: same digest, other os.version in dst',
    ...std('os-version-mismatch'), expected: failed('PLATFORM_MISMATCH'), seed: async (_h, src, dst, s) => {
      const imgs = await srcList(src, s.srcRepo, [P.win], 'docker');
      await dstList(src, s, dst, imgs, 'docker', (i) => ({ ...i.platform, 'os.version': '10.0.20348.2227' }));
    } },
  { name: 'attestation-ignored', description: 'source OCI index with attestations; dst without them (default)',
    ...std('attestation'), seedKey: 'attestation', expected: pass, seed: async (_h, src, dst, s) => {
      const [a, b] = await Promise.all([P.amd64, P.arm64].map((platform) => pushImage(src, s.srcRepo, { platform, format: 'oci' })));
      const [aa, ba] = await Promise.all([a!, b!].map((i) => pushAttestation(src, s.srcRepo, i.digest)));
      await pushIndex(src, s.srcRepo, TAG, [a!.descriptor, b!.descriptor, aa!, ba!], 'oci');
      await dstList(src, s, dst, [a!, b!], 'oci');
    } },
  { name: 'attestation-required', description: 'same as attestation-ignored, with --attestations',
    ...std('attestation'), seedKey: 'attestation', flags: ['--attestations'], expected: failed('PLATFORM_MISMATCH') },
  { name: 'no-matching-platform', description: 'source list has only s390x; dst absent', ...std('no-matching-platform'),
    expected: { status: 'SKIPPED', code: 'NO_MATCHING_PLATFORM' }, seed: async (_h, src, _dst, s) => {
      await srcList(src, s.srcRepo, [P.s390x], 'docker');
    } },
  { name: 'dst-tag-absent', description: 'dst repository has tag 0.9 but not 1.0', ...std('dst-tag-absent'),
    expected: failed('DEST_NOT_FOUND'), seed: async (_h, src, dst, s) => {
      await srcList(src, s.srcRepo, [P.amd64, P.arm64], 'docker');
      await copyImage(src, s.srcRepo, TAG, dst, s.dstRepo, '0.9');
    } },
  { name: 'dst-repo-absent', description: 'dst repository does not exist', ...std('dst-repo-absent'),
    expected: failed('DEST_NOT_FOUND'), seed: async (_h, src, _dst, s) => {
      await srcList(src, s.srcRepo, [P.amd64, P.arm64], 'docker');
    } },
  { name: 'deep-missing-blob', description: 'dst arm64 child lacks a layer blob; passes without --deep',
    ...std('deep-missing-blob'), seedKey: 'deep', expected: pass, seed: async (_h, src, dst, s) => {
      const [, b] = await srcList(src, s.srcRepo, [P.amd64, P.arm64], 'docker');
      await copyImage(src, s.srcRepo, TAG, dst, s.dstRepo);
      await deleteBlob(dst, s.dstRepo, b!.layerDigests[0]!);
    } },
  { name: 'deep-missing-blob--deep', description: 'same as deep-missing-blob, with --deep', ...std('deep-missing-blob'),
    seedKey: 'deep', flags: ['--deep'], expected: failed('BLOB_MISSING') },
  { name: 'dest-media-type', description: 'list source; dst single manifest', ...std('dest-media-type'),
    expected: failed('DEST_MEDIA_TYPE'), seed: async (_h, src, dst, s) => {
      const [a] = await srcList(src, s.srcRepo, [P.amd64, P.arm64], 'docker');
      await copyImage(src, s.srcRepo, a!.digest, dst, s.dstRepo, TAG);
    } },
  { name: 'tls-no-creds', description: 'correct dst on the htpasswd registry, read without credentials',
    ...std('tls-no-creds'), dest: { registry: 'tls', repo: 'mirror/tls-no-creds', creds: 'none' },
    expected: { status: 'ERROR', code: 'AUTH' }, seed: async (_h, src, dst, s) => {
      await srcList(src, s.srcRepo, [P.amd64, P.arm64], 'docker');
      await copyImage(src, s.srcRepo, TAG, dst, s.dstRepo);
    } },
  ...tokenScenarios(),
  ...schema1Scenarios(),
  ...verdictScenarios(),
  ...signatureScenarios(),
];
