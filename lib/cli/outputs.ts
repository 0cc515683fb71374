/**
 * The files a local run leaves: the failed list (`-o`, deleted when nothing failed, as hangar
 * does) and the optional `--report` files (JSON, JUnit XML or HTML, by extension).
 */
import { rm } from 'node:fs/promises';
import { reportFormatOf, type ReportFormat } from '../report/format.js';
import { fileWriter } from '../adapters/local/file-writer.js';
import type { LocalOutputs } from '../pipeline/local-run.js';
import { CliError } from './errors.js';
import type { CliConfig } from './options.js';

function unwritable(path: string, err: unknown): CliError {
  return new CliError('OUTPUT_UNWRITABLE', `cannot write "${path}": ${(err as NodeJS.ErrnoException).code ?? 'error'}`, { cause: err });
}

/** Where a local run's reports and failed file go: each `--report` file and `-o`, written whole on close. */
export function localOutputs(cfg: CliConfig): LocalOutputs {
  return {
    keep: cfg.workDir !== undefined,
    reports: cfg.reportFiles.map((file) => ({ format: formatOf(file), writer: outputFile(file) })),
    failed: () => [outputFile(cfg.failedFile)],
  };
}

/** Deletes a stale failed file (nothing failed), as hangar does. */
export async function removeFailedFile(path: string): Promise<void> {
  try {
    await rm(path, { force: true });
  } catch (err) {
    throw unwritable(path, err);
  }
}

/** A writer of the local file `path`, written whole on close. */
export function outputFile(path: string) {
  return fileWriter(path, (err) => unwritable(path, err));
}

/** The format of a `--report` file (checked by the flag parsers). */
export function formatOf(file: string): ReportFormat {
  const format = reportFormatOf(file);
  if (!format) throw new CliError('USAGE', `unsupported report format "${file}": use a .json, .xml or .html file`);
  return format;
}
