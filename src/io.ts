// Every process-level dependency of a command in one object, so commands can
// run in-process in tests with their output captured.
export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** stdout is an interactive terminal */
  isTTY: boolean;
  /** the terminal's streams, when stdin and stdout both are one: the dashboard draws there */
  terminal?: { stdout: NodeJS.WriteStream; stdin: NodeJS.ReadStream };
  /** Subscribe to Ctrl-C; returns the unsubscribe function. */
  onInterrupt(handler: () => void): () => void;
}

export function processIo(): Io {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    isTTY: Boolean(process.stdout.isTTY),
    ...(process.stdout.isTTY && process.stdin.isTTY ? { terminal: { stdout: process.stdout, stdin: process.stdin } } : {}),
    onInterrupt: (handler) => {
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
  };
}

/** Captures output; for tests and for commands that render into a string. */
export function memoryIo(overrides: Partial<Io> = {}): Io & { stdout: () => string; stderr: () => string } {
  let stdout = '';
  let stderr = '';
  return {
    out: (text) => void (stdout += text),
    err: (text) => void (stderr += text),
    env: {},
    cwd: process.cwd(),
    isTTY: false,
    onInterrupt: () => () => {},
    ...overrides,
    stdout: () => stdout,
    stderr: () => stderr,
  };
}
