// `verify`: explores the fault space of a branch (every state of every actor each kind
// of call can reach) and holds every run to the invariants of docs/verify.md. Pure and
// deterministic, like the simulator it drives.
import type { Branch, Origin, Scenario } from '../../grammar/src/index.js';
import type { SimulationResult } from '../simulate/types.js';
import { checkRun, type Finding, type Invariant } from './invariants.js';
import { simulate } from '../simulate/index.js';
import { explore, horizonMs, type Run } from './explore.js';
import { callKinds, combinationsOf, strangerKinds, upstreamChoices, gatewayChoices, phoneChoices, type CallGroup, type CallKind } from './space.js';
import { combination, eventLine, scenarioBlock } from './text.js';

export type { Finding, Invariant } from './invariants.js';
export { codes } from './invariants.js';

export interface VerifyOptions {
  readonly maxCombinations?: number;
  /** The edge's trust model (SimulateOptions.trust): `open` exists only to prove SURV086 can fail. */
  readonly trust?: 'model' | 'open';
  /** Gateway lists (SimulateOptions.gatewayLists): `first-only` exists only to prove SURV088 can fail. */
  readonly gatewayLists?: 'plan' | 'first-only';
}

export interface Violation {
  readonly branch: string;
  readonly code: string;
  readonly invariant: Invariant;
  /** One line. */
  readonly message: string;
  /** Where to report it: the setting responsible, else the branch's name. */
  readonly origin: Origin;
  /** A ready-to-paste `scenario "..." in BRANCH { ... }` block that reproduces it. */
  readonly scenario: string;
}

export interface VerifyReport {
  readonly branch: string;
  readonly explored: number;
  readonly bound: string;
  readonly violations: readonly Violation[];
}

/** What the command line also shows: how many runs the exploration needed. */
export interface DetailedReport extends VerifyReport {
  readonly simulated: number;
  readonly calls: number;
}

export const defaultMaxCombinations = 4096;

const groupOrder: readonly CallGroup[] = ['outbound', 'emergency', 'local', 'inbound', 'register', 'stranger'];

/** Explores `branch` and reports each invariant broken (once per invariant and kind of call). */
export function verifyBranch(branch: Branch, options: VerifyOptions = {}): VerifyReport {
  const { explored, bound, violations } = verifyBranchDetailed(branch, options);
  return { branch: branch.name, explored, bound, violations };
}

export function verifyBranchDetailed(branch: Branch, options: VerifyOptions = {}): DetailedReport {
  const max = options.maxCombinations ?? defaultMaxCombinations;
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxCombinations must be a positive integer, not ${max}`);
  const kinds = callKinds(branch, max);
  const chosen = new Map<string, { finding: Finding; run: Run }>();
  let explored = 0;
  let simulated = 0;
  for (const kind of kinds) {
    const done = explore(branch, kind, (run) => {
      for (const finding of checkRun(branch, run.scenario, run.result)) {
        const key = `${finding.invariant}\0${finding.group}`;
        const before = chosen.get(key);
        // The first run that breaks an invariant stands for it, unless a later one breaks it worse.
        if (!before || finding.weight > before.finding.weight) chosen.set(key, { finding, run });
      }
    }, { gatewayLists: options.gatewayLists });
    explored += done.explored;
    simulated += done.simulated;
  }
  // Requests from outside the trust model: one run each, every actor up (the edge's
  // answer depends on where a request comes from and goes, never on an actor's state).
  // They are runs, not combinations of states: `explored` does not count them.
  for (const event of strangerKinds(branch)) {
    const kind: CallKind = { group: 'stranger', events: [event], dimensions: [], held: [] };
    const scenario: Scenario = {
      title: 'verify', uri: branch.uri, origin: { kind: 'default' }, branch: branch.name, states: [], events: kind.events, lossPercent: 0, seed: 1, expectations: [],
    };
    const result = simulate(branch, scenario, { untilMs: horizonMs, trust: options.trust });
    simulated++;
    const run: Run = { kind, states: [], scenario, result, assigned: new Map(), covers: 1 };
    for (const finding of checkRun(branch, scenario, result)) {
      const key = `${finding.invariant}\0${finding.group}`;
      if (!chosen.has(key)) chosen.set(key, { finding, run });
    }
  }
  const violations = [...chosen.values()]
    .sort((a, b) => (a.finding.code < b.finding.code ? -1 : a.finding.code > b.finding.code ? 1 : groupOrder.indexOf(a.finding.group) - groupOrder.indexOf(b.finding.group)))
    .map(({ finding, run }) => violation(branch, finding, run));
  return { branch: branch.name, explored, bound: boundText(branch, kinds, max), violations, simulated, calls: kinds.length };
}

function violation(branch: Branch, finding: Finding, run: Run): Violation {
  const label = eventLine(run.kind.events[finding.event]!);
  const title = `${finding.code} ${label}, ${combination(run.states)}`;
  const comment = `surv verify: ${finding.code} (${finding.invariant})`;
  return {
    branch: branch.name, code: finding.code, invariant: finding.invariant, message: finding.message, origin: finding.origin,
    scenario: scenarioBlock(branch, title, comment, run.states, run.kind.events),
  };
}

/**
 * The invariants broken by one run of a scenario (a user's, or a pasted violation):
 * what `verify` reports for the same combination, before choosing one per invariant.
 */
export function checkScenario(branch: Branch, scenario: Scenario, result: SimulationResult): Finding[] {
  return checkRun(branch, scenario, result);
}

const count = (n: number): string => n.toLocaleString('en-US');

function boundText(branch: Branch, kinds: readonly CallKind[], max: number): string {
  const per = (group: CallGroup, word: string) => {
    const n = kinds.filter((k) => k.group === group).length;
    return n > 0 ? [`${n} ${word}`] : [];
  };
  const calls = [...per('outbound', 'outbound'), ...per('emergency', 'emergency'), ...per('local', 'local'), ...per('inbound', 'inbound'), ...per('register', 'REGISTER')];
  const upstreamCounts = [...new Set(branch.upstreams.map((u) => upstreamChoices(branch, u.probe !== undefined).length))].sort();
  const held = kinds.flatMap((k) => k.held.map((s) => `${s.actor} ${s.state}`));
  const heldText = held.length > 0 ? `; beyond it held: ${[...new Set(held)].join(', ')}` : '';
  const largest = Math.max(0, ...kinds.map(combinationsOf));
  return `${kinds.length} ${kinds.length === 1 ? 'call' : 'calls'} (${calls.join(', ') || 'none'}), each alone; `
    + `every state of each actor it can reach (upstream ${upstreamCounts.join('-') || '0'}, gateway ${gatewayChoices.length}, phone ${phoneChoices.length}); `
    + `at most ${count(max)} combinations per call (largest ${count(largest)})${heldText}`;
}
