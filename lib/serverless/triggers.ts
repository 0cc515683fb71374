/**
 * What starts a run: an S3 `ObjectCreated` record for a list under the input prefix, or an
 * EventBridge Scheduler input `{bucket, key, name?, scheduledTime?, settings?}` (the stack sends
 * `{bucket, key, source: "schedule", name, scheduledTime}`). Both become a {@link RunTrigger}
 * with a deterministic run id, so a duplicate delivery maps to the same run and is a no-op:
 *
 * - S3: `<eventTime>-<list>-<hash of bucket, key, versionId, eTag, sequencer>`;
 * - schedule: `<scheduledTime>-<schedule name>-schedule` (every retry of one tick has the same
 *   `scheduledTime`); without one, the Lambda request id (the same on async retries) is hashed.
 *
 * Run ids start with a UTC time stamp, so `runs/` lists in start order (the sweeper relies on it).
 * A key that cannot name a list (`lists/a/../b.txt`, control characters, bad URL encoding) still
 * becomes a trigger, with `refused` set: its run ends fatal `LIST_KEY` and leaves a trace.
 */
import { createHash } from 'node:crypto';
import { assertRunId } from '../pipeline/run-layout.js';
import { AwsRuntimeError } from './errors.js';
import { LIST_KEY_FATAL, type FatalInfo } from './events.js';
import type { RunOverrides } from './run-settings.js';

export interface RunTrigger {
  readonly runId: string;
  readonly bucket: string;
  readonly key: string;
  /** Key relative to the input prefix, extension kept: names `results/<list>/` (one list, one prefix). */
  readonly listName: string;
  /** `s3` (settings from the object's metadata) or `schedule` (from `settings`). */
  readonly kind: 's3' | 'schedule';
  readonly settings?: RunOverrides;
  /** The uploaded object's ETag (S3 events): the run validates exactly that upload. */
  readonly etag?: string;
  readonly versionId?: string;
  /** Why the key cannot be a list: the run ends fatal at once, with no `results/` copy. */
  readonly refused?: FatalInfo;
}

export interface TriggerContext {
  readonly bucket: string;
  readonly inputPrefix: string;
  /** Lambda request id (the same on async retries). */
  readonly requestId: string;
  readonly now: () => Date;
}

interface S3Record {
  readonly eventSource?: string;
  readonly eventName?: string;
  readonly eventTime?: string;
  readonly s3?: { bucket?: { name?: string }; object?: { key?: string; eTag?: string; versionId?: string; sequencer?: string } };
}

/** `2026-01-02T03:04:05.678Z` -> `20260102T030405Z`. */
export function timeStamp(iso: string | Date): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) throw new AwsRuntimeError('TRIGGER', `not a time: ${JSON.stringify(String(iso).slice(0, 60))}`);
  return d.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
}

const hash = (...parts: readonly string[]): string => createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 12);
const slug = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-._]+|[-._]+$/g, '').slice(0, 48) || 'list';

/** S3 event keys are URL-encoded with `+` for spaces. */
export function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/**
 * `lists/team/nightly.txt` under `lists/` -> `team/nightly.txt`: the key under the input prefix,
 * extension kept, so `nightly.txt`, `nightly.csv` and `nightly` publish to three prefixes.
 * @throws AwsRuntimeError `TRIGGER`
 */
export function listNameOf(key: string, inputPrefix: string): string {
  if (!key.startsWith(inputPrefix) || key.endsWith('/')) {
    throw new AwsRuntimeError('TRIGGER', `${JSON.stringify(key)} is not a list under the input prefix "${inputPrefix}"`);
  }
  const name = key.slice(inputPrefix.length);
  const segments = name.split('/');
  // eslint-disable-next-line no-control-regex
  if (name === '' || segments.some((s) => s === '' || s === '.' || s === '..' || /[\u0000-\u001f\u007f\\]/.test(s))) {
    throw new AwsRuntimeError('TRIGGER', `cannot name results after ${JSON.stringify(key)}: use a key such as ${inputPrefix}nightly.txt`);
  }
  return name;
}

/** `key`'s list name, or (for a key that cannot be one) its text under the prefix and the reason. */
function nameOrRefusal(key: string, inputPrefix: string): { listName: string; refused?: FatalInfo } {
  try {
    return { listName: listNameOf(key, inputPrefix) };
  } catch (err) {
    if (!(err instanceof AwsRuntimeError)) throw err;
    const rest = key.startsWith(inputPrefix) ? key.slice(inputPrefix.length) : key;
    return { listName: rest || key, refused: { code: LIST_KEY_FATAL, message: err.message } };
  }
}

/** The decoded key of an S3 record, or its raw text and the reason it cannot be decoded. */
function decodedOrRefusal(rawKey: string): { key: string; refused?: FatalInfo } {
  try {
    return { key: decodeS3Key(rawKey) };
  } catch {
    return { key: rawKey, refused: { code: LIST_KEY_FATAL, message: `S3 key ${JSON.stringify(rawKey.slice(0, 200))} is not URL-encoded` } };
  }
}

/** The runs an S3 notification asks for (records outside the input prefix are skipped by the caller). */
export function s3Triggers(records: readonly S3Record[], ctx: TriggerContext): RunTrigger[] {
  return records.map((r) => {
    const bucket = r.s3?.bucket?.name;
    const rawKey = r.s3?.object?.key;
    if (!bucket || rawKey === undefined) throw new AwsRuntimeError('TRIGGER', 'S3 record without bucket name or object key');
    if (bucket !== ctx.bucket) throw new AwsRuntimeError('TRIGGER', `S3 record for bucket ${bucket}, expected ${ctx.bucket}`);
    const decoded = decodedOrRefusal(rawKey);
    const key = decoded.key;
    const o = r.s3!.object!;
    const named = nameOrRefusal(key, ctx.inputPrefix);
    const listName = named.listName;
    const refused = decoded.refused ?? named.refused;
    const runId = `${timeStamp(r.eventTime ?? ctx.now())}-${slug(listName)}-${hash(bucket, key, o.versionId ?? '', o.eTag ?? '', o.sequencer ?? '')}`;
    assertRunId(runId);
    return {
      runId, bucket, key, listName, kind: 's3',
      ...(o.eTag ? { etag: o.eTag } : {}), ...(o.versionId ? { versionId: o.versionId } : {}), ...(refused ? { refused } : {}),
    };
  });
}

/** The run a Scheduler input (or a manual invocation with the same shape) asks for. */
export function scheduleTrigger(input: Record<string, unknown>, ctx: TriggerContext): RunTrigger {
  const { bucket, key, name, scheduledTime, settings } = input;
  if (typeof bucket !== 'string' || typeof key !== 'string') {
    throw new AwsRuntimeError('TRIGGER', 'a schedule input needs "bucket" and "key" strings: {"bucket","key","name"?,"settings"?}');
  }
  if (bucket !== ctx.bucket) throw new AwsRuntimeError('TRIGGER', `schedule input names bucket ${bucket}, expected ${ctx.bucket}`);
  if (name !== undefined && (typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,48}$/.test(name))) {
    throw new AwsRuntimeError('TRIGGER', 'schedule input "name" must be 1-48 characters [A-Za-z0-9_-]');
  }
  if (settings !== undefined && (typeof settings !== 'object' || settings === null || Array.isArray(settings))) {
    throw new AwsRuntimeError('TRIGGER', 'schedule input "settings" must be an object such as {"arch": "amd64", "deep": true}');
  }
  const { listName, refused } = nameOrRefusal(key, ctx.inputPrefix);
  const label = typeof name === 'string' ? name : slug(listName);
  const runId = typeof scheduledTime === 'string' && scheduledTime !== ''
    ? `${timeStamp(scheduledTime)}-${label}-schedule`
    : `${timeStamp(ctx.now())}-${label}-${hash(ctx.requestId)}`;
  assertRunId(runId);
  return {
    runId, bucket, key, listName, kind: 'schedule', ...(settings ? { settings: settings as RunOverrides } : {}), ...(refused ? { refused } : {}),
  };
}

/** True for an S3 notification (`{Records: [{eventSource: "aws:s3"}]}`). */
export function isS3Event(event: unknown): event is { Records: S3Record[] } {
  const records = (event as { Records?: unknown })?.Records;
  return Array.isArray(records) && records.every((r) => (r as S3Record)?.eventSource === 'aws:s3');
}
