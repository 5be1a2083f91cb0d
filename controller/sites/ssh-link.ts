// A host's SSH connection for the length of a run, that comes back: when it
// drops (a NAT timeout, a Wi-Fi blink, a restarted sshd), it is dialled again
// with backoff, its host key checked again, until the run closes the link or
// the agent's grace is over (the agent has stopped by then).
import type { SshConnection } from '../ssh/connection.js';

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 5000;

export class SshLink {
  private current: SshConnection | undefined;
  private closed = false;
  private readonly upListeners: Array<(connection: SshConnection) => Promise<void>> = [];

  constructor(
    first: SshConnection,
    private readonly dial: () => Promise<SshConnection>,
    private readonly giveUpAfterMs: number,
    private readonly say: (text: string) => void,
  ) {
    this.adopt(first);
  }

  /** The connection, or undefined while it is down. */
  get connection(): SshConnection | undefined {
    return this.current;
  }

  /** Runs after every re-dial, in order: forwards and watchers are set up anew there. */
  onRedial(listener: (connection: SshConnection) => Promise<void>): void {
    this.upListeners.push(listener);
  }

  close(): void {
    this.closed = true;
    this.current?.close();
    this.current = undefined;
  }

  private adopt(connection: SshConnection): void {
    this.current = connection;
    // Closed before we looked: it will send no close event, so dial now.
    if (!connection.isOpen) {
      this.current = undefined;
      void this.redial();
      return;
    }
    connection.onClose(() => {
      if (this.current !== connection) return;
      this.current = undefined;
      if (!this.closed) void this.redial();
    });
  }

  private async redial(): Promise<void> {
    const since = Date.now();
    this.say('SSH connection dropped; dialling again');
    for (let delay = FIRST_RETRY_MS; !this.closed && Date.now() - since < this.giveUpAfterMs; delay = Math.min(MAX_RETRY_MS, delay * 2)) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (this.closed) return;
      let connection: SshConnection;
      try {
        connection = await this.dial();
      } catch (error) {
        this.say(`SSH dial failed (${(error as Error).message}); trying again`);
        continue;
      }
      if (this.closed) return connection.close();
      this.adopt(connection);
      for (const listener of this.upListeners) await listener(connection).catch((error: unknown) => this.say(`after the re-dial: ${(error as Error).message}`));
      this.say(`SSH connection back after ${((Date.now() - since) / 1000).toFixed(1)}s`);
      return;
    }
    if (!this.closed) this.say(`SSH connection not back after ${Math.round(this.giveUpAfterMs / 1000)}s; giving up on it`);
  }
}
