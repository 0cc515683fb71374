import { describe, expect, it } from 'vitest';
import { decodeS3Key, listNameOf, s3Triggers, scheduleTrigger, timeStamp } from '../../lib/serverless/triggers.js';

const ctx = { bucket: 'b', inputPrefix: 'lists/', requestId: 'req-1', now: () => new Date('2026-01-02T03:04:05.678Z') };
const record = (key: string, over: Record<string, unknown> = {}) => ({
  eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', eventTime: '2026-01-02T03:04:05.000Z',
  s3: { bucket: { name: 'b' }, object: { key, eTag: 'abc', sequencer: '0055AED6DCD90281E5', ...over } },
});

describe('triggers', () => {
  it('decodes S3 keys (+ and %xx) and names results after the list', () => {
    expect(decodeS3Key('lists/my+list%C3%BC.txt')).toBe('lists/my listü.txt');
    expect(listNameOf('lists/team/nightly.txt', 'lists/')).toBe('team/nightly.txt');
    expect(() => listNameOf('other/x.txt', 'lists/')).toThrow(/not a list under the input prefix/);
    expect(() => listNameOf('lists/a/../b.txt', 'lists/')).toThrow(/cannot name results/);
  });

  it('gives lists that differ only in their extension distinct names (results prefixes)', () => {
    const names = ['lists/nightly.txt', 'lists/nightly.csv', 'lists/nightly'].map((k) => listNameOf(k, 'lists/'));
    expect(names).toEqual(['nightly.txt', 'nightly.csv', 'nightly']);
  });

  it('derives the same run id for a duplicate event and another for a new upload', () => {
    const [a] = s3Triggers([record('lists/nightly.txt')], ctx);
    const [b] = s3Triggers([record('lists/nightly.txt')], ctx);
    const [c] = s3Triggers([record('lists/nightly.txt', { sequencer: '0055AED6DCD90281E6' })], ctx);
    expect(a!.runId).toBe(b!.runId);
    expect(c!.runId).not.toBe(a!.runId);
    expect(a).toMatchObject({ key: 'lists/nightly.txt', listName: 'nightly.txt', kind: 's3', etag: 'abc' });
    expect(a!.runId).toMatch(/^20260102T030405Z-nightly\.txt-[0-9a-f]{12}$/);
  });

  it('refuses records of another bucket', () => {
    expect(() => s3Triggers([{ ...record('lists/x.txt'), s3: { bucket: { name: 'evil' }, object: { key: 'lists/x.txt' } } }], ctx)).toThrow(/bucket evil/);
  });

  it('derives schedule run ids from the name and the scheduled time', () => {
    const t = scheduleTrigger({ bucket: 'b', key: 'lists/n.txt', source: 'schedule', name: 'nightly', scheduledTime: '2026-01-02T02:00:00Z', settings: { deep: true } }, ctx);
    expect(t).toMatchObject({ runId: '20260102T020000Z-nightly-schedule', listName: 'n.txt', kind: 'schedule', settings: { deep: true } });
    const manual = scheduleTrigger({ bucket: 'b', key: 'lists/n.txt' }, ctx);
    expect(manual.runId).toBe(scheduleTrigger({ bucket: 'b', key: 'lists/n.txt' }, ctx).runId);
    expect(manual.runId.startsWith(timeStamp(ctx.now()))).toBe(true);
    expect(() => scheduleTrigger({ key: 'lists/n.txt' }, ctx)).toThrow(/needs "bucket" and "key"/);
    expect(() => scheduleTrigger({ bucket: 'b', key: 'lists/n.txt', settings: 'deep' }, ctx)).toThrow(/"settings" must be an object/);
  });
});
