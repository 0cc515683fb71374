/**
 * The entries of a Docker manifest list or OCI index, sorted into what SPEC §3 does with them.
 *
 * - `image`: an entry with a platform. Compared when its normalised architecture and os pass
 *   `--arch`/`--os`, matched by digest and normalised platform.
 * - `attestation`: every `unknown/unknown` entry (attestations, SBOMs, any reference type), and
 *   any entry annotated `vnd.docker.reference.type=attestation-manifest`. Compared only with
 *   `--attestations`, and then only when the image it attests (`vnd.docker.reference.digest`) is
 *   itself compared or it names none (what hangar's `--provenance` selects). Matched by digest.
 * - `artifact`: an entry without a platform (a signature, an SBOM, an OCI artifact). Always
 *   compared, whatever the filter: it must be at the destination with the same digest.
 * - `index`: an entry that is itself an index. Compared when it has no platform or its platform
 *   passes the filter, and (source side) when its own entries hold something to compare.
 */
import { isIndex } from './media-types.js';
import { quote } from './messages.js';
import { isAttestation, isPlatform, platformKey, platformPasses, platformText, REFERENCE_DIGEST_ANNOTATION } from './platform.js';
import type { Descriptor, PlatformFilter } from './types.js';
import type { Keyed } from './match.js';

export type EntryKind = 'image' | 'attestation' | 'artifact' | 'index';

/** What kind of entry `d` is (see the module comment). */
export function entryKind(d: Descriptor): EntryKind {
  if (isIndex(d.mediaType)) return 'index';
  if (isAttestation(d)) return 'attestation';
  return isPlatform(d.platform) ? 'image' : 'artifact';
}

/** The matching key: normalised platform, `attestation`, or `''` without a platform. */
export function entryKey(d: Descriptor): string {
  if (isAttestation(d)) return 'attestation';
  return isPlatform(d.platform) ? platformKey(d.platform) : '';
}

/** How messages name an entry: its platform as written, `attestation`, `index` or `artifact` (registry text, quoted). */
export function entryLabel(d: Descriptor): string {
  if (isAttestation(d)) return 'attestation';
  if (isPlatform(d.platform)) return quote(platformText(d.platform));
  return isIndex(d.mediaType) ? 'index' : 'artifact';
}

/** True for an index none of whose entries carries a platform (or has no entries): an artifact index. */
export function isArtifactIndex(entries: readonly Descriptor[]): boolean {
  return entries.every((d) => entryKind(d) === 'artifact');
}

/**
 * The entries of a list that take part in the comparison, with their keys. `relevant` says
 * whether a nested index holds something to compare (default: yes).
 */
export function selectEntries(
  entries: readonly Descriptor[],
  filter: PlatformFilter,
  relevant: (d: Descriptor) => boolean = () => true,
): Keyed[] {
  const kinds = entries.map(entryKind);
  const images = new Set<string>();
  entries.forEach((d, i) => {
    if (kinds[i] === 'image' && platformPasses(d.platform, filter)) images.add(d.digest);
  });
  const out: Keyed[] = [];
  entries.forEach((d, i) => {
    if (keep(d, kinds[i]!, filter, images, relevant)) out.push({ d, key: entryKey(d), label: entryLabel(d) });
  });
  return out;
}

function keep(d: Descriptor, kind: EntryKind, filter: PlatformFilter, images: Set<string>, relevant: (d: Descriptor) => boolean): boolean {
  switch (kind) {
    case 'image': return platformPasses(d.platform, filter);
    case 'artifact': return true;
    case 'index': return (!isPlatform(d.platform) || platformPasses(d.platform, filter)) && relevant(d);
    case 'attestation': {
      if (!filter.attestations) return false;
      const ref = d.annotations?.[REFERENCE_DIGEST_ANNOTATION];
      return ref === undefined || images.has(ref);
    }
  }
}

/** True when something among `keyed` makes the list worth validating (attestations alone do not). */
export function hasComparable(keyed: readonly Keyed[]): boolean {
  return keyed.some((k) => k.key !== 'attestation');
}
