// The run's unique rows (src/data/lease-book.ts) on the hub: a lease is
// answered with a grant to that agent; the first VU that finds no row left
// says when the data ran out (and, whenEmpty 'stop', ends the load).
import type { FeederAccount } from '../../src/data/lease-book.js';
import { LeaseBook } from '../../src/data/lease-book.js';
import { PROTOCOL_VERSION, type GrantMessage } from '../../src/protocol/messages.js';
import type { MessageOf } from '../hub/hub.js';

export interface LeaseEvents {
  grant?(agentId: string, grant: GrantMessage): void;
  /** `feeder`: its id, "<n>:<file name>" */
  dataRanOut?(feeder: string): void;
}

export class RunLeases {
  private readonly book: LeaseBook;

  constructor(
    agents: () => number,
    private readonly events: LeaseEvents,
    now: () => number,
  ) {
    this.book = new LeaseBook(agents, now);
  }

  lease(message: MessageOf<'lease'>): void {
    const block = this.book.lease(message.agentId, message.feeder, message.rows, message.recycle, message.request);
    this.events.grant?.(message.agentId, { type: 'grant', protocol: PROTOCOL_VERSION, feeder: message.feeder, request: message.request, ...(block ? { block } : {}) });
  }

  /** The first VU that finds no row left is when the data ran out; a feeder whose whenEmpty is 'stop' ends the load then. */
  empty(message: MessageOf<'lease-empty'>): void {
    if (this.book.ranOut(message.feeder) && message.stops) this.events.dataRanOut?.(message.feeder);
  }

  start(message: MessageOf<'lease-start'>): void {
    this.book.start(message.agentId, message.feeder, message.block);
  }

  giveBack(message: MessageOf<'lease-return'>): void {
    this.book.giveBack(message.agentId, message.feeder, message.block, message.from);
  }

  /** The agent will lease no more: what it never started is free for the others; `lost`: it did not finish. */
  agentGone(agentId: string, lost: boolean): void {
    this.book.agentGone(agentId, lost);
  }

  accounts(): FeederAccount[] {
    return this.book.accounts();
  }
}
