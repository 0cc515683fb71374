/**
 * The request economy the bench asserts (issue 5 §2), as exact expected counts per pass,
 * derived from the generated images: per image with k matched children, the destination tag
 * by 1 GET and k child HEADs; the source tag by 1 GET without a cache (not Docker Hub), by HEAD
 * with a cache (then a GET by digest only when neither the destination's digest nor the cache
 * has it); 1 config blob GET for a single-image source (none once cached); no blob HEADs
 * without --deep; at most one ping per registry per client process. With --signatures (no cache),
 * on top: per source repository one referrers request (distribution answers 404: no API, so the
 * tag schema applies) and one tag listing (one page), shared by its lines; per signature found at
 * the source a HEAD of its tag on each side; per `sha256-<hex>` referrers index a GET by digest at
 * the source (none at the destination: same digest), one referrers request per destination
 * repository holding one, and a HEAD per referrer there.
 */
import type { BenchImage } from './generate.js';

/** Proxy counts of one pass (see counting-proxy.ts keys), per side. */
export interface SideCounts {
  readonly source: Record<string, number>;
  readonly destination: Record<string, number>;
}

/** How the CLI ran. */
export type CliMode = 'no-cache' | 'cold-cache' | 'warm-cache' | 'floor' | 'signatures';

/** Expected counts per side, pings excluded. */
export function expectedCounts(images: readonly BenchImage[], mode: CliMode): SideCounts {
  const n = images.length;
  const singles = images.filter((i) => i.kind === 'single').length;
  const differ = images.filter((i) => !i.sameDigest).length;
  const children = images.reduce((s, i) => s + i.matched, 0);
  const destination: Record<string, number> = { 'GET manifest by-tag': n, 'HEAD manifest by-digest': children };
  const source = ((): Record<string, number> => {
    switch (mode) {
      case 'no-cache':
      case 'floor':
        return { 'GET manifest by-tag': n, 'GET blob': singles };
      case 'signatures': {
        const signed = images.filter((i) => i.signed).length;
        const referred = images.filter((i) => i.referred);
        const repos = new Set(images.map((i) => i.repo)).size;
        Object.assign(destination, {
          'HEAD manifest by-tag': signed + referred.length,
          'HEAD manifest by-digest': children + referred.length,
          'GET referrers': new Set(referred.map((i) => i.destRepo)).size,
        });
        return {
          'GET manifest by-tag': n, 'GET blob': singles, 'GET referrers': repos, 'GET tags': repos,
          'HEAD manifest by-tag': signed + referred.length, 'GET manifest by-digest': referred.length,
        };
      }
      case 'cold-cache':
        return { 'HEAD manifest by-tag': n, 'GET manifest by-digest': differ, 'GET blob': singles };
      case 'warm-cache':
        return { 'HEAD manifest by-tag': n };
    }
  })();
  return { source: dropZero(source), destination: dropZero(destination) };
}

function dropZero(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v > 0));
}

function withoutPings(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !k.endsWith(' ping')));
}

function pings(o: Record<string, number>): number {
  return Object.entries(o).filter(([k]) => k.endsWith(' ping')).reduce((s, [, v]) => s + v, 0);
}

/** One checked pass: what was expected, what was seen, and the differences. */
export interface EconomyCheck {
  readonly pass: string;
  readonly ok: boolean;
  readonly expected: SideCounts;
  readonly actual: SideCounts;
  readonly problems: readonly string[];
}

/** Compares a pass's proxy counts with the minimum; pings may be 0 or 1 per side. */
export function checkEconomy(pass: string, images: readonly BenchImage[], mode: CliMode, actual: SideCounts): EconomyCheck {
  const expected = expectedCounts(images, mode);
  const problems: string[] = [];
  for (const side of ['source', 'destination'] as const) {
    const got = withoutPings(actual[side]);
    const want = expected[side];
    for (const k of new Set([...Object.keys(got), ...Object.keys(want)])) {
      if ((got[k] ?? 0) !== (want[k] ?? 0)) problems.push(`${side} ${k}: ${got[k] ?? 0} (minimum ${want[k] ?? 0})`);
    }
    if (pings(actual[side]) > 1) problems.push(`${side} pings: ${pings(actual[side])} (at most 1 per registry)`);
  }
  return { pass, ok: problems.length === 0, expected, actual, problems };
}

/** Requests per image of a pass, by side and kind. */
export function perImage(counts: SideCounts, n: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const side of ['source', 'destination'] as const) {
    for (const [k, v] of Object.entries(counts[side])) out[`${side} ${k}`] = v / n;
  }
  return out;
}

/** Total requests of a pass. */
export function total(counts: SideCounts): number {
  return [counts.source, counts.destination].reduce((s, o) => s + Object.values(o).reduce((a, b) => a + b, 0), 0);
}
