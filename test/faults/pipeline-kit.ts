/**
 * Shared pieces of the handler-driven pipeline fault suites: a pipeline (testbed/pipeline-harness)
 * whose source registry sits behind a fault proxy, a small list of standard scenarios, list drops
 * that run the splitter on s3rver's own event, and S3 client middleware that fails or records
 * PutObject calls of the functions. No vitest imports.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { S3ObjectStore } from '../../lib/adapters/aws/s3-store.js';
import type { JsonReport } from '../../lib/core/report.js';
import { resetRuntime, runtime } from '../../lib/serverless/runtime.js';
import { resetCheckers } from '../../lambdas/validator.js';
import type { HarnessInfo } from '../../testbed/registry-harness.js';
import type { Scenario } from '../../testbed/scenarios.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { BUCKET, context, handlers, startPipeline, type PipelineFixture } from '../../testbed/pipeline-harness.js';
import { standardScenarios, via } from './fault-kit.js';

export const INVALID_LINE = 'not a valid line !!';

/**
 * The validators' per-image limit: far above an image's time on a loaded machine, so that only
 * an injected hang meets it (the test of the limit itself sets a shorter one; see withImageLimit).
 */
export const PIPELINE_IMAGE_LIMIT_S = 100;

/** Runs `fn` with the validators' per-image limit at `seconds` (fresh containers read the environment again). */
export async function withImageLimit<T>(seconds: number, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.IMAGE_TIMEOUT_SECONDS;
  const restart = async () => {
    resetRuntime();
    await resetCheckers();
  };
  process.env.IMAGE_TIMEOUT_SECONDS = String(seconds);
  await restart();
  try {
    return await fn();
  } finally {
    process.env.IMAGE_TIMEOUT_SECONDS = saved;
    await restart();
  }
}

/** One image line of the list: its scenario, line number and list text. */
export interface ListedImage {
  readonly scenario: Scenario;
  readonly line: number;
  readonly text: string;
}

export interface FaultPipeline {
  readonly fx: PipelineFixture;
  /** The bucket, through a client of its own (no injected faults). */
  readonly store: S3ObjectStore;
  /** Fault proxy in front of the source registry. */
  readonly src: FaultProxy;
  /** Image lines of {@link FaultPipeline.listText}: line 1 is a comment, the invalid line is last. */
  readonly images: readonly ListedImage[];
  readonly listText: string;
  /** Line number of the invalid line. */
  readonly invalidLine: number;
  /** `STATUS CODE` expected per line (the invalid line: `INVALID`). */
  readonly expected: ReadonlyMap<number, string>;
  /** Puts `lists/<name>.txt` and runs the splitter on s3rver's event for it. */
  drop(name: string, body: string | Uint8Array, metadata?: Record<string, string>): Promise<{ runId: string; status: string; fatal?: { code: string; message: string } }>;
  text(key: string): Promise<string | null>;
  json<T>(key: string): Promise<T>;
  /** Keys of `report.json` objects of runs of list `name`. */
  reportsOf(name: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** `STATUS CODE` of a result (INVALID results: `INVALID`). */
export function verdictOf(r: { status: string; code?: string | null }): string {
  return r.status === 'INVALID' ? 'INVALID' : `${r.status} ${r.code ?? '-'}`;
}

/** Starts the pipeline with `count` standard scenarios, the source behind a fault proxy. */
export async function startFaultPipeline(regs: HarnessInfo, scenarios: readonly Scenario[], env: Record<string, string> = {}, count = 10): Promise<FaultPipeline> {
  const chosen = standardScenarios(scenarios).slice(0, count);
  const src = await startFaultProxy({ upstream: regs.plain.url, seed: 7 });
  const images = chosen.map((scenario, i) => ({ scenario, line: i + 2, text: via(scenario.listLine, regs.plain.host, src.host) }));
  const invalidLine = images.length + 2;
  const listText = ['# fault list', ...images.map((m) => m.text), INVALID_LINE, ''].join('\n');
  const expected = new Map<number, string>([
    ...images.map((m) => [m.line, `${m.scenario.expected.status} ${m.scenario.expected.code ?? '-'}`] as const),
    [invalidLine, 'INVALID'],
  ]);
  const fx = await startPipeline(
    {
      ALLOWLIST: `${src.host},${regs.tls.host}`, TLS_VERIFY: 'false', REGISTRY_RETRY_BASE_MS: '2', REGISTRY_RETRY_MAX_MS: '20',
      IMAGE_TIMEOUT_SECONDS: String(PIPELINE_IMAGE_LIMIT_S), ...env,
    },
    { DEST_USERNAME: regs.tls.username, DEST_PASSWORD: regs.tls.password },
  );
  const store = new S3ObjectStore({ bucket: BUCKET, client: fx.s3.client() });
  const text = async (key: string) => {
    const b = await store.get(key);
    return b ? Buffer.from(b).toString('utf8') : null;
  };
  return {
    fx, store, src, images, listText, invalidLine, expected,
    async drop(name, body, metadata = {}) {
      await store.put(`lists/${name}.txt`, body, { metadata });
      const event = fx.drops.shift();
      if (!event) throw new Error(`s3rver emitted no event for lists/${name}.txt`);
      const [outcome] = (await handlers.splitter(event, context)) as { runId: string; status: string; fatal?: { code: string; message: string } }[];
      return outcome!;
    },
    text,
    json: async <T>(key: string) => JSON.parse((await text(key))!) as T,
    async reportsOf(name) {
      const keys: string[] = [];
      for await (const key of store.list('runs/')) if (key.endsWith('/report.json') && key.includes(`-${name}.txt-`)) keys.push(key);
      return keys;
    },
    async stop() {
      await src.close(); // first: destroys hung connections, which the validators' close() would wait for
      await fx.stop();
    },
  };
}

/** Line number -> `STATUS CODE` of every result of `report`. */
export function reportVerdicts(report: JsonReport): Map<number, string> {
  return new Map(report.results.map((r) => [r.line, verdictOf(r)]));
}

/** The S3 client the functions use (shared by every role of the container). */
export function functionsS3(): S3Client {
  return runtime('aggregator').clients.s3;
}

type PutHook = (key: string, body: Buffer) => Promise<void> | void;

let hooks = 0;

/**
 * Runs `hook` before every PutObject the functions send (a throw fails that put, as S3 would
 * with a 500, before the SDK's own retries). Returns the remover.
 */
export function onFunctionPut(hook: PutHook): () => void {
  const client = functionsS3();
  const name = `faultPutHook${++hooks}`;
  client.middlewareStack.add((next, ctx) => async (args) => {
    if (ctx.commandName === 'PutObjectCommand') {
      const input = args.input as { Key?: string; Body?: unknown };
      const body = typeof input.Body === 'string' ? Buffer.from(input.Body) : Buffer.from(input.Body as Uint8Array);
      await hook(input.Key ?? '', body);
    }
    return next(args);
  }, { step: 'initialize', name });
  return () => void client.middlewareStack.remove(name);
}

/** An error shaped like the SDK's for an S3 500 InternalError. */
export function s3InternalError(key: string): Error {
  return Object.assign(new Error(`injected: PutObject ${key} failed`), { name: 'InternalError', $fault: 'server', $metadata: { httpStatusCode: 500 } });
}

/** Fails the `nth` (1-based) PutObjects whose key matches `match`; records the keys it failed. */
export function failPuts(match: RegExp, nth: readonly number[]): { failed: string[]; remove: () => void } {
  const failed: string[] = [];
  let seen = 0;
  const remove = onFunctionPut((key) => {
    if (!match.test(key)) return;
    seen++;
    if (nth.includes(seen)) {
      failed.push(key);
      throw s3InternalError(key);
    }
  });
  return { failed, remove };
}
