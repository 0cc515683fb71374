/**
 * The per-image use case: read both sides through the RegistryReader port with as few requests
 * as possible (SPEC §4), apply the SPEC §3 rules, and turn every outcome, exceptions included,
 * into one LineResult. Pure orchestration: no I/O of its own.
 */
import { sha256Name } from '../core/digest.js';
import { SOURCE_NOT_FOUND } from '../core/messages.js';
import { formatReference } from '../core/ref.js';
import type { ImageItem, LineResult, PlatformFilter } from '../core/types.js';
import type { ContentCache, FetchedManifest, RegistryReader } from '../ports.js';
import { decide } from './decide.js';
import type { Outcome } from './existence.js';
import { SideError, errorCodeOf, onSide, sideMessage } from './side-errors.js';
import type { SignatureMemo } from './signature-memo.js';
import { headsSourceFirst, readSource } from './source.js';

/**
 * What checkImage needs. `concurrency` bounds parallel child/blob checks (default 8).
 * `signatures`: the run's memo; when set, signatures and referrers are checked (`--signatures`).
 */
export interface CheckDeps {
  readonly source: RegistryReader;
  readonly destination: RegistryReader;
  readonly filter: PlatformFilter;
  readonly deep: boolean;
  readonly cache?: ContentCache;
  readonly concurrency?: number;
  readonly signatures?: SignatureMemo;
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
  const got = destSettled.value;
  const dest = got && { ...got, digest: sha256Name(got.digest, got.bytes) };
  const known = sourceSettled.value;
  if (known === null) return { status: 'ERROR', code: 'SOURCE_ERROR', message: SOURCE_NOT_FOUND };

  const source = await readSource(item, deps, known, dest);
  return decide(item, deps, source, dest, names);
}
