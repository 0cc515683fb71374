/**
 * The behaviour every ObjectStore adapter must have (directory, memory, S3). Adapters call
 * `objectStoreContract(name, factory)` from their own test file; `factory` may create a
 * bucket or a directory asynchronously and hand back a `teardown`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ObjectStore } from '../../lib/ports.js';

export interface ObjectStoreFixture {
  readonly store: ObjectStore;
  teardown?(): Promise<void>;
}

export type ObjectStoreFactory = () => ObjectStoreFixture | Promise<ObjectStoreFixture>;

const text = (b: Uint8Array | null): string | null => (b ? Buffer.from(b).toString('utf8') : null);

async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const k of it) out.push(k);
  return out;
}

export function objectStoreContract(name: string, factory: ObjectStoreFactory): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let fx: ObjectStoreFixture;
    let store: ObjectStore;
    beforeEach(async () => {
      fx = await factory();
      store = fx.store;
    });
    afterEach(async () => {
      await fx.teardown?.();
    });

    it('returns null for a missing key on get, head and getStream', async () => {
      expect(await store.get('nope/missing.json')).toBeNull();
      expect(await store.head('nope/missing.json')).toBeNull();
      expect(await store.getStream('nope/missing.json')).toBeNull();
    });

    it('round-trips strings as UTF-8 and binary bytes unchanged', async () => {
      const binary = Uint8Array.from({ length: 256 }, (_, i) => i);
      expect(await store.put('t/text.txt', 'héllo\n')).toBe(true);
      expect(await store.put('t/bin', binary)).toBe(true);
      expect(text(await store.get('t/text.txt'))).toBe('héllo\n');
      expect([...(await store.get('t/bin'))!]).toEqual([...binary]);
    });

    it('keeps its own copy of the bytes put', async () => {
      const body = Uint8Array.from([1, 2, 3]);
      await store.put('t/copy', body);
      body[0] = 9;
      expect([...(await store.get('t/copy'))!]).toEqual([1, 2, 3]);
    });

    it('round-trips metadata and size through head; an overwrite replaces both', async () => {
      await store.put('t/m.json', '{"a":1}', { contentType: 'application/json', metadata: { arch: 'amd64,arm64', run: 'r1' } });
      const info = await store.head('t/m.json');
      expect(info).toMatchObject({ key: 't/m.json', size: 7, metadata: { arch: 'amd64,arm64', run: 'r1' } });
      expect(info!.lastModified).toBeInstanceOf(Date);
      await store.put('t/m.json', 'xy');
      expect(await store.head('t/m.json')).toMatchObject({ size: 2, metadata: {} });
      expect(text(await store.get('t/m.json'))).toBe('xy');
    });

    it('ifNoneMatch creates a missing key and leaves an existing one untouched', async () => {
      expect(await store.put('t/once', 'first', { ifNoneMatch: true })).toBe(true);
      expect(await store.put('t/once', 'second', { ifNoneMatch: true })).toBe(false);
      expect(text(await store.get('t/once'))).toBe('first');
    });

    it('ifNoneMatch lets exactly one of many concurrent writers win', async () => {
      const bodies = Array.from({ length: 12 }, (_, i) => `writer-${i}`);
      const won = await Promise.all(bodies.map((b) => store.put('t/race', b, { ifNoneMatch: true })));
      expect(won.filter(Boolean)).toHaveLength(1);
      expect(text(await store.get('t/race'))).toBe(bodies[won.indexOf(true)]);
    });

    it('delete is idempotent and makes the key creatable again', async () => {
      await store.delete('t/never-there');
      await store.put('t/gone', 'x', { metadata: { k: 'v' } });
      await store.delete('t/gone');
      await store.delete('t/gone');
      expect(await store.get('t/gone')).toBeNull();
      expect(await store.head('t/gone')).toBeNull();
      expect(await store.put('t/gone', 'y', { ifNoneMatch: true })).toBe(true);
      expect(await store.head('t/gone')).toMatchObject({ metadata: {} });
    });

    it('lists keys under a string prefix in lexicographic order, without internal files', async () => {
      const keys = ['p/a/b', 'p/a-c', 'p/a0', 'p/ab/x', 'p/b', 'p/a/c/d', 'q/z', 'runs/r1/results/000000002.json', 'runs/r1/results/000000010.json'];
      for (const k of [...keys].reverse()) await store.put(k, k, { metadata: { m: '1' } });
      expect(await collect(store.list('p/'))).toEqual(['p/a-c', 'p/a/b', 'p/a/c/d', 'p/a0', 'p/ab/x', 'p/b']);
      expect(await collect(store.list('p/a/'))).toEqual(['p/a/b', 'p/a/c/d']);
      expect(await collect(store.list('p/a'))).toEqual(['p/a-c', 'p/a/b', 'p/a/c/d', 'p/a0', 'p/ab/x']);
      expect(await collect(store.list('runs/r1/res'))).toEqual(['runs/r1/results/000000002.json', 'runs/r1/results/000000010.json']);
      expect(await collect(store.list(''))).toHaveLength(keys.length);
      expect(await collect(store.list('zzz/'))).toEqual([]);
    });

    it('lists only keys after startAfter (exclusive; it need not exist), across folders', async () => {
      const keys = ['s/a/1', 's/a/2', 's/b/1', 's/b/2/x', 's/c', 's/d/1'];
      for (const k of keys) await store.put(k, k);
      expect(await collect(store.list('s/', { startAfter: 's/a/2' }))).toEqual(['s/b/1', 's/b/2/x', 's/c', 's/d/1']);
      expect(await collect(store.list('s/', { startAfter: 's/b' }))).toEqual(['s/b/1', 's/b/2/x', 's/c', 's/d/1']);
      expect(await collect(store.list('s/', { startAfter: 's/b/1z' }))).toEqual(['s/b/2/x', 's/c', 's/d/1']);
      expect(await collect(store.list('s/b/', { startAfter: 's/a' }))).toEqual(['s/b/1', 's/b/2/x']);
      expect(await collect(store.list('s/', { startAfter: 's/d/1' }))).toEqual([]);
      expect(await collect(store.list('s/', { startAfter: '' }))).toEqual(keys);
    });

    it('openWriter: the object appears whole on close, with its metadata, replacing the old one', async () => {
      await store.put('w/report.json', 'old');
      const w = store.openWriter('w/report.json', { contentType: 'application/json', metadata: { run: 'r1' } });
      const pieces: Buffer[] = [];
      for (let i = 0; i < 400; i++) {
        const piece = i % 2 === 0 ? `line ${i} é ${'x'.repeat(i * 7)}\n` : Uint8Array.from({ length: 1000 + i }, (_, j) => (i + j) % 256);
        pieces.push(Buffer.from(piece));
        await w.write(piece);
        if (i === 200) expect(text(await store.get('w/report.json'))).toBe('old');
      }
      await w.close();
      const all = Buffer.concat(pieces);
      expect(Buffer.compare(Buffer.from((await store.get('w/report.json'))!), all)).toBe(0);
      expect(await store.head('w/report.json')).toMatchObject({ size: all.length, metadata: { run: 'r1' } });
      await expect(w.write('more')).rejects.toMatchObject({ code: 'WRITER_CLOSED' });
    });

    it('openWriter: a small body, and an empty one, are written too', async () => {
      const small = store.openWriter('w/small.txt');
      await small.write('a');
      await small.write(new Uint8Array());
      await small.write('b\n');
      await small.close();
      expect(text(await store.get('w/small.txt'))).toBe('ab\n');
      const empty = store.openWriter('w/empty.txt');
      await empty.close();
      expect(text(await store.get('w/empty.txt'))).toBe('');
    });

    it('openWriter: abort leaves the key as it was, after small and large writes', async () => {
      await store.put('w/kept.txt', 'kept');
      for (const size of [10, 200_000]) {
        const w = store.openWriter('w/kept.txt');
        await w.write('z'.repeat(size));
        await w.abort();
        await w.abort();
        expect(text(await store.get('w/kept.txt'))).toBe('kept');
        await expect(w.close()).rejects.toMatchObject({ code: 'WRITER_CLOSED' });
      }
      const fresh = store.openWriter('w/never.txt');
      await fresh.write('x');
      await fresh.abort();
      expect(await store.head('w/never.txt')).toBeNull();
      expect(await collect(store.list('w/'))).toEqual(['w/kept.txt']);
    });

    it('openWriter rejects an unsafe key', () => {
      expect(() => store.openWriter('../x')).toThrow(expect.objectContaining({ code: 'INVALID_KEY' }));
    });

    it('gives an ETag that changes with the bytes; ifMatch replaces only the version it names', async () => {
      await store.put('t/cas', 'one');
      const first = (await store.head('t/cas'))!.etag;
      expect(first).not.toBe('');
      expect(await store.put('t/cas', 'two', { ifMatch: first })).toBe(true);
      const second = (await store.head('t/cas'))!.etag;
      expect(second).not.toBe(first);
      expect(await store.put('t/cas', 'three', { ifMatch: first, metadata: { k: 'v' } })).toBe(false);
      expect(text(await store.get('t/cas'))).toBe('two');
      expect((await store.head('t/cas'))!.metadata).toEqual({});
      expect(await store.put('t/absent', 'x', { ifMatch: first })).toBe(false);
      expect(await store.head('t/absent')).toBeNull();
    });

    it('ifMatch lets exactly one of many writers holding the same ETag win', async () => {
      await store.put('t/cas-race', 'base');
      const etag = (await store.head('t/cas-race'))!.etag;
      const bodies = Array.from({ length: 8 }, (_, i) => `writer-${i}`);
      const won = await Promise.all(bodies.map((b) => store.put('t/cas-race', b, { ifMatch: etag })));
      expect(won.filter(Boolean)).toHaveLength(1);
      expect(text(await store.get('t/cas-race'))).toBe(bodies[won.indexOf(true)]);
    });

    it('copies an object with new content type and metadata, only while the source has the ETag given', async () => {
      await store.put('src/list.txt', 'nginx\n', { metadata: { old: '1' } });
      const etag = (await store.head('src/list.txt'))!.etag;
      expect(await store.copy('src/list.txt', 'runs/r1/list.txt', { ifMatch: etag, contentType: 'text/plain', metadata: { 'list-key': 'src' } }))
        .toBe('copied');
      expect(text(await store.get('runs/r1/list.txt'))).toBe('nginx\n');
      expect(await store.head('runs/r1/list.txt')).toMatchObject({ size: 6, metadata: { 'list-key': 'src' } });
      expect(await store.copy('src/list.txt', 'runs/r2/list.txt')).toBe('copied');
      expect((await store.head('runs/r2/list.txt'))!.metadata).toEqual({});
      await store.put('src/list.txt', 'redis\n');
      expect(await store.copy('src/list.txt', 'runs/r3/list.txt', { ifMatch: etag })).toBe('changed');
      expect(await store.head('runs/r3/list.txt')).toBeNull();
      expect(await store.copy('src/none.txt', 'runs/r4/list.txt')).toBe('missing');
      expect(await store.head('runs/r4/list.txt')).toBeNull();
      await store.copy('src/list.txt', 'runs/r1/list.txt');
      expect(text(await store.get('runs/r1/list.txt'))).toBe('redis\n');
    });

    it('lists the folders directly under a prefix, in order, after startAfter', async () => {
      const keys = ['runs/b/run.json', 'runs/a/results/1.json', 'runs/a/run.json', 'runs/c/deep/x/y.json', 'runs/top.json', 'runs-x/z/1', 'other/q/1'];
      for (const k of keys) await store.put(k, k);
      expect(await collect(store.listFolders('runs/'))).toEqual(['runs/a/', 'runs/b/', 'runs/c/']);
      expect(await collect(store.listFolders('runs/', { startAfter: 'runs/a~' }))).toEqual(['runs/b/', 'runs/c/']);
      expect(await collect(store.listFolders('runs/', { startAfter: 'runs/a/results/1.json' }))).toEqual(['runs/a/', 'runs/b/', 'runs/c/']);
      expect(await collect(store.listFolders('runs/', { startAfter: 'runs/a/run.json' }))).toEqual(['runs/b/', 'runs/c/']);
      expect(await collect(store.listFolders('runs/a/'))).toEqual(['runs/a/results/']);
      expect(await collect(store.listFolders(''))).toEqual(['other/', 'runs-x/', 'runs/']);
      expect(await collect(store.listFolders('nothing/'))).toEqual([]);
      await store.delete('runs/b/run.json');
      expect(await collect(store.listFolders('runs/'))).toEqual(['runs/a/', 'runs/c/']);
    });

    it('streams a large object in chunks that add up to the bytes put', async () => {
      const big = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 31) % 251);
      await store.put('lists/big.txt', big);
      const stream = await store.getStream('lists/big.txt');
      const chunks: Uint8Array[] = [];
      for await (const c of stream!) chunks.push(c);
      expect(Buffer.compare(Buffer.concat(chunks), Buffer.from(big))).toBe(0);
    });

    it.each(['', '/abs', 'a//b', '../x', 'a/../b', 'a/./b', 'a/', 'a\\b', 'nul\u0000'])('rejects the unsafe key %j', async (key) => {
      await expect(store.put(key, 'x')).rejects.toMatchObject({ code: 'INVALID_KEY' });
      await expect(store.get(key)).rejects.toMatchObject({ code: 'INVALID_KEY' });
    });
  });
}
