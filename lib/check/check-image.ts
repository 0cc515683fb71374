/**
 * The per-image use case: read both sides through the RegistryReader port with as few requests
 * as possible (SPEC §4), apply the SPEC §3 rules, and turn every outcome, exceptions included,
 * into one LineResult. Pure orchestration: no I/O of its own.
 */
import { compareManifests, sourceHasMatchingPlatform, type SourceSide } from '../core/compare.js';
import { ManifestError, parseManifest, type Manifest } from '../core/manifest.js';
import { DEST_NOT_FOUND, SOURCE_NOT_FOUND, destMediaType, noMatchingPlatform, passed } from '../core/messages.js';
import { formatReference } from '../core/ref.js';
import type { ImageItem, ImageRef, LineResult, PlatformFilter } from '../core/types.js';
import type { ContentCache, FetchedManifest, RegistryReader } from '../ports.js';
import { checkChildren, checkDeep, type BlobOwner, type Outcome } from './existence.js';
import { SideError, errorCodeOf, onSide, sideMessage } from './side-errors.js';
import { headsSourceFirst, readSource } from './source.js';

/** What checkImage needs. `concurrency` bounds parallel child/blob checks (default 8). */
export interface CheckDeps {
  readonly source: RegistryReader;
  readonly destination: RegistryReader;
  readonly filter: PlatformFilter;
  readonly deep: boolean;
  readonly cache?: ContentCache;
  readonly concurrency?: number;
}

/**
 * Validates one image line. Never throws: exceptions become ERROR with a stable code and a
 * message naming the side. Requests, in parallel first: the destination GET by tag and the
 * source tag, by HEAD where that can save the GET (Docker Hub, or a cache; see
 * {@link headsSourceFirst}) and else by one GET. After a HEAD, a source GET by digest only when
 * the digests differ and the cache misses. Then the config blob of a single-image source, and a
 * HEAD (or, with `deep`, a GET plus blob HEADs) per matched child.
 */
export async function checkImage(item: ImageItem, deps: CheckDeps): Promise<LineResult> {
  const base = {
    line: item.line,
    input: item.input,
    source: formatReference(item.source),
    destination: formatReference(item.destination),
  };
  try {
    return { ...base, ...(await run(item, deps, base)) };
  } catch (err) {
    const side = err instanceof SideError ? err.side : 'source';
    const cause = err instanceof SideError ? err.cause : err;
    return { ...base, status: 'ERROR', code: errorCodeOf(cause), message: sideMessage(side, cause) };
  }
}

async function run(item: ImageItem, deps: CheckDeps, names: { source: string; destination: string }): Promise<Outcome> {
  const { source: src, destination: dst } = item;
  const tag = src.tag ?? 'latest';
  const firstRead: Promise<string | FetchedManifest | null> = src.digest
    ? Promise.resolve(src.digest)
    : headsSourceFirst(src, deps.cache)
      ? onSide('source', async () => (await deps.source.headManifest(src, tag))?.digest ?? null)
      : onSide('source', () => deps.source.getManifest(src, tag));
  const [destSettled, sourceSettled] = await Promise.allSettled([
    onSide('destination', () => deps.destination.getManifest(dst, dst.digest ?? dst.tag ?? 'latest')),
    firstRead,
  ]);
  if (destSettled.status === 'rejected') throw destSettled.reason;
  if (sourceSettled.status === 'rejected') throw sourceSettled.reason;
  const dest = destSettled.value;
  const known = sourceSettled.value;
  if (known === null) return { status: 'ERROR', code: 'SOURCE_ERROR', message: SOURCE_NOT_FOUND };

  const source = await readSource(item, deps, known, dest);
  if (!sourceHasMatchingPlatform(source, deps.filter)) {
    return { status: 'SKIPPED', code: 'NO_MATCHING_PLATFORM', message: noMatchingPlatform(deps.filter.arch, deps.filter.os) };
  }
  if (!dest) return { status: 'FAILED', code: 'DEST_NOT_FOUND', message: DEST_NOT_FOUND };

  const destManifest: ParsedDest = dest.digest === source.digest ? { ok: true, manifest: source.manifest } : parseDest(dest);
  if (!destManifest.ok) return destManifest.outcome;
  const names3 = { source: repoName(src), destination: repoName(dst), tag: dst.tag ?? src.tag ?? dst.digest ?? '' };
  const cmp = compareManifests(source, { manifest: destManifest.manifest, digest: dest.digest }, deps.filter, names3);
  if (!cmp.ok) {
    const specs = cmp.srcSpec && cmp.dstSpec ? { srcSpec: cmp.srcSpec, dstSpec: cmp.dstSpec } : {};
    return { status: 'FAILED', code: cmp.code, message: cmp.message, ...specs };
  }

  const limit = deps.concurrency ?? 8;
  const missing = await onSide('destination', () => deps.deep
    ? checkDeep(deps.destination, dst, cmp.children, selfBlobs(source, destManifest.manifest, dest.digest), limit)
    : checkChildren(deps.destination, dst, cmp.children, limit));
  return missing ?? { status: 'PASS', code: null, message: passed(names.source, names.destination) };
}

type ParsedDest = { ok: true; manifest: Manifest } | { ok: false; outcome: Outcome };

/** An unknown destination type is a wrong mirror (DEST_MEDIA_TYPE); a broken body is ERROR. */
function parseDest(dest: FetchedManifest): ParsedDest {
  try {
    return { ok: true, manifest: parseManifest(dest.bytes, dest.mediaType) };
  } catch (err) {
    if (err instanceof ManifestError && err.code === 'UNSUPPORTED_MEDIA_TYPE') {
      return { ok: false, outcome: { status: 'FAILED', code: 'DEST_MEDIA_TYPE', message: destMediaType(err.mediaType ?? dest.mediaType) } };
    }
    throw new SideError('destination', err);
  }
}

/** With `deep`, a single image mirrored as itself has its own blobs to check. */
function selfBlobs(source: SourceSide, dest: Manifest, destDigest: string): BlobOwner[] {
  if (dest.kind !== 'image' || destDigest !== source.digest) return [];
  const p = source.platform;
  return [{ label: p ? `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}` : 'image', blobs: [dest.config, ...dest.layers] }];
}

function repoName(ref: ImageRef): string {
  return `${ref.registry}/${ref.repository}`;
}
