/**
 * The real validator through fault-injecting proxies in front of the real registries (sources on
 * `plain`, destinations on `tls` with basic auth, each behind its own proxy):
 * transient faults leave every verdict as in a fault-free run; persistent faults give ERROR
 * with the right code, never PASS and never DEST_NOT_FOUND.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { LineResult } from '../../lib/core/types.js';
import type { ImageCheckerOptions } from '../../lib/engine/image-checker.js';
import { startFaultProxy, type Fault, type FaultProxy, type FaultRule } from '../helpers/fault-proxy.js';
import { scenario } from '../../testbed/scenarios.js';
import { FAST_RETRY, faultChecker, fixedCredentials, standardScenarios, validateAll, verdicts, via, workItems } from './fault-kit.js';

const regs = inject('registries');
const all = inject('scenarios');
const chosen = standardScenarios(all);
/** Scenarios whose manifests exist on both sides (body faults only alter 200 answers). */
const existing = chosen.filter((s) => s.expected.code !== 'DEST_NOT_FOUND' && s.expected.status !== 'SKIPPED');

let src: FaultProxy;
let dst: FaultProxy;
let baseline: Map<number, string>;
const lines = (list = chosen): string[] =>
  list.map((s) => via(via(s.listLine, regs.plain.host, src.host), regs.tls.host, dst.host));
const injected = (): number => [src, dst].reduce((n, p) => n + [...p.injected.values()].reduce((a, b) => a + b, 0), 0);

/**
 * For persistent hangs and trickles, where every line must end TIMEOUT: 300 ms per request
 * (undici's coarse timers make it 0.3-1.3 s) and one retry. A request that is merely slow on a
 * loaded machine times out too, with the same expected code.
 */
const EVERYTHING_TIMES_OUT: Partial<ImageCheckerOptions> = { requestTimeoutMs: 300, retry: { ...FAST_RETRY, retries: 1 } };
/**
 * For one hung request that must time out and be retried, while every other request keeps
 * its verdict: a limit far above a normal request, and the usual retries.
 */
const ONE_HANG: Partial<ImageCheckerOptions> = { requestTimeoutMs: 3000 };

async function run(rules: readonly FaultRule[], list = chosen, limits: Partial<ImageCheckerOptions> = {}): Promise<LineResult[]> {
  src.setRules(rules);
  dst.setRules(rules);
  const v = faultChecker({
    destCredentials: fixedCredentials({ username: regs.tls.username!, password: regs.tls.password! }),
    ...limits,
  });
  try {
    return await validateAll(v, workItems(lines(list)));
  } finally {
    await v.close();
  }
}

beforeAll(async () => {
  src = await startFaultProxy({ upstream: regs.plain.url, seed: 42 });
  dst = await startFaultProxy({ upstream: regs.tls.url, upstreamCa: regs.caPem, seed: 43 });
  baseline = verdicts(await run([]));
});
afterAll(async () => Promise.all([src?.close(), dst?.close()]));

describe('fault-free run through the proxy', () => {
  it('matches every scenario\'s expected verdict and mixes PASS with FAILED', () => {
    expect(chosen.length).toBeGreaterThan(10);
    expect([...baseline.values()]).toEqual(chosen.map((s) => `${s.expected.status} ${s.expected.code ?? '-'}`));
    expect([...baseline.values()]).toContain('PASS -');
    expect([...baseline.values()]).toContain('FAILED DEST_NOT_FOUND');
    expect([...baseline.values()]).toContain('FAILED DIGEST_MISMATCH');
  });
});

const MANIFESTS = /\/manifests\//;
const ANY = /^\/v2\//;
/** Each method and path fails once, then its retry gets through. */
const oneShot = (fault: Fault, path = ANY): FaultRule[] => [{ path, fault, transient: true }];

describe('transient faults leave verdicts identical to the fault-free run', () => {
  const cases: [string, FaultRule[], Partial<ImageCheckerOptions>?][] = [
    ['429 without Retry-After', oneShot({ kind: 'status', status: 429 })],
    ['429 with Retry-After: 1', oneShot({ kind: 'status', status: 429, retryAfter: '1' })],
    ['500', oneShot({ kind: 'status', status: 500 })],
    ['502', oneShot({ kind: 'status', status: 502 })],
    ['503', oneShot({ kind: 'status', status: 503 })],
    ['connection reset', oneShot({ kind: 'reset' })],
    ['truncated body', oneShot({ kind: 'truncate' }, MANIFESTS)],
    ['slow body on every manifest and blob', [{ path: /\/(manifests|blobs)\//, fault: { kind: 'slow', chunkBytes: 200, delayMs: 1 } }]],
    ['three same-origin redirects on every request', [{ path: ANY, fault: { kind: 'redirects', hops: 3 } }]],
    ['hang once (per-request timeout, then retry)', [{ method: 'GET', path: MANIFESTS, fault: { kind: 'hang' }, times: 1 }], ONE_HANG],
  ];
  it.each(cases)('%s', async (_name, rules, limits = {}) => {
    const results = await run(rules, chosen, limits);
    expect(verdicts(results)).toEqual(baseline);
    expect(injected()).toBeGreaterThan(0);
  });

  it('retries are counted in the per-line request counts', async () => {
    const results = await run(oneShot({ kind: 'status', status: 503 }));
    expect(results.every((r) => (r.requests?.retries ?? 0) > 0 || (r.requests?.ping ?? 0) === 0)).toBe(true);
    expect(results.reduce((n, r) => n + (r.requests?.retries ?? 0), 0)).toBeGreaterThanOrEqual(injected());
  });
});

describe('persistent faults give ERROR with the right code, never PASS, never DEST_NOT_FOUND', () => {
  const always = (fault: Fault, path = MANIFESTS): FaultRule[] => [{ path, fault }];
  const cases: [string, string, FaultRule[], typeof chosen][] = [
    ['429 without Retry-After', 'RATE_LIMITED', always({ kind: 'status', status: 429 }), chosen],
    ['429 with Retry-After', 'RATE_LIMITED', always({ kind: 'status', status: 429, retryAfter: '2' }), chosen],
    ['500', 'NETWORK', always({ kind: 'status', status: 500 }), chosen],
    ['502', 'NETWORK', always({ kind: 'status', status: 502 }), chosen],
    ['503', 'NETWORK', always({ kind: 'status', status: 503 }), chosen],
    ['503 on the /v2/ ping', 'NETWORK', always({ kind: 'status', status: 503 }, /^\/v2\/$/), chosen],
    ['connection reset', 'NETWORK', always({ kind: 'reset' }), chosen],
    ['redirect loop', 'NETWORK', always({ kind: 'redirectLoop' }), chosen],
    ['six redirects', 'NETWORK', always({ kind: 'redirects', hops: 6 }), chosen],
    ['hang', 'TIMEOUT', always({ kind: 'hang' }), chosen.slice(0, 3)],
    ['body slower than the request timeout', 'TIMEOUT', always({ kind: 'slow', chunkBytes: 16, delayMs: 2500 }), existing.slice(0, 3)],
    ['truncated body', 'NETWORK', always({ kind: 'truncate' }), existing],
    ['invalid JSON', 'MALFORMED', always({ kind: 'invalidJson' }), existing],
    ['sha256 does not match Docker-Content-Digest', 'MALFORMED', always({ kind: 'wrongDigest' }), existing],
    ['5 MiB manifest with Content-Length', 'MALFORMED', always({ kind: 'oversize' }), existing],
    ['5 MiB manifest, chunked', 'MALFORMED', always({ kind: 'oversize', chunked: true }), existing],
    ['Content-Type disagrees with mediaType', 'MALFORMED', [
      { path: MANIFESTS, fault: { kind: 'contentType', contentType: 'application/vnd.docker.distribution.manifest.v1+prettyjws' } },
    ], existing],
  ];
  it.each(cases)('%s -> ERROR %s', async (_name, code, rules, list) => {
    const results = await run(rules, list, code === 'TIMEOUT' ? EVERYTHING_TIMES_OUT : {});
    expect(results).toHaveLength(list.length);
    for (const r of results) {
      expect(r.status, `${r.input}: ${r.message}`).toBe('ERROR');
      expect(r.code, r.message).toBe(code);
      expect(r.message).not.toMatch(/\n|\(\S+\.[jt]s:\d+:\d+\)/); // one line, no stack frame
    }
  });

  it('a blob endpoint that stays down makes a single-image line ERROR (the config blob is needed)', async () => {
    const single = scenario(all, 'single-to-one-entry-list');
    const [r] = await run([{ path: /\/blobs\//, fault: { kind: 'status', status: 503 } }], [single]);
    expect(r).toMatchObject({ status: 'ERROR', code: 'NETWORK' });
  });
});

describe('cross-host redirects', () => {
  it('follows a redirect to another host without sending it Authorization (basic auth); a 404 there proves nothing', async () => {
    const rules: FaultRule[] = [{ method: 'GET', path: /\/(manifests|blobs)\//, fault: { kind: 'crossHost' } }];
    const results = await run(rules);
    results.forEach((r, i) => {
      if (existing.includes(chosen[i]!)) expect(verdicts([r]).get(r.line)).toBe(baseline.get(r.line));
      // A manifest that is missing is answered 404 by the other host: only the registry itself can prove absence.
      else expect(r, r.input).toMatchObject({ status: 'ERROR', code: 'NETWORK', message: expect.stringMatching(/only the registry itself can prove/) });
    });
    expect(results.some((r) => r.status === 'ERROR')).toBe(true);
    expect(dst.authorized()).toBeGreaterThan(0);
    expect(dst.foreignHits.length).toBeGreaterThan(0);
    expect(dst.foreignHits.filter((h) => h.authorization)).toEqual([]);
  });
});
