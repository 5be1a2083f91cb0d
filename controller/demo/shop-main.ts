// Entry point of dist/demo-shop.mjs: the demo shop as a helper server that a
// site runs next to its agent, so `squall calibrate` measures each host
// against a target on that host's own loopback. Every API route answers in
// a fixed 100 ms. It prints where it listens (one JSON line) and lives
// until its stdin closes.
import type { HelperReady } from '../../src/protocol/helper.js';
import { REFERENCE_LATENCY, startDemoApp } from './server.js';

const app = await startDemoApp({ latencyMs: REFERENCE_LATENCY });
process.stdout.write(JSON.stringify({ url: app.url } satisfies HelperReady) + '\n');
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => process.exit(0));
