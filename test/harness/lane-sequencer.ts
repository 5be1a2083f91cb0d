// The order files start in: the e2e files that can share the machine, longest
// first, so that they pair up; the fast lane's files beside the last of them;
// then the e2e files that run alone (machine-lock.ts). The order only saves
// time: the lock alone decides what runs beside what.
import { basename } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { claimOf } from './machine-lock.js';

/**
 * Seconds the long shared files took here (2026-12-05): on a fresh clone vitest
 * knows no durations and orders by file size, which put the bench smoke test
 * (95 s, a small file) last, running on alone at the end of the shared phase.
 */
const SHARED_SECONDS: Record<string, number> = {
  'bench.test.ts': 95,
  'ssh-hosts.test.ts': 90,
  'faults.test.ts': 75,
  'ec2.test.ts': 63,
  'bare-host.test.ts': 58,
  'prepare.test.ts': 55,
  'url-lists.test.ts': 38,
  'lean-actions.chromium.test.ts': 28,
  'reports.test.ts': 20,
  'urls-spider.test.ts': 20,
};

export class LaneSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => (spec.project.name === 'fast' ? 1 : claimOf(spec.moduleId) === 'shared' ? 0 : 2);
    const seconds = (spec: TestSpecification) => SHARED_SECONDS[basename(spec.moduleId)] ?? 0;
    // Array sort is stable: within a rank, the known long files first, then the base order (longest first, when known).
    return [...sorted].sort((a, b) => rank(a) - rank(b) || seconds(b) - seconds(a));
  }
}
