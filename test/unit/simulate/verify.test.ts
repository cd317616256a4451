// verify: the exploration of the fault space, its bound, its soundness (a run stands
// for exactly the combinations it claims), and violations that replay when pasted.
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, type Branch } from '../../../grammar/src/index.js';
import { simulate, type SimulationResult } from '../../../engines/simulate/index.js';
import { explore, horizonMs, type Run } from '../../../engines/verify/explore.js';
import { checkScenario, verifyBranch, verifyBranchDetailed, type Violation } from '../../../engines/verify/index.js';
import { actorState, callKinds, combinationsOf, type CallKind, type Choice } from '../../../engines/verify/space.js';
import { load, root } from './helpers.js';

const RELAY = 'examples/verify/relay-budget.surv';

function branchOf(file: string, name?: string): Branch {
  const { branches } = load([file]);
  const b = name === undefined ? branches[0] : branches.find((x) => x.name === name);
  if (!b) throw new Error(`no branch in ${file}`);
  return b;
}

/** Analyses `text` (which must be free of errors) as `uri`. */
function analyseText(uri: string, text: string) {
  const analysis = analyze([{ uri, text }], { symbols: false });
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((d) => `${d.code} ${d.message}`).join('\n'));
  return analysis.model;
}

/** Pastes a violation's scenario at the end of the file, replays it and checks it again. */
function replay(file: string, text: string, v: Violation) {
  const model = analyseText(file, `${text}\n${v.scenario}`);
  const title = /^scenario "([^"]*)"/m.exec(v.scenario)![1]!;
  const scenario = model.scenarios.find((s) => s.title === title)!;
  const branch = model.branches.find((b) => b.name === scenario.branch)!;
  const result = simulate(branch, scenario);
  return { result, findings: checkScenario(branch, scenario, result) };
}

describe('verify on the shipped examples', () => {
  it.each([
    // Each with its local call (local-calls, SURV087): upstreams × survival gateways × the phone rung.
    ['examples/bilbao.surv', 248],
    ['examples/two-head-offices.surv', 2380],
    ['examples/critical-branch.surv', 2605],
    ['examples/ipv6-branch.surv', 264],
  ])('%s: no violation, %i combinations explored', (file, explored) => {
    const report = verifyBranch(branchOf(file));
    expect(report.violations).toEqual([]);
    expect(report.explored).toBe(explored);
  });

  it('the petrol stations: no violation in any of the 24', () => {
    const files = load(['examples/petrol-stations/profile.surv', ...Array.from({ length: 24 }, (_, i) => `examples/petrol-stations/station-${String(i + 1).padStart(2, '0')}.surv`)]);
    const reports = files.branches.map((b) => verifyBranch(b));
    expect(reports.flatMap((r) => r.violations)).toEqual([]);
    expect(reports.every((r) => r.explored > 0)).toBe(true);
  });

  it('states the bound: the calls, the states per actor and the cap', () => {
    expect(verifyBranch(branchOf('examples/bilbao.surv')).bound).toBe(
      '6 calls (1 outbound, 2 emergency, 1 local, 1 inbound, 1 REGISTER), each alone; every state of each actor it can reach '
      + '(upstream 8, gateway 4, phone 4); at most 4,096 combinations per call (largest 128)',
    );
    // Probed upstreams add `ignores invite`, and a call once probing has settled.
    expect(verifyBranch(branchOf('examples/critical-branch.surv')).bound).toBe(
      '19 calls (2 outbound, 5 emergency, 1 local, 10 inbound, 1 REGISTER), each alone; every state of each actor it can reach '
      + '(upstream 9, gateway 4, phone 4); at most 4,096 combinations per call (largest 1,024)',
    );
  });
});

describe('the invariants on the scenarios users write', () => {
  it('every scenario of the shipped examples holds them', () => {
    const petrol = readdirSync(resolve(root, 'examples/petrol-stations')).map((f) => `examples/petrol-stations/${f}`);
    const model = load(['examples/bilbao.surv', 'examples/two-head-offices.surv', 'examples/critical-branch.surv', 'examples/ipv6-branch.surv', RELAY, ...petrol]);
    expect(model.scenarios).toHaveLength(16);
    for (const s of model.scenarios) {
      const branch = model.branches.find((b) => b.name === s.branch)!;
      expect(checkScenario(branch, s, simulate(branch, s)), s.title).toEqual([]);
    }
  });
});

describe('the calls and actors of the fault space', () => {
  it('bilbao: outbound via cloud to pstn, each emergency number, a local call, the inbound chain, a REGISTER', () => {
    const kinds = callKinds(branchOf('examples/bilbao.surv'), 4096);
    const summary = (k: CallKind) => `${k.group}: ${k.events.map((e) => (e.kind === 'call' ? `${e.caller} calls ${e.target} at ${e.atMs}` : e.kind === 'register' ? `${e.phone} registers` : e.kind)).join()} | ${k.dimensions.map((d) => `${d.actor}×${d.choices.length}`).join(' ')} = ${combinationsOf(k)}`;
    expect(kinds.map(summary)).toEqual([
      'outbound: reception calls 944000000 at 0 | cloud×8 pstn×4 = 32',
      'emergency: reception calls 112 at 0 | pstn×4 cloud×8 = 32',
      'emergency: reception calls 091 at 0 | pstn×4 cloud×8 = 32',
      'local: reception calls 101 at 0 | cloud×8 pstn×4 desk1×4 = 128',
      'inbound: pstn calls 900000000 at 0 | reception×4 desk1×4 = 16',
      'register: reception registers | cloud×8 = 8',
    ]);
  });

  it('a probed chain gets a second outbound call once probing can have marked it down (2 × 15 s + 2 s, + 1 s)', () => {
    const kinds = callKinds(branchOf('examples/critical-branch.surv'), 4096);
    const outbound = kinds.filter((k) => k.group === 'outbound').map((k) => k.events[0]!.atMs);
    expect(outbound).toEqual([0, 33_000]);
    expect(kinds.find((k) => k.group === 'register')?.events[0]).toMatchObject({ kind: 'register', phone: 'dect-duty' });
  });

  it('the bound holds the last actors of a call at one state when the product would exceed it', () => {
    const branch = branchOf('examples/critical-branch.surv');
    const chain = callKinds(branch, 64).find((k) => k.group === 'inbound')!;
    expect(chain.dimensions.map((d) => d.actor)).toEqual(['switchboard', 'triage', 'ward-a']);
    expect(chain.held.map((s) => `${s.actor} ${s.state}`)).toEqual(['ward-b no-answer', 'ward-c no-answer']);
    const report = verifyBranchDetailed(branch, { maxCombinations: 64 });
    expect(report.bound).toContain('at most 64 combinations per call (largest 64); beyond it held: triage no-answer, ward-b no-answer, ward-c no-answer');
    expect(() => verifyBranch(branch, { maxCombinations: 0 })).toThrow(RangeError);
  });
});

describe('exploration is sound: each run stands for exactly the combinations it covers', () => {
  /** Every combination of the call's states, each simulated on its own, as a pasted scenario would be. */
  function bruteForce(branch: Branch, kind: CallKind): { choices: Map<string, Choice>; result: SimulationResult }[] {
    let combos: Map<string, Choice>[] = [new Map()];
    for (const d of kind.dimensions) combos = combos.flatMap((m) => d.choices.map((c) => new Map(m).set(d.actor, c)));
    return combos.map((choices) => {
      const states = [...kind.dimensions.map((d) => actorState(d.actor, d.kind, choices.get(d.actor)!)).filter((s) => s.state !== 'up'), ...kind.held];
      const scenario = { title: 't', uri: branch.uri, origin: { kind: 'default' as const }, branch: branch.name, states, events: kind.events, lossPercent: 0, seed: 1, expectations: [] };
      return { choices, result: simulate(branch, scenario, { untilMs: horizonMs }) };
    });
  }

  const traceOf = (r: SimulationResult) => JSON.stringify([r.trace, r.calls, r.marks]);

  it.each(['examples/bilbao.surv', 'examples/two-head-offices.surv'])('%s: every combination, simulated alone, replays its covering run', (file) => {
    const branch = branchOf(file);
    for (const kind of callKinds(branch, 4096)) {
      const runs: Run[] = [];
      const done = explore(branch, kind, (run) => runs.push(run));
      const all = bruteForce(branch, kind);
      expect(done.explored).toBe(all.length);
      expect(runs.reduce((n, r) => n + r.covers, 0)).toBe(all.length);
      for (const { choices, result } of all) {
        const covering = runs.filter((r) => [...r.assigned].every(([actor, c]) => choices.get(actor) === c));
        expect(covering).toHaveLength(1);
        expect(traceOf(covering[0]!.result)).toBe(traceOf(result));
      }
    }
  });
});

describe('a violation replays when its scenario is pasted into the file', () => {
  const text = readFileSync(resolve(root, RELAY), 'utf8');

  it('relay-budget: SURV081 at the budget, with the worst combination and its scenario', () => {
    const report = verifyBranch(branchOf(RELAY));
    expect(report.violations).toEqual([{
      branch: 'relay-budget',
      code: 'SURV081',
      invariant: 'post-dial-budget',
      message: 'post-dial delay 20s is over the budget of 15s: desk calls 944000000; it hears nothing until 503 No Gateway Available at 20s (cloud silent, pstn down)',
      origin: { kind: 'source', uri: RELAY, start: text.indexOf('15s }'), end: text.indexOf('15s }') + 3 },
      scenario: [
        '# surv verify: SURV081 (post-dial-budget)',
        'scenario "SURV081 desk calls 944000000, cloud silent, pstn down" in relay-budget {',
        '  cloud silent',
        '  pstn down',
        '  desk calls 944000000',
        '}',
        '',
      ].join('\n'),
    }]);
    expect(report.explored).toBe(76);
  });

  it('relay-budget: the pasted scenario gives the same finding', () => {
    const [v] = verifyBranch(branchOf(RELAY)).violations;
    const { result, findings } = replay(RELAY, text, v!);
    expect(findings.map((f) => [f.code, f.message])).toEqual([[v!.code, v!.message]]);
    expect(result.calls[0]).toMatchObject({ postDialDelayMs: 20_000, finalCode: 503, path: ['desk', 'edge', 'cloud', 'pstn'] });
  });

  /** A clean branch `lab`, changed by `edit`: each change below breaks one invariant. */
  const lab = (edit: (t: string) => string) => edit(`branch lab {
  edge listen udp 10.1.0.1:5060
  lan 10.1.0.0/24
  gateway pstn { address 10.1.0.3  kind bri  channels 2 }
  gateway lifeline { address 10.1.0.4  kind fxo }
  upstream cloud { proxy sip:pbx.example.com:5060 }
  timers { no-answer 10s  ringing 60s  budget 15s }
  phone desk 100 at 10.1.0.10
  register { forward cloud with path  keep local copy }
  outbound from lan via cloud {
    on timeout { announce 181 "Survival"  redirect 302 to pstn }
    emergency 112
  }
  inbound from pstn, lifeline { ring desk }
}
`);

  it.each([
    ['SURV080', (t: string) => t.replace('ring desk }', 'ring desk for 30m }')],
    ['SURV081', (t: string) => t.replace('announce 181 "Survival"  redirect 302 to pstn', 'relay to pstn')],
    ['SURV082', (t: string) => t.replace('emergency 112', 'emergency 112 direct to lifeline')],
    ['SURV083', (t: string) => t.replace('sip:pbx.example.com:5060', 'sip:10.1.0.1:5060')],
  ])('%s: every violation found, pasted back, replays as the same finding', (code, edit) => {
    const text = lab(edit);
    const { branches } = analyseText('lab.surv', text);
    const violations = verifyBranch(branches[0]!).violations;
    expect(violations.map((v) => v.code)).toContain(code);
    for (const v of violations) {
      const { findings } = replay('lab.surv', text, v);
      expect(findings.map((f) => [f.code, f.message])).toContainEqual([v.code, v.message]);
    }
  });

  it('is deterministic: the same branch gives the same report, twice', () => {
    const branch = branchOf('examples/critical-branch.surv');
    expect(JSON.stringify(verifyBranch(branch))).toBe(JSON.stringify(verifyBranch(branch)));
  });
});
