/** Escaping for the HTML report: text and attribute values, and JSON inside a `<script>` block. */

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes `s` for HTML text and quoted attribute values. Numbers go through it too: a report
 * read back from a bucket may carry a string where a count belongs.
 */
export function escapeHtml(s: string | number): string {
  return String(s).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/**
 * `value` as JSON that is safe inside `<script type="application/json">`: `<`, `>` and `&` become
 * `\u003c`, `\u003e`, `\u0026`, so no input can close the element or open a comment, and U+2028/2029
 * are escaped too. `JSON.parse` of the element's text gives `value` back.
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
