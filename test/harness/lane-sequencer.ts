// The order files start in: the e2e files that can share the machine, longest
// first by their typical time (machine-lock.ts), so that the phase does not
// end on one long file with the other slot idle; the fast lane's files
// beside the last of them; then the e2e files that run alone. The order only
// saves time: the lock alone decides what runs beside what.
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { claimOf, typicalSeconds } from './machine-lock.js';

export class LaneSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => (spec.project.name === 'fast' ? 1 : claimOf(spec.moduleId) === 'shared' ? 0 : 2);
    const seconds = (spec: TestSpecification) => (spec.project.name === 'fast' ? 0 : (typicalSeconds(spec.moduleId) ?? 0));
    // Array sort is stable: within a rank (and among the alone files), the base order stays.
    return [...sorted].sort((a, b) => rank(a) - rank(b) || seconds(b) - seconds(a));
  }
}
