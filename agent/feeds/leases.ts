// Unique rows over the fleet, the agent's side: blocks of row indexes leased
// from the controller (one asked ahead, so a VU rarely waits), each started
// only once the controller acked that it is (a host lost after that keeps the
// block used; before, the block goes to another), the unused tail given back
// when the load ends.
import type { GrantMessage } from '../../src/protocol/messages.js';
import type { FeederSpec } from '../../src/scenario/feeder.js';
import type { Uplink } from '../uplink.js';
import type { IndexSource } from './feed-rows.js';

/** A grant lost with a dropped link is asked for again after this long. */
const ASK_AGAIN_MS = 3000;
/** How long the end waits for a block asked ahead, to give it back. */
const AHEAD_WAIT_MS = 2000;
/** How long a block's start may wait for its ack: the controller is gone by then. */
const START_ACK_MS = 60_000;

interface Block {
  id: number;
  from: number;
  to: number;
}

interface Pool {
  current?: { block: Block; next: number };
  ahead?: Promise<Block | undefined>;
  ranOut: boolean;
  /** serialises takers: one block started at a time */
  turn: Promise<unknown>;
}

export class LeaseClient implements IndexSource {
  private readonly pools = new Map<string, Pool>();
  private readonly waiting = new Map<string, (grant: GrantMessage) => void>();
  private request = 0;

  constructor(private readonly uplink: Pick<Uplink, 'send' | 'acknowledged'>) {}

  /** Every grant the controller sends comes here. */
  granted(grant: GrantMessage): void {
    const key = `${grant.feeder}\u0000${grant.request}`;
    this.waiting.get(key)?.(grant);
    this.waiting.delete(key);
  }

  next(spec: FeederSpec): Promise<number | undefined> {
    const pool = this.poolOf(spec);
    const taken = pool.turn.then(() => this.take(spec, pool));
    pool.turn = taken.catch(() => {});
    return taken;
  }

  /** The load is over: the rows not handed out go back to the controller, the block asked ahead whole. */
  async giveBack(): Promise<void> {
    for (const [feeder, pool] of this.pools) {
      // Only once every taker is served: a block is not given back while a row of it is on its way out.
      await pool.turn;
      const current = pool.current;
      if (current && current.next <= current.block.to) this.uplink.send({ type: 'lease-return', feeder, block: current.block.id, from: current.next });
      pool.current = undefined;
      const ahead = pool.ahead && (await Promise.race([pool.ahead, new Promise<undefined>((resolve) => setTimeout(resolve, AHEAD_WAIT_MS))]));
      if (ahead) this.uplink.send({ type: 'lease-return', feeder, block: ahead.id, from: ahead.from });
      pool.ahead = undefined;
      pool.ranOut = true;
    }
  }

  private async take(spec: FeederSpec, pool: Pool): Promise<number | undefined> {
    const current = pool.current;
    if (current && current.next <= current.block.to) return current.next++;
    if (pool.ranOut) return undefined;
    const block = await (pool.ahead ?? this.ask(spec));
    pool.ahead = undefined;
    if (!block) {
      // This VU is the first here to find none: the controller hears when the data ran out.
      pool.ranOut = true;
      this.uplink.send({ type: 'lease-empty', feeder: spec.id, stops: spec.whenEmpty === 'stop' });
      return undefined;
    }
    const seq = this.uplink.send({ type: 'lease-start', feeder: spec.id, block: block.id });
    if (!(await this.uplink.acknowledged(seq, START_ACK_MS))) throw new Error(`${spec.data.name}: the controller did not confirm a block of rows`);
    pool.current = { block, next: block.from + 1 };
    pool.ahead = this.ask(spec);
    return block.from;
  }

  private ask(spec: FeederSpec): Promise<Block | undefined> {
    const request = this.request++;
    const recycle = spec.whenEmpty === 'recycle';
    const key = `${spec.id}\u0000${request}`;
    return new Promise((resolve) => {
      const send = () => this.uplink.send({ type: 'lease', feeder: spec.id, rows: spec.data.rows, recycle, request });
      const again = setInterval(send, ASK_AGAIN_MS);
      this.waiting.set(key, (grant) => {
        clearInterval(again);
        resolve(grant.block);
      });
      send();
    });
  }

  private poolOf(spec: FeederSpec): Pool {
    let pool = this.pools.get(spec.id);
    if (!pool) {
      pool = { ranOut: false, turn: Promise.resolve() };
      this.pools.set(spec.id, pool);
    }
    return pool;
  }
}
