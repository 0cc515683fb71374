/**
 * Nested indexes (SPEC §3): an index entry that is itself an index is read on both sides and its
 * own entries are compared in turn, with the run's filter. The source tree is read before the
 * SKIP decision, so an index of indexes is judged by what it holds, never skipped unread. At most
 * MAX_INDEX_DEPTH levels below the tag and MAX_INDEX_ENTRIES entries in all: more is ERROR
 * MALFORMED, so one image's work stays bounded.
 */
import { nestedRelevance, nestedSources, type NestedSources } from '../core/artifact.js';
import { compareLists } from '../core/compare-list.js';
import type { CompareNames } from '../core/compare.js';
import { MirrorValidateError } from '../core/errors.js';
import type { Pair } from '../core/match.js';
import { MAX_INDEX_ENTRIES, parseManifest, type Manifest } from '../core/manifest.js';
import { isIndex } from '../core/media-types.js';
import { MESSAGE_MAX, destMediaType, quote } from '../core/messages.js';
import { isPlatform, platformPasses } from '../core/platform.js';
import type { Descriptor, ImageRef, PlatformFilter } from '../core/types.js';
import { mapLimit } from './concurrency.js';
import { parseDest } from './dest.js';
import { childFailure, type Outcome } from './existence.js';
import { SideError, onSide } from './side-errors.js';
import { readSourceManifest, type SourceDeps } from './source.js';

/** Deepest nesting of indexes below the tag's own index. */
export const MAX_INDEX_DEPTH = 4;

export interface TreeDeps extends SourceDeps {
  readonly filter: PlatformFilter;
}

type Item = { readonly source: ImageRef; readonly destination: ImageRef };

/** Destination children to HEAD and source digests matched, below the tag's index. */
export interface TreeMatch {
  readonly children: Descriptor[];
  readonly sources: string[];
}

/** Reads every nested index of a source index that may take part (level by level, bounded). */
export async function readNestedSources(item: Item, deps: TreeDeps, top: Manifest, limit: number): Promise<NestedSources> {
  const manifests = new Map<string, Manifest>();
  if (top.kind !== 'index') return nestedSources(manifests);
  let total = top.manifests.length;
  let level = candidates(top.manifests, deps.filter);
  for (let depth = 1; level.length > 0; depth++) {
    if (depth > MAX_INDEX_DEPTH) throw malformed(`indexes nested more than ${MAX_INDEX_DEPTH} levels deep`);
    const todo = [...new Set(level.map((d) => d.digest))].filter((d) => !manifests.has(d));
    const read = await mapLimit(todo, limit, (digest) => readSourceIndex(item, deps, digest));
    level = [];
    read.forEach((m, i) => {
      total += m.manifests.length;
      if (total > MAX_INDEX_ENTRIES) throw malformed(`index has too many entries (more than ${MAX_INDEX_ENTRIES} with its nested indexes)`);
      manifests.set(todo[i]!, m);
      level.push(...candidates(m.manifests, deps.filter));
    });
  }
  return nestedSources(manifests);
}

/**
 * Compares every nested pair, then the pairs nested in those, level by level. A destination
 * nested index that is gone is CHILD_MISSING; one that differs is FAILED like a list, its message
 * starting `nested index <digest>: `.
 */
export async function compareNested(
  item: Item, deps: TreeDeps, pairs: readonly Pair[],
  nested: NestedSources, names: CompareNames, limit: number,
): Promise<TreeMatch | Outcome> {
  const children: Descriptor[] = [];
  const sources: string[] = [];
  let level: readonly Pair[] = pairs;
  for (let depth = 1; level.length > 0; depth++) {
    if (depth > MAX_INDEX_DEPTH) throw malformed(`indexes nested more than ${MAX_INDEX_DEPTH} levels deep`);
    const steps = await mapLimit(level, limit, (pair) => step(item, deps, pair, nested, names));
    const missing = steps.flatMap((s) => ('missing' in s ? [s.missing] : []));
    if (missing.length > 0) return childFailure(missing);
    const failed = steps.find((s): s is { outcome: Outcome } => 'outcome' in s);
    if (failed) return failed.outcome;
    const next: Pair[] = [];
    for (const s of steps) {
      if (!('children' in s)) continue;
      children.push(...s.children);
      sources.push(...s.sources);
      next.push(...s.nested);
    }
    level = next;
  }
  return { children, sources };
}

type Step = { missing: Descriptor } | { outcome: Outcome } | { children: Descriptor[]; sources: string[]; nested: Pair[] };

async function step(item: Item, deps: TreeDeps, [s, d]: Pair, nested: NestedSources, names: CompareNames): Promise<Step> {
  const src = nested.manifests.get(s.digest) ?? await readSourceIndex(item, deps, s.digest);
  let dst = src;
  if (s.digest === d.digest) {
    if (!(await onSide('destination', () => deps.destination.headManifest(item.destination, d.digest)))) return { missing: d };
  } else {
    const got = await onSide('destination', () => deps.destination.getManifest(item.destination, d.digest));
    if (!got) return { missing: d };
    const parsed = parseDest(got);
    if (!parsed.ok) return { outcome: parsed.outcome };
    dst = parsed.manifest;
  }
  if (src.kind !== 'index') throw malformed(`nested entry ${s.digest} is not an index`);
  if (dst.kind !== 'index') {
    return { outcome: { status: 'FAILED', code: 'DEST_MEDIA_TYPE', message: `nested index ${s.digest}: ${destMediaType(dst.mediaType)}` } };
  }
  const cmp = compareLists(src.manifests, dst.manifests, deps.filter, names, nestedRelevance(deps.filter, nested));
  if (!cmp.ok) {
    const specs = cmp.srcSpec && cmp.dstSpec ? { srcSpec: cmp.srcSpec, dstSpec: cmp.dstSpec } : {};
    return { outcome: { status: 'FAILED', code: cmp.code, message: quote(`nested index ${s.digest}: ${cmp.message}`, MESSAGE_MAX), ...specs } };
  }
  return { children: cmp.children, sources: cmp.sources, nested: cmp.nested };
}

async function readSourceIndex(item: Item, deps: TreeDeps, digest: string): Promise<Manifest & { kind: 'index' }> {
  const { bytes, mediaType } = await readSourceManifest(item, deps, digest);
  const m = await onSide('source', async () => parseManifest(bytes, mediaType));
  if (m.kind !== 'index') throw malformed(`nested entry ${digest} is not an index`);
  return m;
}

/** Index entries of a list that may take part: no platform, or one that passes the filter. */
function candidates(entries: readonly Descriptor[], filter: PlatformFilter): Descriptor[] {
  return entries.filter((d) => isIndex(d.mediaType) && (!isPlatform(d.platform) || platformPasses(d.platform, filter)));
}

function malformed(message: string): SideError {
  return new SideError('source', new MirrorValidateError('MALFORMED', message));
}
