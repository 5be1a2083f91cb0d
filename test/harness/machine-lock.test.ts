// The e2e lane's machine lock: SHARED_AT_ONCE shared claims at once, an alone claim by
// itself, first come first served, and a claim whose holder is gone released.
import { mkdtempSync } from 'node:fs';
import { connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimMachine, claimOf, SHARED_AT_ONCE, serveMachineLock, typicalSeconds, type MachineClaim } from './machine-lock.js';

describe('the machine lock', () => {
  let server: Server;
  let path: string;

  beforeAll(async () => {
    path = join(mkdtempSync(join(tmpdir(), 'squall-lock-')), 'lock.sock');
    server = await serveMachineLock(path);
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Claims in order, each sent once the one before is queued; records when each is granted. */
  async function claimAll(claims: MachineClaim[]): Promise<{ granted: string[]; releases: Promise<() => void>[] }> {
    const granted: string[] = [];
    const releases: Promise<() => void>[] = [];
    for (const [i, claim] of claims.entries()) {
      releases.push(claimMachine(path, claim).then((release) => (granted.push(`${claim}${i}`), release)));
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    return { granted, releases };
  }

  const shared = (n: number): MachineClaim[] => Array.from({ length: n }, () => 'shared');
  const names = (from: number, n: number) => Array.from({ length: n }, (_, i) => `shared${from + i}`);

  it('grants the shared claims at once, then an alone claim only when all are released, and later claims after it', async () => {
    const { granted, releases } = await claimAll([...shared(SHARED_AT_ONCE), 'alone', 'shared']);
    const first = names(0, SHARED_AT_ONCE);
    expect(granted).toEqual(first);
    (await releases[0]!)();
    await new Promise((resolve) => setTimeout(resolve, 50));
    // First come, first served: the shared claim behind the alone one waits too.
    expect(granted).toEqual(first);
    for (let i = 1; i < SHARED_AT_ONCE; i += 1) (await releases[i]!)();
    const alone = await releases[SHARED_AT_ONCE]!;
    expect(granted).toEqual([...first, `alone${SHARED_AT_ONCE}`]);
    alone();
    (await releases[SHARED_AT_ONCE + 1]!)();
    expect(granted).toEqual([...first, `alone${SHARED_AT_ONCE}`, `shared${SHARED_AT_ONCE + 1}`]);
  });

  it('never grants one more shared claim beside those it allows', async () => {
    const { granted, releases } = await claimAll(shared(SHARED_AT_ONCE + 1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(granted).toEqual(names(0, SHARED_AT_ONCE));
    (await releases[1]!)();
    (await releases[SHARED_AT_ONCE]!)();
    expect(granted).toEqual(names(0, SHARED_AT_ONCE + 1));
    for (const [i, release] of releases.entries()) if (i !== 1) (await release)();
  });

  it('releases the claim of a holder that is gone (a worker that died) and of one that gave up waiting', async () => {
    const held = connect(path);
    held.write('alone\n');
    await new Promise((resolve) => held.once('data', resolve));
    const gaveUp = connect(path);
    gaveUp.write('alone\n');
    await new Promise((resolve) => setTimeout(resolve, 30));
    gaveUp.destroy();
    const next = claimMachine(path, 'alone');
    await new Promise((resolve) => setTimeout(resolve, 30));
    held.destroy();
    (await next)();
  });

  it('classes files: those listed may share the machine, every other file runs alone', () => {
    expect(claimOf('/x/test/e2e/ec2.test.ts')).toBe('shared');
    expect(claimOf('/x/test/e2e/browser-metrics.test.ts')).toBe('alone');
    expect(claimOf('/x/test/e2e/a-new-one.test.ts')).toBe('alone');
  });

  it('knows how long each shared file takes, so the lane can start the longest first', () => {
    expect(typicalSeconds('/x/test/e2e/faults.test.ts')).toBeGreaterThan(typicalSeconds('/x/test/e2e/old-store.test.ts')!);
    expect(typicalSeconds('/x/test/e2e/browser-metrics.test.ts')).toBeUndefined();
  });
});
