/**
 * Fixtures of the `--signatures` tests over the fake reader: one image (an index digest and two
 * children) on both sides, cosign tags, referrers and `sha256-<hex>` referrers indexes.
 */
import { digestTag } from '../../lib/core/digest.js';
import { OCI_INDEX, OCI_MANIFEST } from '../../lib/core/media-types.js';
import type { Descriptor, ImageRef } from '../../lib/core/types.js';
import { SignatureMemo } from '../../lib/check/signature-memo.js';
import { checkSignatures } from '../../lib/check/signatures.js';
import { FakeReader, MemoryCache } from './fake-reader.js';
import { encode, fakeDigest } from './manifest-fixtures.js';

export const SRC: ImageRef = { registry: 'quay.example', repository: 'org/app', tag: '1.0' };
export const DST: ImageRef = { registry: 'reg.example', repository: 'mirror/app', tag: '1.0' };
const REFS = { source: SRC, destination: DST };
export const INDEX = fakeDigest('index');
export const AMD = fakeDigest('amd64');
export const ARM = fakeDigest('arm64');
export const DIGESTS = [INDEX, AMD, ARM];
export const SIG_TYPE = 'application/vnd.dev.cosign.artifact.sig.v1+json';
export const SBOM_TYPE = 'application/spdx+json';

/** An OCI artifact manifest whose subject is `subject` (a signature, SBOM …). */
export function artifact(subject: string, artifactType: string, salt = ''): Uint8Array {
  return encode({
    schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType,
    config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: fakeDigest('{}'), size: 2 },
    layers: [{ mediaType: 'application/octet-stream', digest: fakeDigest(`payload${salt}`), size: 10 }],
    subject: { mediaType: OCI_INDEX, digest: subject, size: 100 },
  });
}

export interface World {
  readonly source: FakeReader;
  readonly destination: FakeReader;
}

/** Both sides hold the image's manifests (so each repository exists), nothing signed yet. */
export function world(): World {
  const source = new FakeReader();
  const destination = new FakeReader();
  for (const r of [source, destination]) {
    const ref = r === source ? SRC : DST;
    for (const d of DIGESTS) r.putManifestAt(ref, d, encode({ d }), OCI_MANIFEST);
    r.tag(ref, '1.0', INDEX);
  }
  return { source, destination };
}

/** Pushes a cosign tag for `subject` at the source; `copy`: also at the destination (same bytes, or other bytes). */
export function cosign(w: World, subject: string, suffix: string, copy: 'same' | 'other' | 'none'): string {
  const tag = `${digestTag(subject)!}${suffix}`;
  w.source.putManifest(SRC, artifact(subject, SIG_TYPE), OCI_MANIFEST, tag);
  if (copy !== 'none') w.destination.putManifest(DST, artifact(subject, SIG_TYPE, copy === 'other' ? 'x' : ''), OCI_MANIFEST, tag);
  return tag;
}

/** Pushes referrers of `subject` and returns their descriptors. */
export function referrers(r: FakeReader, ref: ImageRef, subject: string, types: readonly string[]): Descriptor[] {
  return types.map((t) => {
    const bytes = artifact(subject, t);
    const digest = r.putManifest(ref, bytes, OCI_MANIFEST);
    return { mediaType: OCI_MANIFEST, digest, size: bytes.length, artifactType: t };
  });
}

/** Pushes a `sha256-<hex>` referrers index of `entries` (tag schema). */
export function fallbackIndex(r: FakeReader, ref: ImageRef, subject: string, entries: readonly Descriptor[]): void {
  r.putManifest(ref, encode({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries }), OCI_INDEX, digestTag(subject));
}

/** checkSignatures of `digests` (default: all three) with a fresh memo unless given. */
export const run = (w: World, memo = new SignatureMemo(), digests = DIGESTS, extra: { cache?: MemoryCache } = {}) =>
  checkSignatures(REFS, digests, { source: w.source, destination: w.destination, memo, ...extra });
