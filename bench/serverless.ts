/**
 * Scale of the serverless parts: the splitter over a 100,000-line list (peak RSS, in its own
 * process, sending to a fake SQS endpoint served here), and the validator bundle built as the
 * CDK stack builds it (esbuild: minify, node22, ESM, `@aws-sdk/*` external) with its cold
 * `import()` time in a fresh Node process (median of several).
 */
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { median } from './measure.js';

const run = promisify(execFile);
export const SPLIT_LINES = 100_000;

export interface BundleMeasure {
  readonly entry: string;
  readonly bytes: number;
  /** `import()` of the bundle in a fresh process, ms (median). */
  readonly importMs: number;
  /** Whole `node` process running the import, ms (median), and a bare `node -e 0` for reference. */
  readonly processMs: number;
  readonly bareNodeMs: number;
  readonly samples: number;
  /** The entry is still the placeholder handler (issue 3 not landed). */
  readonly placeholder: boolean;
}

export interface SplitterRun {
  readonly lines: number;
  /** Node flags of the run: none, or a heap capped as in a 128 MB function. */
  readonly nodeFlags: readonly string[];
  readonly images: number;
  readonly messagesSent: number;
  readonly sendCalls: number;
  readonly ms: number;
  readonly peakRssMb: number;
  readonly startRssMb: number;
}

export interface ServerlessResults {
  /** The 100,000-line run with default flags. */
  readonly splitter: SplitterRun;
  /** Runs with a capped heap at two list sizes: equal peaks show memory does not grow with the list. */
  readonly splitterCapped: readonly SplitterRun[];
  readonly bundles: readonly BundleMeasure[];
}

/** V8 limits of a small function: the live set must fit, garbage is collected early. */
export const CAPPED_FLAGS = ['--max-old-space-size=48', '--max-semi-space-size=2'] as const;

/** A fake SQS (JSON protocol) that accepts SendMessageBatch and counts messages. */
async function fakeSqs(): Promise<{ url: string; stats: { messages: number; calls: number }; close(): Promise<void> }> {
  const stats = { messages: 0, calls: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { Entries?: { Id: string; MessageBody: string }[] };
      const entries = body.Entries ?? [];
      stats.calls++;
      stats.messages += entries.length;
      const Successful = entries.map((e) => ({
        Id: e.Id, MessageId: randomUUID(), MD5OfMessageBody: createHash('md5').update(e.MessageBody).digest('hex'),
      }));
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ Successful, Failed: [] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stats,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function measureSplitter(root: string, dir: string, count: number, nodeFlags: readonly string[]): Promise<SplitterRun> {
  const list = path.join(dir, `split-${count}.txt`);
  const lines: string[] = [`# ${count}-line list`];
  for (let i = 0; i < count; i++) lines.push(`registry.example.com/org${i % 97}/app-${i} mirror.example.com:5000/mirror/app-${i} v${i % 13}.0`);
  await writeFile(list, lines.join('\n') + '\n');
  const script = path.join(dir, 'splitter-scale.mjs');
  await bundleWithExternalSdk(path.join(root, 'bench', 'splitter-scale.ts'), script);
  const sqs = await fakeSqs();
  try {
    const { stdout } = await run(process.execPath, [...nodeFlags, script, list, sqs.url], { cwd: root, maxBuffer: 1 << 20 });
    const r = JSON.parse(stdout.trim()) as { ms: number; peakRssMb: number; startRssMb: number; images: number };
    return { lines: count, nodeFlags, images: r.images, messagesSent: sqs.stats.messages, sendCalls: sqs.stats.calls, ms: r.ms, peakRssMb: r.peakRssMb, startRssMb: r.startRssMb };
  } finally {
    await sqs.close();
  }
}

/** Bundles `entry` as the stack bundles a function (minified, node22, ESM, `@aws-sdk/*` external). */
export async function bundleWithExternalSdk(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry], outfile, bundle: true, platform: 'node', target: 'node22', format: 'esm', minify: true,
    mainFields: ['module', 'main'], external: ['@aws-sdk/*'], logLevel: 'error',
    banner: { js: "import { createRequire as __mvCreateRequire } from 'node:module'; const require = __mvCreateRequire(import.meta.url);" },
  });
}

async function timeImport(file: string, samples: number): Promise<{ importMs: number; processMs: number; bareNodeMs: number }> {
  const code = `const t=performance.now();await import(${JSON.stringify(`file://${file}`)});process.stdout.write(String(performance.now()-t))`;
  const imports: number[] = [];
  const procs: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < samples; i++) {
    let t = performance.now();
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], { cwd: path.dirname(file) });
    procs.push(performance.now() - t);
    imports.push(Number(stdout));
    t = performance.now();
    await run(process.execPath, ['-e', '0']);
    bare.push(performance.now() - t);
  }
  return { importMs: median(imports), processMs: median(procs), bareNodeMs: median(bare) };
}

async function measureBundle(root: string, dir: string, name: string, entry: string, samples: number): Promise<BundleMeasure> {
  const outfile = path.join(dir, 'bundles', name, 'index.mjs');
  await bundleWithExternalSdk(entry, outfile);
  const bytes = (await stat(outfile)).size;
  const placeholder = bytes < 1024;
  return { entry: path.relative(root, entry), bytes, ...(await timeImport(outfile, samples)), samples, placeholder };
}

/** Runs both measurements. */
export async function measureServerless(root: string, dir: string, log: (s: string) => void): Promise<ServerlessResults> {
  log(`splitter: ${SPLIT_LINES} lines (default heap), then ${SPLIT_LINES} and ${3 * SPLIT_LINES} lines with ${CAPPED_FLAGS.join(' ')}`);
  const splitter = await measureSplitter(root, dir, SPLIT_LINES, []);
  const splitterCapped = [
    await measureSplitter(root, dir, SPLIT_LINES, CAPPED_FLAGS),
    await measureSplitter(root, dir, 3 * SPLIT_LINES, CAPPED_FLAGS),
  ];
  log('validator bundle: size and cold import');
  const bundles = [await measureBundle(root, dir, 'validator', path.join(root, 'lambdas', 'validator.ts'), 7)];
  if (bundles[0]!.placeholder) {
    // lambdas/validator.ts is still the placeholder: measure the engine it will load instead.
    const engineEntry = path.join(dir, 'engine-entry.ts');
    await writeFile(engineEntry, [
      `export { createImageChecker } from ${JSON.stringify(path.join(root, 'lib/engine/image-checker.ts'))};`,
      `export { processMessages } from ${JSON.stringify(path.join(root, 'lib/pipeline/process.ts'))};`,
      `export { S3ObjectStore } from ${JSON.stringify(path.join(root, 'lib/adapters/aws/s3-store.ts'))};`,
      `export { SqsWorkQueue } from ${JSON.stringify(path.join(root, 'lib/adapters/aws/sqs-queue.ts'))};`,
    ].join('\n'));
    bundles.push(await measureBundle(root, dir, 'engine', engineEntry, 7));
  }
  return { splitter, splitterCapped, bundles };
}
