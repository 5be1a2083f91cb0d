// An on-demand VU's turns: the arrival scheduler gives them one at a time
// (each with the flow to run, '' for the VU's next weighted one), and a stop
// ends the wait for the next.
export class Turns {
  private waiting: ((turn: string | false) => void) | undefined;
  private readonly ahead: string[] = [];
  private stopped = false;

  give(flow = ''): void {
    if (this.waiting) this.settle(flow);
    else this.ahead.push(flow);
  }

  stop(): void {
    this.stopped = true;
    this.settle(false);
  }

  /** The next turn's flow ('' for any), or false once stopped. */
  next(): Promise<string | false> {
    if (this.stopped) return Promise.resolve(false);
    const ahead = this.ahead.shift();
    if (ahead !== undefined) return Promise.resolve(ahead);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  private settle(turn: string | false): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.(turn);
  }
}
