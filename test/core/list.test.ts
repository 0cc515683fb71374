import { describe, expect, it } from 'vitest';
import { ListError, MAX_LINE_LENGTH, parseListLine } from '../../lib/core/list.js';
import { QUOTE_MAX } from '../../lib/core/messages.js';
import { parseListStream } from '../../lib/core/list-stream.js';
import type { ListSettings, ParsedLine } from '../../lib/core/list.js';
import { formatReference } from '../../lib/core/ref.js';

const D64 = 'sha256:' + 'c'.repeat(64);
const NONE: ListSettings = { defaultProject: 'library' };
const TO_REG: ListSettings = { destRegistry: 'reg.io', defaultProject: 'library' };

/** The whole text through the streaming parser the CLI and the splitter use. */
async function parseListText(text: string, settings: ListSettings): Promise<ParsedLine[]> {
  const out: ParsedLine[] = [];
  const chunks = (async function* () { yield new TextEncoder().encode(text); })();
  for await (const p of parseListStream(chunks, settings)) out.push(p);
  return out;
}

/** `[source, destination]` as formatted references, or the INVALID code and message. */
function summary(p: ParsedLine | null): unknown {
  if (p === null) return null;
  if (p.kind === 'image') return [formatReference(p.source), formatReference(p.destination)];
  return [p.code, p.message];
}

describe('parseListLine: ignored lines', () => {
  it.each(['', '   ', '\t', '\r', '\uFEFF', '\uFEFF  \r', '# comment', '  # indented', '// slashes',
    '//x y z w', '#nginx mirrored 1', '\uFEFF# bom comment'])('%j -> null', (raw) => {
    expect(parseListLine(raw, 1, TO_REG)).toBeNull();
  });

  it('does not treat a single / as a comment', () => {
    expect(parseListLine('/nginx', 1, TO_REG)).toMatchObject({ kind: 'invalid', code: 'INVALID_REFERENCE' });
    // mirror-format columns drop empty segments, as hangar's ConstructRegistry does
    expect(summary(parseListLine('/nginx m 1', 1, TO_REG))).toEqual(['docker.io/library/nginx:1', 'reg.io/library/m:1']);
  });
});

describe('parseListLine: mirror format', () => {
  const cases: [string, ListSettings, [string, string]][] = [
    ['nginx mirrored-nginx 1.23', TO_REG, ['docker.io/library/nginx:1.23', 'reg.io/library/mirrored-nginx:1.23']],
    ['nginx mirrored-nginx 1.23', NONE, ['docker.io/library/nginx:1.23', 'docker.io/library/mirrored-nginx:1.23']],
    ['nginx\tmirrored-nginx\t1.23', TO_REG, ['docker.io/library/nginx:1.23', 'reg.io/library/mirrored-nginx:1.23']],
    ['  nginx  \t mirrored-nginx    1.23 \r', TO_REG, ['docker.io/library/nginx:1.23', 'reg.io/library/mirrored-nginx:1.23']],
    ['quay.io/coreos/etcd proj/etcd v3', TO_REG, ['quay.io/coreos/etcd:v3', 'reg.io/proj/etcd:v3']],
    ['quay.io/coreos/etcd old.io/proj/etcd v3', TO_REG, ['quay.io/coreos/etcd:v3', 'reg.io/proj/etcd:v3']],
    ['quay.io/coreos/etcd old.io/etcd v3', NONE, ['quay.io/coreos/etcd:v3', 'old.io/library/etcd:v3']],
    ['alpine library/a/b/c/alpine latest', TO_REG, ['docker.io/library/alpine:latest', 'reg.io/library/a/b/c/alpine:latest']],
    ['nginx x.io/a/b/c 1', NONE, ['docker.io/library/nginx:1', 'x.io/a/b/c:1']],
    ['nginx name 1', { destRegistry: 'host/ns', defaultProject: 'library' }, ['docker.io/library/nginx:1', 'host/ns/name:1']],
    ['nginx name 1', { destRegistry: 'myhost', defaultProject: 'library' }, ['docker.io/library/nginx:1', 'myhost/library/name:1']],
    ['nginx name 1', { destRegistry: 'reg.io/', defaultProject: 'library' }, ['docker.io/library/nginx:1', 'reg.io/library/name:1']],
    ['nginx name 1', { destRegistry: 'reg.io', defaultProject: 'mirror' }, ['docker.io/library/nginx:1', 'reg.io/mirror/name:1']],
    ['quay.io/a/b b 1', { sourceRegistry: 'mirror.io', defaultProject: 'library' }, ['mirror.io/a/b:1', 'docker.io/library/b:1']],
    ['a/b b 1', { sourceRegistry: 'mirror.io', destRegistry: 'reg.io', defaultProject: 'library' }, ['mirror.io/a/b:1', 'reg.io/library/b:1']],
    ['nginx n 1', { sourceRegistry: 'index.docker.io', defaultProject: 'library' }, ['docker.io/library/nginx:1', 'docker.io/library/n:1']],
    ['localhost:5000/a localhost:5001/b t', NONE, ['localhost:5000/a:t', 'localhost:5001/library/b:t']],
  ];
  it.each(cases)('%j %j', (line, settings, want) => {
    const parsed = parseListLine(line, 3, settings);
    expect(summary(parsed)).toEqual(want);
    expect(parsed).toMatchObject({ kind: 'image', line: 3, input: line.trim() });
  });
});

describe('parseListLine: default format', () => {
  const cases: [string, ListSettings, [string, string]][] = [
    ['nginx', TO_REG, ['docker.io/library/nginx:latest', 'reg.io/library/nginx:latest']],
    ['nginx:1.25', TO_REG, ['docker.io/library/nginx:1.25', 'reg.io/library/nginx:1.25']],
    ['bitnami/redis:7', TO_REG, ['docker.io/bitnami/redis:7', 'reg.io/bitnami/redis:7']],
    ['docker.io/library/nginx:1', TO_REG, ['docker.io/library/nginx:1', 'reg.io/library/nginx:1']],
    ['index.docker.io/nginx', TO_REG, ['docker.io/library/nginx:latest', 'reg.io/library/nginx:latest']],
    ['registry.k8s.io/pause:3.9', TO_REG, ['registry.k8s.io/pause:3.9', 'reg.io/library/pause:3.9']],
    ['quay.io/coreos/etcd:v3', TO_REG, ['quay.io/coreos/etcd:v3', 'reg.io/coreos/etcd:v3']],
    ['quay.io/a/b/c:1', { destRegistry: 'host/ns', defaultProject: 'library' }, ['quay.io/a/b/c:1', 'host/ns/a/b/c:1']],
    ['localhost:5000/a/b:t', TO_REG, ['localhost:5000/a/b:t', 'reg.io/a/b:t']],
    ['[::1]:5000/a/b', TO_REG, ['[::1]:5000/a/b:latest', 'reg.io/a/b:latest']],
    [`nginx@${D64}`, TO_REG, [`docker.io/library/nginx@${D64}`, 'reg.io/library/nginx:latest']],
    [`nginx:1.25@${D64}`, TO_REG, [`docker.io/library/nginx:1.25@${D64}`, 'reg.io/library/nginx:1.25']],
    ['quay.io/a/b:1', { sourceRegistry: 'mirror.io', destRegistry: 'reg.io', defaultProject: 'library' }, ['mirror.io/a/b:1', 'reg.io/a/b:1']],
    ['nginx:1', { sourceRegistry: 'mirror.io', defaultProject: 'library' }, ['mirror.io/nginx:1', 'docker.io/library/nginx:1']],
  ];
  it.each(cases)('%j %j', (line, settings, want) => {
    expect(summary(parseListLine(line, 1, settings))).toEqual(want);
  });

  it('keeps the digest on the source only', () => {
    const p = parseListLine(`nginx@${D64}`, 1, TO_REG);
    expect(p).toMatchObject({ kind: 'image', source: { digest: D64 }, destination: { tag: 'latest' } });
    if (p?.kind !== 'image') throw new Error('expected an image line');
    expect(p.source.tag).toBeUndefined();
    expect(p.destination.digest).toBeUndefined();
  });
});

describe('parseListLine: invalid lines', () => {
  const cases: [string, string, RegExp][] = [
    ['nginx mirrored', 'INVALID_FORMAT', /^line 7: expected "SOURCE DESTINATION TAG" or one image reference, got 2 fields$/],
    ['a b c d', 'INVALID_FORMAT', /got 4 fields$/],
    ['INVALID LINE', 'INVALID_FORMAT', /got 2 fields/],
    ['a b c d e f', 'INVALID_FORMAT', /got 6 fields/],
    ['Nginx', 'INVALID_REFERENCE', /^line 7: repository "Nginx" must be lowercase$/],
    ['nginx@sha256:abc', 'INVALID_REFERENCE', /invalid digest "sha256:abc"/],
    [`nginx@blake3:${'a'.repeat(64)}`, 'INVALID_REFERENCE', /invalid digest "blake3:/],
    ['nginx:-x', 'INVALID_REFERENCE', /invalid tag "-x"/],
    ['reg.io/a//b', 'INVALID_REFERENCE', /invalid repository name/],
    ['nginx:1.2 mirrored 1.2', 'INVALID_REFERENCE', /source "nginx:1.2" must not contain a tag or digest/],
    ['nginx mirrored:1 1', 'INVALID_REFERENCE', /destination "mirrored:1" must not contain a tag or digest/],
    [`nginx@${D64} m 1`, 'INVALID_REFERENCE', /source ".*" must not contain a tag or digest/],
    ['nginx mirrored bad/tag', 'INVALID_REFERENCE', /^line 7: invalid tag "bad\/tag"$/],
    ['Foo/bar m 1', 'INVALID_REFERENCE', /^line 7: source: repository "Foo\/bar" must be lowercase$/],
    ['nginx Mirrored 1', 'INVALID_REFERENCE', /destination: repository "library\/Mirrored" must be lowercase/],
    ['nginx reg.io 1', 'INVALID_REFERENCE', /missing repository name/],
    ['bad_host.io/x', 'INVALID_REFERENCE', /^line 7: invalid registry host "bad_host.io"$/],
  ];
  it.each(cases)('%j -> %s', (line, code, message) => {
    const p = parseListLine(`  ${line} `, 7, TO_REG);
    expect(p).toMatchObject({ kind: 'invalid', line: 7, input: line, code });
    expect(p?.kind === 'invalid' && p.message).toMatch(message);
  });

  it('rejects a destination made invalid by a bad default project', () => {
    const p = parseListLine('nginx', 2, { destRegistry: 'reg.io', defaultProject: 'Bad' });
    expect(p).toMatchObject({ kind: 'invalid', code: 'INVALID_REFERENCE' });
    expect(p?.kind === 'invalid' && p.message).toMatch(/^line 2: destination: repository "Bad\/nginx" must be lowercase$/);
  });

  it('reports a too-long line without echoing all of it', () => {
    const long = 'a'.repeat(MAX_LINE_LENGTH + 10);
    const p = parseListLine(` ${long} `, 4, TO_REG);
    expect(p).toMatchObject({ kind: 'invalid', code: 'LINE_TOO_LONG', line: 4 });
    if (p?.kind !== 'invalid') throw new Error('expected invalid');
    expect(p.input).toBe(`${'a'.repeat(QUOTE_MAX)}…`);
    expect(p.message).toBe(`line 4: line is too long (${MAX_LINE_LENGTH + 10} characters, limit ${MAX_LINE_LENGTH})`);
    expect(parseListLine('a'.repeat(MAX_LINE_LENGTH), 4, TO_REG)).toMatchObject({ code: 'INVALID_REFERENCE' });
  });

  it.each([
    ['a 4,000-character bad tag', `nginx mirror/nginx ${'T!'.repeat(2000)}`, /^line 5: invalid tag "(T!){100}…"$/],
    ['a 4,000-character uppercase repository', `${'A'.repeat(4000)} mirror/x 1`, /^line 5: source: repository "A{200}…" must be lowercase$/],
    ['a 4,000-character bad digest', `nginx@sha256:${'f'.repeat(4000)}`, /^line 5: invalid digest "sha256:f{193}…": expected/],
  ])('quotes at most 200 characters of %s, in the message and the input', (_name, line, message) => {
    const p = parseListLine(line, 5, TO_REG);
    expect(p?.kind).toBe('invalid');
    if (p?.kind !== 'invalid') return;
    expect(p.message).toMatch(message);
    expect(p.message.length).toBeLessThan(400);
    expect(p.input).toBe(`${line.slice(0, QUOTE_MAX)}…`);
  });

  it.each([
    ['sha384', `sha384:${'a'.repeat(96)}`],
    ['sha256 with 63 hex', `sha256:${'a'.repeat(63)}`],
    ['sha512 with 64 hex', `sha512:${'a'.repeat(64)}`],
    ['upper-case hex', `sha256:${'A'.repeat(64)}`],
    ['md5', `md5:${'a'.repeat(32)}`],
  ])('a digest of another algorithm or length is INVALID: %s', (_name, digest) => {
    expect(parseListLine(`nginx@${digest}`, 1, TO_REG)).toMatchObject({ kind: 'invalid', code: 'INVALID_REFERENCE' });
  });

  it.each([`sha256:${'a'.repeat(64)}`, `sha512:${'b'.repeat(128)}`])('accepts the digest %s', (digest) => {
    expect(parseListLine(`nginx@${digest}`, 1, TO_REG)).toMatchObject({ kind: 'image', source: { digest } });
  });

  it('ignores an over-long comment', () => {
    expect(parseListLine(`# ${'x'.repeat(MAX_LINE_LENGTH * 2)}`, 1, TO_REG)).toBeNull();
  });
});

describe('parseListStream', () => {
  it('numbers lines from 1, skips blanks and comments, handles CRLF and BOM', async () => {
    const text = '\uFEFF# list\r\n\r\nnginx mirrored-nginx 1.23\r\n// c\r\nbad line\r\nquay.io/a/b:1\r\n';
    const got = (await parseListText(text, TO_REG)).map((p) => [p.line, p.input, summary(p)]);
    expect(got).toEqual([
      [3, 'nginx mirrored-nginx 1.23', ['docker.io/library/nginx:1.23', 'reg.io/library/mirrored-nginx:1.23']],
      [5, 'bad line', ['INVALID_FORMAT', 'line 5: expected "SOURCE DESTINATION TAG" or one image reference, got 2 fields']],
      [6, 'quay.io/a/b:1', ['quay.io/a/b:1', 'reg.io/a/b:1']],
    ]);
  });

  it('accepts a BOM before the first image line', async () => {
    expect(summary((await parseListText('\uFEFFnginx', TO_REG))[0] ?? null)).toEqual(['docker.io/library/nginx:latest', 'reg.io/library/nginx:latest']);
  });

  it('throws NOT_TEXT on NUL characters', async () => {
    await expect(parseListText('nginx\n\0\n', TO_REG)).rejects.toThrow(ListError);
    await expect(parseListText('a\0', TO_REG)).rejects.toMatchObject({ code: 'NOT_TEXT' });
  });

  it('an only-comments list parses to nothing', async () => {
    expect(await parseListText('# a\n\n// b\n  \n', TO_REG)).toEqual([]);
  });
});

describe('parseListLine: default format without registry overrides', () => {
  it('is INVALID, since the destination would be the source itself', () => {
    const got = parseListLine('nginx:1.25', 4, { defaultProject: 'library' });
    expect(got).toMatchObject({ kind: 'invalid', line: 4, code: 'INVALID_FORMAT' });
    expect(got && 'message' in got ? got.message : '').toMatch(/line 4: .*-d\/--destination/);
  });
});
