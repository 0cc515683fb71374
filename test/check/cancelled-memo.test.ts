/**
 * `--signatures` shares a repository's tag listing and referrers probe between the lines of a
 * run. When the line that started the shared request is cancelled by its time limit, the lines
 * waiting for it ask again themselves: one line's TIMEOUT never becomes another line's.
 */
import { describe, expect, it } from 'vitest';
import { TimeLimitPassed } from '../../lib/core/cancel.js';
import type { ImageRef } from '../../lib/core/types.js';
import type { RegistryReader, TagPage } from '../../lib/ports.js';
import { RegistryError } from '../../lib/registry/errors.js';
import { SideMemo } from '../../lib/check/signature-memo.js';

const repo: ImageRef = { registry: 'reg.test', repository: 'team/app' };
const TAG = `sha256-${'a'.repeat(64)}.sig`;
/** What the transport throws for a request its image's signal aborted. */
const cancelled = () => new RegistryError('TIMEOUT', 'reg.test: timeout (deadline exceeded)', { registry: 'reg.test', cause: new TimeLimitPassed(1000) });

/** A reader whose listing and probe wait for `release`, then fail (cancelled) or answer. */
function reader(outcome: 'cancelled' | 'ok'): RegistryReader & { release(): void; calls: number } {
  let release = (): void => undefined;
  const gate = new Promise<void>((r) => { release = r; });
  const r = {
    calls: 0,
    release: () => release(),
    async listTags(): Promise<TagPage> {
      r.calls++;
      await gate;
      if (outcome === 'cancelled') throw cancelled();
      return { tags: [TAG] };
    },
    async referrers() {
      r.calls++;
      await gate;
      if (outcome === 'cancelled') throw cancelled();
      return [];
    },
    async headManifest() { return { digest: `sha256:${'b'.repeat(64)}`, mediaType: 'x', size: 1 }; },
  };
  return r as unknown as RegistryReader & { release(): void; calls: number };
}

describe('a shared request whose line was cancelled', () => {
  it('is listed again by a line that waited for it', async () => {
    const memo = new SideMemo(true);
    const [a, b] = [reader('cancelled'), reader('ok')];
    const gotA = memo.findTags(a, repo, [TAG], 4);
    const gotB = memo.findTags(b, repo, [TAG], 4);
    a.release();
    b.release();
    await expect(gotA).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect((await gotB).get(TAG)).toBe(`sha256:${'b'.repeat(64)}`);
    expect(b.calls).toBe(1);
  });

  it('is probed again (referrers API) by a line that waited for it', async () => {
    const memo = new SideMemo(false);
    const [a, b] = [reader('cancelled'), reader('ok')];
    const gotA = memo.referrers(a, repo, `sha256:${'c'.repeat(64)}`);
    const gotB = memo.referrers(b, repo, `sha256:${'c'.repeat(64)}`);
    a.release();
    b.release();
    await expect(gotA).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(await gotB).toEqual([]);
  });

  it('a failure that is not a cancellation is shared as before', async () => {
    const memo = new SideMemo(true);
    const failing = reader('ok');
    failing.listTags = async () => { throw new RegistryError('NETWORK', 'down', { registry: 'reg.test' }); };
    const b = reader('ok');
    const gotA = memo.findTags(failing, repo, [TAG], 4);
    const gotB = memo.findTags(b, repo, [TAG], 4);
    await expect(gotA).rejects.toMatchObject({ code: 'NETWORK' });
    await expect(gotB).rejects.toMatchObject({ code: 'NETWORK' });
    expect(b.calls).toBe(0);
  });
});
