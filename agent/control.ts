// What the controller's messages mean to an agent, by the phase it is in:
// before it is ready nothing is expected; once ready, `start` begins the load
// and `stop` ends the agent; while the load runs, `stop` ends the load. One
// dispatcher instead of handlers swapped in and out.
import type { ControllerMessage, GrantMessage, StartMessage } from '../src/protocol/messages.js';

export type AgentPhase = 'preparing' | 'ready' | 'running' | 'finishing';

/** What the agent is told once it is ready: start, stopped before starting, or nothing ever again. */
export type ReadyOutcome = { kind: 'start'; start: StartMessage } | { kind: 'stopped' } | { kind: 'lost' };

export class AgentControl {
  private current: AgentPhase = 'preparing';
  private settleReady: ((outcome: ReadyOutcome) => void) | undefined;
  private stopLoad: ((reason: string) => void) | undefined;
  /** a stop that came before the load took its handler */
  private earlyStop: string | undefined;
  private lostController = false;
  private readonly lostListeners: Array<() => void> = [];

  get phase(): AgentPhase {
    return this.current;
  }

  /** Where leases' grants go (agent/feeds/leases.ts), whatever the phase. */
  onGrant: ((grant: GrantMessage) => void) | undefined;

  /** Every message from the controller but acks comes here. */
  receive(message: ControllerMessage): void {
    if (message.type === 'grant') return this.onGrant?.(message);
    if (message.type === 'start' && this.current === 'ready') this.settle({ kind: 'start', start: message });
    else if (message.type === 'stop' && this.current === 'ready') this.settle({ kind: 'stopped' });
    else if (message.type === 'stop' && this.current === 'running') {
      if (this.stopLoad) this.stopLoad(message.reason);
      else this.earlyStop ??= message.reason;
    }
  }

  /** The controller could not be reached for too long. */
  lost(): void {
    this.lostController = true;
    if (this.current === 'ready') this.settle({ kind: 'lost' });
    for (const listener of this.lostListeners.splice(0)) listener();
  }

  /** Resolves when the controller is lost; at once when it already is. */
  whenLost(): Promise<void> {
    if (this.lostController) return Promise.resolve();
    return new Promise((resolve) => this.lostListeners.push(resolve));
  }

  /** The agent reported ready: resolves with what the controller said next. */
  awaitStart(): Promise<ReadyOutcome> {
    this.current = 'ready';
    if (this.lostController) return Promise.resolve(this.settleNow({ kind: 'lost' }));
    return new Promise((resolve) => (this.settleReady = resolve));
  }

  /** The load runs; `stop` from the controller reaches `onStop`. */
  running(onStop: (reason: string) => void): void {
    this.current = 'running';
    this.stopLoad = onStop;
    if (this.earlyStop !== undefined) onStop(this.earlyStop);
  }

  /** The load is over: later stops change nothing. */
  finishing(): void {
    this.current = 'finishing';
    this.stopLoad = undefined;
  }

  private settle(outcome: ReadyOutcome): void {
    const settle = this.settleReady;
    this.settleReady = undefined;
    this.settleNow(outcome);
    settle?.(outcome);
  }

  private settleNow(outcome: ReadyOutcome): ReadyOutcome {
    this.current = outcome.kind === 'start' ? 'running' : 'finishing';
    return outcome;
  }
}
