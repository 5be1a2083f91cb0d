// Collects work that arrives within one turn of the event loop and commits it
// together: one SQLite transaction for a burst of windows instead of one each.
export class GroupCommit<T, R> {
  private queue: Array<{ item: T; resolve: (result: R) => void; reject: (error: unknown) => void }> = [];

  /**
   * `maxBatch`: a burst from thousands of agents can fill one event-loop
   * turn; committing every so many keeps the first ones from waiting for the last.
   */
  constructor(
    private readonly commit: (items: T[]) => R[],
    private readonly maxBatch = 50,
  ) {}

  add(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      if (this.queue.length === 0) setImmediate(() => this.flush());
      this.queue.push({ item, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.flush();
    });
  }

  private flush(): void {
    if (this.queue.length === 0) return;
    const queue = this.queue;
    this.queue = [];
    let results: R[];
    try {
      results = this.commit(queue.map((entry) => entry.item));
    } catch (error) {
      for (const entry of queue) entry.reject(error);
      return;
    }
    queue.forEach((entry, i) => entry.resolve(results[i]!));
  }
}
