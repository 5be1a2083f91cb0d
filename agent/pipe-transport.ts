// CDP over Chromium's --remote-debugging-pipe (fd 3 to it, fd 4 from it):
// NUL-terminated JSON both ways. Ours rather than puppeteer's so that a
// message is one write: every write to the pipe is a system call that wakes
// the browser's reader, and puppeteer's makes two (the second for the NUL).
import type { Readable, Writable } from 'node:stream';
import type { ConnectionTransport } from 'puppeteer-core';

export class PipeTransport implements ConnectionTransport {
  onmessage?: (message: string) => void;
  onclose?: () => void;
  private pending: Uint8Array[] = [];
  private closed = false;

  constructor(
    private readonly toChromium: Writable,
    private readonly fromChromium: Readable,
  ) {
    fromChromium.on('data', this.receive);
    fromChromium.on('close', () => this.onclose?.());
    // A write to a browser that died is reported by 'close'; the error adds nothing.
    fromChromium.on('error', () => {});
    toChromium.on('error', () => {});
  }

  /**
   * A message with its NUL in one write, at once. Holding a tick's messages for one writev
   * saved a little more CPU, but each command then waited for the rest of the tick (all of
   * the thread's VUs' work) before the browser could start on it: fewer orders in pairs.
   */
  send(message: string): void {
    if (this.closed) return;
    this.toChromium.write(`${message}\0`);
  }

  close(): void {
    this.closed = true;
    this.fromChromium.off('data', this.receive);
  }

  private readonly receive = (chunk: Buffer): void => {
    let end = chunk.indexOf(0);
    if (end === -1) {
      this.pending.push(chunk);
      return;
    }
    let start = 0;
    let head: Buffer = Buffer.concat([...this.pending, chunk.subarray(0, end)]);
    this.pending = [];
    while (end !== -1) {
      const message = head.toString('utf8');
      // As puppeteer's own transport does: each message in a task of its own.
      setImmediate(() => {
        if (!this.closed) this.onmessage?.(message);
      });
      start = end + 1;
      end = chunk.indexOf(0, start);
      if (end !== -1) head = chunk.subarray(start, end);
    }
    if (start < chunk.length) this.pending.push(chunk.subarray(start));
  };
}
