// Lines both sides draw the same way: the agent marks windows saturated by
// them, the controller's messages and reports quote them.

/** Host CPU above which an agent's measurements are its own queueing more than the site's. */
export const SATURATION_CPU_PCT = 85;
/** p99 event-loop delay above which the agent's own timers run late. */
export const SATURATION_LOOP_LAG_MS = 200;
/** Windows in a row over either line before windows are marked saturated. */
export const SATURATION_WINDOWS = 2;
