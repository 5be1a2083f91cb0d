// A shell kept open on a host after a first command, so that a later command
// runs without a login shell of its own. sshd runs every command through the
// user's login shell, and bash started by sshd sources ~/.bashrc: where that
// runs `pyenv init`, nvm or conda, each command costs about half a second of
// CPU before it starts. The first command (the probe) ends by `exec sh`, which
// then reads the next command from the channel; the start of the agent is that
// next command, so a warm host pays its shell's start-up once, not twice.
import { randomBytes } from 'node:crypto';
import { afterMarker, beforeMarker } from '../sites/shell-output.js';
import type { RemoteProcess, SshConnection } from './connection.js';

const HELD = 'squall-shell-held';

export class HeldShell {
  private used = false;

  private constructor(
    readonly connection: SshConnection,
    private readonly process: RemoteProcess,
    /** how much stderr the first command printed: a later command's own starts there */
    private readonly stderrBefore: number,
  ) {}

  /**
   * Runs `command` (in a subshell: an `exit` there does not end the held shell)
   * and resolves with what it printed once it has ended, the shell then held;
   * rejects with what the host said when the shell ends instead.
   */
  static async open(connection: SshConnection, command: string): Promise<{ shell: HeldShell; stdout: string; stderr: string }> {
    // The empty line puts the marker on a line of its own whatever the command printed last.
    const process = await connection.exec(`( ${command}\n); echo; echo ${HELD}; exec sh`);
    const stdout = await new Promise<string>((resolve, reject) => {
      const onData = () => {
        const before = beforeMarker(process.stdout(), HELD);
        if (before === undefined) return;
        process.channel.off('data', onData);
        resolve(before);
      };
      process.channel.on('data', onData);
      void process.exited.then(() => reject(new Error(`the shell ended: ${process.stderr().trim() || 'it said nothing'}`)));
    });
    const shell = new HeldShell(connection, process, process.stderr().length);
    return { shell, stdout, stderr: process.stderr() };
  }

  /** Whether `runLast` can still be used: on an open connection, not used yet, the shell not ended. */
  get usable(): boolean {
    return !this.used && this.connection.isOpen && !this.process.channel.destroyed;
  }

  /**
   * Gives the held shell its last command, with `input` for the command's
   * standard input (a here-document: the shell's own input is the command
   * stream). The process it returns is the shell's, its output from here on;
   * the command should end by `exec`, or the shell ends after it.
   */
  runLast(command: (stdin: string) => string, input: string): RemoteProcess {
    this.used = true;
    const end = `SQUALL_INPUT_${randomBytes(12).toString('hex')}`;
    const process = this.process;
    process.channel.end(`${command(`<<'${end}'`)}\n${input}\n${end}\n`);
    return {
      channel: process.channel,
      exited: process.exited,
      // After the marker; once the process's kept output (its last 64 kB) no longer holds it, all it holds is after it.
      stdout: () => {
        const all = process.stdout();
        return afterMarker(all, HELD) ?? all;
      },
      stderr: () => process.stderr().slice(this.stderrBefore),
    };
  }

  /** Lets the shell end: for a host that will not start an agent over it. */
  close(): void {
    this.used = true;
    this.process.channel.end();
  }
}
