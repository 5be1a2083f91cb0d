// Feeds VU events into the window aggregator: the browser side only emits
// events, the aggregator alone decides which window they belong to.
import { WindowAggregator } from '../src/metrics/window.js';
import type { VuEvents } from './vu.js';

export function recorderFor(aggregator: WindowAggregator): VuEvents {
  return {
    iterationStarted: (_vu, _iteration, atMs) => aggregator.iterationStarted(atMs),
    stepEnded: (outcome) => {
      if (outcome.error) {
        aggregator.stepFailed(outcome.name, outcome.atMs, outcome.error.errorClass, outcome.error.message);
      } else {
        aggregator.stepSucceeded(outcome.name, outcome.atMs, outcome.durationMs);
      }
    },
    iterationEnded: (_vu, _iteration, atMs, result) => {
      if (result.kind === 'interrupted') return;
      aggregator.iterationEnded(atMs, result.kind === 'completed');
      if (result.kind === 'failed' && !result.inStep) {
        aggregator.iterationError(atMs, result.errorClass, result.message);
      }
    },
  };
}
