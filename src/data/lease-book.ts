// The controller's account of unique rows: blocks of row indexes leased to
// agents on demand, so each row goes to one taker in the whole run whatever
// the hosts' speeds. An agent says when it starts a block (and waits for the
// ack before handing out its first row), so a host that is lost gives back
// exactly the blocks it never started; what it started counts as used. At the
// end, agents give back the unused tail of their block. Pure.
import type { FeederAccount } from '../protocol/store.js';

export type { FeederAccount };

export interface Block {
  id: number;
  from: number;
  to: number;
}

interface Lease {
  block: Block;
  agent: string;
  feeder: string;
  started: boolean;
}

interface Feeder {
  rows: number;
  recycle: boolean;
  /** the next index never leased in this round */
  next: number;
  /** ranges given back, leased again first */
  free: Array<[number, number]>;
  used: number;
  lostWithHosts: number;
  ranOutAt?: number;
}

/** Blocks small enough that hosts of different speeds share the rows evenly, large enough to keep leases rare. */
const MAX_BLOCK = 100;
const BLOCKS_PER_AGENT = 8;

export class LeaseBook {
  private readonly feeders = new Map<string, Feeder>();
  private readonly leases = new Map<number, Lease>();
  /** the answer given to each agent's request, so one asked again gets the same block */
  private readonly answers = new Map<string, Block | undefined>();
  private nextBlock = 0;

  /** `agents`: how many share the rows, for the block size */
  constructor(
    private readonly agents: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A block for the agent's request, or undefined when none is left. */
  lease(agent: string, feeder: string, rows: number, recycle: boolean, request: number): Block | undefined {
    const key = `${agent}\u0000${feeder}\u0000${request}`;
    if (this.answers.has(key)) return this.answers.get(key);
    const range = this.take(this.accountOf(feeder, rows, recycle));
    const block = range && { id: this.nextBlock++, from: range[0], to: range[1] };
    if (block) this.leases.set(block.id, { block, agent, feeder, started: false });
    this.answers.set(key, block);
    return block;
  }

  /** A VU found no row left (its agent's blocks are used up, none is left to lease): true the first time, which is when the data ran out. */
  ranOut(feeder: string): boolean {
    const account = this.feeders.get(feeder);
    if (!account || account.ranOutAt !== undefined) return false;
    account.ranOutAt = this.now();
    return true;
  }

  /** The agent is about to hand out the block's rows: they count as used until it gives some back. */
  start(agent: string, feeder: string, blockId: number): void {
    const lease = this.leases.get(blockId);
    if (!lease || lease.agent !== agent || lease.feeder !== feeder || lease.started) return;
    lease.started = true;
    this.feeders.get(feeder)!.used += lease.block.to - lease.block.from + 1;
  }

  /** The rows of a block from `from` on were never handed out (a block never started: all of them): they are free again. */
  giveBack(agent: string, feeder: string, blockId: number, from: number): void {
    const lease = this.leases.get(blockId);
    if (!lease || lease.agent !== agent || lease.feeder !== feeder || from > lease.block.to) return;
    const start = lease.started ? Math.max(from, lease.block.from) : lease.block.from;
    const account = this.feeders.get(feeder)!;
    if (lease.started) account.used -= lease.block.to - start + 1;
    account.free.push([start, lease.block.to]);
    this.leases.delete(blockId);
  }

  /**
   * An agent that will lease no more: blocks it never started are free again;
   * those it started stay used, and of a host that was `lost` (not one that
   * finished and gave back what it did not hand out) they are counted as such.
   */
  agentGone(agent: string, lost: boolean): void {
    for (const [id, lease] of [...this.leases]) {
      if (lease.agent !== agent) continue;
      const account = this.feeders.get(lease.feeder)!;
      if (!lease.started) account.free.push([lease.block.from, lease.block.to]);
      else if (lost) account.lostWithHosts += lease.block.to - lease.block.from + 1;
      this.leases.delete(id);
    }
  }

  accounts(): FeederAccount[] {
    return [...this.feeders.entries()].map(([feeder, account]) => ({
      feeder,
      rows: account.rows,
      used: account.used,
      left: account.rows - account.next + account.free.reduce((sum, [from, to]) => sum + to - from + 1, 0),
      lostWithHosts: account.lostWithHosts,
      ...(account.ranOutAt !== undefined ? { ranOutAt: account.ranOutAt } : {}),
    }));
  }

  private accountOf(feeder: string, rows: number, recycle: boolean): Feeder {
    let account = this.feeders.get(feeder);
    if (!account) {
      account = { rows, recycle, next: 0, free: [], used: 0, lostWithHosts: 0 };
      this.feeders.set(feeder, account);
    }
    return account;
  }

  private take(account: Feeder): [number, number] | undefined {
    const size = Math.max(1, Math.min(MAX_BLOCK, Math.floor(account.rows / (BLOCKS_PER_AGENT * Math.max(1, this.agents())))));
    const free = account.free.shift();
    if (free) {
      const to = Math.min(free[1], free[0] + size - 1);
      if (to < free[1]) account.free.unshift([to + 1, free[1]]);
      return [free[0], to];
    }
    if (account.next >= account.rows) {
      if (!account.recycle) return undefined;
      account.next = 0;
    }
    const from = account.next;
    account.next = Math.min(account.rows, from + size);
    return [from, account.next - 1];
  }
}
