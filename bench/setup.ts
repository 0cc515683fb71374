/**
 * The bench environment: the three harness registries (plain source; TLS + htpasswd
 * destination; bearer-token destination), a counting proxy in front of each, the generated
 * images, list files per target, a containers auth.json for skopeo, the built CLI and the
 * bundled floor client.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { generateTestPki } from '../testbed/certs.js';
import { closeClients } from '../testbed/registry-client.js';
import { startRegistries, type Harness } from '../testbed/registry-harness.js';
import { startCountingProxy, type CountingProxy } from './counting-proxy.js';
import { generateImages, type BenchImage } from './generate.js';

const run = promisify(execFile);

export interface BenchEnv {
  readonly root: string;
  readonly dir: string;
  readonly harness: Harness;
  readonly proxies: { readonly source: CountingProxy; readonly destination: CountingProxy };
  readonly images: readonly BenchImage[];
  readonly generateMs: number;
  /** containers auth.json (0600) with the destination credentials of every destination host. */
  readonly authFile: string;
  /** Bundled floor client. */
  readonly floorScript: string;
  /** Writes a mirror-format list of `images` from `srcHost` to `dstHost`; returns its path. */
  writeList(name: string, images: readonly BenchImage[], srcHost: string, dstHost: string): Promise<string>;
  close(): Promise<void>;
}

/** The repository root (bench/ is one level below). */
export function repoRoot(): string {
  return path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
}

/** Bundles a bench script for Node (so tsx never runs inside a measured process). */
export async function bundle(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry], outfile, bundle: true, platform: 'node', target: 'node20', format: 'esm',
    logLevel: 'error', banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
  });
}

/** Starts everything and generates `n` images (and `subsetN` in the token registry). */
export async function setupBench(o: { n: number; subsetN: number; build: boolean; log: (s: string) => void }): Promise<BenchEnv> {
  const root = repoRoot();
  if (o.build) {
    o.log('building dist/ (npm run build)');
    await run('npm', ['run', 'build', '--silent'], { cwd: root });
  }
  const work = path.join(root, '.tmp', 'bench');
  await mkdir(work, { recursive: true });
  const dir = await mkdtemp(path.join(work, 'run-'));
  const floorScript = path.join(dir, 'floor-client.mjs');
  await bundle(path.join(root, 'bench', 'floor-client.ts'), floorScript);
  o.log('starting registries');
  const harness = await startRegistries();
  try {
    const pki = await generateTestPki(await mkdtemp(path.join(os.tmpdir(), 'bench-pki-')));
    const source = await startCountingProxy({ upstream: harness.plain.url });
    const destination = await startCountingProxy({
      upstream: harness.tls.url, upstreamCa: harness.caPem, tls: { cert: pki.serverCertPem, key: pki.serverKeyPem },
    });
    o.log(`generating ${o.n} images (${o.subsetN} also in the token registry)`);
    const t0 = performance.now();
    const images = await generateImages(o.n, harness.plain, harness.tls, { dests: [harness.token], n: o.subsetN }, 24);
    const generateMs = performance.now() - t0;
    await closeClients();
    const basic = Buffer.from(`${harness.tls.username}:${harness.tls.password}`).toString('base64');
    const authFile = path.join(dir, 'auth.json');
    const auths = Object.fromEntries([harness.tls.host, destination.host, harness.token.host].map((h) => [h, { auth: basic }]));
    await writeFile(authFile, JSON.stringify({ auths }), { mode: 0o600 });
    return {
      root, dir, harness, proxies: { source, destination }, images, generateMs, authFile, floorScript,
      async writeList(name, list, srcHost, dstHost) {
        const file = path.join(dir, `${name}.txt`);
        await writeFile(file, list.map((i) => `${srcHost}/${i.repo} ${dstHost}/${i.destRepo} ${i.tag}`).join('\n') + '\n');
        return file;
      },
      async close() {
        await Promise.all([source.close(), destination.close()]);
        await harness.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await harness.stop();
    throw err;
  }
}
