/**
 * The validator does not trust a run record to turn certificate checks off: `tlsVerify: false`
 * in `run.json` is honoured only where the stack allows it (the splitter's rule), so a record
 * written by anyone else cannot make the validator accept any certificate or plain HTTP.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../lib/adapters/local/memory-store.js';
import { DEFAULT_SETTINGS } from '../../lib/core/settings.js';
import { runKeys } from '../../lib/pipeline/run-layout.js';
import { encodeJson } from '../../lib/pipeline/run-record.js';
import { CheckerPool } from '../../lib/serverless/checker-pool.js';
import { DOCKER_V2, FAST, manifestBytes, refOn, sendManifest, startFake, type FakeServer } from '../registry/fake-server.js';

const bytes = manifestBytes();
let registry: FakeServer | undefined;
let pool: CheckerPool | undefined;
afterEach(async () => {
  await pool?.close();
  await registry?.close();
});

/** A plain-HTTP registry (reachable only with tls-verify=false) and a run whose record asks for tls-verify=false. */
async function setUp(insecureTlsAllowed: boolean): Promise<{ distrusted: string[]; validate: () => ReturnType<CheckerPool['validate']> }> {
  registry = await startFake((req, res) => {
    if (req.url === '/v2/') return void res.writeHead(200).end('{}');
    sendManifest(req, res, bytes, DOCKER_V2);
  });
  const store = new MemoryStore();
  await store.put(runKeys('r1').record, encodeJson({ version: 1, runId: 'r1', settings: { ...DEFAULT_SETTINGS, tlsVerify: false } }));
  const distrusted: string[] = [];
  pool = new CheckerPool({
    store, credentials: { source: async () => undefined, destination: async () => undefined },
    allowlist: [registry.host], allowLoopback: true, timeoutMs: 20_000, retry: FAST.retry,
    insecureTlsAllowed, distrusted: (runId, message) => distrusted.push(`${runId}: ${message}`),
  });
  const s = registry;
  const item = { runId: 'r1', line: 1, input: 'x', source: refOn(s), destination: refOn(s, 'team/mirror') };
  return { distrusted, validate: () => pool!.validate(item) };
}

describe('the validator re-checks a run record\'s tls-verify=false', () => {
  it('refuses it on a stack that does not allow it: the run is validated with TLS verification', async () => {
    const { distrusted, validate } = await setUp(false);
    expect(await validate()).toMatchObject({ status: 'ERROR', code: 'TLS' });
    expect(registry!.requests).toEqual([]); // nothing was read over plain HTTP
    expect(distrusted).toEqual(['r1: run record asks for tls-verify=false, which this stack does not allow: validating with TLS verification']);
  });

  it('honours it where the stack allows it (the plain-HTTP registry is read)', async () => {
    const { distrusted, validate } = await setUp(true);
    const r = await validate();
    expect(r.code, r.message).not.toBe('TLS');
    expect(registry!.count('/v2/team/app/manifests/')).toBeGreaterThan(0); // read over plain HTTP, as the run asked
    expect(distrusted).toEqual([]);
  });
});
