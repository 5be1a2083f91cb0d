// The agent's one dispatcher for the controller's messages: what start and
// stop mean depends on the phase the agent is in.
import { describe, expect, it } from 'vitest';
import type { StartMessage } from '../src/protocol/messages.js';
import { AgentControl } from './control.js';

const START: StartMessage = {
  type: 'start',
  protocol: 1,
  t0: 1000,
  controllerNow: 900,
  windowMs: 1000,
  plan: { startVus: 1, stages: [{ durationMs: 1000, target: 1 }], gracefulStopMs: 0 },
  firstVu: 1,
  env: {},
};
const stop = (reason: string) => ({ type: 'stop', protocol: 1, reason }) as const;

describe('AgentControl', () => {
  it('ignores a start before the agent is ready; once ready, start begins the load', async () => {
    const control = new AgentControl();
    control.receive(START);
    expect(control.phase).toBe('preparing');
    const next = control.awaitStart();
    control.receive(START);
    expect(await next).toEqual({ kind: 'start', start: START });
    expect(control.phase).toBe('running');
  });

  it('a stop while ready ends the agent before any load', async () => {
    const control = new AgentControl();
    const next = control.awaitStart();
    control.receive(stop('interrupted'));
    expect(await next).toEqual({ kind: 'stopped' });
    expect(control.phase).toBe('finishing');
  });

  it('a stop while running reaches the load, even one that came before the load took its handler', async () => {
    const control = new AgentControl();
    const next = control.awaitStart();
    control.receive(START);
    await next;
    control.receive(stop('overdue'));
    const heard: string[] = [];
    control.running((reason) => heard.push(reason));
    control.receive(stop('interrupted'));
    expect(heard).toEqual(['overdue', 'interrupted']);
    control.finishing();
    control.receive(stop('late'));
    expect(heard).toEqual(['overdue', 'interrupted']);
  });

  it('a controller lost while preparing or waiting to start ends the wait', async () => {
    const early = new AgentControl();
    early.lost();
    expect(await early.awaitStart()).toEqual({ kind: 'lost' });
    const waiting = new AgentControl();
    const next = waiting.awaitStart();
    const lost = waiting.whenLost();
    waiting.lost();
    expect(await next).toEqual({ kind: 'lost' });
    await lost;
  });
});
