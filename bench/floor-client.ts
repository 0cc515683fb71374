/**
 * The floor client: a bare keep-alive `node:http`/`node:https` client that makes only the
 * cold-run minimum per image (GET the source tag and GET the destination tag in parallel, then
 * HEAD each matching destination child; plus the config blob GET of a single-image source) at a
 * fixed concurrency. No parsing beyond what the requests need, no digest checks, no reporting,
 * no HTTP library: the lower bound of what any validating client in Node must spend. Runs as its
 * own process (bundled by the bench).
 *
 * Usage: node floor-client.mjs <job.json>; Basic credentials of the destination in
 * `BENCH_DEST_USER`/`BENCH_DEST_PASSWORD`. Prints `{"images":n,"passed":n,"requests":n}`.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';

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

const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true, rejectUnauthorized: false }),
};

/** One request: the status, and for a 200 GET the parsed JSON body. */
function send(url: string, headers: Record<string, string>, method: 'GET' | 'HEAD'): Promise<Parsed | number> {
  const u = new URL(url);
  const mod = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(u, { method, headers, agent: agents[u.protocol as 'http:' | 'https:'] }, (res) => {
      const status = res.statusCode ?? 0;
      if (method === 'HEAD' || status !== 200) {
        res.resume();
        res.on('end', () => resolve(status));
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Parsed));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function main(): Promise<void> {
  const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as FloorJob;
  const user = process.env.BENCH_DEST_USER ?? '';
  const auth = `Basic ${Buffer.from(`${user}:${process.env.BENCH_DEST_PASSWORD ?? ''}`).toString('base64')}`;
  let requests = 0;
  const get = (url: string, headers: Record<string, string>, method: 'GET' | 'HEAD' = 'GET'): Promise<Parsed | number> => {
    requests++;
    return send(url, headers, method);
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
  for (const a of Object.values(agents)) a.destroy();
  process.stdout.write(`${JSON.stringify({ images: job.items.length, passed, requests })}\n`);
}

await main();
