import { describe, expect, it } from 'vitest';
import { AgentMessageSchema, ControllerMessageSchema, PROTOCOL_VERSION, parseFrame } from './messages.js';

const envelope = { protocol: PROTOCOL_VERSION, runId: 'r1', agentId: 'a1' };
const window = {
  windowStart: 15_000,
  windowMs: 15_000,
  steps: {
    home: { count: 3, failed: 1, sumMs: 600, minMs: 250, maxMs: 350, hist: '1100:1,1170:1', errors: { Error: { count: 1, sample: 'boom' } } },
  },
  iterations: { started: 3, completed: 2, failed: 1 },
  iterationErrors: {},
  vus: { min: 1, max: 2 },
  resources: { hostCpuPct: 50, agentCpuPct: 20, agentRssMb: 90, hostMemUsedPct: 40, loopLagMs: 2 },
};

describe('wire protocol', () => {
  it('accepts a well-formed window', () => {
    expect(AgentMessageSchema.safeParse({ type: 'window', ...envelope, seq: 4, window }).success).toBe(true);
  });

  it.each([
    ['an unknown type', { type: 'teapot', ...envelope, seq: 1 }],
    ['a wrong protocol version', { type: 'heartbeat', ...envelope, protocol: 99, seq: 1, activeVus: 0 }],
    ['a negative seq', { type: 'heartbeat', ...envelope, seq: -1, activeVus: 0 }],
    ['a missing runId', { type: 'heartbeat', protocol: PROTOCOL_VERSION, agentId: 'a1', seq: 1, activeVus: 0 }],
    ['more failures than attempts', { type: 'window', ...envelope, seq: 1, window: { ...window, steps: { home: { ...window.steps.home, failed: 4 } } } }],
    ['a histogram pair without a count', { type: 'window', ...envelope, seq: 1, window: { ...window, steps: { home: { ...window.steps.home, hist: '1100:1,1170' } } } }],
    ['a histogram with a zero count', { type: 'window', ...envelope, seq: 1, window: { ...window, steps: { home: { ...window.steps.home, hist: '1100:0' } } } }],
    ['a histogram with a trailing comma', { type: 'window', ...envelope, seq: 1, window: { ...window, steps: { home: { ...window.steps.home, hist: '1100:1,' } } } }],
    ['an unknown field', { type: 'bye', ...envelope, seq: 2, windows: 1, reason: 'done', extra: true }],
    ['a fractional count', { type: 'window', ...envelope, seq: 1, window: { ...window, iterations: { started: 1.5, completed: 0, failed: 0 } } }],
  ])('rejects %s', (_name, message) => {
    expect(AgentMessageSchema.safeParse(message).success).toBe(false);
  });

  it('rejects malformed controller messages and non-JSON frames with a reason', () => {
    expect(ControllerMessageSchema.safeParse({ type: 'ack', protocol: PROTOCOL_VERSION }).success).toBe(false);
    expect(parseFrame(ControllerMessageSchema, '{not json')).toEqual({ ok: false, error: 'not JSON' });
    const bad = parseFrame(ControllerMessageSchema, JSON.stringify({ type: 'ack', protocol: PROTOCOL_VERSION, seq: 'x' }));
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/seq/);
  });
});
