// Delivers an exporter's payloads to a target that may be slow or down: in
// order, one at a time, retried with backoff, within a memory budget (past
// it the oldest are dropped and counted). It never throws into the run: a
// target that stays down costs its windows, counted for the summary.

/** A send that failed: `retry` false when the target refused the payload itself (a 4xx), so sending it again cannot help. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retry: boolean,
  ) {
    super(message);
  }
}

export interface DeliveryOptions<T> {
  send(payload: T): Promise<void>;
  /** bytes the payload holds in memory */
  sizeOf(payload: T): number;
  /** most bytes held waiting; past it the oldest payloads are dropped */
  budgetBytes: number;
  /** first retry delay, doubled per failure up to maxRetryMs */
  retryMs?: number;
  maxRetryMs?: number;
}

export interface DeliveryStats {
  offered: number;
  delivered: number;
  /** dropped: over the memory budget, refused by the target, or still held when the deadline passed */
  undelivered: number;
  /** failed sends, retried or not */
  failures: number;
  lastError?: string;
}

/** Failures in a row that end a drain: a target refusing three tries over the first second of backoff is down. */
const DRAIN_TRIES = 3;

export class DeliveryQueue<T> {
  private readonly queue: T[] = [];
  private heldBytes = 0;
  private sending = false;
  private delayMs = 0;
  private failuresInARow = 0;
  private wake: (() => void) | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  readonly stats: DeliveryStats = { offered: 0, delivered: 0, undelivered: 0, failures: 0 };

  constructor(private readonly options: DeliveryOptions<T>) {}

  get held(): number {
    return this.queue.length;
  }

  push(payload: T): void {
    if (this.stopped) return;
    this.stats.offered += 1;
    this.queue.push(payload);
    this.heldBytes += this.options.sizeOf(payload);
    // The newest is kept: a counter's latest value carries everything before it.
    while (this.heldBytes > this.options.budgetBytes && this.queue.length > (this.sending ? 2 : 1)) this.dropOldest();
    void this.pump();
  }

  /**
   * Tries what is held until it is delivered, `deadlineMs` has passed, or
   * the target has failed DRAIN_TRIES times in a row since the drain began
   * (a target that is down at the end does not hold the run's end for the
   * whole deadline); what is left then is counted undelivered.
   */
  async drain(deadlineMs: number): Promise<DeliveryStats> {
    const deadline = Date.now() + deadlineMs;
    // At once (a target back since the last failure gets what is held now), then at the first steps of the
    // backoff's pace: never a request per turn of this loop.
    this.delayMs = 0;
    this.failuresInARow = 0;
    this.retryNow();
    while (this.queue.length > 0 && Date.now() < deadline && this.failuresInARow < DRAIN_TRIES) {
      await Promise.race([this.idle(), sleep(deadline - Date.now())]);
    }
    this.stopped = true;
    clearTimeout(this.retryTimer);
    while (this.queue.length > 0) this.dropOldest();
    return this.stats;
  }

  /** The oldest not in flight: a send under way finishes, and is counted by how it ends. */
  private dropOldest(): void {
    const [payload] = this.queue.splice(this.sending && this.queue.length > 1 ? 1 : 0, 1) as [T];
    this.heldBytes -= this.options.sizeOf(payload);
    this.stats.undelivered += 1;
  }

  private retryNow(): void {
    if (this.retryTimer === undefined) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    void this.pump();
  }

  /** Resolves once nothing is in flight and no retry waits. */
  private idle(): Promise<void> {
    if (!this.sending && this.retryTimer === undefined) return Promise.resolve();
    return new Promise((resolve) => {
      const before = this.wake;
      this.wake = () => {
        before?.();
        resolve();
      };
    });
  }

  private settle(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async pump(): Promise<void> {
    if (this.sending || this.retryTimer !== undefined) return;
    this.sending = true;
    while (this.queue.length > 0 && !this.stopped) {
      const payload = this.queue[0]!;
      try {
        await this.options.send(payload);
        // Past the deadline it was counted undelivered with the rest.
        if (this.stopped) break;
        this.stats.delivered += 1;
        this.delayMs = 0;
        this.failuresInARow = 0;
      } catch (error) {
        if (this.stopped) break;
        this.stats.failures += 1;
        this.failuresInARow += 1;
        this.stats.lastError = error instanceof Error ? error.message : String(error);
        const retry = !(error instanceof DeliveryError) || error.retry;
        if (retry) {
          this.delayMs = Math.min(this.options.maxRetryMs ?? 5000, this.delayMs === 0 ? (this.options.retryMs ?? 250) : this.delayMs * 2);
          this.retryTimer = setTimeout(() => {
            this.retryTimer = undefined;
            void this.pump();
          }, this.delayMs);
          this.retryTimer.unref();
          break;
        }
        this.stats.undelivered += 1;
      }
      // Delivered or refused for good: it leaves the queue.
      this.queue.shift();
      this.heldBytes -= this.options.sizeOf(payload);
    }
    this.sending = false;
    this.settle();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)).unref());
}
