// Fuzz: a token holder's worst frames at a real hub, session and store: random
// bytes, any JSON, and genuine messages with one field made hostile. The
// controller stays up, tells nothing raw to the terminal, stores nothing
// absurd, and still takes the next genuine window.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONTROL_BYTES, hostileNumber, hostileString } from '../../test/harness/hostile.js';
import { FakeAgent, windowOf } from '../../test/harness/fake-agent.js';
import { PLAN, tempStore } from '../../test/harness/store.js';
import { PROTOCOL_VERSION } from '../../src/protocol/messages.js';
import { RunSession } from '../run/session.js';
import { AgentHub } from './hub.js';

const RUN = 'run-1';

/** A genuine message of each kind an agent sends, as plain JSON. */
function genuine(seq: number): Array<Record<string, unknown>> {
  const envelope = { protocol: PROTOCOL_VERSION, runId: RUN, agentId: 'a1', seq };
  return [
    { type: 'window', ...envelope, window: windowOf(10_000 + seq * 1000, 1000, [20, 30]) },
    { type: 'event', ...envelope, level: 'error', message: 'an agent error' },
    { type: 'heartbeat', ...envelope, activeVus: 1 },
    { type: 'ready', ...envelope, chromium: '120', scenario: 'x' },
  ];
}

/** Sets `value` at a random path of `message` (an object's key, or a new one). */
function corrupt(message: Record<string, unknown>, pathSeed: number, value: unknown): Record<string, unknown> {
  const copy = structuredClone(message) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  for (let depth = 0; depth < 4; depth += 1) {
    const keys = Object.keys(node);
    const key = keys[(pathSeed >> (depth * 3)) % (keys.length + 1)] ?? `extra${depth}`;
    const next = node[key];
    if (depth === 3 || next === null || typeof next !== 'object' || Array.isArray(next)) {
      node[key] = value;
      break;
    }
    node = next as Record<string, unknown>;
  }
  return copy;
}

const hostileValue = fc.oneof(hostileString(), hostileNumber(), fc.jsonValue(), fc.constant(2 ** 31), fc.constant(9e15));

describe('fuzz: the hub and session', () => {
  it('stay up through hostile frames and still store the next genuine window', async () => {
    const { store } = tempStore(RUN);
    const notices: string[] = [];
    const session = new RunSession(RUN, { windowMs: 1000 }, store, { notice: (text) => notices.push(text), changed: () => {} });
    session.setStatus(session.addAgent({ id: 'a1', host: 'h1', plan: PLAN, plannedVus: 1, firstVu: 1 }), 'running');
    const hub = await AgentHub.listen({ runId: RUN, token: 'a-run-key-of-at-least-16', heartbeatMs: 60_000, handlers: session });
    const agent = new FakeAgent(hub.url, hub.credentialFor('a1'), RUN, 'a1');
    try {
      await agent.open();
      const frames = fc.sample(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
          fc.jsonValue().map((value) => JSON.stringify(value)),
          fc.tuple(fc.nat(3), fc.nat(), hostileValue).map(([kind, path, value]) => JSON.stringify(corrupt(genuine(1000 + (path % 1000))[kind]!, path, value))),
          // Valid frames whose text is hostile: what reaches the store, the notices and the report.
          fc.tuple(fc.nat(100_000), hostileString(), hostileString()).map(([seq, text, name]) => {
            const [window] = genuine(2000 + seq);
            const body = window!.window as ReturnType<typeof windowOf>;
            const steps = { [name]: { ...body.steps.home!, errors: { [text.slice(0, 120) || 'E']: { count: 1, sample: text } } } };
            return JSON.stringify({ ...window, window: { ...body, windowStart: 20_000 + seq * 1000, steps } });
          }),
        ),
        { numRuns: 600, seed: 26 },
      );
      let closedOnUs = 0;
      for (const frame of frames) {
        // A message for another run closes the connection: the agent dials in again, as its uplink would.
        if (!agent.connected) {
          closedOnUs += 1;
          await agent.open(true);
        }
        agent.sendFrame(frame);
        await new Promise((resolve) => setImmediate(resolve));
      }
      agent.close();
      // The agent again as a new process (its numbering starts afresh): its events carry what a page printed.
      const again = new FakeAgent(hub.url, hub.credentialFor('a1'), RUN, 'a1');
      await again.open();
      for (const text of fc.sample(hostileString(), { numRuns: 40, seed: 27 })) again.send({ type: 'event', level: 'error', message: text });
      const windowSeq = again.sendWindow(windowOf(5000, 1000, [40]));
      await again.untilAcked(windowSeq, 20_000);
      again.close();
      expect(store.agentWindows(RUN).some((w) => w.body.windowStart === 5000)).toBe(true);
      // Nothing absurd got in: every stored window is within its agent's bounds.
      for (const { body } of store.agentWindows(RUN)) expect(body.vus.max).toBeLessThanOrEqual(1);
      expect(session.invalidFrames).toBeGreaterThan(100);
      expect(closedOnUs).toBeGreaterThan(0);
      expect(notices.filter((text) => text.startsWith('agent a1 (h1): ')).length).toBe(40);
      expect(store.agentWindows(RUN).length).toBeGreaterThan(20);
      expect(notices.filter((text) => CONTROL_BYTES.test(text))).toEqual([]);
    } finally {
      agent.close();
      await hub.close();
      store.close();
    }
  });
});
