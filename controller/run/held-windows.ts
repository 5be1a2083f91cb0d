// Windows the store could not take (a full or read-only disk), held in memory
// until it can, within a memory budget: past it they are not acked and stay
// with their agents, who resend them after a reconnect.
import type { WindowBody } from '../../src/protocol/messages.js';

/** Only the frame and what its row is keyed by: the parsed message would be several times the frame's size. */
export interface HeldWindow {
  agentId: string;
  seq: number;
  windowStart: number;
  windowMs: number;
  frame: string;
}

/** What the controller may hold; a week of 15 s windows from 10 agents is a few hundred MB. */
export const HELD_BYTES_BUDGET = 512 * 1024 * 1024;

export class HeldWindows {
  private readonly held = new Map<string, HeldWindow>();
  private bytes = 0;

  constructor(private readonly budgetBytes = HELD_BYTES_BUDGET) {}

  get size(): number {
    return this.held.size;
  }

  /** 'new', 'duplicate' (the same frame again) or 'replaced'; undefined when over the budget (not held). */
  hold(window: HeldWindow): 'new' | 'duplicate' | 'replaced' | undefined {
    const key = keyOf(window);
    const known = this.held.get(key);
    if (known?.frame === window.frame) return 'duplicate';
    // Two bytes a character: what the frame takes in memory.
    const grows = 2 * (window.frame.length - (known?.frame.length ?? 0));
    if (this.bytes + grows > this.budgetBytes) return undefined;
    this.bytes += grows;
    this.held.set(key, window);
    return known ? 'replaced' : 'new';
  }

  /** The held windows of one interval, parsed again (a resend with new content: rare). */
  at(windowStart: number): Array<{ agentId: string; body: WindowBody }> {
    return [...this.held.values()]
      .filter((w) => w.windowStart === windowStart)
      .map((w) => ({ agentId: w.agentId, body: (JSON.parse(w.frame) as { window: WindowBody }).window }));
  }

  all(): HeldWindow[] {
    return [...this.held.values()];
  }

  clear(): void {
    this.held.clear();
    this.bytes = 0;
  }

  /** The held windows' span: first start, last end, how many, from which agents. */
  span(): { from: number; to: number; windows: number; agents: string[] } | undefined {
    if (this.held.size === 0) return undefined;
    let from = Number.POSITIVE_INFINITY;
    let to = 0;
    const agents = new Set<string>();
    for (const window of this.held.values()) {
      from = Math.min(from, window.windowStart);
      to = Math.max(to, window.windowStart + window.windowMs);
      agents.add(window.agentId);
    }
    return { from, to, windows: this.held.size, agents: [...agents].sort() };
  }
}

function keyOf(window: HeldWindow): string {
  return `${window.agentId}\u0000${window.windowStart}`;
}
