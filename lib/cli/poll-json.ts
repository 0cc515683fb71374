/**
 * Reading pipeline objects while a run is still being written. An object that does not parse
 * yet counts as not there: the next poll reads it again. (S3 PUTs are atomic; S3 stand-ins
 * such as s3rver can serve a half-written object to a concurrent GET.)
 */
import { isCodedError } from '../core/errors.js';
import type { ObjectStore } from '../ports.js';
import { readJson } from '../pipeline/run-record.js';

export async function pollJson<T>(store: ObjectStore, key: string): Promise<T | null> {
  try {
    return await readJson<T>(store, key);
  } catch (err) {
    if (isCodedError(err) && err.code === 'CORRUPT_OBJECT') return null;
    throw err;
  }
}
