// squall calibrate on this machine: the demo shop served beside the agent
// (dist/demo-shop.mjs), the reference workload in steps, and a suggested maxVUs.
import { describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli.js';

describe('squall calibrate', () => {
  it('steps through the VU levels and suggests a maxVUs for the host', async () => {
    const result = await runCli(['calibrate', '--max-vus', '2', '--hold', '5s']);
    expect(result.stderr).toMatch(/calibrating this machine: 1, 2 VUs/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^localhost: 1-VU p50 \d+ms$/m);
    expect(result.stdout).toMatch(/^ {5}1 +\d+ms +1\.00x +0\.0% +\d+% +no *$/m);
    expect(result.stdout).toMatch(/^ {5}2 +\d+ms +[\d.]+x +0\.0% +\d+% +no/m);
    expect(result.stdout).toMatch(/suggested maxVUs: [12] \(/);
    expect(result.stdout).toMatch(/for hosts\.yaml:\n {2}- \{ host: localhost, maxVUs: [12] \}/);
  });

  it('refuses a hold too short to measure', async () => {
    const result = await runCli(['calibrate', '--hold', '2s']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('squall: --hold 2s: must be at least 4s to measure whole windows');
  });
});
