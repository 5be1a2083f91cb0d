// Whole runs of scripted agents through the real phases (hub, session,
// SQLite store, control, report), no Chromium: what they sent is what the
// report counts, however the link behaved, and Ctrl-C ends runs as promised.
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, RunFailure } from '../../src/errors.js';
import { fakeSite, windowOf, type AgentScript, type FakeAgent } from '../../test/harness/fake-agent.js';
import { preparedRun, pressableIo, removeFakeRuns, runWith } from '../../test/harness/fake-run.js';
import { RunStore } from '../store/store.js';
import { executeRun } from './run.js';

/** Windows of 1 s from `first` (the start's t0, or a window after it), each with the given step durations. */
function sendWindows(agent: FakeAgent, first: number, perWindow: number[][]): number[] {
  return perWindow.map((durations, i) => agent.sendWindow(windowOf(first + i * 1000, 1000, durations)));
}

/** Sends its windows; if its link is cut before they are all acked, reconnects and resends what is unacked, as the real uplink does. */
function resilient(perWindow: number[][]): AgentScript {
  return async (agent, start) => {
    const seqs = sendWindows(agent, start.t0, perWindow);
    const allAcked = () => seqs.every((seq) => agent.acks.includes(seq));
    await agent.until('every ack, or a cut link', () => allAcked() || !agent.connected);
    if (!allAcked()) {
      await agent.open(true);
      agent.resendUnacked();
    }
    await agent.until('every ack after the resend', allAcked);
  };
}

function storedWindows(dbPath: string, runId: string): number {
  const store = RunStore.open(dbPath);
  try {
    return store.agentWindows(runId).length;
  } finally {
    store.close();
  }
}

describe('a run of scripted agents', () => {
  afterAll(removeFakeRuns);

  it('reports exactly what every agent sent, a window resent after a cut link counted once', async () => {
    const a1 = fakeSite('a1', resilient([[100, 120], [130], [140, 150, -1]]));
    const a2 = fakeSite('a2', resilient([[200], [210, 220]]));
    let cut = false;
    const prepared = preparedRun();
    const outcome = await runWith([a1, a2], {
      prepared,
      hooks: {
        windowCommitted: (agentId) => {
          // After the first commit, before its ack: the ack is lost with the link.
          if (agentId === 'a1' && !cut) {
            cut = true;
            a1.agent().drop();
          }
        },
      },
    });
    expect(cut).toBe(true);
    expect(outcome.exitCode).toBe(0);
    expect(outcome.resentWindows).toBeGreaterThanOrEqual(1);
    expect(outcome.report.steps.find((s) => s.name === 'home')).toMatchObject({ count: 9, failed: 1 });
    expect(outcome.report.agents.map((a) => [a.id, a.status, a.windows])).toEqual([
      ['a1', 'done', 3],
      ['a2', 'done', 2],
    ]);
    expect(storedWindows(outcome.dbPath, outcome.runId)).toBe(5);
  });

  it('first Ctrl-C: every agent is told to stop, delivers what it has, and the run ends aborted', async () => {
    const { io, ctrlC } = pressableIo();
    const untilStopped: AgentScript = async (agent, start) => {
      sendWindows(agent, start.t0, [[100]]);
      await agent.untilReceived('stop');
      sendWindows(agent, start.t0 + 1000, [[110]]);
    };
    let pressed = false;
    const sites = [fakeSite('a1', untilStopped), fakeSite('a2', untilStopped)];
    const outcome = await runWith(sites, {
      io,
      hooks: {
        windowCommitted: () => {
          if (!pressed) ctrlC();
          pressed = true;
        },
      },
    });
    expect(outcome.report.run.status).toBe('aborted');
    expect(outcome.exitCode).toBe(3);
    expect(outcome.report.agents.map((a) => a.status)).toEqual(['done', 'done']);
    expect(outcome.report.steps[0]).toMatchObject({ name: 'home', count: 4 });
    expect(io.stderr()).toMatch(/stopping: running iterations finish/);
    for (const site of sites) expect(site.agent().received.filter((m) => m.type === 'stop')).toEqual([{ type: 'stop', protocol: 1, reason: 'interrupted' }]);
    expect(io.stderr()).not.toMatch(/overdue|did not finish/);
  });

  it('second Ctrl-C: every agent is stopped at once, and the report keeps what arrived', async () => {
    const { io, ctrlC } = pressableIo();
    const deaf: AgentScript = async (agent, start) => {
      sendWindows(agent, start.t0, [[100]]);
      await new Promise(() => {});
    };
    const site = fakeSite('a1', deaf);
    const outcome = await runWith([site], {
      io,
      hooks: {
        windowCommitted: () => {
          ctrlC();
          ctrlC();
        },
      },
    });
    expect(outcome.report.run.status).toBe('aborted');
    expect(outcome.report.agents[0]).toMatchObject({ status: 'lost', windows: 1 });
    expect(io.stderr()).toMatch(/aborting: stopping every agent now/);
    // Killed by the second Ctrl-C, not stopped later as a straggler.
    expect(site.agent().connected).toBe(false);
    expect(io.stderr()).not.toMatch(/overdue|did not finish/);
  });

  it('Ctrl-C before every agent is ready: the run fails before any load, and nothing starts', async () => {
    const { io, ctrlC } = pressableIo();
    const neverReady = fakeSite('a1', resilient([]), { silentBeforeReady: true });
    const run = runWith([neverReady], { io });
    await neverReady.started;
    ctrlC();
    await expect(run).rejects.toThrow(new RunFailure('interrupted before the run started'));
    expect(neverReady.agent().received.some((m) => m.type === 'start')).toBe(false);
  });

  it('agents not ready in time fail the run, naming who was waited for', async () => {
    const run = runWith([fakeSite('a1', resilient([])), fakeSite('a2', resilient([]), { silentBeforeReady: true })], {
      prepared: preparedRun({ timing: { ...preparedRun().timing, readyTimeoutMs: 200 } }),
    });
    await expect(run).rejects.toThrow(new RunFailure('agents not ready after 0s: a2 (connecting)'));
  });

  it('an agent still running past the plan, its graceful stop and the slack is asked to stop, then stopped', async () => {
    const io = pressableIo().io;
    const slow: AgentScript = async (agent, start) => {
      sendWindows(agent, start.t0, [[100]]);
      await new Promise(() => {});
    };
    const prepared = preparedRun({ plan: { startVus: 0, stages: [{ durationMs: 100, target: 1 }], gracefulStopMs: 0 } });
    const site = fakeSite('a1', slow);
    const outcome = await runWith([site], { io, prepared: { ...prepared, timing: { ...prepared.timing, finishSlackMs: 100 } } });
    expect(site.agent().received.filter((m) => m.type === 'stop')).toEqual([{ type: 'stop', protocol: 1, reason: 'overdue' }]);
    expect(io.stderr()).toMatch(/agents are overdue: asking them to stop/);
    expect(io.stderr()).toMatch(/agent a1 did not finish; stopping it/);
    expect(outcome.report.agents[0]).toMatchObject({ status: 'lost', windows: 1 });
    expect(outcome.report.run.status).toBe('failed');
  });

  it("a silent agent is lost after its grace and the reconnect margin, as the hooks' timing sets them, and the agent is told the same clockwork", async () => {
    let silentFrom = 0;
    const vanishes: AgentScript = async (agent, start) => {
      await agent.untilAcked(sendWindows(agent, start.t0, [[100]])[0]!);
      silentFrom = Date.now();
      agent.drop();
      await new Promise(() => {});
    };
    const site = fakeSite('a1', vanishes);
    const startAgent = site.start;
    const configs: Array<{ heartbeatMs?: number; lostControllerMs?: number }> = [];
    site.start = (config, notice) => {
      configs.push(config);
      return startAgent(config, notice);
    };
    const outcome = await runWith([site], { hooks: { timing: { heartbeatMs: 200, agentGraceMs: 600, reconnectMarginMs: 400 } } });
    expect(configs).toEqual([expect.objectContaining({ heartbeatMs: 200, lostControllerMs: 600 })]);
    const agent = outcome.report.agents[0]!;
    expect(agent).toMatchObject({ status: 'lost', windows: 1 });
    // Not before grace + margin; well before the prepared run's own 15 s grace.
    expect(Date.parse(agent.lostAt!) - silentFrom).toBeGreaterThanOrEqual(1000);
    expect(Date.parse(agent.lostAt!) - silentFrom).toBeLessThan(5000);
  });

  it("leaves the farthest site's start lead before VU time zero", async () => {
    const near = fakeSite('a1', resilient([]));
    const far = { ...fakeSite('a2', resilient([])), startLeadMs: 400 };
    let leftMs = 0;
    await runWith([near, far], { hooks: { started: (t0) => (leftMs = t0 - Date.now()) } });
    // The prepared run's own lead is 10 ms; the far site asks for 400.
    expect(leftMs).toBeGreaterThan(300);
    expect(leftMs).toBeLessThanOrEqual(400);
  });

  it('an agent that cannot start fails the run with its reason, before any load', async () => {
    const prepared = preparedRun();
    const run = runWith([fakeSite('a1', resilient([])), fakeSite('a2', resilient([]), { failBeforeReady: 'no Chromium found' })], { prepared });
    await expect(run).rejects.toThrow(RunFailure);
    await expect(run).rejects.toThrow('agent a2 (a2.test) could not start: no Chromium found');
    const store = RunStore.open(prepared.dbPath);
    try {
      expect(store.getRun(prepared.runId)?.status).toBe('failed');
    } finally {
      store.close();
    }
  });

  it('a report that cannot be written at the end keeps the run in the store, says how to get it, and exits 3', async () => {
    const { io } = pressableIo();
    const prepared = preparedRun();
    const outcome = await runWith([fakeSite('a1', resilient([[100]]))], {
      io,
      prepared,
      // The folder was writable when checked; by the end a file stands there (a full disk fails the same way).
      hooks: { started: () => writeFileSync(prepared.outDir, 'in the way') },
    });
    expect(outcome.exitCode).toBe(3);
    expect(io.stderr()).toContain(`${prepared.outDir} is a file, not a folder`);
    expect(io.stderr()).toContain(`the run is in the store: squall report ${prepared.runId} --out DIR`);
    expect(io.stderr()).not.toMatch(/\n\s+at /);
    const store = RunStore.open(prepared.dbPath);
    try {
      expect(store.getRun(prepared.runId)?.status).toBe('completed');
    } finally {
      store.close();
    }
  });

  it('a run whose sites cannot be opened is stored as failed, with the reason', async () => {
    const prepared = preparedRun();
    const run = executeRun(prepared, pressableIo().io, {
      openSites: async () => {
        throw new InputError('2 of 3 hosts cannot run an agent');
      },
    });
    await expect(run).rejects.toThrow(InputError);
    const store = RunStore.open(prepared.dbPath);
    try {
      expect(store.getRun(prepared.runId)).toMatchObject({ status: 'failed', error: '2 of 3 hosts cannot run an agent' });
    } finally {
      store.close();
    }
  });
});
