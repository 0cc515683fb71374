/**
 * Artifacts and the rule that decides a line. An image manifest whose config carries no platform
 * (a cosign `.sig`/`.att`/`.sbom`, a Helm chart, an OCI artifact) is an artifact: the platform
 * filter does not apply, and the destination must hold the same digest. An index none of whose
 * entries carries a platform (an OCI 1.1 referrers fallback tag `sha256-<hex>`, a notation
 * signature index, an index of artifacts) is an artifact index: every entry must be in the
 * destination index with the same digest. Artifacts are never SKIPPED.
 */
import { hasComparable, isArtifactIndex, selectEntries } from './entries.js';
import type { Manifest } from './manifest.js';
import { artifactMismatch } from './messages.js';
import { platformPasses } from './platform.js';
import type { Platform, PlatformFilter, Rule } from './types.js';
import type { CompareResult, DestSide } from './compare.js';

/** Deepest nesting of indexes followed when deciding relevance (the reader bounds it too). */
const MAX_RELEVANCE_DEPTH = 8;

/** Nested source indexes already read, by digest, with a relevance memo for the run's filter. */
export interface NestedSources {
  readonly manifests: ReadonlyMap<string, Manifest>;
  readonly relevance: Map<string, boolean>;
}

/** An empty (or given) set of nested source indexes. */
export function nestedSources(manifests: ReadonlyMap<string, Manifest> = new Map()): NestedSources {
  return { manifests, relevance: new Map() };
}

/** The rule that decides a source: `artifact`, `index` or `single`. */
export function ruleOf(source: { manifest: Manifest; platform?: Platform }): Rule {
  const m = source.manifest;
  if (m.kind === 'index') return isArtifactIndex(m.manifests) ? 'artifact' : 'index';
  return m.kind === 'image' && source.platform === undefined ? 'artifact' : 'single';
}

/**
 * False when the source holds nothing for the requested platforms: the line is SKIPPED.
 * Artifacts, artifact indexes and platform-less entries always count; attestations alone do not;
 * a nested index counts when its own entries do.
 */
export function isRelevant(
  source: { manifest: Manifest; platform?: Platform },
  filter: PlatformFilter,
  nested: NestedSources,
  depth = 0,
): boolean {
  const m = source.manifest;
  if (m.kind === 'schema1') return platformPasses(m.platform, filter);
  if (m.kind === 'image') return source.platform === undefined || platformPasses(source.platform, filter);
  if (isArtifactIndex(m.manifests)) return true;
  return hasComparable(selectEntries(m.manifests, filter, nestedRelevance(filter, nested, depth)));
}

/**
 * Whether a nested index entry holds something to compare, from the nested source indexes read
 * so far (memoised; one not read yet is assumed to).
 */
export function nestedRelevance(filter: PlatformFilter, nested: NestedSources, depth = 0): (d: { digest: string }) => boolean {
  return (d) => {
    const child = nested.manifests.get(d.digest);
    if (child === undefined || depth >= MAX_RELEVANCE_DEPTH) return true;
    let known = nested.relevance.get(d.digest);
    if (known === undefined) {
      known = isRelevant({ manifest: child }, filter, nested, depth + 1);
      nested.relevance.set(d.digest, known);
    }
    return known;
  };
}

/** A single artifact: PASS-so-far for the same digest, else DIGEST_MISMATCH naming the artifact. */
export function compareArtifact(source: { digest: string }, dest: DestSide): CompareResult {
  if (dest.digest === source.digest) return { ok: true, children: [], nested: [], sources: [] };
  return { ok: false, code: 'DIGEST_MISMATCH', message: artifactMismatch(source.digest, dest.digest) };
}
