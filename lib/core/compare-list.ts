/**
 * List-versus-list comparison (Docker manifest list or OCI index on both sides), artifact
 * indexes and nested indexes included. Linear in the number of entries; the message and the
 * srcSpec/dstSpec stay small however many entries differ.
 */
import { entryKind, selectEntries } from './entries.js';
import { matchEntries, type Keyed, type Pair, type Problem } from './match.js';
import { DETAILS_MAX, MESSAGE_MAX, UPSTREAM_UPDATED, listMismatch, summarise } from './messages.js';
import { isIndex } from './media-types.js';
import { sortedSpec } from './spec.js';
import type { Descriptor, FailCode, PlatformFilter, SpecEntry } from './types.js';
import type { CompareNames, CompareResult } from './compare.js';

/** Entries per side shown in srcSpec/dstSpec before only the differing ones are shown. */
export const SPEC_MAX = DETAILS_MAX;

/**
 * For every compared source entry (entries.ts) one destination entry with the same digest and
 * key; no compared destination entry with a platform that the source lacks (duplicates
 * included; in an index with platforms, a nested index without one included); order irrelevant. Nested indexes with the same key are returned in `nested` for the
 * caller to compare in turn. The code is `DIGEST_MISMATCH` when every problem is a digest
 * difference (same platform, or an artifact missing), else `PLATFORM_MISMATCH`.
 *
 * @param relevant whether a nested source index holds something to compare (by digest; applied to
 *   both sides, so a byte-identical copy leaves out what the source leaves out).
 */
export function compareLists(
  source: readonly Descriptor[],
  dest: readonly Descriptor[],
  filter: PlatformFilter,
  names: CompareNames,
  relevant?: (d: Descriptor) => boolean,
): CompareResult {
  const src = selectEntries(source, filter, relevant);
  // A destination entry with the digest of a source nested index is that index: the same relevance.
  const dst = selectEntries(dest, filter, relevant);
  const m = matchEntries(src, dst, source.some((d) => entryKind(d) === 'image'));
  if (m.problems.length === 0) {
    const nested: Pair[] = [...m.pairs.filter(([s]) => isIndex(s.mediaType)), ...m.nested];
    return {
      ok: true,
      children: m.pairs.filter(([s]) => !isIndex(s.mediaType)).map(([, d]) => d),
      nested,
      sources: [...m.pairs.map(([s]) => s.digest), ...m.nested.map(([s]) => s.digest)],
    };
  }
  const code: FailCode = m.problems.every((p) => p.code === 'DIGEST_MISMATCH') ? 'DIGEST_MISMATCH' : 'PLATFORM_MISMATCH';
  const hint = m.problems.some((p) => p.code === 'DIGEST_MISMATCH') ? `; ${UPSTREAM_UPDATED}` : '';
  const specs = specsOf(src, dst, m.problems);
  const note = specs.partial ? '; srcSpec and dstSpec list only the differing entries' : '';
  const head = `${listMismatch(names.source, names.destination, names.tag)}: `;
  const details = summarise(m.problems.map((p) => p.detail), MESSAGE_MAX - head.length - hint.length - note.length);
  return {
    ok: false,
    code,
    message: `${head}${details}${hint}${note}`,
    srcSpec: specs.src,
    dstSpec: specs.dst,
  };
}

/** Every compared entry of each side, or beyond SPEC_MAX only those named by the problems. */
function specsOf(src: readonly Keyed[], dst: readonly Keyed[], problems: readonly Problem[]): { src: SpecEntry[]; dst: SpecEntry[]; partial: boolean } {
  if (src.length <= SPEC_MAX && dst.length <= SPEC_MAX) {
    return { src: sortedSpec(src.map((k) => k.d)), dst: sortedSpec(dst.map((k) => k.d)), partial: false };
  }
  const pick = (side: 'src' | 'dst'): SpecEntry[] => {
    const seen = new Set<Descriptor>();
    for (const p of problems) {
      const d = p[side];
      if (d && seen.size < SPEC_MAX) seen.add(d);
    }
    return sortedSpec([...seen]);
  };
  return { src: pick('src'), dst: pick('dst'), partial: true };
}
