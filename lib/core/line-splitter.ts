/**
 * Incremental splitting of a list's bytes into lines, for streams of any size.
 *
 * - Lines end at `\n`; a `\r` before it stays in the text and is trimmed by `parseListLine`.
 * - Chunk boundaries may fall anywhere, including inside a UTF-8 sequence.
 * - Each line is decoded on its own with a fatal UTF-8 decoder: an invalid line becomes an
 *   `INVALID_ENCODING` item and the other lines are unaffected. A leading BOM is dropped by the
 *   decoder (and again by `parseListLine`).
 * - Memory is bounded: at most `maxLineBytes` (default 64 KiB) of one line are kept. A longer line
 *   becomes a `LINE_TOO_LONG` item with its full byte length, unless everything past the cap is
 *   spaces, tabs or CR (then it is decoded from the kept bytes as usual).
 * - A NUL byte anywhere throws ListError `NOT_TEXT` ("file is not text (contains NUL bytes)"); the
 *   caller turns it into a fatal error naming the file and discards what it has so far.
 *
 * @example
 * const splitter = new LineSplitter();
 * for await (const chunk of stream) for (const item of splitter.push(chunk)) handle(parseSplitLine(item, settings));
 * for (const item of splitter.end()) handle(parseSplitLine(item, settings));
 */
import { cleanLine, countedText, invalidLine, isComment, ListError, MAX_LINE_LENGTH, parseListLine } from './list.js';
import { quote } from './messages.js';
import type { ListSettings, ParsedLine } from './list.js';

/** One line out of the splitter. `input` (errors only) is a lossy, trimmed rendering, cut to QUOTE_MAX characters. */
export type SplitLine =
  | { readonly lineNo: number; readonly text: string }
  | { readonly lineNo: number; readonly error: 'INVALID_ENCODING'; readonly input: string }
  | { readonly lineNo: number; readonly error: 'LINE_TOO_LONG'; readonly input: string; readonly length: number };

/** Default cap on the bytes kept for one line. */
export const MAX_LINE_BYTES = 64 * 1024;

const NUL_MESSAGE = 'file is not text (contains NUL bytes)';
const fatalDecoder = new TextDecoder('utf-8', { fatal: true });
const lossyDecoder = new TextDecoder('utf-8');

/** Splits a byte stream into numbered lines. Not reusable after `end()`. */
export class LineSplitter {
  private readonly maxLineBytes: number;
  private parts: Uint8Array[] = [];
  private kept = 0;
  private total = 0;
  private overflowText = false;
  private nextLineNo = 1;

  constructor(options: { maxLineBytes?: number } = {}) {
    this.maxLineBytes = Math.max(MAX_LINE_LENGTH, options.maxLineBytes ?? MAX_LINE_BYTES);
  }

  /** Feeds a chunk; returns the lines it completed. @throws ListError `NOT_TEXT` on a NUL byte. */
  push(chunk: Uint8Array): SplitLine[] {
    if (chunk.includes(0)) throw new ListError('NOT_TEXT', NUL_MESSAGE);
    const out: SplitLine[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      this.append(chunk.subarray(start, nl === -1 ? chunk.length : nl));
      if (nl === -1) return out;
      out.push(this.finishLine());
      start = nl + 1;
    }
  }

  /** Ends the stream; returns the last line when the text does not end with `\n`. */
  end(): SplitLine[] {
    return this.total > 0 ? [this.finishLine()] : [];
  }

  private append(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const room = this.maxLineBytes - this.kept;
    if (room > 0) {
      const keep = bytes.slice(0, room); // a copy: the caller may reuse its buffer
      this.parts.push(keep);
      this.kept += keep.length;
    }
    if (bytes.length > room && !this.overflowText) {
      this.overflowText = bytes.subarray(Math.max(room, 0)).some((b) => b !== 0x20 && b !== 0x09 && b !== 0x0d);
    }
    this.total += bytes.length;
  }

  private finishLine(): SplitLine {
    const bytes = concat(this.parts, this.kept);
    const lineNo = this.nextLineNo++;
    const tooLong = this.overflowText;
    const length = this.total;
    this.parts = [];
    this.kept = 0;
    this.total = 0;
    this.overflowText = false;
    if (tooLong) {
      const head = lossy(bytes);
      return { lineNo, error: 'LINE_TOO_LONG', input: head.endsWith('…') ? head : `${head}…`, length };
    }
    try {
      return { lineNo, text: fatalDecoder.decode(bytes) };
    } catch {
      return { lineNo, error: 'INVALID_ENCODING', input: lossy(bytes) };
    }
  }
}

function concat(parts: readonly Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1 && parts[0] !== undefined) return parts[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function lossy(bytes: Uint8Array): string {
  return quote(cleanLine(lossyDecoder.decode(bytes)));
}

/**
 * Turns a splitter item into a parse result (`null` for blank and comment lines). A comment line is
 * a comment even when it is not valid UTF-8 or is too long.
 */
/** True when `item` is a line the list counts (parseSplitLine gives it a result), without parsing it. */
export function counts(item: SplitLine): boolean {
  return 'text' in item ? countedText(item.text) !== null : !isComment(item.input);
}

export function parseSplitLine(item: SplitLine, settings: ListSettings): ParsedLine | null {
  if ('text' in item) return parseListLine(item.text, item.lineNo, settings);
  if (!counts(item)) return null;
  if (item.error === 'INVALID_ENCODING') {
    return invalidLine(item.lineNo, item.input, 'INVALID_ENCODING', 'line is not valid UTF-8');
  }
  return invalidLine(item.lineNo, item.input, 'LINE_TOO_LONG',
    `line is too long (${item.length} bytes, limit ${MAX_LINE_LENGTH} characters)`);
}
