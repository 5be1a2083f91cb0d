// Where a VU worker runs: a worker thread of its own, or, for an agent that
// needs only one, the agent's own thread. A second thread parses and sets up
// the whole bundle again (a quarter of a second of CPU per agent before its
// browser starts) and hands every step's messages across threads; with one
// browser there is no other browser's DevTools traffic to keep apart. Both
// speak the same messages over a port, so the pool cannot tell them apart.
import { EventEmitter } from 'node:events';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { ToVuWorker, VuWorkerInit } from './vu-worker-messages.js';

// As Worker's and EventEmitter's own listeners are typed.
type Listener = (...args: any[]) => void;

/** What the pool uses of a worker thread: its 'message', 'error' and 'exit' events, postMessage and terminate. */
export interface VuThread {
  postMessage(message: ToVuWorker): void;
  on(event: string, listener: Listener): unknown;
  off(event: string, listener: Listener): unknown;
  once(event: string, listener: Listener): unknown;
  terminate(): Promise<number>;
}

export function startVuThread(script: string, init: VuWorkerInit, inThisThread: boolean): VuThread {
  return inThisThread ? new InThisThread(init) : new Worker(script, { workerData: init });
}

/** A VU worker in the agent's own thread, over a MessageChannel; the port's close is its exit. */
class InThisThread extends EventEmitter implements VuThread {
  private readonly port;

  constructor(init: VuWorkerInit) {
    super();
    const { port1: ours, port2: theirs } = new MessageChannel();
    this.port = ours;
    ours.on('message', (message: unknown) => this.emit('message', message));
    ours.once('close', () => this.emit('exit', 0));
    // Imported when wanted: an agent with several worker threads never sets up puppeteer in its own.
    void import('./vu-worker.js').then(
      ({ runVuWorker }) => runVuWorker(theirs, init),
      (error: unknown) => this.emit('error', error),
    );
  }

  postMessage(message: ToVuWorker): void {
    this.port.postMessage(message);
  }

  async terminate(): Promise<number> {
    this.port.close();
    return 0;
  }
}
