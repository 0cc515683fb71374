/**
 * Errors of the Lambda runtime (lib/serverless). Callers branch on `code`, never on message text.
 *
 * - `CONFIG`: a missing or malformed environment variable (names the variable).
 * - `RUN_SETTINGS`: invalid per-run settings in S3 object metadata or a schedule's input.
 * - `TRIGGER`: an event the splitter cannot start a run from (wrong bucket, bad shape).
 * - `LIST`: the list object cannot be used (missing, too large, replaced before the run).
 * - `CREDENTIALS`: the credentials secret or an ECR token could not be read or parsed.
 * - `EVENT`: EventBridge rejected the completion event.
 * - `PUBLISH`: copying a run's outputs to `results/<list>/` failed.
 */
import { MirrorValidateError } from '../core/errors.js';

export type AwsRuntimeErrorCode = 'CONFIG' | 'RUN_SETTINGS' | 'TRIGGER' | 'LIST' | 'CREDENTIALS' | 'EVENT' | 'PUBLISH';

export class AwsRuntimeError extends MirrorValidateError<AwsRuntimeErrorCode> {}
