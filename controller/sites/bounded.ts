// Running a task over many items with at most so many at once: hosts to
// connect to, files to upload.

/** Runs `task` over `items` with at most `limit` at once. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  });
  await Promise.all(workers);
  return results;
}

/** `mapBounded` with a second limit per key: at most `perKey` items of one key at once. Results in the items' order. */
export function mapBoundedPerKey<T, R>(items: readonly T[], limit: number, perKey: number, keyOf: (item: T) => string, task: (item: T) => Promise<R>): Promise<R[]> {
  if (!(limit >= 1 && perKey >= 1)) throw new RangeError(`mapBoundedPerKey: limits must be at least 1 (got ${limit} and ${perKey})`);
  const results: R[] = new Array(items.length);
  const waiting = items.map((item, index) => ({ item, index, key: keyOf(item) }));
  const busy = new Map<string, number>();
  let running = 0;
  let failed = false;
  return new Promise((resolve, reject) => {
    const pump = () => {
      if (failed) return;
      if (waiting.length === 0 && running === 0) return resolve(results);
      for (let i = 0; i < waiting.length && running < limit; ) {
        const next = waiting[i]!;
        if ((busy.get(next.key) ?? 0) >= perKey) {
          i += 1;
          continue;
        }
        waiting.splice(i, 1);
        running += 1;
        busy.set(next.key, (busy.get(next.key) ?? 0) + 1);
        // A task that throws before its first await rejects the map too, not the process.
        Promise.resolve()
          .then(() => task(next.item))
          .then(
            (value) => void (results[next.index] = value),
            (error: unknown) => {
              failed = true;
              reject(error);
            },
          )
          .finally(() => {
            running -= 1;
            busy.set(next.key, busy.get(next.key)! - 1);
            pump();
          });
      }
    };
    pump();
  });
}
