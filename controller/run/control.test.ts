// Stopping a run early: q and the first Ctrl-C stop gracefully, a second
// Ctrl-C kills; overdue agents are asked to stop; the status says how it ended.
import { describe, expect, it } from 'vitest';
import { RunControl } from './control.js';

function controlled() {
  const log: string[] = [];
  const control = new RunControl({
    stopAgents: (reason) => log.push(`stop ${reason}`),
    killAgents: () => log.push('kill'),
    say: (text) => log.push(`say ${text.split(':')[0]}`),
    stopping: () => log.push('stopping'),
    changed: () => log.push('changed'),
  });
  return { control, log };
}

describe('RunControl', () => {
  it('first Ctrl-C: every agent is asked to stop; the run ends aborted', () => {
    const { control, log } = controlled();
    control.interrupt('ctrl-c');
    expect(log).toEqual(['stopping', 'say stopping', 'stop interrupted', 'changed']);
    expect(control.interrupted).toBe(true);
    expect(control.status(true)).toBe('aborted');
  });

  it('second Ctrl-C: every agent is killed at once', () => {
    const { control, log } = controlled();
    control.interrupt('ctrl-c');
    log.length = 0;
    control.interrupt('ctrl-c');
    expect(log).toEqual(['stopping', 'say aborting', 'kill', 'changed']);
  });

  it('q asks for the graceful stop once, and never aborts', () => {
    const { control, log } = controlled();
    control.interrupt('q');
    control.interrupt('q');
    expect(log.filter((line) => line.startsWith('stop ') || line === 'kill')).toEqual(['stop interrupted']);
    control.interrupt('ctrl-c');
    expect(log).toContain('kill');
  });

  it('a failing abortOnFail threshold stops the load once, but not a load whose plan is over or that ran out of data', () => {
    const cause = { threshold: { target: 'steps', expression: 'p95 < 1', source: 'cli' as const, abortOnFail: true }, detail: 'p95 was 5ms, not < 1ms', atMs: 3000 };
    const { control, log } = controlled();
    control.thresholdFailed(cause);
    control.thresholdFailed(cause);
    expect(log).toEqual(['say threshold steps', 'stop a threshold failed', 'changed']);
    expect(control.stoppedBy).toBe(cause);
    expect(control.status(true)).toBe('completed');
    for (const end of [(c: RunControl) => c.planOver(), (c: RunControl) => c.dataRanOut('users.csv'), (c: RunControl) => c.overdue()]) {
      const late = controlled();
      end(late.control);
      late.control.thresholdFailed(cause);
      expect(late.control.stoppedBy).toBeUndefined();
      expect(late.log).not.toContain('stop a threshold failed');
    }
  });

  it('overdue agents are asked to stop without making the run aborted', () => {
    const { control, log } = controlled();
    control.overdue();
    expect(log).toEqual(['say agents are overdue', 'stop overdue']);
    expect(control.status(true)).toBe('completed');
    expect(control.status(false)).toBe('failed');
  });
});
