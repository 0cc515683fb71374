/**
 * The verdict once both sides are read (SPEC §3): the rule that applies, SKIPPED when the source
 * holds nothing to compare, DEST_NOT_FOUND, the comparison (nested indexes included), then the
 * existence of every matched destination child; with `--signatures`, the signatures and
 * referrers of every validated source digest.
 */
import { compareManifests, isRelevant, ruleOf, type CompareNames, type NestedSources, type SourceSide } from '../core/compare.js';
import type { Manifest } from '../core/manifest.js';
import { DEST_NOT_FOUND, artifactNotFound, noMatchingPlatform, passed } from '../core/messages.js';
import { platformText } from '../core/platform.js';
import type { Descriptor, ImageRef } from '../core/types.js';
import type { FetchedManifest } from '../ports.js';
import type { CheckDeps } from './check-image.js';
import { parseDest } from './dest.js';
import { checkChildren, checkDeep, type BlobOwner, type Outcome } from './existence.js';
import { compareNested, readNestedSources } from './nested.js';
import { onSide } from './side-errors.js';
import { checkSignatures } from './signatures.js';

type Item = { readonly source: ImageRef; readonly destination: ImageRef };

/** What the comparison proved: destination children still to HEAD, and every validated source digest. */
interface Matched {
  readonly children: Descriptor[];
  /** The tag's manifest and each matched child, through nested indexes, artifacts included. */
  readonly sourceDigests: string[];
}

/** Decides the line. `names` are the full references of the PASS message. Throws SideError. */
export async function decide(
  item: Item, deps: CheckDeps, source: SourceSide, dest: FetchedManifest | null, names: { source: string; destination: string },
): Promise<Outcome> {
  const limit = deps.concurrency ?? 8;
  const nested = await readNestedSources(item, deps, source.manifest, limit);
  const rule = ruleOf(source);
  if (!isRelevant(source, deps.filter, nested)) {
    return { status: 'SKIPPED', code: 'NO_MATCHING_PLATFORM', message: noMatchingPlatform(deps.filter.arch, deps.filter.os), rule };
  }
  if (!dest) {
    return { status: 'FAILED', code: 'DEST_NOT_FOUND', message: rule === 'artifact' ? artifactNotFound(source.digest) : DEST_NOT_FOUND, rule };
  }
  const parsed = dest.digest === source.digest ? { ok: true as const, manifest: source.manifest } : parseDest(dest);
  if (!parsed.ok) return { ...parsed.outcome, rule };
  const matched = await match(item, deps, source, { manifest: parsed.manifest, digest: dest.digest }, nested, limit);
  if ('status' in matched) return { ...matched, rule };
  const dst = item.destination;
  const missing = await onSide('destination', () => deps.deep
    ? checkDeep(deps.destination, dst, matched.children, selfBlobs(source, parsed.manifest, dest.digest), limit)
    : checkChildren(deps.destination, dst, matched.children, limit));
  if (missing) return { ...missing, rule };
  if (deps.signatures) {
    const unsigned = await checkSignatures(item, matched.sourceDigests, { ...deps, memo: deps.signatures, concurrency: limit });
    if (unsigned) return { ...unsigned, rule };
  }
  return { status: 'PASS', code: null, message: passed(names.source, names.destination, rule === 'artifact'), rule };
}

async function match(
  item: Item, deps: CheckDeps, source: SourceSide, dest: { manifest: Manifest; digest: string },
  nested: NestedSources, limit: number,
): Promise<Matched | Outcome> {
  const { source: src, destination: dst } = item;
  const names: CompareNames = { source: repoName(src), destination: repoName(dst), tag: dst.tag ?? src.tag ?? dst.digest ?? '' };
  const cmp = compareManifests(source, dest, deps.filter, names, nested);
  if (!cmp.ok) {
    const specs = cmp.srcSpec && cmp.dstSpec ? { srcSpec: cmp.srcSpec, dstSpec: cmp.dstSpec } : {};
    return { status: 'FAILED', code: cmp.code, message: cmp.message, ...specs };
  }
  const tree = await compareNested(item, deps, cmp.nested, nested, names, limit);
  if ('status' in tree) return tree;
  return {
    children: [...cmp.children, ...tree.children],
    sourceDigests: [...new Set([source.digest, ...cmp.sources, ...tree.sources])],
  };
}

/** With `deep`, a single image mirrored as itself has its own blobs to check. */
function selfBlobs(source: SourceSide, dest: Manifest, destDigest: string): BlobOwner[] {
  if (dest.kind !== 'image' || destDigest !== source.digest) return [];
  const p = source.platform;
  return [{ label: p ? platformText(p) : 'artifact', blobs: [dest.config, ...dest.layers] }];
}

function repoName(ref: ImageRef): string {
  return `${ref.registry}/${ref.repository}`;
}
