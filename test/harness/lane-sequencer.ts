// The order files start in: the e2e files that can share the machine, longest
// first, so that they pair up; the fast lane's files beside the last of them;
// then the e2e files that run alone (machine-lock.ts). The order only saves
// time: the lock alone decides what runs beside what.
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { claimOf } from './machine-lock.js';

export class LaneSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => (spec.project.name === 'fast' ? 1 : claimOf(spec.moduleId) === 'shared' ? 0 : 2);
    // Array sort is stable: within a rank, the base order (longest first, when known) stays.
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}
