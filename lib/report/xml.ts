/**
 * XML 1.0 text helpers for the JUnit report: escaping for text and attributes, and removal of
 * characters XML 1.0 does not allow at all (control characters, lone surrogates, U+FFFE/U+FFFF).
 */

// Everything outside XML 1.0's Char production; with the `u` flag lone surrogates match too.
const ILLEGAL = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** `s` without the characters XML 1.0 forbids. */
export function stripIllegalXml(s: string): string {
  return s.replace(ILLEGAL, '');
}

/** Escapes `s` for element content (after stripping illegal characters). */
export function xmlText(s: string): string {
  return stripIllegalXml(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes `s` for a double-quoted attribute value; newlines and tabs survive attribute normalisation. */
export function xmlAttr(s: string): string {
  return xmlText(s)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

/** ` name="value"` pairs for the defined entries of `attrs`, in order. */
export function xmlAttrs(attrs: Readonly<Record<string, string | number | undefined>>): string {
  let out = '';
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) out += ` ${k}="${xmlAttr(String(v))}"`;
  return out;
}
