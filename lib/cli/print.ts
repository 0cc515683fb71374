/** One line of CLI output: control characters escaped (core/terminal.ts), then a newline. */
import { escapeControls } from '../core/terminal.js';

/** The part of a stream a line is written to. */
export interface LineSink {
  write(chunk: string): boolean;
}

/** Writes `text` as one line, its control characters escaped. */
export function writeLine(out: LineSink, text: string): void {
  out.write(`${escapeControls(text)}\n`);
}
