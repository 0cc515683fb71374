/**
 * Shared pieces of the fault suites: list lines to work items, an image checker with a short retry
 * schedule, verdict maps. No vitest imports.
 */
import { DEFAULT_SETTINGS, type RunSettings, type WorkItem } from '../../lib/core/settings.js';
import { parseListLine } from '../../lib/core/list.js';
import type { LineResult } from '../../lib/core/types.js';
import { createImageChecker, type ImageChecker, type ImageCheckerOptions } from '../../lib/engine/image-checker.js';
import type { Scenario } from '../../testbed/scenarios.js';
import type { Fault, FaultProxy, FaultRule } from '../helpers/fault-proxy.js';
import { seededUnit } from '../helpers/fault-rules.js';

/** Plain-HTTP harness registries need `--tls-verify=false`. */
export const INSECURE: RunSettings = { ...DEFAULT_SETTINGS, tlsVerify: false };

/** Fast retries: 3 retries from 5 ms, Retry-After capped at 20 ms. */
export const FAST_RETRY = { retries: 3, baseMs: 5, maxMs: 20, maxRetryAfterMs: 20 } as const;

/**
 * Time limits of the fault checker: far above what a request or an image takes on a loaded
 * machine (2 cores shared by several test runs), so that only an injected hang or trickle meets
 * them. A test about timeouts sets its own short limit, where every line is expected to time out.
 */
export const FAULT_LIMITS = { requestTimeoutMs: 15_000, imageTimeoutMs: 120_000 } as const;

/** An image checker for fault tests: fast retries and the {@link FAULT_LIMITS}. */
export function faultChecker(extra: Partial<ImageCheckerOptions> = {}): ImageChecker {
  return createImageChecker({
    settings: INSECURE, timeoutMs: FAULT_LIMITS.imageTimeoutMs, retry: FAST_RETRY, requestTimeoutMs: FAULT_LIMITS.requestTimeoutMs, ...extra,
  });
}

/** Replaces every occurrence of registry `from` by `to` in a list line. */
export function via(line: string, from: string, to: string): string {
  return line.split(from).join(to);
}

/** Work items of image lines (numbered from 1); throws on a line that does not parse. */
export function workItems(lines: readonly string[], settings: RunSettings = INSECURE, runId = 'fault-run'): WorkItem[] {
  return lines.map((text, i) => {
    const parsed = parseListLine(text, i + 1, settings);
    if (!parsed || parsed.kind !== 'image') throw new Error(`not an image line: ${text}`);
    return { runId, line: parsed.line, input: parsed.input, source: parsed.source, destination: parsed.destination };
  });
}

/** Validates `items` with at most `jobs` in flight; results in item order. */
export async function validateAll(v: ImageChecker, items: readonly WorkItem[], jobs = 8): Promise<LineResult[]> {
  const out: LineResult[] = new Array<LineResult>(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await v.validate(items[i]!);
    }
  }));
  return out;
}

/** `STATUS CODE` per line number. */
export function verdicts(results: readonly LineResult[]): Map<number, string> {
  return new Map(results.map((r) => [r.line, `${r.status} ${r.code ?? '-'}`]));
}

/** The standard scenarios without extra flags: source on `plain` (anonymous), destination on `tls` as tester. */
export function standardScenarios(all: readonly Scenario[]): Scenario[] {
  return all.filter((s) => s.source.registry === 'plain' && s.source.creds === 'none'
    && s.dest.registry === 'tls' && s.dest.creds === 'tester' && s.flags.length === 0);
}

/** A credential lookup that answers `cred` for every registry. */
export function fixedCredentials(cred: { username: string; password: string }) {
  return async (): Promise<{ username: string; password: string }> => cred;
}

/** A load list and its parts. */
export interface LoadList {
  readonly text: string;
  /** The distinct lines of `text` (the fault-free reference list). */
  readonly distinct: string;
  readonly images: number;
  readonly invalid: number;
  readonly comments: number;
  /** Line count of `text` (the last line number). */
  readonly total: number;
}

/**
 * `images` seeded picks of `scenarios` (80 % PASS ones), a comment every 500 lines and an
 * invalid line at every 500th + 250; `rewrite` maps a scenario line (e.g. to proxy hosts).
 */
export function buildLoadList(scenarios: readonly Scenario[], rewrite: (line: string) => string, images: number, seed: number): LoadList {
  const passing = scenarios.filter((s) => s.expected.status === 'PASS');
  const others = scenarios.filter((s) => s.expected.status !== 'PASS');
  const out: string[] = [];
  let invalid = 0;
  let comments = 0;
  for (let i = 0; i < images; i++) {
    const pool = seededUnit(seed, `pool${i}`) < 0.8 ? passing : others;
    const s = pool[Math.floor(seededUnit(seed, `pick${i}`) * pool.length)]!;
    if (i % 500 === 0) out.push(`# block ${comments++}`);
    if (i % 500 === 250) {
      out.push(`not a valid line ${i}`);
      invalid++;
    }
    out.push(rewrite(s.listLine));
  }
  return { text: `${out.join('\n')}\n`, distinct: `${[...new Set(out)].join('\n')}\n`, images, invalid, comments, total: out.length };
}

/** The transient faults of the load runs. */
export const TRANSIENT_FAULTS: readonly Fault[] = [
  { kind: 'status', status: 429 }, { kind: 'status', status: 429, retryAfter: '1' },
  { kind: 'status', status: 500 }, { kind: 'status', status: 502 }, { kind: 'status', status: 503 },
  { kind: 'reset' }, { kind: 'truncate' }, { kind: 'slow', chunkBytes: 512, delayMs: 1 },
];

/** Together about `rate` of registry requests: each transient fault `rate / 8`, never twice in a row per URL nor twice within 250 ms. */
export function transientRules(rate = 0.256): FaultRule[] {
  return TRANSIENT_FAULTS.map((fault) => ({ path: /^\/v2\//, fault, probability: rate / TRANSIENT_FAULTS.length, transient: true }));
}

/** Requests seen and faults injected by `proxies`, and the injected count per fault kind. */
export function faultTally(proxies: readonly FaultProxy[]): { requests: number; faults: number; byKind: Record<string, number> } {
  const byKind: Record<string, number> = {};
  for (const p of proxies) for (const [k, v] of p.injected) byKind[k] = (byKind[k] ?? 0) + v;
  return { requests: proxies.reduce((n, p) => n + p.total(), 0), faults: Object.values(byKind).reduce((a, b) => a + b, 0), byKind };
}
