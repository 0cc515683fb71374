import { afterEach, describe, expect, it, vi } from 'vitest';
import { plainProgress } from '../../lib/cli/progress.js';
import type { LineResult } from '../../lib/core/types.js';

const result = (line: number): LineResult => ({ line, input: `img${line}`, status: 'PASS', code: null, message: `ok ${line}` });
const clock = () => new Date('2026-01-02T03:04:05Z');

describe('plain progress lines', () => {
  afterEach(() => vi.useRealTimers());

  it('are written together, in order, within 100 ms or at done, never lost', () => {
    vi.useFakeTimers();
    const writes: string[] = [];
    const p = plainProgress({ write: (s) => (writes.push(s), true) }, clock);
    p.warn('first');
    p.result(result(1));
    p.result(result(2));
    expect(writes).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(writes).toEqual(['[03:04:05] [WARN] first\n[03:04:05] [INFO] PASS line 1 ok 1\n[03:04:05] [INFO] PASS line 2 ok 2\n']);
    p.result(result(3));
    p.done();
    expect(writes).toHaveLength(2);
    expect(writes[1]).toBe('[03:04:05] [INFO] PASS line 3 ok 3\n');
    vi.advanceTimersByTime(1000);
    expect(writes).toHaveLength(2);
  });
});
