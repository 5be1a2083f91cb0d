// The `squall` command line: the controller's interface. Commands live one
// per file, each parsing its flags, calling one controller function and
// printing; this wires them up and turns errors into one clear line and an
// exit code.
import { Command, CommanderError } from 'commander';
import { isSquallError } from '../../src/errors.js';
import { processIo, type Io } from '../../src/io.js';
import { registerCalibrate } from './calibrate.js';
import { registerCheck } from './check.js';
import { registerCompare } from './compare.js';
import { registerDemo } from './demo.js';
import { registerHosts } from './hosts.js';
import { registerReport } from './report.js';
import { registerRun } from './run.js';
import { registerRuns } from './runs.js';
import { registerUrls } from './urls.js';

export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('squall')
    .description('distributed browser-based load testing with real headless Chromium')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  registerRun(program, io, setExit);
  registerCheck(program, io, setExit);
  registerDemo(program, io, setExit);
  registerHosts(program, io, setExit);
  registerRuns(program, io);
  registerReport(program, io, setExit);
  registerCompare(program, io, setExit);
  registerCalibrate(program, io, setExit);
  registerUrls(program, io);
  const configure = (command: Command): void => {
    command.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
    command.commands.forEach(configure);
  };
  program.commands.forEach(configure);
  return program;
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => (exitCode = code));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; everything else commander rejects is bad input.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (isSquallError(error)) {
      io.err(`squall: ${error.message}\n`);
      return error.exitCode;
    }
    io.err(`squall: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 3;
  }
}
