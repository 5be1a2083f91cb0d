// A run the store calls running reads as interrupted once its controller is
// gone: its process dead on this host, or silent too long anywhere.
import { describe, expect, it } from 'vitest';
import { DEAD_OWNER_SILENT_MS, RUN_STALE_MS, runStatusNow, type LivenessProbe } from './liveness.js';

const probe = (over: Partial<LivenessProbe> = {}): LivenessProbe => ({ now: 1_000_000, host: 'laptop', alive: () => true, ...over });
const owner = { host: 'laptop', pid: 4242 };

describe('runStatusNow', () => {
  it('keeps a running run whose controller is alive and recent', () => {
    expect(runStatusNow({ status: 'running', owner, heartbeatAt: 999_000 }, probe())).toBe('running');
  });

  it('calls it interrupted once its controller process on this host is gone and two heartbeats are missed', () => {
    const dead = probe({ alive: (pid) => pid !== 4242 });
    expect(runStatusNow({ status: 'running', owner, heartbeatAt: 1_000_000 - DEAD_OWNER_SILENT_MS - 1 }, dead)).toBe('interrupted');
    expect(runStatusNow({ status: 'preparing', owner, heartbeatAt: 1_000_000 - DEAD_OWNER_SILENT_MS - 1 }, dead)).toBe('interrupted');
  });

  it('keeps a run whose pid looks dead while its heartbeat is fresh (a reader in another PID namespace)', () => {
    expect(runStatusNow({ status: 'running', owner, heartbeatAt: 999_000 }, probe({ alive: () => false }))).toBe('running');
  });

  it('never calls the reader\'s own run interrupted by its pid', () => {
    expect(runStatusNow({ status: 'running', owner: { host: 'laptop', pid: process.pid }, heartbeatAt: 980_000 }, probe({ alive: () => false }))).toBe('running');
  });

  it('calls it interrupted when its controller, on another host, has been silent too long', () => {
    const elsewhere = { host: 'ci-runner', pid: 4242 };
    expect(runStatusNow({ status: 'running', owner: elsewhere, heartbeatAt: 1_000_000 - RUN_STALE_MS }, probe({ alive: () => false }))).toBe('running');
    expect(runStatusNow({ status: 'running', owner: elsewhere, heartbeatAt: 1_000_000 - RUN_STALE_MS - 1 }, probe())).toBe('interrupted');
  });

  it('leaves ended runs as they ended', () => {
    for (const status of ['completed', 'aborted', 'failed'] as const) expect(runStatusNow({ status, owner }, probe({ alive: () => false }))).toBe(status);
  });
});
