// The benchmark's target, the demo shop with every API route at a fixed
// 100 ms, in a process of its own: in the bench's process its event loop
// would share time with whichever runner drives browsers from there, and
// the baselines would measure their own load on the server.
// Prints {"url": ...} when listening; exits when stdin closes.
import { REFERENCE_LATENCY, startDemoApp } from '../../controller/demo/server.js';

const app = await startDemoApp({ latencyMs: REFERENCE_LATENCY });
process.stdout.write(JSON.stringify({ url: app.url }) + '\n');
process.stdin.resume();
process.stdin.on('end', () => void app.close().then(() => process.exit(0)));
