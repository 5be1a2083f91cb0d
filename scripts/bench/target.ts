// The benchmark's target: the demo shop with every API route at a fixed
// 100 ms (dist/demo-shop.mjs, the same helper squall calibrate runs beside
// each agent), in a process of its own: in the bench's process its event
// loop would share time with whichever runner drives browsers from there,
// and the baselines would measure their own load on the server.
import { spawn } from 'node:child_process';
import { requireBuilt } from '../../controller/bundle.js';
import { DEMO_SHOP_BUNDLE } from '../../controller/paths.js';
import { helperUrl } from '../../controller/sites/helper.js';
import type { PageTiming } from '../../controller/demo/server.js';

export async function startTarget(): Promise<{ url: string; close(): Promise<void> }> {
  requireBuilt(DEMO_SHOP_BUNDLE, 'demo shop bundle');
  const child = spawn(process.execPath, [DEMO_SHOP_BUNDLE], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (data: Buffer) => (stderr += data.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await helperUrl('the benchmark target', { onData: (listener) => child.stdout!.on('data', (d: Buffer) => listener(d.toString())) }, exited, () => stderr);
  return {
    url,
    close: async () => {
      child.stdin!.end();
      await exited;
    },
  };
}

/**
 * The page's own times of the product action (controller/demo/page.ts) in a
 * span, ms, sorted: what the action takes without any harness, the floor a
 * runner's step time is compared with.
 */
export async function pageTimings(target: string, span: { from: number; to: number }): Promise<number[]> {
  const response = await fetch(`${target}/__page-timings?from=${span.from}&to=${span.to}`);
  const timings = (await response.json()) as PageTiming[];
  return timings.map((timing) => timing.ms).sort((a, b) => a - b);
}
