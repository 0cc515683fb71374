import { describe, expect, it } from 'vitest';
import { oneLine, parseErrorBody, sanitizeUrl } from '../../lib/registry/errors.js';
import { TokenCache, tokenKey } from '../../lib/registry/token-cache.js';

describe('TokenCache', () => {
  it('keeps a token until expiry minus the margin, then fetches again', async () => {
    let now = 0;
    let fetched = 0;
    const cache = new TokenCache(() => now, 10_000);
    const fetch = async () => ({ token: `t${++fetched}`, expiresInSec: 60 });
    expect(await cache.getOrFetch('k', fetch)).toBe('t1');
    now = 49_000;
    expect(await cache.getOrFetch('k', fetch)).toBe('t1');
    now = 50_000;
    expect(await cache.getOrFetch('k', fetch)).toBe('t2');
  });

  it('shares one in-flight fetch between concurrent callers', async () => {
    let fetched = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const cache = new TokenCache();
    const fetch = async () => { fetched++; await gate; return { token: 'shared', expiresInSec: 60 }; };
    const all = Promise.all(Array.from({ length: 20 }, () => cache.getOrFetch('k', fetch)));
    release();
    expect(new Set(await all)).toEqual(new Set(['shared']));
    expect(fetched).toBe(1);
  });

  it('does not cache failures, and invalidate forces a refetch', async () => {
    const cache = new TokenCache();
    await expect(cache.getOrFetch('k', async () => { throw new Error('down'); })).rejects.toThrow('down');
    expect(await cache.getOrFetch('k', async () => ({ token: 'a', expiresInSec: 60 }))).toBe('a');
    cache.invalidate('k');
    expect(await cache.getOrFetch('k', async () => ({ token: 'b', expiresInSec: 60 }))).toBe('b');
  });

  it('keys ignore scope order and separate registries', () => {
    expect(tokenKey('R.io', ['b', 'a'])).toBe(tokenKey('r.io', ['a', 'b']));
    expect(tokenKey('r.io', ['a'])).not.toBe(tokenKey('s.io', ['a']));
  });
});

describe('error text helpers', () => {
  it.each([
    ['https://user:pw@auth.example.com/token?service=s&scope=repository:a:pull&account=bob', 'https://auth.example.com/token?service=s&scope=repository%3Aa%3Apull&account=REDACTED'],
    ['https://cdn.example.com/blob?X-Amz-Signature=abc&X-Amz-Credential=def', 'https://cdn.example.com/blob?X-Amz-Signature=REDACTED&X-Amz-Credential=REDACTED'],
    ['http://reg:5000/v2/', 'http://reg:5000/v2/'],
    ['not a url', '<invalid url>'],
  ])('sanitizeUrl(%s)', (input, expected) => {
    expect(sanitizeUrl(input)).toBe(expected);
  });

  it('oneLine flattens and bounds registry text', () => {
    expect(oneLine('a\n\tb\r\nc\u0000d')).toBe('a b c d');
    expect(oneLine('x'.repeat(600))).toHaveLength(500);
  });

  it('parseErrorBody reads distribution errors and ignores anything else', () => {
    expect(parseErrorBody(Buffer.from('{"errors":[{"code":"manifest_unknown","message":"m"}]}'))).toEqual([{ code: 'MANIFEST_UNKNOWN', message: 'm' }]);
    expect(parseErrorBody(Buffer.from('<html>'))).toEqual([]);
    expect(parseErrorBody(undefined)).toEqual([]);
  });
});
