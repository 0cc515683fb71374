/**
 * What the user sees while a run goes on: a progress bar on stderr when stderr is a TTY,
 * plain log lines (one per result) otherwise. Results are printed in hangar's style. Every
 * message is printed with its control characters escaped (list text and registry fields are
 * untrusted); only the bar's own `\r` and erase sequence are sent raw.
 */
import type { LineResult } from '../core/types.js';
import { escapeControls } from '../core/terminal.js';

export interface ProgressSink {
  result(result: LineResult): void;
  info(message: string): void;
  warn(message: string): void;
  /** Total known so far (lines counted by the splitter). */
  total(n: number): void;
  done(): void;
}

interface Stream {
  write(chunk: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

function stamp(now: Date): string {
  return now.toISOString().slice(11, 19);
}

/** One log line for a result, e.g. `FAILED line 4 [src] DIGEST_MISMATCH: source digest ...`. */
export function formatResult(r: LineResult): string {
  if (r.status === 'PASS') return `PASS line ${r.line} ${r.message}`;
  const what = r.source ? `[${r.source}]` : JSON.stringify(r.input.length > 120 ? `${r.input.slice(0, 120)}…` : r.input);
  return `${r.status} line ${r.line} ${what} ${r.code ?? ''}: ${r.message}`;
}

const LEVEL: Record<LineResult['status'], string> = {
  PASS: 'INFO', SKIPPED: 'WARN', FAILED: 'ERRO', ERROR: 'ERRO', INVALID: 'WARN',
};

/** How long plain lines may wait to be written together (one write instead of one per line). */
const FLUSH_MS = 100;

/** Plain lines: `[15:04:05] [INFO] PASS line 1 [...] == [...]`, written at most every 100 ms and on `done`. */
export function plainProgress(out: Stream, clock: () => Date = () => new Date()): ProgressSink {
  let pending = '';
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending === '') return;
    const text = pending;
    pending = '';
    out.write(text);
  };
  const log = (level: string, msg: string): void => {
    pending += `[${stamp(clock())}] [${level}] ${escapeControls(msg)}\n`;
    if (pending.length > 64 * 1024) flush();
    else timer ??= setTimeout(flush, FLUSH_MS);
  };
  return {
    result: (r) => log(LEVEL[r.status], formatResult(r)),
    info: (m) => log('INFO', m),
    warn: (m) => log('WARN', m),
    total: () => undefined,
    done: flush,
  };
}

/** A redrawn single-line bar; non-PASS results are printed above it. */
export function ttyProgress(out: Stream, clock: () => Date = () => new Date()): ProgressSink {
  let total = 0;
  let done = 0;
  let bad = 0;
  let lastDraw = 0;
  const clear = () => out.write('\r\x1b[2K');
  const draw = (force = false) => {
    const now = Date.now();
    if (!force && now - lastDraw < 100) return;
    lastDraw = now;
    const width = Math.max(10, Math.min(40, (out.columns ?? 80) - 50));
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(frac * width);
    const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
    clear();
    out.write(`[${bar}] ${done}/${total || '?'} lines, ${bad} not passing`);
  };
  const above = (line: string) => {
    clear();
    out.write(`[${stamp(clock())}] ${escapeControls(line)}\n`);
    draw(true);
  };
  return {
    result: (r) => {
      done += 1;
      if (r.status !== 'PASS' && r.status !== 'SKIPPED') bad += 1;
      if (r.status !== 'PASS') above(formatResult(r));
      else draw();
    },
    info: (m) => above(`[INFO] ${m}`),
    warn: (m) => above(`[WARN] ${m}`),
    total: (n) => {
      total = n;
      draw(true);
    },
    done: () => {
      draw(true);
      out.write('\n');
    },
  };
}
