// scripts/bench/data-feed.ts's measurements in a process of their own:
// an agent's memory for a data file's rows, and the cost of a unique row to a
// VU worker (message to the main thread, lease, parse, answer) against the
// message round trip alone.
import { basename, dirname } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { LeaseBook } from '../../src/data/lease-book.js';
import { PROTOCOL_VERSION } from '../../src/protocol/messages.js';
import { feeder, type DataFile } from '../../src/scenario/feeder.js';
import { currentVu } from '../../agent/feeds/current-vu.js';
import { answerFor, installFeeds, WorkerFeeds, type FeedAnswer } from '../../agent/feeds/feed-hook.js';
import { FeedRows } from '../../agent/feeds/feed-rows.js';
import { LeaseClient } from '../../agent/feeds/leases.js';
import { RowFile } from '../../agent/feeds/row-file.js';

const TAKES = 100_000;

if (isMainThread) await main();
else await worker();

async function main(): Promise<void> {
  const [path, rowsText] = process.argv.slice(2) as [string, string];
  const rows = Number(rowsText);
  const mb = () => process.memoryUsage().rss / 1048576;
  global.gc?.();
  const before = mb();
  const file = RowFile.open(path);
  const opened = mb();
  for (let i = 0; i < 200_000; i += 1) file.row((i * 7919) % file.rows);
  const parsed = mb();
  console.log(`memory: the agent's process ${before.toFixed(0)} MB, with the rows open ${opened.toFixed(0)} MB (+${(opened - before).toFixed(0)}), after 200,000 rows parsed and dropped ${parsed.toFixed(0)} MB; a VU worker holds none of it (it asks the main thread)`);

  // The controller's lease book answering over a loopback "uplink", as the hub would.
  const book = new LeaseBook(() => 1);
  let seq = 0;
  const client: LeaseClient = new LeaseClient({
    send: (message) => {
      seq += 1;
      setImmediate(() => {
        if (message.type === 'lease') {
          const block = book.lease('a', message.feeder, message.rows, message.recycle, message.request);
          client.granted({ type: 'grant', protocol: PROTOCOL_VERSION, feeder: message.feeder, request: message.request, ...(block ? { block } : {}) });
        } else if (message.type === 'lease-start') book.start('a', message.feeder, message.block);
      });
      return seq;
    },
    acknowledged: () => new Promise((resolve) => setImmediate(() => resolve(true))),
  });
  const feeds = new FeedRows(dirname(path), client);
  const data: DataFile = { __squallData: 1, name: 'users.csv', file: basename(path), rows };
  for (const mode of ['ping', 'rows'] as const) {
    // tsx's loader is registered per thread: the worker registers it before it imports this file.
    const entry = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); });`;
    const thread = new Worker(entry, { eval: true, workerData: { mode, data } });
    thread.on('message', (message: { kind: string; request: number; spec: never; vu: number }) => {
      if (message.kind === 'ping') return thread.postMessage({ request: message.request, row: null } satisfies FeedAnswer);
      if (message.kind === 'feed-take') void answerFor(feeds, message.request, message.spec, message.vu).then((answer) => thread.postMessage(answer));
    });
    const result = await new Promise<{ ms: number }>((resolve) => thread.once('message', function done(message: { kind: string; ms?: number }) {
      if (message.kind === 'done') resolve({ ms: message.ms! });
      else thread.once('message', done);
    }));
    await thread.terminate();
    console.log(`per ${mode === 'rows' ? 'unique row (message, lease, parse)' : 'message round trip alone'}: ${((result.ms * 1000) / TAKES).toFixed(1)} µs over ${TAKES.toLocaleString('en')}`);
  }
  const [account] = book.accounts();
  console.log(`leases: ${account!.used.toLocaleString('en')} rows in blocks of up to 100: one lease and one start message per block`);
}

async function worker(): Promise<void> {
  const { mode, data } = workerData as { mode: 'ping' | 'rows'; data: DataFile };
  const port = parentPort!;
  const feeds = new WorkerFeeds((request, spec, vu) => port.postMessage({ kind: 'feed-take', request, spec, vu }));
  installFeeds(feeds);
  let request = 0;
  const pending = new Map<number, () => void>();
  port.on('message', (answer: FeedAnswer) => {
    if (mode === 'rows') return feeds.answer(answer);
    pending.get(answer.request)?.();
    pending.delete(answer.request);
  });
  const next = feeder(data, { order: 'unique' });
  const ping = () => new Promise<void>((resolve) => {
    const id = request++;
    pending.set(id, resolve);
    port.postMessage({ kind: 'ping', request: id });
  });
  const started = performance.now();
  for (let i = 0; i < TAKES; i += 1) await currentVu.run(1, () => (mode === 'rows' ? next() : ping()));
  port.postMessage({ kind: 'done', ms: performance.now() - started });
}
