// Waits for a condition that other callbacks make true, without polling loops
// all over the orchestration code.
export class Waiter {
  private wakers = new Set<() => void>();

  /** Call after any state change. */
  wake(): void {
    for (const wake of [...this.wakers]) wake();
  }

  /** Resolves true when `condition` holds, false at the timeout. */
  until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
    if (condition()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = (value: boolean) => {
        clearTimeout(timer);
        clearInterval(poll);
        this.wakers.delete(check);
        resolve(value);
      };
      const check = () => condition() && finish(true);
      const timer = setTimeout(() => finish(condition()), timeoutMs);
      // Conditions may also depend on the clock (deadlines); look at least once a second.
      const poll = setInterval(check, 1000);
      this.wakers.add(check);
    });
  }
}
