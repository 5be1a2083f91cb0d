// Errors a command ends with on purpose: printed as one line, no stack trace,
// with an exit code that says whose they are. Anything else is an internal
// error (exit 3, with its stack: a bug to report).

abstract class SquallError extends Error {
  abstract readonly exitCode: number;
}

/** Bad input, the user's to fix: a file, a flag, a threshold, a host that cannot run an agent. Exit code 2. */
export class InputError extends SquallError {
  override name = 'InputError';
  readonly exitCode = 2;
}

/** The run could not be carried out, though the input was fine: an agent that would not start, an interrupt before t0. Exit code 3. */
export class RunFailure extends SquallError {
  override name = 'RunFailure';
  readonly exitCode = 3;
}

export function isSquallError(error: unknown): error is InputError | RunFailure {
  return error instanceof SquallError;
}
