// Windows the store could not take (a full or read-only disk), held in memory
// until it can, within a memory budget: past it they are not acked and stay
// with their agents, who resend them after a reconnect.
import type { MessageOf } from '../hub/hub.js';

export interface HeldWindow {
  message: MessageOf<'window'>;
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
    const key = keyOf(window.message);
    const known = this.held.get(key);
    if (known?.frame === window.frame) return 'duplicate';
    const grows = window.frame.length - (known?.frame.length ?? 0);
    if (this.bytes + grows > this.budgetBytes) return undefined;
    this.bytes += grows;
    this.held.set(key, window);
    return known ? 'replaced' : 'new';
  }

  bodiesAt(windowStart: number): Array<HeldWindow['message']['window']> {
    return [...this.held.values()].filter((w) => w.message.window.windowStart === windowStart).map((w) => w.message.window);
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
    for (const { message } of this.held.values()) {
      from = Math.min(from, message.window.windowStart);
      to = Math.max(to, message.window.windowStart + message.window.windowMs);
      agents.add(message.agentId);
    }
    return { from, to, windows: this.held.size, agents: [...agents].sort() };
  }
}

function keyOf(message: HeldWindow['message']): string {
  return `${message.agentId}\u0000${message.window.windowStart}`;
}
