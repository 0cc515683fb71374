/**
 * Measuring a client process: wall time from spawn to exit, CPU seconds of the process and
 * every descendant it waited for (the growth of this process's `cutime + cstime` in
 * /proc/self/stat, which the kernel adds when a child is reaped), and peak RSS through
 * `/usr/bin/time -f %M` when available. Clients run one at a time, so nothing else is reaped
 * in between.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';

/** Clock ticks per second of /proc times (USER_HZ, 100 on Linux). */
const TICKS = 100;
const TIME_BIN = '/usr/bin/time';

/** CPU seconds (user + system) of reaped descendants of this process so far. */
export function childCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / TICKS;
}

/** What one measured process did. */
export interface ProcessResult {
  readonly code: number;
  readonly wallMs: number;
  readonly cpuSeconds: number;
  /** Peak resident set, MiB (undefined without /usr/bin/time). */
  readonly maxRssMb?: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `cmd args` to completion and measures it (see the module doc). */
export async function runMeasured(
  cmd: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<ProcessResult> {
  const useTime = existsSync(TIME_BIN);
  const rssFile = path.join(tmpdir(), `bench-rss-${randomUUID()}`);
  const [bin, argv] = useTime ? [TIME_BIN, ['-f', '%M', '-o', rssFile, cmd, ...args]] : [cmd, [...args]];
  const cpu0 = childCpuSeconds();
  const t0 = performance.now();
  const child = spawn(bin, argv, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr = (stderr + d).slice(-20_000); });
  const code = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c) => resolve(c ?? 2));
  });
  const wallMs = performance.now() - t0;
  const cpuSeconds = childCpuSeconds() - cpu0;
  let maxRssMb: number | undefined;
  if (useTime) {
    const kb = Number((await readFile(rssFile, 'utf8').catch(() => '')).trim().split('\n').pop());
    if (Number.isFinite(kb) && kb > 0) maxRssMb = kb / 1024;
    await rm(rssFile, { force: true });
  }
  return { code, wallMs, cpuSeconds, ...(maxRssMb !== undefined ? { maxRssMb } : {}), stdout, stderr };
}

/** Median of numbers (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
