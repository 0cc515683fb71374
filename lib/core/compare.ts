/**
 * The comparison rules of SPEC §3, as a pure function of the two parsed manifests. It says
 * PASS-so-far (with the destination children that must still be proven to exist and the nested
 * indexes still to compare) or FAILED.
 */
import { compareArtifact, nestedRelevance, nestedSources, ruleOf, type NestedSources } from './artifact.js';
import { compareLists } from './compare-list.js';
import type { Pair } from './match.js';
import type { Manifest } from './manifest.js';
import { DEST_LIST_LENGTH, destMediaType, fieldMismatch, osVersionNotEmpty } from './messages.js';
import { normalisePlatform, platformOf } from './platform.js';
import type { Descriptor, FailCode, Platform, PlatformFilter, SpecEntry } from './types.js';

export { isRelevant, nestedSources, ruleOf, type NestedSources } from './artifact.js';

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
  /** Platform from the config of a single image; absent for an artifact (no platform in its config). */
  readonly platform?: Platform;
}

/** The destination side: the manifest its tag (or digest) resolves to. */
export interface DestSide {
  readonly manifest: Manifest;
  readonly digest: string;
}

/**
 * `children`: the destination child descriptors whose existence must still be checked;
 * `nested`: pairs of nested indexes (source entry, destination entry) still to compare;
 * `sources`: the source digests of every matched entry.
 */
export type CompareResult =
  | { readonly ok: true; readonly children: Descriptor[]; readonly nested: Pair[]; readonly sources: string[] }
  | {
      readonly ok: false;
      readonly code: FailCode;
      readonly message: string;
      readonly srcSpec?: SpecEntry[];
      readonly dstSpec?: SpecEntry[];
    };

/**
 * Compares a source with its existing destination, per the source kind (SPEC §3 table).
 * `nested` holds the nested source indexes already read, by digest.
 */
export function compareManifests(
  source: SourceSide,
  dest: DestSide,
  filter: PlatformFilter,
  names: CompareNames,
  nested: NestedSources = nestedSources(),
): CompareResult {
  const s = source.manifest;
  const d = dest.manifest;
  if (s.kind === 'index') {
    if (d.kind !== 'index') return fail('DEST_MEDIA_TYPE', destMediaType(d.mediaType));
    return compareLists(s.manifests, d.manifests, filter, names, nestedRelevance(filter, nested));
  }
  if (ruleOf(source) === 'artifact') return compareArtifact(source, dest);
  if (s.kind === 'image' && dest.digest === source.digest) return ok([]);
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
  return mismatch ? fail('PLATFORM_MISMATCH', mismatch) : ok([entry]);
}

/**
 * The single-image checks, on normalised platforms: architecture, os and variant equal; the
 * entry's os.version empty or equal to the config's (buildx and newer hangar fill it in).
 */
function platformMismatch(src: Platform, dst: Platform): string | undefined {
  const s = normalisePlatform(src);
  const d = normalisePlatform(dst);
  if (s.architecture !== d.architecture) return fieldMismatch('arch', s.architecture, d.architecture);
  if (s.os !== d.os) return fieldMismatch('os', s.os, d.os);
  if (s.variant !== d.variant) return fieldMismatch('variant', s.variant, d.variant);
  if (d.osVersion === '' || d.osVersion === s.osVersion) return undefined;
  return s.osVersion === '' ? osVersionNotEmpty(d.osVersion) : fieldMismatch('os.version', s.osVersion, d.osVersion);
}

function ok(children: Descriptor[]): CompareResult {
  return { ok: true, children, nested: [], sources: [] };
}

function fail(code: FailCode, message: string): CompareResult {
  return { ok: false, code, message };
}
