// Explores every combination of a call's actor states without simulating each one.
//
// A run only depends on the states the simulator consulted: an actor that was never
// asked for its state and never received a message cannot have changed anything. So
// the search starts with every actor `up`, and only branches on an actor the run
// actually reached; each leaf run stands for every combination of the actors it left
// alone. The combinations covered always add up to the whole product.
import type { ActorState, Branch, Scenario } from '../../grammar/src/index.js';
import { simulate } from '../simulate/index.js';
import type { SimulateOptions, SimulationResult } from '../simulate/types.js';
import { actorState, type CallKind, type Choice, type Dimension } from './space.js';

export interface Run {
  readonly kind: CallKind;
  /** The states of the run, as a scenario would write them: varied actors in reach order, then the held ones. */
  readonly states: readonly ActorState[];
  readonly scenario: Scenario;
  readonly result: SimulationResult;
  /** The actors whose state this run fixed; every other actor of the call never mattered to it. */
  readonly assigned: ReadonlyMap<string, Choice>;
  /** How many combinations this run stands for. */
  readonly covers: number;
}

/**
 * How long a run may go on (the simulator's default as well, so a pasted scenario
 * replays the same): a call with no final reply by then never gets one that matters.
 */
export const horizonMs = 600_000;

export interface Exploration {
  /** Combinations covered (the whole product of the call's states). */
  readonly explored: number;
  /** Runs actually simulated. */
  readonly simulated: number;
}

/**
 * An actor state that records when the simulator reads which state it is in. Every
 * actor of the call gets one (`up` ones included), so a read means it mattered.
 */
function watched(state: ActorState, consulted: Set<string>): ActorState {
  const name = state.state;
  return Object.defineProperty({ ...state }, 'state', { enumerable: true, get: () => { consulted.add(state.actor); return name; } });
}

export function explore(branch: Branch, kind: CallKind, visit: (run: Run) => void, options: Pick<SimulateOptions, 'gatewayLists'> = {}): Exploration {
  let explored = 0;
  let simulated = 0;
  const byActor = new Map(kind.dimensions.map((d) => [d.actor, d]));

  const simulateWith = (assigned: ReadonlyMap<string, Choice>) => {
    const consulted = new Set<string>();
    const states = [
      ...kind.dimensions.map((d) => actorState(d.actor, d.kind, assigned.get(d.actor) ?? d.choices[0]!)),
      ...kind.held,
    ];
    const scenario: Scenario = {
      title: 'verify', uri: branch.uri, origin: { kind: 'default' }, branch: branch.name,
      states: states.map((s) => watched(s, consulted)), events: kind.events, lossPercent: 0, seed: 1, expectations: [],
    };
    const result = simulate(branch, scenario, { untilMs: horizonMs, gatewayLists: options.gatewayLists });
    simulated++;
    for (const t of result.trace) consulted.add(t.to);
    // A copy: whoever reads the states later (the invariants) must not count as the run.
    return { states, scenario, result, consulted: new Set(consulted) };
  };

  const go = (assigned: ReadonlyMap<string, Choice>, reuse?: ReturnType<typeof simulateWith>): void => {
    const run = reuse ?? simulateWith(assigned);
    const next = kind.dimensions.find((d) => !assigned.has(d.actor) && run.consulted.has(d.actor));
    if (next) {
      next.choices.forEach((c, i) => go(new Map(assigned).set(next.actor, c), i === 0 ? run : undefined));
      return;
    }
    const free = kind.dimensions.filter((d: Dimension) => !assigned.has(d.actor));
    const covers = free.reduce((n, d) => n * d.choices.length, 1);
    explored += covers;
    const states = run.states.filter((s) => (byActor.has(s.actor) ? s.state !== 'up' : true));
    visit({ kind, states, scenario: run.scenario, result: run.result, assigned, covers });
  };

  go(new Map());
  return { explored, simulated };
}
