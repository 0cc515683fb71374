/**
 * Matching list entries as a multiset of (digest, key), in linear time: every lookup goes
 * through maps keyed by digest and key, so two indexes of 10,000 entries each cost about 20,000
 * map operations, whatever their order.
 *
 * The key of an entry is its normalised platform (`linux/arm64`), `attestation`, or `''` for an
 * entry without a platform (see entries.ts); messages name entries by their label (the platform
 * as written). Source entries are all required; destination
 * entries with key `''` that nothing matched are allowed (a registry may hold more signatures or
 * artifacts than the source), except nested indexes inside an image index (`imageIndex`: a
 * runtime looks inside them for its platform); any other unmatched destination entry is an extra.
 */
import { isIndex } from './media-types.js';
import type { Descriptor, FailCode } from './types.js';

/** An entry with its matching key and how messages name it. */
export interface Keyed {
  readonly d: Descriptor;
  readonly key: string;
  readonly label: string;
}

/** One difference between the two entry sets. `src`/`dst` name the entries involved. */
export interface Problem {
  readonly code: FailCode;
  readonly detail: string;
  readonly src?: Descriptor;
  readonly dst?: Descriptor;
}

/** Source entry and the destination entry it matched. */
export type Pair = readonly [src: Descriptor, dst: Descriptor];

export interface Matching {
  /** Same digest and key. */
  readonly pairs: Pair[];
  /** Nested indexes with the same key but different digests: their own entries decide. */
  readonly nested: Pair[];
  readonly problems: Problem[];
}

/** A queue per map key, popped in order, skipping entries already used. */
class Buckets {
  private readonly map = new Map<string, number[]>();
  private readonly cursor = new Map<string, number>();
  constructor(private readonly used: boolean[]) {}
  add(key: string, i: number): void {
    const list = this.map.get(key);
    if (list) list.push(i);
    else this.map.set(key, [i]);
  }
  take(key: string): number | undefined {
    const list = this.map.get(key);
    if (!list) return undefined;
    let c = this.cursor.get(key) ?? 0;
    while (c < list.length && this.used[list[c]!]) c++;
    this.cursor.set(key, c + 1);
    if (c >= list.length) return undefined;
    this.used[list[c]!] = true;
    return list[c];
  }
}

/** Matches `src` (all required) against `dst`; see the module comment. */
export function matchEntries(src: readonly Keyed[], dst: readonly Keyed[], imageIndex: boolean): Matching {
  const used = new Array<boolean>(dst.length).fill(false);
  const exact = new Buckets(used);
  const byKey = new Buckets(used);
  const byDigest = new Buckets(used);
  dst.forEach((e, i) => {
    exact.add(`${e.d.digest}|${e.key}`, i);
    byKey.add(`${isIndex(e.d.mediaType)}|${e.key}`, i);
    byDigest.add(e.d.digest, i);
  });
  const pairs: Pair[] = [];
  const nested: Pair[] = [];
  const problems: Problem[] = [];
  const matchedKeys = new Set<string>();
  const rest: Keyed[] = [];
  for (const s of src) {
    const i = exact.take(`${s.d.digest}|${s.key}`);
    if (i === undefined) rest.push(s);
    else {
      pairs.push([s.d, dst[i]!.d]);
      matchedKeys.add(`${s.d.digest}|${s.key}`);
    }
  }
  for (const s of rest) {
    const label = s.label;
    const nestedIndex = isIndex(s.d.mediaType);
    const sameKey = s.key === 'attestation' || (s.key === '' && !nestedIndex) ? undefined : byKey.take(`${nestedIndex}|${s.key}`);
    if (sameKey !== undefined && nestedIndex) {
      nested.push([s.d, dst[sameKey]!.d]);
      continue;
    }
    if (sameKey !== undefined) {
      const d = dst[sameKey]!.d;
      problems.push({ code: 'DIGEST_MISMATCH', detail: `${label}: source digest "${s.d.digest}" != dest digest "${d.digest}"`, src: s.d, dst: d });
      continue;
    }
    const sameDigest = byDigest.take(s.d.digest);
    if (sameDigest !== undefined) {
      const d = dst[sameDigest]!;
      problems.push({ code: 'PLATFORM_MISMATCH', detail: `${s.d.digest}: source platform "${label}" != dest platform "${d.label}"`, src: s.d, dst: d.d });
    } else if (s.key === '') {
      problems.push({ code: 'DIGEST_MISMATCH', detail: `${label} ${s.d.digest} missing in destination`, src: s.d });
    } else {
      problems.push({ code: 'PLATFORM_MISMATCH', detail: `${label} (${s.d.digest}) missing in destination`, src: s.d });
    }
  }
  dst.forEach((e, i) => {
    if (used[i] || (e.key === '' && !(imageIndex && isIndex(e.d.mediaType)))) return;
    const dup = matchedKeys.has(`${e.d.digest}|${e.key}`);
    const detail = dup ? `duplicate ${e.label} (${e.d.digest}) in destination` : `destination has ${e.label} (${e.d.digest}) that the source lacks`;
    problems.push({ code: 'PLATFORM_MISMATCH', detail, dst: e.d });
  });
  return { pairs, nested, problems };
}
