// The run session with a real store: a window's promise (and so its ack)
// settles only once it is committed, resends count once, late windows merge,
// and agents that go silent or die are marked as such.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { WindowMessage } from '../../src/protocol/messages.js';
import { FACTS, windowOf } from '../../test/harness/fake-agent.js';
import { PLAN, tempStore, windowFrame } from '../../test/harness/store.js';
import { RunSession } from './session.js';
import { finishSeries } from '../store/rollups.js';

function sessionWith(now: () => number = Date.now) {
  const { store, path } = tempStore();
  const notices: string[] = [];
  const session = new RunSession('run-1', { windowMs: 1000 }, store, { notice: (text) => notices.push(text), changed: () => {} }, now);
  const agent = session.addAgent({ id: 'a1', host: 'h1', plan: PLAN, plannedVus: 1, firstVu: 1 });
  session.setStatus(agent, 'running');
  return { session, store, path, agent, notices };
}

function message(seq: number, windowStart: number, durations: number[]): { message: WindowMessage; frame: string } {
  const window = windowOf(windowStart, 1000, durations);
  const frame = windowFrame('run-1', 'a1', seq, window);
  return { message: JSON.parse(frame) as WindowMessage, frame };
}

function deliver(session: RunSession, seq: number, windowStart: number, durations: number[]): Promise<void> {
  const { message: m, frame } = message(seq, windowStart, durations);
  return session.window(m, frame);
}

function committedRows(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM agent_windows').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('RunSession', () => {
  it('shows the first few unreadable messages, safe for a terminal, and only counts the rest', () => {
    const { session, notices } = sessionWith();
    for (let i = 0; i < 6000; i += 1) session.invalid('a1\x1b[2J', `bad frame ${i}\x1b]0;title\x07`);
    expect(session.invalidFrames).toBe(6000);
    expect(notices).toHaveLength(6);
    expect(notices[0]).toBe('agent a1 sent a message we cannot read: bad frame 0');
    expect(notices.at(-1)).toBe('more unreadable messages are counted, not shown');
  });

  it('refuses a window past its bounds: counted, not stored, and the agent still finishes', async () => {
    const { session, store, notices, agent } = sessionWith();
    const { message: m } = message(1, 0, [100]);
    const absurd = { ...m, window: { ...m.window, vus: { min: 0, max: 2 ** 31 }, iterations: { started: 9e15, completed: 0, failed: 0 } } };
    await session.window(absurd, JSON.stringify(absurd));
    expect(store.agentWindows('run-1')).toHaveLength(0);
    expect(session.series.all()).toEqual([]);
    expect(session.refusedWindows).toBe(1);
    expect(notices).toEqual(['agent a1 (h1): window refused, not stored: 2147483648 VUs from an agent given 1']);
    session.bye({ type: 'bye', protocol: 1, runId: 'run-1', agentId: 'a1', seq: 2, windows: 1, reason: 'plan complete' });
    expect(agent.status).toBe('done');
  });

  it('settles a window only after its commit, which another reader of the file already sees', async () => {
    const { session, path } = sessionWith();
    const { message: m, frame } = message(1, 0, [100]);
    const saving = session.window(m, frame);
    expect(committedRows(path)).toBe(0);
    await saving;
    expect(committedRows(path)).toBe(1);
  });

  it('stores and counts a resent window once', async () => {
    const { session, store } = sessionWith();
    const { message: m, frame } = message(1, 0, [100, 200]);
    await session.window(m, frame);
    await session.window(m, frame);
    expect(session.duplicates).toBe(1);
    expect(session.series.all()[0]!.steps.home!.count).toBe(2);
    expect(store.agentWindows('run-1')).toHaveLength(1);
  });

  it('merges a late window into the live series and the rebuilt one alike', async () => {
    const { session, store } = sessionWith();
    await deliver(session, 1, 1000, [10]);
    await deliver(session, 2, 2000, [20, 30]);
    await deliver(session, 3, 0, [40, 50, 60]);
    expect(session.series.all().map((w) => w.windowStart)).toEqual([0, 1000, 2000]);
    const counts = (windows: Array<{ steps: Record<string, { count: number }> }>) => windows.map((w) => w.steps.home!.count);
    expect(counts(session.series.all())).toEqual([3, 1, 2]);
    finishSeries(store, { id: 'run-1', windowMs: 1000 });
    expect(counts(store.mergedWindows('run-1'))).toEqual([3, 1, 2]);
  });

  it('replaces a window sent again with new content, in the live series too', async () => {
    const { session } = sessionWith();
    await deliver(session, 1, 0, [100]);
    await deliver(session, 2, 0, [100, 200, 300]);
    expect(session.duplicates).toBe(0);
    expect(session.series.all()[0]!.steps.home!.count).toBe(3);
  });

  it('marks an agent lost once it has been disconnected longer than the limit, and welcomes it back', () => {
    let now = 1_000_000;
    const { session, agent, notices } = sessionWith(() => now);
    session.disconnected('a1');
    now += 15_000;
    session.markSilentAgentsLost(15_000);
    expect(agent.status).toBe('running');
    now += 1;
    session.markSilentAgentsLost(15_000);
    expect(agent.status).toBe('lost');
    expect(agent.lostAt).toBe(now);
    expect(notices.at(-1)).toBe('agent a1 (h1) lost: no connection for 15s');
    session.hello({ type: 'hello', protocol: 1, runId: 'run-1', agentId: 'a1', seq: 9, pid: 1, resumed: true, facts: FACTS });
    expect(agent.status).toBe('running');
    expect(agent.lostAt).toBeUndefined();
    expect(notices.at(-1)).toBe('agent a1 (h1) is back');
  });

  it('an agent whose process ends before its bye is lost; one that never got ready failed, with its last words', () => {
    const { session, agent, notices } = sessionWith();
    session.processExited(agent, 137);
    expect(agent.status).toBe('lost');
    expect(notices.at(-1)).toBe('agent a1 (h1) exited (code 137) before sending all its windows; marked lost');
    const starting = session.addAgent({ id: 'a2', host: 'h2', plan: PLAN, plannedVus: 1, firstVu: 2 });
    starting.process = { host: 'h2', exited: Promise.resolve({ code: 1, signal: null }), logTail: () => ['', 'no Chromium found'], kill: () => true };
    session.processExited(starting, 1);
    expect(starting).toMatchObject({ status: 'failed', error: 'no Chromium found' });
  });

  it('is done with an agent once it has every window its bye counted, whichever arrives last', async () => {
    const bye = { type: 'bye', protocol: 1, runId: 'run-1', agentId: 'a1', seq: 3, windows: 2, reason: 'plan complete' } as const;
    const lateWindow = sessionWith();
    await deliver(lateWindow.session, 1, 0, [100]);
    lateWindow.session.bye(bye);
    expect(lateWindow.agent.status).toBe('running');
    await deliver(lateWindow.session, 2, 1000, [100]);
    expect(lateWindow.agent.status).toBe('done');
    expect(lateWindow.session.allFinished).toBe(true);
    const lateBye = sessionWith();
    await deliver(lateBye.session, 1, 0, [100]);
    await deliver(lateBye.session, 2, 1000, [100]);
    expect(lateBye.agent.status).toBe('running');
    lateBye.session.bye(bye);
    expect(lateBye.agent.status).toBe('done');
  });

  it('counts a link that came back, times its gap, and keeps both in the store', () => {
    let now = 1_000_000;
    const { session, agent, store, notices } = sessionWith(() => now);
    const hello = { type: 'hello', protocol: 1, runId: 'run-1', agentId: 'a1', seq: 0, pid: 1, resumed: true, facts: FACTS } as const;
    session.disconnected('a1');
    now += 8200;
    session.hello(hello);
    session.disconnected('a1');
    now += 1000;
    session.hello(hello);
    expect(agent).toMatchObject({ status: 'running', reconnects: 2, longestGapMs: 8200 });
    expect(notices).toContain('agent a1 (h1) reconnected after 8.2s');
    expect(store.agents('run-1')[0]).toMatchObject({ reconnects: 2, longestGapMs: 8200 });
  });
});
