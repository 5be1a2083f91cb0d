// Errors that are the user's to fix: printed as one line, exit code 2, no stack.
export class UserError extends Error {
  override name = 'UserError';
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}
