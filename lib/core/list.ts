/**
 * Image list lines (SPEC §2). One line gives an image pair, an INVALID result, or nothing.
 *
 * - Each line's raw text loses a leading UTF-8 BOM (`\uFEFF`, on any line, not only line 1), then
 *   is trimmed (`String.prototype.trim`: spaces, tabs, CR and other Unicode white space).
 * - Blank lines and comment lines (starting with `#` or `//` after trimming) give `null`.
 *   Comments are recognised before the length check, so an over-long comment is still a comment.
 * - Lines longer than {@link MAX_LINE_LENGTH} characters (after trimming) are `LINE_TOO_LONG`.
 * - Fields are separated by any run of spaces and tabs.
 * - Mirror format, 3 fields `SOURCE DESTINATION TAG`: SOURCE and DESTINATION are names without
 *   tag or digest; the source is `constructSource(SOURCE, -s):TAG`, the destination
 *   `constructDestination(DESTINATION, -d, defaultProject):TAG` (see overrides.ts).
 * - Default format, 1 field `[registry/]repo[:tag][@digest]`: the name part gets the `-s` override
 *   for the source and the `-d` override plus default project for the destination, exactly as in
 *   the mirror format. The source keeps the line's tag and digest (tag `latest` when it has
 *   neither); with a digest, the source is inspected by digest. The destination gets the line's tag,
 *   or `latest`, and never a digest (a mirror tool pushes by tag). Without `-d` the destination
 *   registry is the line's own registry: callers should require `-d` for default-format lists.
 * - Any other shape is `INVALID_FORMAT`; a bad reference or tag is `INVALID_REFERENCE`.
 *   INVALID messages start with `line N: ` and quote offending text at most QUOTE_MAX (200)
 *   characters long; an INVALID result's `input` is cut the same way.
 *
 * An empty list (no line left after blanks and comments) is fatal: the splitter and the CLI refuse it.
 */
import { MirrorValidateError } from './errors.js';
import { quote } from './messages.js';
import { constructDestination, constructSource } from './overrides.js';
import { checkTag, DEFAULT_TAG, parseReference, RefError, splitReference } from './ref.js';
import type { RunSettings } from './settings.js';
import type { ImageItem, ImageRef, InvalidCode } from './types.js';

/** Longest accepted line, in characters after trimming. */
export const MAX_LINE_LENGTH = 4096;

/** Fatal list problems. `NOT_TEXT`: NUL bytes. */
export type ListErrorCode = 'NOT_TEXT';

/** A list that cannot be processed at all (the CLI exits 2). */
export class ListError extends MirrorValidateError<ListErrorCode> {}

/** The settings that line parsing needs. */
export type ListSettings = Pick<RunSettings, 'sourceRegistry' | 'destRegistry' | 'defaultProject'>;

/** A line that names an image pair to validate. `input` is the trimmed line. */
export interface ImageLine extends ImageItem {
  readonly kind: 'image';
}

/** A line that could not be parsed; `message` starts with `line N: `. */
export interface InvalidLine {
  readonly kind: 'invalid';
  readonly line: number;
  readonly input: string;
  readonly code: InvalidCode;
  readonly message: string;
}

export type ParsedLine = ImageLine | InvalidLine;

/** The trimmed, BOM-less text of a raw line. */
export function cleanLine(raw: string): string {
  return raw.replace(/^\uFEFF/, '').trim();
}

/** True for `#` and `//` comment lines (of already trimmed text). */
export function isComment(trimmed: string): boolean {
  return trimmed.startsWith('#') || trimmed.startsWith('//');
}

/**
 * Builds an INVALID result. The line's text is kept at most QUOTE_MAX characters long (with `…`):
 * a bad line is never echoed whole, so 10,000 long bad lines make a report of a few MB.
 */
export function invalidLine(line: number, input: string, code: InvalidCode, reason: string): InvalidLine {
  return { kind: 'invalid', line, input: quote(input), code, message: `line ${line}: ${reason}` };
}

function noTagOrDigest(column: string, name: string): void {
  const last = name.split('/').pop() ?? '';
  if (name.includes('@') || last.includes(':')) {
    throw new RefError(`${column} "${quote(name)}" must not contain a tag or digest (the tag goes in the TAG column)`);
  }
}

/**
 * Parses a name built by `constructRegistry` (its first segment is always the registry) plus its
 * tag/digest suffix, prefixing errors with the column they come from.
 */
function refIn(column: string, text: string): ImageRef {
  try {
    return parseReference(text, { explicitRegistry: true });
  } catch (err) {
    if (err instanceof RefError) throw new RefError(`${column}: ${err.message}`, { cause: err });
    throw err;
  }
}

function mirrorLine(fields: readonly [string, string, string], s: ListSettings): [ImageRef, ImageRef] {
  const [src, dst, tag] = fields;
  noTagOrDigest('source', src);
  noTagOrDigest('destination', dst);
  checkTag(tag);
  return [
    refIn('source', `${constructSource(src, s.sourceRegistry)}:${tag}`),
    refIn('destination', `${constructDestination(dst, s.destRegistry, s.defaultProject)}:${tag}`),
  ];
}

function defaultLine(text: string, s: ListSettings): [ImageRef, ImageRef] {
  parseReference(text); // validates the line as written, with its own error messages
  const { name, tag, digest } = splitReference(text);
  const suffix = `${tag !== undefined ? `:${tag}` : ''}${digest !== undefined ? `@${digest}` : ''}`;
  return [
    refIn('source', `${constructSource(name, s.sourceRegistry)}${suffix}`),
    refIn('destination', `${constructDestination(name, s.destRegistry, s.defaultProject)}:${tag ?? DEFAULT_TAG}`),
  ];
}

/**
 * Parses one list line.
 *
 * @param raw the line without its `\n` (a trailing `\r` is trimmed).
 * @param lineNo 1-based line number, used in results and messages.
 * @returns `null` for blank and comment lines.
 */
/** The cleaned text of a line that counts (an image or invalid line); null for a blank or comment line. */
export function countedText(raw: string): string | null {
  const text = cleanLine(raw);
  return text === '' || isComment(text) ? null : text;
}

export function parseListLine(raw: string, lineNo: number, settings: ListSettings): ParsedLine | null {
  const text = countedText(raw);
  if (text === null) return null;
  if (text.length > MAX_LINE_LENGTH) {
    return invalidLine(lineNo, text, 'LINE_TOO_LONG',
      `line is too long (${text.length} characters, limit ${MAX_LINE_LENGTH})`);
  }
  const fields = text.split(/[ \t]+/);
  try {
    let refs: [ImageRef, ImageRef];
    if (fields.length === 3) refs = mirrorLine(fields as [string, string, string], settings);
    else if (fields.length === 1) {
      // Without -d (or -s) the destination would be the source itself: a PASS that proves nothing.
      if (!settings.destRegistry && !settings.sourceRegistry) {
        return invalidLine(lineNo, text, 'INVALID_FORMAT',
          'a one-reference line needs a destination registry: set -d/--destination or DEST_REGISTRY');
      }
      refs = defaultLine(text, settings);
    }
    else {
      return invalidLine(lineNo, text, 'INVALID_FORMAT',
        `expected "SOURCE DESTINATION TAG" or one image reference, got ${fields.length} fields`);
    }
    return { kind: 'image', line: lineNo, input: text, source: refs[0], destination: refs[1] };
  } catch (err) {
    if (err instanceof RefError) return invalidLine(lineNo, text, 'INVALID_REFERENCE', err.message);
    throw err;
  }
}
