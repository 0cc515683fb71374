/**
 * Spawns the real CLI (`node --import tsx`) as a user would, with a time limit, in a temp
 * HOME, and collects exit code, output and peak memory. No vitest imports.
 */
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Spawned {
  /** Exit code; null when killed (by the time limit). */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  /** stderr without the `[maxrss-kib]` line. */
  readonly stderr: string;
  /** Peak RSS in MiB, as the child measured it. */
  readonly maxRssMiB: number | undefined;
  readonly ms: number;
}

/** A fresh temp directory (also used as HOME so no real Docker config is read). */
export function tempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'mv-faults-'));
}

/** Runs `mirror-validate ARGS` (through rss-cli.ts) in `home`; killed after `timeoutMs`. */
export function spawnCli(args: readonly string[], home: string, env: Record<string, string> = {}, timeoutMs = 60_000): Promise<Spawned> {
  const started = Date.now();
  const script = path.join(repoRoot, 'test', 'faults', 'rss-cli.ts');
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: home, ...env },
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
      maxBuffer: 64 * 1024 * 1024,
      encoding: 'utf8',
    }, (err, stdout, stderr) => {
      const m = /\[maxrss-kib\] (\d+)\n?$/.exec(stderr);
      const killed = err && 'signal' in err ? (err.signal as NodeJS.Signals | null) : null;
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({
        code, signal: killed, stdout,
        stderr: m ? stderr.slice(0, m.index) : stderr,
        maxRssMiB: m ? Number(m[1]) / 1024 : undefined,
        ms: Date.now() - started,
      });
    });
  });
}

/** True when `text` shows a stack trace or a source location. */
export function hasStackTrace(text: string): boolean {
  return /\n\s+at \S|node:internal|\.[cm]?[jt]s:\d+:\d+/.test(text);
}
