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
import { runLocally } from '../../lib/pipeline/local-run.js';
import { startFaultProxy, type Fault, type FaultProxy, type FaultRule } from '../helpers/fault-proxy.js';
import { seededUnit } from '../helpers/fault-rules.js';
import { faultValidator, fixedCredentials, INSECURE, standardScenarios, via } from './fault-kit.js';

const regs = inject('registries');
const chosen = standardScenarios(inject('scenarios'));
const IMAGE_LINES = 5000;
const SEED = 20240;

let src: FaultProxy;
let dst: FaultProxy;

/** The list: seeded picks (80 % PASS scenarios), a comment every 500 lines, 10 invalid lines. */
function buildList(): { text: string; distinct: string; images: number; invalid: number } {
  const passing = chosen.filter((s) => s.expected.status === 'PASS');
  const others = chosen.filter((s) => s.expected.status !== 'PASS');
  const out: string[] = [];
  for (let i = 0; i < IMAGE_LINES; i++) {
    const pool = seededUnit(SEED, `pool${i}`) < 0.8 ? passing : others;
    const s = pool[Math.floor(seededUnit(SEED, `pick${i}`) * pool.length)]!;
    if (i % 500 === 0) out.push(`# block ${i / 500}`);
    if (i % 500 === 250) out.push(`not a valid line ${i}`);
    out.push(via(via(s.listLine, regs.plain.host, src.host), regs.tls.host, dst.host));
  }
  return { text: `${out.join('\n')}\n`, distinct: `${[...new Set(out)].join('\n')}\n`, images: IMAGE_LINES, invalid: 10 };
}

async function runList(text: string): Promise<{ results: readonly LineResult[]; ms: number }> {
  const validator = faultValidator({
    destCredentials: fixedCredentials({ username: regs.tls.username!, password: regs.tls.password! }),
    retry: { retries: 8, baseMs: 1, maxMs: 4, maxRetryAfterMs: 5 },
  });
  const started = Date.now();
  try {
    const outcome = await runLocally({
      runId: `load-${started}`,
      lines: parseListStream((async function* () { yield Buffer.from(text); })(), INSECURE),
      settings: INSECURE,
      validate: (item) => validator.validate(item),
      store: new MemoryStore(),
      jobs: 20,
    });
    return { results: outcome.results, ms: Date.now() - started };
  } finally {
    await validator.close();
  }
}

const TRANSIENT: Fault[] = [
  { kind: 'status', status: 429 }, { kind: 'status', status: 429, retryAfter: '1' },
  { kind: 'status', status: 500 }, { kind: 'status', status: 502 }, { kind: 'status', status: 503 },
  { kind: 'reset' }, { kind: 'truncate' }, { kind: 'slow', chunkBytes: 512, delayMs: 1 },
];
/** Together about 20 % of requests: each rule 3.2 %, tried in turn; never twice in a row per URL. */
const RULES: FaultRule[] = TRANSIENT.map((fault) => ({ path: /^\/v2\//, fault, probability: 0.032, transient: true }));

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

    const total = list.images + list.invalid + list.images / 500;
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

    console.info(`[figures] load: ${total} lines (${list.images} images, ${list.invalid} invalid, ${list.images / 500} comments); `
      + `statuses ${JSON.stringify(Object.fromEntries(statuses))}; fault-free reference ${reference.size} distinct lines in ${clean.ms} ms; `
      + `faulty ${faulty.ms} ms, ${requests} requests, ${faults} faults injected (${(100 * faults / requests).toFixed(1)} %) `
      + `${JSON.stringify(Object.fromEntries([...src.injected].map(([k, v]) => [k, v + (dst.injected.get(k) ?? 0)])))}`);
  });
});
