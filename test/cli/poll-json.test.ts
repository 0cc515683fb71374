import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../lib/adapters/local/memory-store.js';
import { pollJson } from '../../lib/cli/poll-json.js';

describe('pollJson', () => {
  it('reads JSON, and treats a half-written object like a missing one', async () => {
    const store = new MemoryStore();
    await store.put('runs/r/summary.json', '{"total": 3}');
    await store.put('runs/r/run.json', '{"total": ');
    expect(await pollJson(store, 'runs/r/summary.json')).toEqual({ total: 3 });
    expect(await pollJson(store, 'runs/r/run.json')).toBeNull();
    expect(await pollJson(store, 'runs/r/absent.json')).toBeNull();
  });
});
