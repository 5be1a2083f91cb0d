// An agent whose controller never answers. Its browser starts while the link
// comes up (a far host's round trips cost as long as Chromium's start), so an
// agent that never gets through must close that browser itself before it
// gives up, not leave it to the kill at exit (which leaves its profile behind).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleScenario } from '../../controller/bundle.js';
import type { AgentConfigInput } from '../../src/protocol/agent-config.js';
import { fixture, ROOT } from '../harness/cli.js';

/** A loopback port nothing listens on: taken, then given back. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

describe('an agent that never reaches its controller', () => {
  const dir = mkdtempSync(join(tmpdir(), 'squall-unreachable-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives up after its grace with "lost the controller", its browser started meanwhile and closed, its profile gone', async () => {
    const bundle = await bundleScenario(fixture('shop.scenario.ts'), dir);
    const profiles = join(dir, 'tmp');
    const config: AgentConfigInput = {
      controllerUrl: `ws://127.0.0.1:${await closedPort()}/agent`,
      token: 'a-token-of-sixteen-or-more',
      runId: 'r1',
      agentId: 'a1',
      scenarioPath: bundle.path,
      lostControllerMs: 2_000,
      heartbeatMs: 500,
    };
    mkdirSync(profiles);
    const agent = spawn(process.execPath, [join(ROOT, 'dist/agent.mjs')], { env: { ...process.env, TMPDIR: profiles }, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    agent.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    // Its stdin stays open: a local agent whose stdin closes stops for that reason instead.
    agent.stdin.write(`${JSON.stringify(config)}\n`);
    let browserSeen = false;
    const looking = setInterval(() => (browserSeen ||= readdirSync(profiles).some((name) => name.startsWith('squall-chromium-'))), 20);
    const [code] = (await once(agent, 'exit')) as [number | null];
    clearInterval(looking);
    agent.stdin.destroy();
    expect(stderr).toContain('exit 3: lost the controller');
    expect(code).toBe(3);
    expect(browserSeen).toBe(true);
    expect(readdirSync(profiles)).toEqual([]);
  });
});
