// The order files start in: the e2e files that can share the machine first,
// longest first (when vitest knows), so that they pair up; then the files that
// run alone, each followed by a share of the fast lane's files, which run in
// the background beside it (machine-lock.ts) on the CPU it leaves idle; the
// exclusive files last, with nothing beside them. With two workers, the one
// not running an alone file works through the fast files behind it. The order
// only saves time: the lock alone decides what runs beside what.
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { claimOf } from './machine-lock.js';

export class LaneSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const claim = (spec: TestSpecification) => (spec.project.name === 'fast' ? 'background' : claimOf(spec.moduleId));
    const of = (kind: string) => sorted.filter((spec) => claim(spec) === kind);
    return [...of('shared'), ...interleave(of('background'), of('alone')), ...of('exclusive')];
  }
}

/**
 * A first share of `fast` (it fills the tail of the shared phase), then each
 * of `alone` followed by the next share: the fast files spread beside the
 * alone ones instead of waiting for them all.
 */
export function interleave<T>(fast: readonly T[], alone: readonly T[]): T[] {
  const share = Math.ceil(fast.length / (alone.length + 1));
  // The first share only fills the last shared file's tail: a few files, or the first alone file waits on them.
  const first = Math.min(share, FIRST_SHARE);
  const rest = Math.ceil((fast.length - first) / Math.max(alone.length, 1));
  const order: T[] = fast.slice(0, first);
  alone.forEach((file, index) => order.push(file, ...fast.slice(first + rest * index, first + rest * (index + 1))));
  if (alone.length === 0) order.push(...fast.slice(first));
  return order;
}

const FIRST_SHARE = 2;
