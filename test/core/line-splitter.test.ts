import { describe, expect, it } from 'vitest';
import { LineSplitter, parseSplitLine } from '../../lib/core/line-splitter.js';
import type { SplitLine } from '../../lib/core/line-splitter.js';
import { ListError, parseListLine } from '../../lib/core/list.js';
import { countListStream, parseListStream } from '../../lib/core/list-stream.js';
import type { ListSettings } from '../../lib/core/list.js';

const SETTINGS: ListSettings = { destRegistry: 'reg.io', defaultProject: 'library' };
const enc = new TextEncoder();

function bytes(...parts: (string | number[])[]): Uint8Array {
  const arrays = parts.map((p) => (typeof p === 'string' ? enc.encode(p) : Uint8Array.from(p)));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

function split(data: Uint8Array, chunkSize: number, options?: { maxLineBytes?: number }): SplitLine[] {
  const s = new LineSplitter(options);
  const out: SplitLine[] = [];
  for (let i = 0; i < data.length; i += chunkSize) out.push(...s.push(data.subarray(i, i + chunkSize)));
  out.push(...s.end());
  return out;
}

const TEXT = '\uFEFF# héllo wörld\r\nnginx mirrored-nginx 1.23\r\n\r\n  quay.io/a/b:1\t\n'
  + 'café/x\nbad line\n// c\nlast.io/z:9';

describe('LineSplitter', () => {
  it('numbers every line, including blank ones, and keeps a last line without \\n', () => {
    const items = split(enc.encode('a\n\nb\r\nc'), 1024);
    expect(items).toEqual([
      { lineNo: 1, text: 'a' }, { lineNo: 2, text: '' }, { lineNo: 3, text: 'b\r' }, { lineNo: 4, text: 'c' },
    ]);
    expect(split(enc.encode('a\n'), 1024)).toEqual([{ lineNo: 1, text: 'a' }]);
    expect(split(new Uint8Array(0), 1024)).toEqual([]);
  });

  it.each([1, 2, 3, 7, 1000])('gives the same lines for %i-byte chunks as parsing each line of the text', (size) => {
    const items = split(enc.encode(TEXT), size);
    const parsed = items.map((i) => parseSplitLine(i, SETTINGS)).filter((p) => p !== null);
    const oracle = TEXT.split('\n').map((raw, i) => parseListLine(raw, i + 1, SETTINGS)).filter((p) => p !== null);
    expect(parsed).toEqual(oracle);
    expect(parsed.map((p) => p.line)).toEqual([2, 4, 5, 6, 8]);
    expect(items.map((i) => ('text' in i ? i.text : i.error))).toEqual(TEXT.replace(/^\uFEFF/, '').split('\n'));
  });

  it('turns a line with invalid UTF-8 into INVALID_ENCODING and leaves the others alone', () => {
    const data = bytes('nginx\n', 'caf', [0xe9], '/x 1 2\n', [0xc3], '\n', '# caf', [0xe9], '\nquay.io/a\n');
    for (const size of [1, 4, 100]) {
      const parsed = split(data, size).map((i) => parseSplitLine(i, SETTINGS));
      expect(parsed.map((p) => p && [p.line, p.kind === 'invalid' ? p.code : p.kind])).toEqual([
        [1, 'image'], [2, 'INVALID_ENCODING'], [3, 'INVALID_ENCODING'], null, [5, 'image'],
      ]);
      expect(parsed[1]).toMatchObject({ input: 'caf\uFFFD/x 1 2', message: 'line 2: line is not valid UTF-8' });
    }
  });

  it('decodes multi-byte characters split across chunks', () => {
    expect(split(enc.encode('# ünïcödé €𝄞\n'), 1)).toEqual([{ lineNo: 1, text: '# ünïcödé €𝄞' }]);
  });

  it('drops a BOM at the start of the stream', () => {
    expect(split(bytes([0xef, 0xbb, 0xbf], 'nginx\n'), 1)).toEqual([{ lineNo: 1, text: 'nginx' }]);
  });

  it('throws NOT_TEXT on a NUL byte', () => {
    const s = new LineSplitter();
    expect(s.push(enc.encode('nginx\n'))).toHaveLength(1);
    let err: unknown;
    try {
      s.push(bytes('a', [0], 'b\n'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ListError);
    expect((err as ListError).code).toBe('NOT_TEXT');
    expect((err as ListError).message).toBe('file is not text (contains NUL bytes)');
  });

  it('caps memory on a very long line and reports its full length', () => {
    const long = 'x'.repeat(70_000);
    const items = split(enc.encode(`nginx\n${long}\nquay.io/a\n`), 8192, { maxLineBytes: 10_000 });
    expect(items[0]).toEqual({ lineNo: 1, text: 'nginx' });
    expect(items[1]).toEqual({ lineNo: 2, error: 'LINE_TOO_LONG', input: `${'x'.repeat(200)}…`, length: 70_000 });
    expect(items[2]).toEqual({ lineNo: 3, text: 'quay.io/a' });
    const p = parseSplitLine(items[1] as SplitLine, SETTINGS);
    expect(p).toMatchObject({ kind: 'invalid', code: 'LINE_TOO_LONG', line: 2 });
    expect(p?.kind === 'invalid' && p.message).toBe('line 2: line is too long (70000 bytes, limit 4096 characters)');
  });

  it('lines between 4096 characters and the byte cap reach parseListLine as text', () => {
    const items = split(enc.encode(`${'y'.repeat(5000)}\n`), 100);
    expect(items[0]).toMatchObject({ lineNo: 1, text: 'y'.repeat(5000) });
    expect(parseSplitLine(items[0] as SplitLine, SETTINGS)).toMatchObject({ code: 'LINE_TOO_LONG' });
  });

  it('treats trailing white space past the cap as white space, not as a long line', () => {
    const items = split(enc.encode(`nginx${' '.repeat(20_000)}\r\n`), 999, { maxLineBytes: 5000 });
    expect(parseSplitLine(items[0] as SplitLine, SETTINGS)).toMatchObject({ kind: 'image', input: 'nginx' });
  });

  it('ignores a long comment and an invalid-UTF-8 comment', () => {
    const items = split(bytes(`# ${'z'.repeat(9000)}\n// `, [0xff], '\n'), 512, { maxLineBytes: 5000 });
    expect(items.map((i) => ('error' in i ? i.error : 'text'))).toEqual(['LINE_TOO_LONG', 'INVALID_ENCODING']);
    expect(items.map((i) => parseSplitLine(i, SETTINGS))).toEqual([null, null]);
  });

  it('copies kept bytes, so a reused chunk buffer does not corrupt a pending line', () => {
    const s = new LineSplitter();
    const buf = enc.encode('ngi');
    s.push(buf);
    buf.set(enc.encode('XXX'));
    expect(s.push(enc.encode('nx\n'))).toEqual([{ lineNo: 1, text: 'nginx' }]);
  });
});

describe('countListStream', () => {
  const settings: ListSettings = { defaultProject: 'library' };
  async function* chunks(...parts: (string | Uint8Array)[]) {
    for (const p of parts) yield typeof p === 'string' ? Buffer.from(p) : p;
  }
  it('counts exactly the lines parseListStream yields (images and invalid lines), across chunk borders', async () => {
    const long = `a/b c/d ${'x'.repeat(5000)}`;
    const parts = ['# comment\n\nnginx mirror/nginx 1.25\r\n  // also a comment\none two\nBad/Upper m/x 1\n', long.slice(0, 3000), `${long.slice(3000)}\n`,
      new Uint8Array([0x62, 0xff, 0x0a]), '\ufeffredis mirror/redis 7'];
    let parsed = 0;
    for await (const _ of parseListStream(chunks(...parts), settings)) parsed++;
    expect(parsed).toBe(6);
    expect(await countListStream(chunks(...parts))).toBe(parsed);
  });

  it('refuses a list with a NUL byte as NOT_TEXT', async () => {
    await expect(countListStream(chunks('nginx\n', new Uint8Array([0x61, 0x00])))).rejects.toMatchObject({ code: 'NOT_TEXT' });
  });
});
