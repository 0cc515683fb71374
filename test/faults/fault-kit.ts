/**
 * Shared pieces of the fault suites: list lines to work items, a validator with a short retry
 * schedule, verdict maps. No vitest imports.
 */
import { DEFAULT_SETTINGS, type RunSettings, type WorkItem } from '../../lib/core/settings.js';
import { parseListLine } from '../../lib/core/list.js';
import type { LineResult } from '../../lib/core/types.js';
import { createValidator, type Validator, type ValidatorOptions } from '../../lib/engine/validator.js';
import type { Scenario } from '../helpers/scenarios.js';

/** Plain-HTTP harness registries need `--tls-verify=false`. */
export const INSECURE: RunSettings = { ...DEFAULT_SETTINGS, tlsVerify: false };

/** Fast retries: 3 retries from 5 ms, Retry-After capped at 20 ms. */
export const FAST_RETRY = { retries: 3, baseMs: 5, maxMs: 20, maxRetryAfterMs: 20 } as const;

/** A validator for fault tests: fast retries, 1 s per request, 20 s per image. */
export function faultValidator(extra: Partial<ValidatorOptions> = {}): Validator {
  return createValidator({
    settings: INSECURE, timeoutMs: 20_000, retry: FAST_RETRY, requestTimeoutMs: 1000, ...extra,
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
export async function validateAll(v: Validator, items: readonly WorkItem[], jobs = 8): Promise<LineResult[]> {
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
