/**
 * The comparison rules of SPEC §3, as a pure function of the two parsed manifests. It says
 * PASS-so-far (with the destination children that must still be proven to exist) or FAILED.
 */
import { compareLists } from './compare-list.js';
import type { Manifest } from './manifest.js';
import { DEST_LIST_LENGTH, destMediaType, fieldMismatch, osVersionNotEmpty } from './messages.js';
import { filterEntries, isAttestation, platformOf, platformPasses } from './platform.js';
import type { Descriptor, FailCode, Platform, PlatformFilter, SpecEntry } from './types.js';

/** Names used in list-mismatch messages: repositories without tag, and the tag. */
export interface CompareNames {
  readonly source: string;
  readonly destination: string;
  readonly tag: string;
}

/** The source side: its manifest, digest and (for a single image) the platform of its config. */
export interface SourceSide {
  readonly manifest: Manifest;
  readonly digest: string;
  /** Platform from the config of a single image; absent for artifacts with a non-image config. */
  readonly platform?: Platform;
}

/** The destination side: the manifest its tag (or digest) resolves to. */
export interface DestSide {
  readonly manifest: Manifest;
  readonly digest: string;
}

/** `children`: the destination child descriptors whose existence must still be checked. */
export type CompareResult =
  | { readonly ok: true; readonly children: Descriptor[] }
  | {
      readonly ok: false;
      readonly code: FailCode;
      readonly message: string;
      readonly srcSpec?: SpecEntry[];
      readonly dstSpec?: SpecEntry[];
    };

/**
 * False when no source image passes the filter: the line is SKIPPED. Attestations do not count.
 * A single image without a platform (an artifact) is always validated.
 */
export function sourceHasMatchingPlatform(source: SourceSide, filter: PlatformFilter): boolean {
  const m = source.manifest;
  if (m.kind === 'index') return filterEntries(m.manifests, filter).some((d) => !isAttestation(d));
  if (m.kind === 'schema1') return platformPasses(m.platform, filter);
  return source.platform === undefined || platformPasses(source.platform, filter);
}

/** Compares a source with its existing destination, per the source kind (SPEC §3 table). */
export function compareManifests(
  source: SourceSide,
  dest: DestSide,
  filter: PlatformFilter,
  names: CompareNames,
): CompareResult {
  const s = source.manifest;
  const d = dest.manifest;
  if (s.kind === 'index') {
    if (d.kind !== 'index') return fail('DEST_MEDIA_TYPE', destMediaType(d.mediaType));
    return compareLists(s.manifests, d.manifests, filter, names);
  }
  if (s.kind === 'image' && dest.digest === source.digest) return { ok: true, children: [] };
  if (d.kind !== 'index') {
    return s.kind === 'schema1'
      ? fail('DEST_MEDIA_TYPE', destMediaType(d.mediaType))
      : fail('DIGEST_MISMATCH', fieldMismatch('digest', source.digest, dest.digest));
  }
  const [entry, ...rest] = d.manifests;
  if (!entry || rest.length > 0) return fail('DEST_LIST_LENGTH', DEST_LIST_LENGTH);
  if (s.kind === 'image' && entry.digest !== source.digest) {
    return fail('DIGEST_MISMATCH', fieldMismatch('digest', source.digest, entry.digest));
  }
  const platform = s.kind === 'schema1' ? s.platform : source.platform;
  const mismatch = platform && platformMismatch(platform, platformOf(entry));
  return mismatch ? fail('PLATFORM_MISMATCH', mismatch) : { ok: true, children: [entry] };
}

/** hangar's single-entry checks: arch, os, variant equal; destination os.version empty. */
function platformMismatch(src: Platform, dst: Platform): string | undefined {
  if (src.architecture !== dst.architecture) return fieldMismatch('arch', src.architecture, dst.architecture);
  if (src.os !== dst.os) return fieldMismatch('os', src.os, dst.os);
  if ((src.variant ?? '') !== (dst.variant ?? '')) return fieldMismatch('variant', src.variant ?? '', dst.variant ?? '');
  const version = dst['os.version'] ?? '';
  return version ? osVersionNotEmpty(version) : undefined;
}

function fail(code: FailCode, message: string): CompareResult {
  return { ok: false, code, message };
}
