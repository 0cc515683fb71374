/**
 * `--compare-to FILE`: the previous JSON report a local run is compared with. It is read as a
 * stream (core/report-stream.ts: the layouts `--report x.json` and the bucket's `report.json`
 * have) and imported into the run's store as a sorted baseline before the run starts, so a file
 * that is not a report fails at once, with one line, before any image is validated.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { PreviousRun } from '../core/changes.js';
import { reportResults, ReportReadError, type ReportHeadInfo } from '../core/report-stream.js';
import type { ObjectStore } from '../ports.js';
import type { Comparison } from '../pipeline/aggregate.js';
import { importBaseline } from '../pipeline/compare-runs.js';
import { textLines } from '../pipeline/text-lines.js';
import { CliError } from './errors.js';

/** Imports `file` as run `runId`'s baseline; resolves the comparison the run closes with. */
export async function reportComparison(store: ObjectStore, runId: string, file: string): Promise<Comparison> {
  let mtime: Date;
  try {
    const st = await stat(file);
    if (!st.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    mtime = st.mtime;
  } catch (err) {
    throw new CliError('USAGE', `cannot read --compare-to "${file}": ${(err as NodeJS.ErrnoException).code ?? 'error'}`, { cause: err });
  }
  let head: ReportHeadInfo = {};
  let baseline: string;
  try {
    baseline = await importBaseline(store, runId, reportResults(textLines(createReadStream(file)), (h) => { head = h; }));
  } catch (err) {
    if (err instanceof ReportReadError) throw new CliError('USAGE', `--compare-to "${file}" is not a mirror-validate JSON report: ${err.message}`, { cause: err });
    throw err;
  }
  const previous: PreviousRun = {
    runId: typeof head.runId === 'string' ? head.runId : basename(file),
    finishedAt: typeof head.finishedAt === 'string' ? head.finishedAt : mtime.toISOString(),
  };
  return { find: async () => previous, keysOf: async () => baseline };
}
