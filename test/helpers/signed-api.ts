/**
 * `--signatures` through the referrers API: a signed OCI index behind a referrers-API front of
 * the plain registry (test/helpers/referrers-proxy.ts), mirrored three ways, plus the standard
 * signed scenarios read through a front that answers the API with 404 (the tag-schema fallback).
 * Shared by the CLI and the serverless end-to-end tests. No vitest imports.
 */
import type { ReasonCode, Status } from '../../lib/core/types.js';
import { copyImage } from '../../testbed/lists.js';
import { startReferrersProxy, type ReferrersProxy } from './referrers-proxy.js';
import type { HarnessInfo } from '../../testbed/registry-harness.js';
import { getManifest } from '../../testbed/registry-ops.js';
import { P, srcList, TAG } from '../../testbed/scenario-kit.js';
import { scenario, type Scenario } from '../../testbed/scenarios.js';
import { pushOciArtifact, pushReferrersIndex } from '../../testbed/artifacts.js';
import { SBOM_ARTIFACT, SIG_ARTIFACT } from '../../testbed/scenario-defs-signed.js';
import { skopeoCopy } from '../../testbed/skopeo.js';

/** A list line and the verdict `--signatures` must give it. */
export interface SignedLine {
  readonly line: string;
  readonly status: Status;
  readonly code: ReasonCode | null;
  /** Texts the message must contain. */
  readonly mentions?: readonly string[];
}

export interface SignatureApiFixture {
  readonly lines: readonly SignedLine[];
  /** Hosts the lines name besides the harness registries (for an allowlist). */
  readonly hosts: readonly string[];
  readonly api: ReferrersProxy;
  readonly noApi: ReferrersProxy;
  close(): Promise<void>;
}

/** Seeds under `prefix` (unique per test file) and starts the two fronts. */
export async function startSignatureApiFixture(regs: HarnessInfo, table: readonly Scenario[], prefix: string): Promise<SignatureApiFixture> {
  const api = await startReferrersProxy({ upstream: regs.plain.url, api: true, pageSize: 1 });
  const noApi = await startReferrersProxy({ upstream: regs.plain.url, api: false });
  const src = `${prefix}/src`;
  const [, arm] = await srcList(regs.plain, src, [P.amd64, P.arm64], 'oci');
  const index = (await getManifest(regs.plain, src, TAG))!;
  const subject = { mediaType: index.mediaType, digest: index.digest, size: index.bytes.length };
  const onIndex = [
    await pushOciArtifact(regs.plain, src, null, SIG_ARTIFACT, 'signature of the index', subject),
    await pushOciArtifact(regs.plain, src, null, SBOM_ARTIFACT, 'sbom of the index', subject),
  ];
  const onArm = [await pushOciArtifact(regs.plain, src, null, SBOM_ARTIFACT, 'sbom of arm64', arm!.descriptor)];
  for (const r of onIndex) api.add(src, index.digest, r.descriptor);
  for (const r of onArm) api.add(src, arm!.digest, r.descriptor);

  // Mirror 1: a registry without the API, referrers copied and listed in sha256-<hex> indexes (oras cp -r).
  const fallback = `${prefix}/fallback`;
  await skopeoCopy(regs.plain, src, TAG, regs.tls, fallback);
  for (const r of [...onIndex, ...onArm]) await copyImage(regs.plain, src, r.digest, regs.tls, fallback);
  await pushReferrersIndex(regs.tls, fallback, index.digest, onIndex, true);
  await pushReferrersIndex(regs.tls, fallback, arm!.digest, onArm, true);
  // Mirror 2: the image only.
  const bare = `${prefix}/bare`;
  await skopeoCopy(regs.plain, src, TAG, regs.tls, bare);
  // Mirror 3: a registry with the API, every referrer but the arm64 SBOM.
  const withApi = `${prefix}/api`;
  await skopeoCopy(regs.plain, src, TAG, regs.plain, withApi);
  for (const r of onIndex) {
    await copyImage(regs.plain, src, r.digest, regs.plain, withApi);
    api.add(withApi, index.digest, r.descriptor);
  }

  const viaNoApi = (name: string): string => {
    const s = scenario(table, name);
    return s.listLine.replace(`${s.source.host}/`, `${noApi.host}/`);
  };
  const lines: SignedLine[] = [
    { line: `${api.host}/${src} ${regs.tls.host}/${fallback} ${TAG}`, status: 'PASS', code: null },
    { line: `${api.host}/${src} ${regs.tls.host}/${bare} ${TAG}`, status: 'FAILED', code: 'SIGNATURE_MISSING', mentions: [SIG_ARTIFACT, SBOM_ARTIFACT, onIndex[0]!.digest.slice(0, 19)] },
    { line: `${api.host}/${src} ${api.host}/${withApi} ${TAG}`, status: 'FAILED', code: 'SIGNATURE_MISSING', mentions: [`${onArm[0]!.digest.slice(0, 19)}… (${SBOM_ARTIFACT}) of ${arm!.digest.slice(0, 19)}…`] },
    { line: viaNoApi('signed-copied'), status: 'PASS', code: null },
    { line: viaNoApi('signed-referrers-not-copied'), status: 'FAILED', code: 'SIGNATURE_MISSING', mentions: [SBOM_ARTIFACT] },
  ];
  return {
    lines, api, noApi, hosts: [api.host, noApi.host],
    close: async () => { await Promise.all([api.close(), noApi.close()]); },
  };
}
