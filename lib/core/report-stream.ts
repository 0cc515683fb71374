/**
 * Reads a JSON report as a stream of lines, result by result, without holding it: the layouts
 * this tool writes are recognised from their first lines, the bucket's (compact, one result per
 * line) and `--report x.json`'s (`JSON.stringify(report, null, 2)`). Everything outside the arrays
 * (summary, run id, times, and the changes' counts) is kept and parsed at the end. A report in any
 * other layout is parsed whole, up to `maxWholeBytes`.
 */
import type { ReportLine } from './report.js';
import type { Status } from './types.js';

const STATUSES: readonly Status[] = ['PASS', 'FAILED', 'ERROR', 'SKIPPED', 'INVALID'];

export class ReportReadError extends Error {}

/** What a report says outside its arrays. */
export interface ReportHeadInfo {
  readonly runId?: string;
  readonly finishedAt?: string;
  readonly startedAt?: string;
}

/** The checked fields of one result, as a comparison needs them. */
function checkLine(value: unknown, n: number): ReportLine {
  const r = value as Record<string, unknown>;
  const bad = (what: string): never => { throw new ReportReadError(`result ${n}: ${what}`); };
  if (typeof r !== 'object' || r === null) return bad('not an object');
  if (typeof r.line !== 'number' || !Number.isSafeInteger(r.line) || r.line < 1) bad('line is not a whole number ≥ 1');
  if (typeof r.input !== 'string') bad('input is not a string');
  if (!STATUSES.includes(r.status as Status)) bad(`status is not one of ${STATUSES.join(', ')}`);
  if (r.code !== null && r.code !== undefined && typeof r.code !== 'string') bad('code is not a string');
  if (typeof r.message !== 'string') bad('message is not a string');
  for (const k of ['source', 'destination']) if (r[k] !== undefined && typeof r[k] !== 'string') bad(`${k} is not a string`);
  return r as unknown as ReportLine;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ReportReadError(`${what} is not valid JSON`);
  }
}

/** An element of one of a report's arrays (`results`, `newlyFailing`, `recovered`), unchecked. */
export interface ReportItem {
  readonly array: string;
  /** 1-based position in its array. */
  readonly index: number;
  readonly value: unknown;
}

/**
 * The elements of the report's arrays in `lines`, in file order (the results, then the changes'
 * lists); `onHead` gets everything else at the end: the report with its arrays empty.
 * @throws ReportReadError naming the part that does not fit.
 */
export async function* reportItems(lines: AsyncIterable<string>, onHead: (head: Record<string, unknown>) => void, maxWholeBytes = 256 * 1024 * 1024): AsyncGenerator<ReportItem> {
  const it = lines[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) throw new ReportReadError('the report is empty');
  const second = first.value === '{' ? await it.next() : undefined;
  const layout = first.value.startsWith('{"summary":') && first.value.endsWith('"results":[') ? 'compact'
    : second && !second.done && second.value.startsWith('  "summary": {') ? 'pretty' : 'whole';
  const skeleton: string[] = [first.value];
  if (second && !second.done) skeleton.push(second.value);
  const counts = new Map<string, number>();
  const item = (array: string, value: unknown): ReportItem => {
    const index = (counts.get(array) ?? 0) + 1;
    counts.set(array, index);
    return { array, index, value };
  };
  if (layout === 'whole') {
    let size = skeleton.join('\n').length;
    for (let next = await it.next(); !next.done; next = await it.next()) {
      size += next.value.length + 1;
      if (size > maxWholeBytes) throw new ReportReadError(`the report is larger than ${maxWholeBytes} bytes and not in a layout this tool writes`);
      skeleton.push(next.value);
    }
    const whole = parseJson(skeleton.join('\n'), 'the report') as Record<string, unknown> & { results?: unknown; changes?: Record<string, unknown> };
    if (typeof whole !== 'object' || whole === null || !Array.isArray(whole.results)) {
      onHead(whole); // the caller's check of the head says what is wrong
      return;
    }
    for (const r of whole.results) yield item('results', r);
    const changes = typeof whole.changes === 'object' && whole.changes !== null ? whole.changes : undefined;
    for (const list of ['newlyFailing', 'recovered']) if (changes && Array.isArray(changes[list])) for (const e of changes[list] as unknown[]) yield item(list, e);
    onHead({ ...whole, results: [], ...(changes ? { changes: { ...changes, newlyFailing: [], recovered: [] } } : {}) });
    return;
  }
  // Compact: one item per line between a line ending in `[` and a line starting with `]`.
  // Pretty: items are the lines from `{` to `}` at the array's item indentation.
  let array: { name: string; indent: number } | null = opening(first.value, layout);
  let itemLines: string[] = [];
  for (let next = await it.next(); !next.done; next = await it.next()) {
    const line = next.value;
    if (!array) {
      skeleton.push(line);
      array = opening(line, layout);
      continue;
    }
    const trimmed = line.trimStart();
    const indent = line.length - trimmed.length;
    if (trimmed.startsWith(']') && (layout === 'compact' || indent === array.indent - 2)) {
      skeleton.push(line);
      array = opening(line, layout);
      continue;
    }
    if (layout === 'pretty') {
      itemLines.push(line);
      if (!(indent === array.indent && (trimmed === '}' || trimmed === '},'))) continue;
    } else {
      itemLines = [line];
    }
    const text = itemLines.join('\n').replace(/,\s*$/, '');
    itemLines = [];
    yield item(array.name, parseJson(text, `${array.name === 'results' ? 'result' : `${array.name} entry`} ${(counts.get(array.name) ?? 0) + 1}`));
  }
  if (array) throw new ReportReadError('the report ends inside an array');
  onHead(parseJson(skeleton.join('\n'), 'the report\'s head') as Record<string, unknown>);
}

/**
 * The results of the report in `lines`, in file order; `onHead` gets the head at the end.
 * @throws ReportReadError naming the result or part that does not fit.
 */
export async function* reportResults(lines: AsyncIterable<string>, onHead: (head: ReportHeadInfo) => void, maxWholeBytes = 256 * 1024 * 1024): AsyncGenerator<ReportLine> {
  const head = (h: Record<string, unknown>): void => {
    if (typeof h !== 'object' || h === null || !Array.isArray(h.results)) throw new ReportReadError('the report has no results array');
    onHead(h as ReportHeadInfo);
  };
  for await (const i of reportItems(lines, head, maxWholeBytes)) if (i.array === 'results') yield checkLine(i.value, i.index);
}

/** The arrays that are streamed; any other (the settings' `arch`, say) is part of the head. */
const STREAMED = new Set(['results', 'newlyFailing', 'recovered']);

/** The streamed array a line opens (`"name": [` at its end), with the indentation of its items. */
function opening(line: string, layout: 'compact' | 'pretty'): { name: string; indent: number } | null {
  const m = /"([A-Za-z]+)": ?\[$/.exec(line);
  if (!m || !STREAMED.has(m[1]!)) return null;
  return { name: m[1]!, indent: layout === 'pretty' ? line.length - line.trimStart().length + 2 : 0 };
}
