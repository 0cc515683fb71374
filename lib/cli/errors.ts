import { MirrorValidateError } from '../core/errors.js';

/** Usage and fatal errors of the command line: always one line, exit code 2. */
export type CliErrorCode = 'USAGE' | 'LIST_UNREADABLE' | 'LIST_NOT_TEXT' | 'NO_IMAGES' | 'OUTPUT_UNWRITABLE' | 'REMOTE';

export class CliError extends MirrorValidateError<CliErrorCode> {}
