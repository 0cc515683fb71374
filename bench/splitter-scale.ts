/**
 * Splitter at scale, in its own process: a list file streamed through `parseListStream` into
 * `splitList`, sending with the real `SqsWorkQueue` and SDK client to a fake SQS endpoint (the
 * parent bench process), run record in a MemoryStore. Prints elapsed time and peak RSS.
 *
 * Usage: node splitter-scale.mjs <list file> <endpoint url>
 */
import { createReadStream, readFileSync } from 'node:fs';
import { SQSClient } from '@aws-sdk/client-sqs';
import { parseListStream } from '../lib/core/list-stream.js';
import { DEFAULT_SETTINGS, type WorkItem } from '../lib/core/settings.js';
import { MemoryStore } from '../lib/adapters/local/memory-store.js';
import { SqsWorkQueue } from '../lib/adapters/aws/sqs-queue.js';
import { splitList } from '../lib/pipeline/split.js';

function vmHwmMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

const [file, endpoint] = process.argv.slice(2) as [string, string];
const client = new SQSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
const queue = new SqsWorkQueue<WorkItem>({ queueUrl: `${endpoint}/000000000000/bench`, client });
const rssBefore = vmHwmMb();
const t0 = performance.now();
const out = await splitList({
  runId: 'bench-split', lines: parseListStream(createReadStream(file, { highWaterMark: 64 * 1024 }), DEFAULT_SETTINGS),
  queue, store: new MemoryStore(), settings: DEFAULT_SETTINGS,
});
const ms = performance.now() - t0;
client.destroy();
const record = out.record as { images?: number; invalid?: number };
process.stdout.write(`${JSON.stringify({ ms, peakRssMb: vmHwmMb(), startRssMb: rssBefore, images: record.images, invalid: record.invalid })}\n`);
