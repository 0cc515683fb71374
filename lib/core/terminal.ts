/**
 * Text bound for a terminal or a log line: control characters from list text, registry answers
 * or bucket objects are shown escaped, never sent raw, so nothing we print can move the cursor,
 * rewrite the screen, set a window title or forge a second log line. The one home of that rule:
 * the CLI's stderr/stdout lines, its debug traces and the Lambda JSON logs all go through it.
 */

/** C0 controls (newline and tab included), DEL and C1 controls (U+0080–U+009F). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what we escape
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
/** What JSON.stringify leaves raw: DEL, C1 and the JavaScript line separators U+2028/U+2029. */
const JSON_RAW = /[\u007f-\u009f\u2028\u2029]/g;

const SHORT: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` with each control character shown as `\n`, `\r`, `\t` or `\xNN` (ESC becomes `\x1b`). */
export function escapeControls(text: string): string {
  return text.replace(CONTROLS, (c) => SHORT[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** One JSON log line of `value`: JSON.stringify, plus `\uXXXX` for the characters it leaves raw. */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value).replace(JSON_RAW, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
