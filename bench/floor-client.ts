/**
 * The floor client: a bare keep-alive undici client that makes only the cold-run minimum per
 * image (GET the source tag, GET the destination tag in parallel, then HEAD each matching
 * destination child; plus the config blob GET of a single-image source) at a fixed concurrency.
 * No parsing beyond what the requests need, no digest checks, no reporting: the lower bound of
 * what any validating client must spend. Runs as its own process (bundled by the bench).
 *
 * Usage: node floor-client.mjs <job.json>; Basic credentials of the destination in
 * `BENCH_DEST_USER`/`BENCH_DEST_PASSWORD`. Prints `{"images":n,"passed":n,"requests":n}`.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';

/** The job file. */
export interface FloorJob {
  readonly srcOrigin: string;
  readonly dstOrigin: string;
  readonly concurrency: number;
  readonly arch: readonly string[];
  /** [source repo, destination repo, tag] */
  readonly items: readonly (readonly [string, string, string])[];
}

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json', 'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json', 'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

interface Parsed { manifests?: { digest: string; platform?: { architecture?: string } }[]; config?: { digest: string } }

async function main(): Promise<void> {
  const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as FloorJob;
  const user = process.env.BENCH_DEST_USER ?? '';
  const auth = `Basic ${Buffer.from(`${user}:${process.env.BENCH_DEST_PASSWORD ?? ''}`).toString('base64')}`;
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 32, connect: { rejectUnauthorized: false } });
  let requests = 0;
  const get = async (url: string, headers: Record<string, string>, method: 'GET' | 'HEAD' = 'GET'): Promise<Parsed | number> => {
    requests++;
    const res = await request(url, { dispatcher: agent, method, headers });
    if (method === 'HEAD') {
      await res.body.dump();
      return res.statusCode;
    }
    if (res.statusCode !== 200) {
      await res.body.dump();
      return res.statusCode;
    }
    return (await res.body.json()) as Parsed;
  };
  const src = { accept: ACCEPT };
  const dst = { accept: ACCEPT, authorization: auth };
  let passed = 0;
  const one = async ([repo, destRepo, tag]: readonly [string, string, string]): Promise<void> => {
    const [s, d] = await Promise.all([
      get(`${job.srcOrigin}/v2/${repo}/manifests/${tag}`, src),
      get(`${job.dstOrigin}/v2/${destRepo}/manifests/${tag}`, dst),
    ]);
    if (typeof s === 'number' || typeof d === 'number') return;
    const pending: Promise<unknown>[] = [];
    if (!s.manifests && s.config) pending.push(get(`${job.srcOrigin}/v2/${repo}/blobs/${s.config.digest}`, {}));
    const children = (d.manifests ?? []).filter((m) => job.arch.includes(m.platform?.architecture ?? ''));
    for (const c of children) pending.push(get(`${job.dstOrigin}/v2/${destRepo}/manifests/${c.digest}`, dst, 'HEAD'));
    const results = await Promise.all(pending);
    if (results.every((r) => r === 200 || typeof r === 'object')) passed++;
  };
  let next = 0;
  await Promise.all(Array.from({ length: job.concurrency }, async () => {
    while (next < job.items.length) await one(job.items[next++]!);
  }));
  await agent.close();
  process.stdout.write(`${JSON.stringify({ images: job.items.length, passed, requests })}\n`);
}

await main();
