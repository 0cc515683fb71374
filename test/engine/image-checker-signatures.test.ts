/**
 * The image checker with `signatures` against the real registries: what lines of one run share
 * (the source tag listing) is kept per run id, so a checker that serves many runs (a validator
 * Lambda's) lists again for a new run, and only once per run whatever the number of lines.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { parseListLine } from '../../lib/core/list.js';
import { DEFAULT_SETTINGS, type WorkItem } from '../../lib/core/settings.js';
import { createImageChecker } from '../../lib/engine/image-checker.js';
import { scenario } from '../../testbed/scenarios.js';

const regs = inject('registries');
const table = inject('scenarios');
const settings = { ...DEFAULT_SETTINGS, signatures: true, tlsVerify: false };
const checker = createImageChecker({
  settings, timeoutMs: 60_000, retry: { retries: 1, baseMs: 1, maxMs: 5 },
  destCredentials: async () => ({ username: regs.tls.username!, password: regs.tls.password! }),
});
afterAll(() => checker.close());

function item(name: string, runId: string): WorkItem {
  const parsed = parseListLine(scenario(table, name).listLine, 1, settings);
  if (parsed?.kind !== 'image') throw new Error('image line expected');
  return { ...parsed, runId };
}

describe('image checker: --signatures state per run', () => {
  it('lists a repository once per run, and again for the next run', async () => {
    const first = await Promise.all([item('signed-copied', 'run-a'), item('signed-copied', 'run-a')].map((i) => checker.validate(i)));
    expect(first.map((r) => r.status)).toEqual(['PASS', 'PASS']);
    expect(first.reduce((s, r) => s + (r.requests?.tagList ?? 0), 0)).toBe(1);
    expect(first.reduce((s, r) => s + (r.requests?.referrers ?? 0), 0)).toBe(2); // one probe per repository and side
    const again = await checker.validate(item('signed-copied', 'run-a'));
    expect(again.requests?.tagList ?? 0).toBe(0);
    expect(again.requests?.referrers ?? 0).toBe(0);
    const next = await checker.validate(item('signed-copied', 'run-b'));
    expect(next).toMatchObject({ status: 'PASS', requests: { tagList: 1 } });
  });
});
