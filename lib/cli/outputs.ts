/**
 * The files a local run leaves: the failed list (`-o`, deleted when nothing failed, as hangar
 * does) and the optional `--report` file.
 */
import { rm, writeFile } from 'node:fs/promises';
import type { LineResult } from '../core/types.js';
import { buildJsonReport, failedFileContent, summarize } from '../core/report.js';
import { CliError } from './errors.js';
import type { CliConfig } from './options.js';

export interface RunTimes {
  readonly startedAt: Date;
  readonly finishedAt: Date;
}

async function write(path: string, content: string): Promise<void> {
  try {
    await writeFile(path, content);
  } catch (err) {
    throw new CliError('OUTPUT_UNWRITABLE', `cannot write "${path}": ${(err as NodeJS.ErrnoException).code ?? 'error'}`, { cause: err });
  }
}

export async function writeOutputs(cfg: CliConfig, results: readonly LineResult[], times: RunTimes): Promise<void> {
  const failed = failedFileContent(results);
  if (failed.length > 0) await write(cfg.failedFile, failed);
  else await rm(cfg.failedFile, { force: true });
  if (cfg.reportFile) {
    const report = buildJsonReport(results, { ...times, settings: cfg.settings });
    await write(cfg.reportFile, `${JSON.stringify(report, null, 2)}\n`);
  }
}

export function summaryLine(results: readonly LineResult[], ms: number): string {
  const s = summarize(results);
  return `validated ${s.total} lines in ${(ms / 1000).toFixed(1)} s: ${s.passed} passed, ${s.failed} failed, `
    + `${s.errors} errors, ${s.skipped} skipped, ${s.invalid} invalid`;
}

/** 0 when every line is PASS or SKIPPED, 1 otherwise. */
export function exitCodeFor(results: readonly LineResult[]): number {
  return results.every((r) => r.status === 'PASS' || r.status === 'SKIPPED') ? 0 : 1;
}
