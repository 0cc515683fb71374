/**
 * Object key rules shared by every ObjectStore adapter, so that a key accepted by one
 * adapter is accepted by all of them (the directory store needs them for safety; S3 would
 * accept more, but then the two modes would diverge). Also the local adapters' ETag and folder
 * rules, which follow S3's.
 */
import { createHash } from 'node:crypto';
import { AdapterError } from './errors.js';

/** Keys are at most this many UTF-8 bytes (the S3 limit). */
export const MAX_KEY_BYTES = 1024;

/** The directory store's metadata sidecars and temporary files. */
export const META_DIR = '.mv-meta';
export const TMP_DIR = '.mv-tmp';
/** First path segments the directory store keeps for itself. */
export const RESERVED_SEGMENTS: readonly string[] = [META_DIR, TMP_DIR];

// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f\\]/;

/**
 * Throws `AdapterError('INVALID_KEY')` unless `key` is a relative `/`-separated path with
 * non-empty segments other than `.` and `..`.
 *
 * @example
 * assertValidKey('runs/r1/run.json'); // ok
 * assertValidKey('../etc/passwd');    // throws INVALID_KEY
 */
export function assertValidKey(key: string): void {
  const reason = keyProblem(key);
  if (reason) throw new AdapterError('INVALID_KEY', `invalid object key ${JSON.stringify(key.slice(0, 200))}: ${reason}`);
}

function keyProblem(key: string): string | null {
  if (key.length === 0) return 'empty key';
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) return `longer than ${MAX_KEY_BYTES} bytes`;
  if (FORBIDDEN.test(key)) return 'control character or backslash';
  if (key.startsWith('/')) return 'absolute key';
  const segments = key.split('/');
  if (segments.some((s) => s === '')) return 'empty path segment';
  if (segments.some((s) => s === '.' || s === '..')) return '"." or ".." segment';
  if (RESERVED_SEGMENTS.includes(segments[0]!)) return 'reserved prefix';
  return null;
}

/**
 * Lexicographic order of keys by UTF-8 bytes, as S3 lists them. UTF-8 byte order is code point
 * order, which is UTF-16 code unit order except that a surrogate (a code point above U+FFFF)
 * sorts after U+E000..U+FFFF; so no key is encoded (listings sort hundreds of thousands).
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** Body as bytes (strings are UTF-8 encoded, once). Always bytes no caller holds. */
export function toBytes(body: Uint8Array | string): Uint8Array {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : new Uint8Array(body);
}

/** The ETag S3 gives an object put in one part: the quoted MD5 of its bytes. */
export function etagOf(bytes: Uint8Array): string {
  return `"${createHash('md5').update(bytes).digest('hex')}"`;
}

/** The ETag of streamed bytes (see {@link etagOf}). */
export async function etagOfStream(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const md5 = createHash('md5');
  for await (const c of chunks) md5.update(c);
  return `"${md5.digest('hex')}"`;
}

/**
 * The folder directly under `prefix` that `key` is in (`prefix + segment + '/'`), or null when
 * `key` is not under `prefix` or sits directly in it.
 *
 * @example
 * folderOf('runs/', 'runs/r1/run.json'); // 'runs/r1/'
 * folderOf('runs/', 'runs/x.json');      // null
 */
export function folderOf(prefix: string, key: string): string | null {
  if (!key.startsWith(prefix)) return null;
  const slash = key.indexOf('/', prefix.length);
  return slash < 0 ? null : key.slice(0, slash + 1);
}
