/**
 * A small SQS endpoint for tests: the AWS JSON 1.0 protocol (`x-amz-target: AmazonSQS.<Op>`)
 * over HTTP, backed by MemoryQueues (lib/adapters/local) on a clock the test controls. Enough
 * for SqsWorkQueue and the handlers: SendMessageBatch, SendMessage, ReceiveMessage (with
 * `ApproximateReceiveCount`), DeleteMessage, ChangeMessageVisibility. MD5 digests are computed
 * as SQS does, because the v3 SDK checks them.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SQSClient } from '@aws-sdk/client-sqs';
import { MemoryQueue } from '../lib/adapters/local/memory-queue.js';
import { ManualClock, type Clock } from '../lib/adapters/local/clock.js';
import type { QueueMessage } from '../lib/ports.js';

export interface FakeQueueConfig {
  readonly visibilityTimeoutMs: number;
  readonly maxReceiveCount?: number;
  /** Name of another queue of the same server. */
  readonly deadLetter?: string;
}

export interface FakeSqs {
  readonly endpoint: string;
  readonly clock: ManualClock;
  url(name: string): string;
  /** The MemoryQueue behind a queue: tests may receive from it directly. */
  queue(name: string): MemoryQueue<string>;
  /** Resolves once a ReceiveMessage long poll is waiting in the server (its deadline is set on the clock). */
  polling(): Promise<void>;
  client(): SQSClient;
  stop(): Promise<void>;
}

const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** Aborts when the client closes the connection before the response is sent. */
function hangUp(res: ServerResponse): AbortSignal {
  const ac = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) ac.abort();
  });
  return ac.signal;
}

/** Starts the server with the named queues (dead-letter queues first or anywhere: resolved by name). */
export async function startFakeSqs(queues: Readonly<Record<string, FakeQueueConfig>>, clock = new ManualClock()): Promise<FakeSqs> {
  const mem = new Map<string, MemoryQueue<string>>();
  const make = (name: string): MemoryQueue<string> => {
    let q = mem.get(name);
    if (q) return q;
    const c = queues[name];
    if (!c) throw new Error(`no queue ${name}`);
    const deadLetter = c.deadLetter ? make(c.deadLetter) : undefined;
    q = new MemoryQueue<string>({
      visibilityTimeoutMs: c.visibilityTimeoutMs, maxReceiveCount: c.maxReceiveCount ?? Infinity, clock: clock as Clock,
      ...(deadLetter ? { deadLetter } : {}),
    });
    mem.set(name, q);
    return q;
  };
  for (const name of Object.keys(queues)) make(name);
  const inFlight = new Map<string, QueueMessage<string>>();
  /** Aborted by `stop`: ends every long poll. */
  const stopping = new AbortController();
  let waitingPolls = 0;
  const pollWaiters: (() => void)[] = [];
  let endpoint = '';
  const byUrl = (url: unknown): MemoryQueue<string> | undefined => mem.get(String(url).slice(`${endpoint}/queue/`.length));

  const handle = async (op: string, input: Record<string, unknown>, gone: AbortSignal): Promise<Record<string, unknown>> => {
    const q = byUrl(input.QueueUrl);
    if (!q) throw Object.assign(new Error('The specified queue does not exist.'), { type: 'QueueDoesNotExist' });
    switch (op) {
      case 'SendMessageBatch': {
        const entries = input.Entries as { Id: string; MessageBody: string }[];
        await q.send(entries.map((e) => e.MessageBody));
        return { Successful: entries.map((e, i) => ({ Id: e.Id, MessageId: `sent-${Date.now()}-${i}`, MD5OfMessageBody: md5(e.MessageBody) })), Failed: [] };
      }
      case 'SendMessage': {
        const body = input.MessageBody as string;
        await q.send([body]);
        return { MessageId: `sent-${Date.now()}`, MD5OfMessageBody: md5(body) };
      }
      case 'ReceiveMessage': {
        const max = Number(input.MaxNumberOfMessages ?? 1);
        const wait = Number(input.WaitTimeSeconds ?? 0) * 1000;
        const receiving = q.receive(max, wait, gone);
        if (wait > 0) {
          waitingPolls++;
          for (const resolve of pollWaiters.splice(0)) resolve();
        }
        const got = await receiving.finally(() => {
          if (wait > 0) waitingPolls--;
        });
        for (const m of got) inFlight.set(m.receipt, m);
        return {
          Messages: got.map((m) => ({
            MessageId: m.id, ReceiptHandle: m.receipt, MD5OfBody: md5(m.body), Body: m.body,
            Attributes: { ApproximateReceiveCount: String(m.receiveCount) },
          })),
        };
      }
      case 'DeleteMessage': {
        const m = inFlight.get(String(input.ReceiptHandle));
        if (m) await q.ack(m);
        return {};
      }
      case 'ChangeMessageVisibility': {
        const m = inFlight.get(String(input.ReceiptHandle));
        if (m) await q.release(m, Number(input.VisibilityTimeout ?? 0) * 1000);
        return {};
      }
      default:
        throw Object.assign(new Error(`unsupported operation ${op}`), { type: 'UnsupportedOperation' });
    }
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const op = String(req.headers['x-amz-target'] ?? '').replace(/^AmazonSQS\./, '');
    // A long poll ends when the server stops or the client hangs up (an aborted receive takes nothing).
    const gone = AbortSignal.any([stopping.signal, hangUp(res)]);
    readBody(req).then((input) => handle(op, input, gone)).then((out) => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(out));
    }, (err: Error & { type?: string }) => {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ __type: `com.amazonaws.sqs#${err.type ?? 'InternalError'}`, message: err.message }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    clock,
    url: (name) => `${endpoint}/queue/${name}`,
    queue: (name) => mem.get(name) ?? make(name),
    polling: () => (waitingPolls > 0 ? Promise.resolve() : new Promise<void>((resolve) => pollWaiters.push(resolve))),
    client: () => new SQSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
    stop: async () => {
      stopping.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
