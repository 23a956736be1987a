/**
 * A problem with the user's input (a file, a flag, a manifest): the CLI prints the message and
 * exits 2. Anything else that escapes a command is an internal error (exit 1).
 */
export class UserError extends Error {
  override name = 'UserError';
  /** File the problem was found in, when there is one. */
  readonly file: string | undefined;
  constructor(message: string, options: { file?: string | undefined; cause?: unknown } = {}) {
    super(options.file ? `${options.file}: ${message}` : message, { cause: options.cause });
    this.file = options.file;
  }
}

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}
