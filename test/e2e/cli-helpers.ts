/**
 * Runs the real CLI entry (`main`) in-process with captured stderr, for end-to-end tests.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../lib/cli/run.js';

export interface CliRun {
  readonly code: number;
  readonly stderr: string;
  readonly dir: string;
  readonly failedFile: string;
  readonly reportFile: string;
  report(): Promise<{ summary: Record<string, number>; results: Record<string, unknown>[] } & Record<string, unknown>>;
  failed(): Promise<string | null>;
}

function capture() {
  let text = '';
  return { stream: { write: (s: string) => ((text += s), true), isTTY: false }, text: () => text };
}

/** Writes `lines` to a list file in a fresh temp dir and runs the CLI on it; `extraReports` are more `--report` file names in that dir. */
export async function runCli(
  lines: readonly string[], args: readonly string[], env: Record<string, string> = {}, extraReports: readonly string[] = [],
): Promise<CliRun> {
  const dir = await mkdtemp(join(tmpdir(), 'mv-e2e-'));
  const list = join(dir, 'list.txt');
  const failedFile = join(dir, 'failed.txt');
  const reportFile = join(dir, 'report.json');
  await writeFile(list, lines.join('\n') + '\n');
  const err = capture();
  const out = capture();
  const reports = extraReports.flatMap((name) => ['--report', join(dir, name)]);
  const code = await main(
    ['-f', list, '-o', failedFile, '--report', reportFile, ...reports, '--no-cache', ...args],
    { stdout: out.stream, stderr: err.stream, env: { HOME: dir, ...env } },
  );
  return {
    code,
    stderr: err.text() + out.text(),
    dir,
    failedFile,
    reportFile,
    report: async () => JSON.parse(await readFile(reportFile, 'utf8')),
    failed: async () => readFile(failedFile, 'utf8').catch(() => null),
  };
}
