/**
 * Base of every error family in the project. Each module declares one subclass with its own
 * stable string codes; callers branch on `code`, never on message text.
 */
export class MirrorValidateError<C extends string = string> extends Error {
  readonly code: C;

  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** True when `err` is one of our errors (any family). */
export function isCodedError(err: unknown): err is MirrorValidateError {
  return err instanceof MirrorValidateError;
}
