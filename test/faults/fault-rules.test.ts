/** The fault proxy's rule book: a transient fault is one a retry gets through, even when lines share a URL. */
import { describe, expect, it } from 'vitest';
import { RuleBook, TRANSIENT_QUIET_MS } from '../helpers/fault-rules.js';

const RESET = { kind: 'reset' } as const;

describe('RuleBook: transient faults', () => {
  it('never faults a URL twice within the quiet time, whoever asks in between', () => {
    let now = 1_000;
    const book = new RuleBook([{ path: /^\/v2\//, fault: RESET, probability: 1, transient: true }], 7, () => now);
    const url = '/v2/library/nginx/manifests/1';
    expect(book.pick('GET', url)).toEqual(RESET); // line A
    expect(book.pick('GET', url)).toBeUndefined(); // line B, right after a fault
    now += 5;
    expect(book.pick('GET', url)).toBeUndefined(); // line A's retry: "in a row" alone would fault it again
    now += TRANSIENT_QUIET_MS;
    expect(book.pick('GET', url)).toEqual(RESET); // later, faults come again
    expect(book.pick('HEAD', url)).toEqual(RESET); // another method is another key
  });

  it('leaves persistent rules alone', () => {
    const book = new RuleBook([{ path: /^\/v2\//, fault: RESET }], 7, () => 0);
    expect([book.pick('GET', '/v2/a'), book.pick('GET', '/v2/a')]).toEqual([RESET, RESET]);
  });
});
