// A run's clockwork as the user may set it: the agents' grace from --agent-grace.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { memoryIo } from '../../src/io.js';
import { PACKAGE_ROOT } from '../paths.js';
import { DEFAULT_TIMING, discardPrepared, prepareRun } from './prepare.js';
import type { RunRequest } from './request.js';

describe('preparing a run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'squall-prepare-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const request = (agentGrace?: string): RunRequest => ({
    scenario: join(PACKAGE_ROOT, 'test', 'fixtures', 'shop.scenario.ts'),
    flags: {},
    env: {},
    out: join(dir, 'out'),
    db: join(dir, 'runs.db'),
    ...(agentGrace !== undefined ? { agentGrace } : {}),
  });

  it('gives the agents the grace --agent-grace asks for, and a minute without it', async () => {
    const asked = await prepareRun(request('20s'), memoryIo());
    discardPrepared(asked);
    expect(asked.timing).toEqual({ ...DEFAULT_TIMING, agentGraceMs: 20_000 });
    const unasked = await prepareRun(request(), memoryIo());
    discardPrepared(unasked);
    expect(unasked.timing.agentGraceMs).toBe(60_000);
  });

  it("bundles the scenario into a private folder no one could name beforehand, and removes it", async () => {
    const prepared = await prepareRun(request(), memoryIo());
    // Before: /tmp/squall-<run id>, 0755, made whether or not it was there.
    expect(prepared.workDir).not.toBe(join(tmpdir(), `squall-${prepared.runId}`));
    expect(prepared.workDir.startsWith(join(tmpdir(), `squall-${prepared.runId}-`))).toBe(true);
    expect(statSync(prepared.workDir).mode & 0o777).toBe(0o700);
    discardPrepared(prepared);
    expect(existsSync(prepared.workDir)).toBe(false);
  });

  it('refuses a grace shorter than three heartbeats', async () => {
    await expect(prepareRun(request('5s'), memoryIo())).rejects.toThrow(new InputError('--agent-grace 5s: must be at least 15s (three heartbeats)'));
  });
});
