/** Builders and fakes for the pipeline tests. */
import type { ImageLine, InvalidLine, ParsedLine } from '../../lib/core/list.js';
import type { LineResult, Status } from '../../lib/core/types.js';
import type { JsonReport } from '../../lib/core/report.js';
import { DEFAULT_SETTINGS, type WorkItem } from '../../lib/core/settings.js';
import type { ObjectStore, QueueMessage, WorkQueue } from '../../lib/ports.js';
import { MAX_RECEIVE_COUNT } from '../../lib/core/defaults.js';
import { memoryWorkQueues } from '../../lib/adapters/local/memory-queue.js';

export const settings = { ...DEFAULT_SETTINGS, destRegistry: 'reg.example.com' };

export function imageLine(line: number, name = `app${line}`): ImageLine {
  return {
    kind: 'image',
    line,
    input: `${name}:1.0`,
    source: { registry: 'docker.io', repository: `library/${name}`, tag: '1.0' },
    destination: { registry: 'reg.example.com', repository: `library/${name}`, tag: '1.0' },
  };
}

export function invalidLine(line: number): InvalidLine {
  return { kind: 'invalid', line, input: `bad line ${line}`, code: 'INVALID_FORMAT', message: `line ${line}: invalid format` };
}

export async function* stream<T>(items: readonly T[], onPull?: (i: number) => void): AsyncGenerator<T> {
  for (const [i, item] of items.entries()) {
    onPull?.(i + 1);
    yield item;
  }
}

/** Fresh in-memory queues for one `runLocally`, and the receive count they dead-letter after. */
export function localQueues(maxReceiveCount = MAX_RECEIVE_COUNT) {
  return { ...memoryWorkQueues<WorkItem>({ maxReceiveCount }), maxReceiveCount };
}

export function workItem(runId: string, line: number): WorkItem {
  const { input, source, destination } = imageLine(line);
  return { runId, line, input, source, destination };
}

export function message(item: WorkItem, receiveCount = 1): QueueMessage<WorkItem> {
  return { id: `m-${item.line}`, receipt: `r-${item.line}-${receiveCount}`, body: item, receiveCount };
}

export function verdict(item: WorkItem, status: Status): LineResult {
  const code = status === 'FAILED' ? 'DIGEST_MISMATCH' : status === 'ERROR' ? 'NETWORK' : null;
  return { line: item.line, input: item.input, status, code, message: status.toLowerCase() };
}

export async function readText(store: ObjectStore, key: string): Promise<string | null> {
  const b = await store.get(key);
  return b ? Buffer.from(b).toString('utf8') : null;
}

export async function readObj<T>(store: ObjectStore, key: string): Promise<T | null> {
  const t = await readText(store, key);
  return t === null ? null : (JSON.parse(t) as T);
}

/** The results of run `runId` from its `report.json` in `store`. */
export async function reportResults(store: ObjectStore, runId: string): Promise<JsonReport['results']> {
  const report = await readObj<JsonReport>(store, `runs/${runId}/report.json`);
  if (!report) throw new Error(`run ${runId} has no report.json`);
  return report.results;
}

export async function keys(store: ObjectStore, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const k of store.list(prefix)) out.push(k);
  return out;
}

/** A queue that records every send and can hold sends until released. */
export class RecordingQueue implements WorkQueue<WorkItem> {
  readonly sends: WorkItem[][] = [];
  inFlight = 0;
  maxInFlight = 0;
  private gate: Promise<void> | null = null;
  private open: (() => void) | null = null;

  hold(): void {
    this.gate = new Promise((r) => (this.open = r));
  }

  releaseAll(): void {
    this.open?.();
    this.gate = null;
  }

  async send(bodies: readonly WorkItem[]): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await (this.gate ?? Promise.resolve());
    this.sends.push([...bodies]);
    this.inFlight--;
  }

  async receive(): Promise<QueueMessage<WorkItem>[]> {
    return [];
  }

  async ack(): Promise<void> {}
  async release(): Promise<void> {}

  lines(): number[] {
    return this.sends.flat().map((i) => i.line).sort((a, b) => a - b);
  }
}

export function lines(...spec: (number | `x${number}`)[]): ParsedLine[] {
  return spec.map((s) => (typeof s === 'number' ? imageLine(s) : invalidLine(Number(s.slice(1)))));
}
