// How a run is stopped early: q or a first Ctrl-C asks every agent for a
// graceful stop (running iterations finish, the last windows arrive, the
// report is written); a second Ctrl-C kills every agent at once. Agents past
// their time are asked to stop as well, and so is the load when the data runs
// out or an abortOnFail threshold fails. Pure: the actions are injected.
import type { RunStatus, StopCause } from '../../src/protocol/store.js';

export type StopKey = 'q' | 'ctrl-c';

export interface RunControlActions {
  /** send every agent a stop */
  stopAgents(reason: 'interrupted' | 'overdue' | 'the data ran out' | 'a threshold failed'): void;
  /** end every agent's process now */
  killAgents(): void;
  /** tell the user */
  say(text: string): void;
  /** the run is stopping: the dashboard says so */
  stopping(): void;
  /** re-check whatever the run is waiting for */
  changed(): void;
}

export class RunControl {
  private interrupts = 0;

  constructor(private readonly actions: RunControlActions) {}

  get interrupted(): boolean {
    return this.interrupts > 0;
  }

  interrupt(key: StopKey): void {
    // q only ever asks for the graceful stop; a second Ctrl-C aborts.
    if (key === 'q' && this.interrupts > 0) return;
    this.interrupts += 1;
    this.actions.stopping();
    if (this.interrupts === 1) {
      this.actions.say('stopping: running iterations finish, then the report is written (Ctrl-C again to abort now)');
      this.actions.stopAgents('interrupted');
    } else {
      this.actions.say('aborting: stopping every agent now');
      this.actions.killAgents();
    }
    this.actions.changed();
  }

  /** A unique feeder whose rows end the load (whenEmpty 'stop') has none left: the load ends as planned ends do, not as an interruption. */
  dataRanOut(name: string): void {
    if (this.ranOut) return;
    this.ranOut = true;
    this.actions.say(`the data ran out (${name}: every row is used): stopping the load; running iterations finish`);
    this.actions.stopAgents('the data ran out');
    this.actions.changed();
  }

  private ranOut = false;

  /** The threshold that stopped the load, if one did. */
  stoppedBy: StopCause | undefined;

  /** An abortOnFail threshold failed on the fleet's windows: the load stops as planned ends do, and the exit code says why (4). */
  thresholdFailed(cause: StopCause): void {
    // A load already ending (its plan over, asked to stop, out of data) is not stopped by a threshold: that one fails at the end, exit 1.
    if (this.stoppedBy || this.interrupted || this.ranOut || this.loadEnded) return;
    this.stoppedBy = cause;
    const { target, expression } = cause.threshold;
    this.actions.say(`threshold ${target}: ${expression} failed (${cause.detail}) at ${Math.round(cause.atMs / 1000)}s into the load: stopping the load; running iterations finish`);
    this.actions.stopAgents('a threshold failed');
    this.actions.changed();
  }

  private loadEnded = false;

  /** The plan's time is over (agents finish their last iterations): from now on only the end judges thresholds. */
  planOver(): void {
    this.loadEnded = true;
  }

  /** The plan, its graceful stop and the slack are over and agents still run. */
  overdue(): void {
    this.loadEnded = true;
    this.actions.say('agents are overdue: asking them to stop');
    this.actions.stopAgents('overdue');
  }

  /** How the run ends: aborted when interrupted; failed when no agent finished its share. */
  status(anyAgentDone: boolean): RunStatus {
    if (this.interrupted) return 'aborted';
    return anyAgentDone ? 'completed' : 'failed';
  }
}
