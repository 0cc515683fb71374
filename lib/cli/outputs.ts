/**
 * The files a local run leaves: the failed list (`-o`, deleted when nothing failed, as hangar
 * does) and the optional `--report` files (JSON, JUnit XML or HTML, by extension).
 */
import { rm, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { LineResult } from '../core/types.js';
import { buildJsonReport, failedFileContent, type JsonReport } from '../core/report.js';
import { renderReport, reportFormatOf } from '../report/format.js';
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
  if (cfg.reportFiles.length > 0) {
    const report = buildJsonReport(results, { ...times, settings: cfg.settings });
    await writeReports(cfg.reportFiles, report, basename(cfg.file));
  }
}

/** Writes `report` to each of `files`, in the format its extension names (checked by parseCli). */
export async function writeReports(files: readonly string[], report: JsonReport, listName: string): Promise<void> {
  for (const file of files) {
    const format = reportFormatOf(file);
    if (!format) throw new CliError('USAGE', `unsupported report format "${file}": use a .json, .xml or .html file`);
    await write(file, renderReport(format, report, listName));
  }
}

