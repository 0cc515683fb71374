import { describe, expect, it } from 'vitest';
import { compareKeys } from '../../lib/adapters/object-key.js';

describe('compareKeys', () => {
  it('orders keys by their UTF-8 bytes, as S3 lists them, supplementary characters included', () => {
    const keys = ['a', 'a/b', 'a-c', 'a0', 'é', '\u00ff', '\u0800', '\ud7ff', '\ue000', '\uffff', '\u{10000}', '\u{1f600}', 'a\u{1f600}', 'a\uffff', ''];
    const byBytes = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect([...keys].sort(compareKeys)).toEqual(byBytes);
    expect([...keys].reverse().sort(compareKeys)).toEqual(byBytes);
    expect(compareKeys('runs/r/results/000000002.json', 'runs/r/results/000000010.json')).toBeLessThan(0);
    expect(compareKeys('x', 'x')).toBe(0);
  });
});
