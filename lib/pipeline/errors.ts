/**
 * Errors of the pipeline use cases (split, process, aggregate, local run).
 *
 * - `NO_IMAGES`: the list has no image and no invalid line ("no images in list"); fatal.
 * - `INVALID_RUN_ID`: a run id that cannot be used in object keys.
 * - `RUN_NOT_FOUND`: no run record for the run id.
 * - `CORRUPT_OBJECT`: a pipeline object (run record, result) that is not the JSON we wrote.
 */
import { MirrorValidateError } from '../core/errors.js';

export type PipelineErrorCode = 'NO_IMAGES' | 'INVALID_RUN_ID' | 'RUN_NOT_FOUND' | 'CORRUPT_OBJECT';

export class PipelineError extends MirrorValidateError<PipelineErrorCode> {}
