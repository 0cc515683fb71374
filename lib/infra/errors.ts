/**
 * Errors of the CDK infrastructure code (configuration read from `cdk.json` context or props).
 */
import { MirrorValidateError } from '../core/errors.js';

/**
 * - `INVALID_CONFIG`: a context value or prop is missing, has the wrong type or is out of range.
 *   The message names the key, what was expected and what was found.
 * - `REPO_ROOT_NOT_FOUND`: no `package.json` above this module, so Lambda entries cannot be found.
 */
export type InfraErrorCode = 'INVALID_CONFIG' | 'REPO_ROOT_NOT_FOUND';

export class InfraError extends MirrorValidateError<InfraErrorCode> {}
