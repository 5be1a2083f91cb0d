// Every write a live run makes to its store, and what happens when the disk
// says no: windows are held in memory (and acked) within a budget, other
// writes are kept to replay, the user is told once, saving is retried every
// few seconds, and the run's end knows exactly which span never got stored.
// Load never stops for the store.
import type { WindowBody } from '../../src/protocol/messages.js';
import type { RunStore, SaveResult } from '../store/store.js';
import { storeWriteProblem } from '../store/write-problem.js';
import { GroupCommit } from './group-commit.js';
import { HeldWindows, type HeldWindow } from './held-windows.js';

export const STORE_RETRY_MS = 2000;

export interface StoreWriterEvents {
  notice(text: string): void;
  /** the store takes writes again: these agents keep windows it refused past the memory budget, and should send them again */
  resend?(agentIds: readonly string[]): void;
}

export class StoreWriter {
  readonly held: HeldWindows;
  /** the store refuses writes now: why, since when */
  outage: { why: string; since: number } | undefined;
  /** the first refusal in this run, kept after the store recovers */
  firstProblem: { why: string; at: number } | undefined;
  /** failed steps' evidence the store could not take (not held: screenshots are large) */
  evidenceLost = 0;
  /** the store's file was deleted or replaced during the run */
  storeGone = false;
  private readonly deferred: Array<() => void> = [];
  /** agents whose windows were not taken (over the memory budget): they still have them */
  readonly leftWithAgents = new Set<string>();
  private lastRetryAt = 0;
  private lastSavedAt = 0;
  private uncheckpointed = false;
  private readonly writer: GroupCommit<HeldWindow, SaveResult>;

  constructor(
    private readonly runId: string,
    private readonly store: RunStore,
    private readonly events: StoreWriterEvents,
    private readonly now: () => number,
    heldBudgetBytes?: number,
  ) {
    this.held = new HeldWindows(heldBudgetBytes);
    this.writer = new GroupCommit((items) => this.store.batch(() => items.map((item) => this.saveNow(item))));
  }

  /** Committed, or held in memory while the store refuses writes; rejects (no ack: the agent keeps it) only past the memory budget. */
  async saveWindow(window: HeldWindow): Promise<SaveResult> {
    if (!this.outage) {
      try {
        const result = await this.writer.add(window);
        this.lastSavedAt = this.now();
        this.uncheckpointed = true;
        return result;
      } catch (error) {
        this.refused(error);
      }
    }
    const held = this.held.hold(window);
    if (held === undefined) {
      // Not acked: the agent keeps it, and sends it again once asked to reconnect (retry, below).
      this.leftWithAgents.add(window.agentId);
      throw new Error('the store refuses writes and the windows held in memory are at their budget');
    }
    return held;
  }

  /** The agents' windows at `windowStart`, held ones in place of stored ones. */
  bodiesAt(windowStart: number): WindowBody[] {
    const held = this.held.at(windowStart);
    const heldAgents = new Set(held.map((w) => w.agentId));
    return [...this.store.agentWindows(this.runId, windowStart).filter((w) => !heldAgents.has(w.agentId)), ...held].map((w) => w.body);
  }

  /** Runs a small write now, or once the store takes writes again; false when it had to wait. */
  write(work: () => void): boolean {
    if (this.attempt(work)) return true;
    this.deferred.push(work);
    return false;
  }

  /** Evidence is saved now or not at all. */
  saveEvidence(work: () => void): void {
    if (!this.attempt(work)) this.evidenceLost += 1;
  }

  /** Runs `work` unless the store refuses writes (or starts to now); true when it ran. */
  private attempt(work: () => void): boolean {
    if (this.outage) return false;
    try {
      work();
      return true;
    } catch (error) {
      this.refused(error);
      return false;
    }
  }

  /** Called every second: notices a store file deleted under the run, retries a refusing store, or moves the WAL into the database while no window came for a second. */
  maintain(): void {
    this.checkStillThere();
    if (this.outage) {
      if (this.now() - this.lastRetryAt >= STORE_RETRY_MS) this.retry();
      return;
    }
    if (this.uncheckpointed && this.now() - this.lastSavedAt > 1000) {
      try {
        this.store.checkpoint();
        this.uncheckpointed = false;
      } catch (error) {
        // The WAL keeps what it holds; the next window's write tells whether the store still takes any.
        if (storeWriteProblem(error) === undefined) throw error;
      }
    }
  }

  /** Says once when the store's file was deleted or replaced under the run. */
  checkStillThere(): void {
    if (this.storeGone || this.store.stillAtItsPath()) return;
    this.storeGone = true;
    this.events.notice(`the store file was deleted or replaced during the run: this run will be in its report files only, not in squall runs`);
  }

  /** Saves what is held and replays what waited, in one transaction; true when nothing waits any more. */
  retry(): boolean {
    this.lastRetryAt = this.now();
    if (!this.outage && this.held.size === 0 && this.deferred.length === 0) return true;
    const held = this.held.all();
    try {
      this.store.batch(() => {
        for (const window of held) this.saveNow(window);
        for (const work of this.deferred) work();
      });
    } catch (error) {
      this.refused(error);
      return false;
    }
    this.held.clear();
    this.deferred.length = 0;
    this.uncheckpointed = true;
    if (this.outage) this.events.notice(`the store takes writes again: ${held.length} held ${held.length === 1 ? 'window' : 'windows'} saved`);
    this.outage = undefined;
    if (this.leftWithAgents.size > 0) {
      this.events.resend?.([...this.leftWithAgents]);
      this.leftWithAgents.clear();
    }
    return true;
  }

  private saveNow({ agentId, seq, windowStart, frame }: HeldWindow): SaveResult {
    return this.store.saveWindow(this.runId, agentId, seq, windowStart, frame, this.now());
  }

  /** A disk's refusal starts (or continues) an outage; anything else is a bug and goes on up. */
  private refused(error: unknown): void {
    const why = storeWriteProblem(error);
    if (why === undefined) throw error;
    this.firstProblem ??= { why, at: this.now() };
    if (this.outage) return;
    this.outage = { why, since: this.now() };
    this.lastRetryAt = this.now();
    const advice = /SQLITE_FULL|ENOSPC|EDQUOT/.test(why) ? ': free some space' : '';
    this.events.notice(`the store cannot be written: ${why}; windows are kept in memory and saving is retried every ${STORE_RETRY_MS / 1000}s${advice}`);
  }
}
