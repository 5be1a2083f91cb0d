// Feeds VU events into the window aggregator: the browser side only emits
// events, the aggregator alone decides which window they belong to. Request
// URLs get their labels here, on the main thread, so the cap on distinct
// labels holds for the whole agent.
import type { UrlLabeler } from '../src/metrics/url-label.js';
import { WindowAggregator } from '../src/metrics/window.js';
import type { Evidence } from '../src/protocol/messages.js';
import type { EvidenceBudget } from './evidence.js';
import type { VuEvents } from './vu.js';

export interface RecorderExtras {
  labeler: UrlLabeler;
  /** the agent's own limit per error class, over all its VU workers */
  evidenceBudget: EvidenceBudget;
  sendEvidence(evidence: Evidence): void;
}

export function recorderFor(aggregator: WindowAggregator, extras?: RecorderExtras): VuEvents {
  return {
    iterationStarted: (_vu, _iteration, atMs, flow) => aggregator.iterationStarted(atMs, flow),
    stepEnded: (outcome) => {
      if (outcome.error) {
        aggregator.stepFailed(outcome.name, outcome.atMs, outcome.error.errorClass, outcome.error.message);
      } else {
        aggregator.stepSucceeded(outcome.name, outcome.atMs, outcome.durationMs);
      }
    },
    iterationEnded: (_vu, _iteration, atMs, result, flow) => {
      if (result.kind === 'interrupted') return;
      aggregator.iterationEnded(atMs, result.kind === 'completed', flow);
      if (result.kind === 'failed' && !result.inStep) {
        aggregator.iterationError(atMs, result.errorClass, result.message);
      }
    },
    ...(extras
      ? {
          requestsObserved: (batch) => {
            for (const { step, atMs, sample } of batch) aggregator.requestObserved(extras.labeler.label(sample.url), step, sample, atMs);
          },
          pageViewEnded: (view) => aggregator.pageViewed(view.step, view.vitals, view.atMs),
          evidence: (evidence) => {
            if (extras.evidenceBudget.take(evidence.errorClass)) extras.sendEvidence(evidence);
          },
        }
      : {}),
  } satisfies VuEvents;
}
