// Runs the built `squall` command as a user would, capturing its output.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { memoryIo } from '../../src/io.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SQUALL_BIN = `${ROOT}bin/squall.mjs`;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunCliOptions {
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** called with all output so far whenever more arrives: tests act on what the command printed */
  watch?: (output: { stdout: string; stderr: string }, child: ChildProcess) => void;
}

export function runCli(args: string[], options: RunCliOptions = {}): Promise<CliResult> {
  return runProcess([process.execPath, SQUALL_BIN, ...args], options);
}

function runProcess([command, ...args]: string[], options: RunCliOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command!, args, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, CI: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      options.watch?.({ stdout, stderr }, child);
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      options.watch?.({ stdout, stderr }, child);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} timed out\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, options.timeoutMs ?? 110_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export function fixture(name: string): string {
  return `${ROOT}test/fixtures/${name}`;
}

/** A controller process running `request` with the hooks' `timing` (see controller-child.ts), watched like runCli. */
export function runControllerChild(request: object, timing: object, options: RunCliOptions = {}): Promise<CliResult> {
  return runProcess([process.execPath, '--import', 'tsx', `${ROOT}test/harness/controller-child.ts`, JSON.stringify({ request, timing })], options);
}

/**
 * The CLI's entry called in this process, with its output captured: for
 * commands whose answer is a line or a file (refusals, listings, reports),
 * where a process of their own adds only its start-up. The in-process run is
 * the TypeScript source, not dist/: what dist/ adds is covered by the tests
 * that spawn the built command.
 */
export async function squall(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  const io = memoryIo({ cwd: options.cwd ?? ROOT, env: { ...process.env, CI: '1', ...options.env } });
  // Imported when first used: the whole CLI is a large module graph that most tests never need.
  const { main } = await import('../../controller/cli/main.js');
  const code = await main(args, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}
