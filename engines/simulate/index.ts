// The simulator: replays a scenario of a branch on a virtual clock (docs/simulator.md).
import type { Branch, Scenario } from '../../grammar/src/index.js';
import { run } from './engine.js';
import { checkExpectations } from './expect.js';
import type { SimulateOptions, SimulationResult } from './types.js';

export type { CallResult, Registration, ScriptedReply, SimulateOptions, SimulationResult, SurvivalEventEntry, TraceEntry, Verdict } from './types.js';
export { checkExpectations } from './expect.js';
export { Scheduler } from './scheduler.js';

/** Runs `scenario` against `branch`. Pure and deterministic: same inputs, same result. */
export function simulate(branch: Branch, scenario: Scenario, options: SimulateOptions = {}): SimulationResult {
  const sim = run(branch, scenario, options);
  const calls = sim.calls.map((c) => ({ ...c, finals: [...c.finals], path: [...c.path] }));
  return {
    scenario: scenario.title,
    branch: branch.name,
    trace: sim.trace,
    calls,
    marks: sim.edge.marks,
    notes: sim.notes,
    verdicts: checkExpectations(scenario, sim.trace, calls, sim.edge.marks),
    registrations: sim.registrations.map((r) => ({ ...r })),
    // The edge's and the prober's, merged by time (a stable sort keeps same-instant order).
    events: [...sim.edge.events, ...sim.edge.prober.events].sort((a, b) => a.atMs - b.atMs),
  };
}
