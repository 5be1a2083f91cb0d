// The saturation guard: an agent whose host is out of CPU, or whose event
// loop lags, measures its own queueing instead of the site. Two windows in a
// row over the line mark its windows saturated, so nobody trusts them blindly.
import { SATURATION_CPU_PCT, SATURATION_LOOP_LAG_MS, SATURATION_WINDOWS } from '../src/limits.js';
import type { ResourceSample } from '../src/protocol/messages.js';

export class SaturationGuard {
  private overInARow = 0;

  /** Feeds one window's sample; true when this window is to be marked saturated. */
  observe(resources: ResourceSample): boolean {
    const over = resources.hostCpuPct > SATURATION_CPU_PCT || resources.loopLagMs > SATURATION_LOOP_LAG_MS;
    this.overInARow = over ? this.overInARow + 1 : 0;
    return this.overInARow >= SATURATION_WINDOWS;
  }
}
