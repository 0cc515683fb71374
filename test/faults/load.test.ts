/**
 * Load under faults: a 5,000-line list (seeded mix of the standard scenarios, mostly PASS, plus
 * a few invalid lines) through the local pipeline (runLocally, 20 workers) with ~20 % of
 * registry requests hit by a transient fault (429 with and without Retry-After, 500, 502, 503,
 * resets, truncated and slow bodies). Every line is accounted once, and every verdict equals the
 * fault-free verdict of the same line text. The fault-free reference is a run of the list's
 * distinct lines (a verdict depends only on the line and the registries' state; running all
 * 5,000 twice would double the suite's time for no extra coverage). Figures are printed for
 * the README "Guarantees" section.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseListStream } from '../../lib/core/list-stream.js';
import type { LineResult } from '../../lib/core/types.js';
import { MemoryStore } from '../../lib/adapters/local/memory-store.js';
import { memoryWorkQueues } from '../../lib/adapters/local/memory-queue.js';
import { MAX_RECEIVE_COUNT } from '../../lib/core/defaults.js';
import type { WorkItem } from '../../lib/core/settings.js';
import { runLocally } from '../../lib/pipeline/local-run.js';
import { reportResults } from '../pipeline/helpers.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { buildLoadList, faultChecker, fixedCredentials, INSECURE, standardScenarios, transientRules, via } from './fault-kit.js';

const regs = inject('registries');
const chosen = standardScenarios(inject('scenarios'));
const IMAGE_LINES = 5000;
const SEED = 20240;

let src: FaultProxy;
let dst: FaultProxy;

function buildList() {
  return buildLoadList(chosen, (line) => via(via(line, regs.plain.host, src.host), regs.tls.host, dst.host), IMAGE_LINES, SEED);
}

async function runList(text: string): Promise<{ results: readonly LineResult[]; ms: number }> {
  const checker = faultChecker({
    destCredentials: fixedCredentials({ username: regs.tls.username!, password: regs.tls.password! }),
    retry: { retries: 8, baseMs: 1, maxMs: 4, maxRetryAfterMs: 5 },
  });
  const started = Date.now();
  try {
    const store = new MemoryStore();
    const outcome = await runLocally({
      runId: `load-${started}`,
      lines: parseListStream((async function* () { yield Buffer.from(text); })(), INSECURE),
      settings: INSECURE,
      validate: (item) => checker.validate(item),
      store,
      ...memoryWorkQueues<WorkItem>({ maxReceiveCount: MAX_RECEIVE_COUNT }),
      jobs: 20,
    });
    const results = await reportResults(store, outcome.runId) as LineResult[];
    return { results, ms: Date.now() - started };
  } finally {
    await checker.close();
  }
}

/** Together about 20 % of requests: each rule 3.2 %, tried in turn; never twice in a row per URL. */
const RULES = transientRules();

beforeAll(async () => {
  src = await startFaultProxy({ upstream: regs.plain.url, seed: SEED });
  dst = await startFaultProxy({ upstream: regs.tls.url, upstreamCa: regs.caPem, seed: SEED + 1 });
});
afterAll(async () => Promise.all([src?.close(), dst?.close()]));

describe('5,000 lines with ~20 % transient registry faults (local pipeline)', () => {
  it('accounts for every line once, with the verdicts of the fault-free run', { timeout: 180_000 }, async () => {
    const list = buildList();
    const clean = await runList(list.distinct);
    const reference = new Map(clean.results.map((r) => [r.input, `${r.status} ${r.code ?? '-'}`]));
    src.setRules(RULES);
    dst.setRules(RULES);
    const faulty = await runList(list.text);
    const requests = src.total() + dst.total();
    const faults = [src, dst].reduce((n, p) => n + [...p.injected.values()].reduce((a, b) => a + b, 0), 0);

    const total = list.total;
    const lines = faulty.results.map((r) => r.line);
    expect(lines).toHaveLength(list.images + list.invalid);
    expect(new Set(lines).size).toBe(lines.length);
    expect(Math.max(...lines)).toBe(total); // comment lines keep their numbers but yield no result
    expect(reference.size).toBeLessThan(100);
    const differing = faulty.results.filter((r) => `${r.status} ${r.code ?? '-'}` !== reference.get(r.input));
    expect(differing.map((r) => `${r.line}: ${r.status} ${r.code} ${r.message}`)).toEqual([]);
    const statuses = new Map<string, number>();
    for (const r of faulty.results) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    expect(statuses.get('PASS') ?? 0).toBeGreaterThan(list.images / 2);
    expect(statuses.get('FAILED') ?? 0).toBeGreaterThan(0);
    expect(statuses.get('INVALID')).toBe(list.invalid);
    // The faults really happened, at roughly the intended rate.
    expect(faults / requests).toBeGreaterThan(0.1);
    expect(faulty.results.reduce((n, r) => n + (r.requests?.retries ?? 0), 0)).toBeGreaterThan(0);

    console.info(`[figures] load: ${total} lines (${list.images} images, ${list.invalid} invalid, ${list.comments} comments); `
      + `statuses ${JSON.stringify(Object.fromEntries(statuses))}; fault-free reference ${reference.size} distinct lines in ${clean.ms} ms; `
      + `faulty ${faulty.ms} ms, ${requests} requests, ${faults} faults injected (${(100 * faults / requests).toFixed(1)} %) `
      + `${JSON.stringify(Object.fromEntries([...src.injected].map(([k, v]) => [k, v + (dst.injected.get(k) ?? 0)])))}`);
  });
});
