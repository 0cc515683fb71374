/**
 * `--signatures`: for every validated source digest D (the tag's manifest and each matched
 * child), what the source holds about D must be at the destination with the same digests:
 *
 * - cosign's tags `sha256-<hex>.sig`, `.att` and `.sbom`: the same tag, the same digest;
 * - the OCI 1.1 referrers of D (the referrers API, or the `sha256-<hex>` tag schema where the
 *   registry answers 404): each one a referrer of D at the destination too (through its API, or
 *   listed in its `sha256-<hex>` index and present by digest), so that `cosign verify` and
 *   `notation verify` find it there.
 *
 * A source without any passes. What is missing is FAILED `SIGNATURE_MISSING`, naming it. The
 * per-run {@link SignatureMemo} decides between a tag listing and HEADs (see its doc).
 */
import { digestTag } from '../core/digest.js';
import { parseManifest } from '../core/manifest.js';
import { referrerMissing, signatureTagDiffers, signatureTagMissing } from '../core/messages.js';
import type { Descriptor, ImageRef } from '../core/types.js';
import type { ContentCache, RegistryReader } from '../ports.js';
import { mapLimit } from './concurrency.js';
import { cacheGet, cachePut } from './content.js';
import type { Outcome } from './existence.js';
import { onSide, type Side } from './side-errors.js';
import type { SideMemo, SignatureMemo } from './signature-memo.js';

/** cosign's tag suffixes: signatures, attestations, SBOMs. */
export const COSIGN_SUFFIXES = Object.freeze(['.sig', '.att', '.sbom']);
/** At most this many missing items are named; the rest are counted. */
const NAMED = 3;

export interface SignatureDeps {
  readonly source: RegistryReader;
  readonly destination: RegistryReader;
  /** The run's memo (tag listings, referrers API support). */
  readonly memo: SignatureMemo;
  readonly cache?: ContentCache;
  /** Parallel requests per side (default 8). */
  readonly concurrency?: number;
}

/** The referrers of a digest at the source. */
interface Referrers {
  readonly subject: string;
  readonly entries: readonly Descriptor[];
  /** The `sha256-<hex>` index's digest when they come from the tag schema; undefined from the API. */
  readonly fallbackDigest?: string;
}

/**
 * Checks the signatures and referrers of `digests` (source digests of the line). Null when
 * everything the source holds is at the destination; FAILED SIGNATURE_MISSING otherwise. Throws
 * SideError for registry errors.
 */
export async function checkSignatures(
  refs: { readonly source: ImageRef; readonly destination: ImageRef }, digests: readonly string[], deps: SignatureDeps,
): Promise<Outcome | null> {
  const limit = deps.concurrency ?? 8;
  const subjects = [...new Set(digests)].filter((d) => digestTag(d) !== undefined);
  const src = { reader: deps.source, repo: bare(refs.source), memo: deps.memo.source, side: 'source' as const };
  const dst = { reader: deps.destination, repo: bare(refs.destination), memo: deps.memo.destination, side: 'destination' as const };

  // Source: the referrers API per subject, then every candidate tag of the line in one lookup.
  const api = await mapLimit(subjects, limit, (d) => onSide('source', () => src.memo.referrers(src.reader, src.repo, d)));
  const candidates = subjects.flatMap((d, i) => [
    ...COSIGN_SUFFIXES.map((s) => `${digestTag(d)!}${s}`),
    ...(api[i] === null ? [digestTag(d)!] : []),
  ]);
  const found = await onSide('source', () => src.memo.findTags(src.reader, src.repo, candidates, limit));
  const sourceReferrers = await mapLimit(subjects.map((d, i) => ({ d, listed: api[i] ?? null })), limit, async ({ d, listed }) => {
    if (listed) return { subject: d, entries: listed };
    const fallbackDigest = found.get(digestTag(d)!) ?? null;
    if (fallbackDigest === null) return { subject: d, entries: [] };
    return { subject: d, entries: await readIndex(src, fallbackDigest, deps.cache), fallbackDigest };
  });

  // Destination: each cosign tag found, by HEAD; the referrers of each subject that has some.
  const signed = [...found].filter((e): e is [string, string] => e[1] !== null && COSIGN_SUFFIXES.some((s) => e[0].endsWith(s)));
  const destTags = await onSide('destination', () => dst.memo.findTags(dst.reader, dst.repo, signed.map(([t]) => t), limit));
  const problems: string[] = [];
  for (const [tag, digest] of signed) {
    const there = destTags.get(tag) ?? null;
    if (there === null) problems.push(signatureTagMissing(tag));
    else if (there !== digest) problems.push(signatureTagDiffers(tag, digest, there));
  }
  const missing = await mapLimit(sourceReferrers, limit, (r) => missingReferrers(dst, r, deps.cache, limit));
  problems.push(...missing.flat());
  if (problems.length === 0) return null;
  const more = problems.length > NAMED ? `; and ${problems.length - NAMED} more` : '';
  return { status: 'FAILED', code: 'SIGNATURE_MISSING', message: `${problems.slice(0, NAMED).join('; ')}${more}` };
}

interface SideCtx {
  readonly reader: RegistryReader;
  readonly repo: ImageRef;
  readonly memo: SideMemo;
  readonly side: Side;
}

/** Messages for the source referrers of a subject that are not referrers of it at the destination. */
async function missingReferrers(dst: SideCtx, source: Referrers, cache: ContentCache | undefined, limit: number): Promise<string[]> {
  const { subject } = source;
  if (source.entries.length === 0) return [];
  const listed = await onSide('destination', () => dst.memo.referrers(dst.reader, dst.repo, subject));
  let present: ReadonlySet<string>;
  if (listed !== null) {
    present = new Set(listed.map((e) => e.digest));
  } else {
    const tag = digestTag(subject)!;
    const head = await onSide('destination', () => dst.reader.headManifest(dst.repo, tag));
    let entries: readonly Descriptor[] = [];
    if (head) entries = head.digest === source.fallbackDigest ? source.entries : await readIndex(dst, head.digest, cache);
    // An index names its entries; only a HEAD proves each is still there.
    const wanted = source.entries.filter((e) => entries.some((x) => x.digest === e.digest));
    const exists = await mapLimit(wanted, limit, (e) => onSide('destination', () => dst.reader.headManifest(dst.repo, e.digest)));
    present = new Set(wanted.filter((_, i) => exists[i] !== null).map((e) => e.digest));
  }
  return source.entries
    .filter((e) => !present.has(e.digest))
    .map((e) => referrerMissing(e.digest, e.artifactType ?? e.mediaType, subject));
}

/** The entries of a `sha256-<hex>` referrers index, by digest: the cache, else one GET. */
async function readIndex(ctx: SideCtx, digest: string, cache: ContentCache | undefined): Promise<readonly Descriptor[]> {
  return onSide(ctx.side, async () => {
    let bytes = await cacheGet(cache, digest);
    let contentType: string | undefined;
    if (!bytes) {
      const got = await ctx.reader.getManifest(ctx.repo, digest);
      if (!got) return [];
      ({ bytes, mediaType: contentType } = got);
      await cachePut(cache, digest, bytes);
    }
    const m = parseManifest(bytes, contentType);
    return m.kind === 'index' ? m.manifests : [];
  });
}

/** The repository of a reference, without tag or digest. */
function bare(ref: ImageRef): ImageRef {
  return { registry: ref.registry, repository: ref.repository };
}
