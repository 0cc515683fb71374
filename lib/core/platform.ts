/**
 * Platforms of list entries: attestation detection, the run's platform filter, stable keys and
 * the srcSpec/dstSpec shape hangar prints.
 */
import type { Descriptor, Platform, PlatformFilter, SpecEntry } from './types.js';

/** Annotation buildx puts on attestation manifests inside an index. */
export const REFERENCE_TYPE_ANNOTATION = 'vnd.docker.reference.type';
/** Annotation naming the image manifest an attestation is about. */
export const REFERENCE_DIGEST_ANNOTATION = 'vnd.docker.reference.digest';
export const ATTESTATION_TYPE = 'attestation-manifest';

/**
 * True for a buildx attestation entry. The annotation
 * `vnd.docker.reference.type=attestation-manifest` decides: buildx always writes it together with
 * the `unknown/unknown` platform, and an `unknown/unknown` entry without it is not known to be an
 * attestation (it is then an ordinary entry that the arch/os filter drops, unless asked for).
 */
export function isAttestation(desc: Descriptor): boolean {
  return desc.annotations?.[REFERENCE_TYPE_ANNOTATION] === ATTESTATION_TYPE;
}

/** The descriptor's platform; empty architecture and os when it has none. */
export function platformOf(desc: Descriptor): Platform {
  return desc.platform ?? { architecture: '', os: '' };
}

/** The entry as hangar prints it in srcSpec/dstSpec (os.features is never compared). */
export function specEntry(desc: Descriptor): SpecEntry {
  const p = platformOf(desc);
  const platform: { architecture: string; os: string; variant?: string; 'os.version'?: string } = {
    architecture: p.architecture,
    os: p.os,
  };
  if (p.variant) platform.variant = p.variant;
  if (p['os.version']) platform['os.version'] = p['os.version'];
  return desc.mediaType
    ? { digest: desc.digest, mediaType: desc.mediaType, platform }
    : { digest: desc.digest, platform };
}

/** Compared fields of a platform, as one string: `os/arch[/variant][:os.version]`. */
export function platformKey(p: Platform): string {
  let key = `${p.os}/${p.architecture}`;
  if (p.variant) key += `/${p.variant}`;
  if (p['os.version']) key += `:${p['os.version']}`;
  return key;
}

/** True when the platform's architecture and os are both in the filter. */
export function platformPasses(p: Platform | undefined, filter: PlatformFilter): boolean {
  return p !== undefined && filter.arch.includes(p.architecture) && filter.os.includes(p.os);
}

/**
 * The entries of a list that take part in the comparison.
 *
 * - Ordinary entries pass when their architecture and os are in the filter; an entry with no
 *   platform never passes.
 * - Attestations are dropped unless `filter.attestations`. Then they are kept regardless of the
 *   arch/os filter (their platform is `unknown/unknown`), but only when the image they attest
 *   (`vnd.docker.reference.digest`) is itself kept, or when they name no image. This is what
 *   hangar's `--provenance` selects and what its mirror copies. They are matched by digest.
 */
export function filterEntries(entries: readonly Descriptor[], filter: PlatformFilter): Descriptor[] {
  const images = entries.filter((d) => !isAttestation(d) && platformPasses(d.platform, filter));
  if (!filter.attestations) return images;
  const kept = new Set(images.map((d) => d.digest));
  return entries.filter((d) => {
    if (!isAttestation(d)) return images.includes(d);
    const ref = d.annotations?.[REFERENCE_DIGEST_ANNOTATION];
    return ref === undefined || kept.has(ref);
  });
}

/** Spec entries sorted by platform then digest, for stable output. */
export function sortedSpec(entries: readonly Descriptor[]): SpecEntry[] {
  return entries
    .map(specEntry)
    .sort((a, b) => cmp(platformKey(a.platform), platformKey(b.platform)) || cmp(a.digest, b.digest));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
