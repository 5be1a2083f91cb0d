// What each site's agent runs: its share of the plan (by weight, within its
// maxVUs) and the env its VUs see. Calibrate and the benchmark assign their own.
import { InputError } from '../../src/errors.js';
import { splitPlan } from '../../src/load/split.js';
import type { Plan } from '../../src/protocol/plan.js';
import type { AgentSite } from '../sites/site.js';
import type { PreparedRun } from './prepare.js';

export interface AgentAssignment {
  site: AgentSite;
  plan: Plan;
  env: Record<string, string>;
  /** VU workers (a worker thread with its own Chromium each) instead of the agent's choice */
  vuWorkers?: number;
}

export type Assign = (prepared: PreparedRun, sites: readonly AgentSite[]) => AgentAssignment[] | Promise<AgentAssignment[]>;

export const shareByWeight: Assign = (prepared, sites) => {
  let plans: Plan[];
  try {
    plans = splitPlan(prepared.plan, sites);
  } catch (error) {
    throw new InputError((error as Error).message);
  }
  return sites.map((site, i) => ({ site, plan: plans[i]!, env: prepared.request.env }));
};
