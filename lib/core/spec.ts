/**
 * srcSpec/dstSpec: list entries in the shape hangar prints them (`{digest, mediaType, platform}`),
 * sorted for stable output.
 */
import { platformKey, platformOf } from './platform.js';
import type { Descriptor, SpecEntry } from './types.js';

/** The entry as hangar prints it in srcSpec/dstSpec, platform as written (os.features never shown). */
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

/** Spec entries sorted by normalised platform then digest, for stable output. */
export function sortedSpec(entries: readonly Descriptor[]): SpecEntry[] {
  return entries
    .map((d) => ({ key: platformKey(platformOf(d)), spec: specEntry(d) }))
    .sort((a, b) => cmp(a.key, b.key) || cmp(a.spec.digest, b.spec.digest))
    .map((x) => x.spec);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
