// Which flow a VU's next iteration runs. Weighted turns (smooth weighted
// round-robin) make each VU's mix exact to within one iteration; VUs start at
// different turns, so the first iterations of a run are mixed too.
import { TurnTaker } from '../src/load/arrival.js';
import type { FlowSpec, ScenarioFlows } from '../src/scenario/flows.js';

export class FlowPicker {
  private readonly turns: TurnTaker;
  private taken = 0;

  /** `skip`: turns to pass first (a VU's id); `eachOnce`: every flow in order, once (squall check) */
  constructor(
    private readonly scenario: ScenarioFlows,
    skip: number,
    private readonly eachOnce = false,
  ) {
    this.turns = new TurnTaker(scenario.flows.map((f) => f.weight));
    for (let i = 0; i < skip % 1000; i += 1) this.turns.next();
  }

  get named(): boolean {
    return this.scenario.named;
  }

  next(): FlowSpec {
    const index = this.eachOnce ? this.taken % this.scenario.flows.length : this.turns.next();
    this.taken += 1;
    return this.scenario.flows[index]!;
  }

  /** The flow the scheduler chose, by name; the next weighted one when it named none. */
  byName(name: string | undefined): FlowSpec {
    return (name !== undefined ? this.scenario.flows.find((f) => f.name === name) : undefined) ?? this.next();
  }
}
