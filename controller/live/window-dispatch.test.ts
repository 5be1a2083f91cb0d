// When a window is complete: every running agent's in, or its lateness
// bound passed; in order, each once; late and replaced windows handed on.
import { describe, expect, it } from 'vitest';
import { windowOf } from '../../test/harness/fake-agent.js';
import type { CompletedWindow, LateWindow, LiveOutput } from './output.js';
import { WindowDispatch, type DispatchClock } from './window-dispatch.js';

function setUp(agents: string[], before: LiveOutput[] = []) {
  let now = 0;
  let timer: { at: number; callback: () => void } | undefined;
  const clock: DispatchClock = {
    now: () => now,
    setTimer: (callback, ms) => {
      timer = { at: now + ms, callback };
      return { cancel: () => (timer = undefined) };
    },
  };
  const sent = new Map<string, Set<number>>(agents.map((a) => [a, new Set()]));
  const running = new Set(agents);
  const completed: CompletedWindow[] = [];
  const late: LateWindow[] = [];
  const failures: string[] = [];
  const output: LiveOutput = { name: 'test', windowComplete: (w) => completed.push(w), windowLate: (w) => late.push(w) };
  const fleet = { running: () => running.size, isRunning: (agent: string) => running.has(agent), waitingFor: (start: number) => [...running].filter((a) => !sent.get(a)!.has(start)) };
  const dispatch = new WindowDispatch([...before, output], fleet, (_, e) => failures.push(String(e)), clock);
  const send = (agent: string, start: number, durations: number[] = [100]) => {
    sent.get(agent)!.add(start);
    dispatch.add(agent, windowOf(start, 1000, durations));
  };
  const advance = (ms: number) => {
    now += ms;
    if (timer && timer.at <= now) timer.callback();
  };
  const stop = (agent: string) => {
    running.delete(agent);
    dispatch.agentRunning(agent, false);
    dispatch.check();
  };
  return { dispatch, send, advance, stop, completed, late, running, failures };
}

describe('WindowDispatch', () => {
  it('gives a window out once every running agent has sent it, merged, and in order', () => {
    const { send, completed } = setUp(['a', 'b']);
    send('a', 0);
    send('a', 1000);
    expect(completed).toHaveLength(0);
    send('b', 1000);
    expect(completed).toHaveLength(0);
    send('b', 0, [10, 20]);
    expect(completed.map((w) => [w.merged.windowStart, w.merged.agents, w.merged.steps.home!.count])).toEqual([
      [0, 2, 3],
      [1000, 2, 2],
    ]);
    expect(completed[0]!.byAgent.map((b) => b.agentId)).toEqual(['a', 'b']);
  });

  it('gives it out without a slow agent once its lateness bound passes, and hands the slow one on as late', () => {
    const { send, advance, completed, late } = setUp(['a', 'b']);
    send('a', 0);
    advance(2999);
    expect(completed).toHaveLength(0);
    advance(1);
    expect(completed.map((w) => w.missing)).toEqual([['b']]);
    send('b', 0, [1, 2]);
    expect(late.map((w) => [w.agentId, w.merged.steps.home!.count])).toEqual([['b', 2]]);
    expect(completed).toHaveLength(1);
  });

  it('merges a window an agent sent again with other content once, as its last', () => {
    const { send, completed } = setUp(['a', 'b']);
    send('a', 0, [1]);
    send('a', 0, [1, 2, 3]);
    send('b', 0, [4]);
    expect(completed.map((w) => w.merged.steps.home!.count)).toEqual([4]);
  });

  it('waits no more for an agent that is lost or done', () => {
    const { dispatch, send, completed, running } = setUp(['a', 'b']);
    send('a', 0);
    running.delete('b');
    dispatch.check();
    expect(completed.map((w) => w.missing)).toEqual([[]]);
  });

  it('counts only running agents among those that sent an interval: one done after sending does not stand in for one still running', () => {
    const { send, stop, completed } = setUp(['a', 'b', 'c']);
    send('a', 0);
    send('b', 0);
    stop('a');
    // a and b sent, two agents run (b, c): c is still missing.
    expect(completed).toHaveLength(0);
    send('c', 0);
    expect(completed.map((w) => [w.merged.agents, w.missing])).toEqual([[3, []]]);
  });

  it('counts a refused window as arrived: its agent is not waited for, and an interval of only refused windows gives nothing', () => {
    const { dispatch, send, completed } = setUp(['a', 'b']);
    send('a', 0);
    dispatch.refused('b', 0, 1000);
    expect(completed.map((w) => [w.merged.windowStart, w.merged.agents, w.missing])).toEqual([[0, 1, []]]);
    dispatch.refused('a', 1000, 1000);
    dispatch.refused('b', 1000, 1000);
    send('a', 2000);
    send('b', 2000);
    expect(completed.map((w) => w.merged.windowStart)).toEqual([0, 2000]);
  });

  it('gives out what is left at the end, complete or not, and nothing after', () => {
    const { dispatch, send, completed, late } = setUp(['a', 'b']);
    send('a', 0);
    send('a', 1000);
    dispatch.finish();
    expect(completed.map((w) => [w.merged.windowStart, w.missing])).toEqual([
      [0, ['b']],
      [1000, ['b']],
    ]);
    send('b', 0);
    expect(late).toHaveLength(0);
  });

  it('keeps going when an output throws, and says so', () => {
    const broken: LiveOutput = {
      name: 'broken',
      windowComplete: () => {
        throw new Error('exporter bug');
      },
    };
    const { send, completed, failures } = setUp(['a'], [broken]);
    send('a', 0);
    send('a', 1000);
    expect(completed).toHaveLength(2);
    expect(failures).toEqual(['Error: exporter bug', 'Error: exporter bug']);
  });
});
