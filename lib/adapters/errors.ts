/**
 * Errors of the storage and queue adapters (local and AWS alike). Callers branch on `code`.
 */
import { MirrorValidateError } from '../core/errors.js';

/**
 * - `INVALID_KEY`: an object key that is empty, absolute, has empty/`.`/`..` segments, control
 *   characters or backslashes, or names an internal directory of the local store.
 * - `KEY_CONFLICT`: the local directory store cannot hold both `a` and `a/b` (S3 can).
 * - `WRITER_CLOSED`: write or close on an object writer that was closed or aborted.
 * - `IO`: any other storage or queue failure; `cause` carries the original error.
 */
export type AdapterErrorCode = 'INVALID_KEY' | 'KEY_CONFLICT' | 'WRITER_CLOSED' | 'IO';

export class AdapterError extends MirrorValidateError<AdapterErrorCode> {}
