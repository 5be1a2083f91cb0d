// Which VU is running the code that asks for a row: a feeder's `next()` takes
// no argument, and one thread runs many VUs' iterations at once.
import { AsyncLocalStorage } from 'node:async_hooks';

export const currentVu = new AsyncLocalStorage<number>();
