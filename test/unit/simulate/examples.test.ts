// Every shipped example's scenarios run without throwing; the verdicts of their
// expectations are pinned here, so a change in the simulator's behaviour shows.
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../../engines/simulate/index.js';
import { load, root } from './helpers.js';

const fleet = readdirSync(resolve(root, 'examples/petrol-stations')).filter((f) => f.endsWith('.surv')).map((f) => `examples/petrol-stations/${f}`);
const sets: readonly (readonly string[])[] = [
  ['examples/bilbao.surv'], ['examples/two-head-offices.surv'], ['examples/critical-branch.surv'], ['examples/ipv6-branch.surv'], fleet,
];

function runAll(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const files of sets) {
    const model = load(files);
    for (const scenario of model.scenarios) {
      const branch = model.branches.find((b) => b.name === scenario.branch)!;
      const r = simulate(branch, scenario);
      out[`${branch.name}: ${scenario.title}`] = r.verdicts.map((v) => `${v.status}: ${v.message}`);
    }
  }
  return out;
}

const expected: Record<string, string[]> = {
  'bilbao: cloud down, desk dials out': ['pass: desk1 got 181 at 10s', 'pass: desk1 got 302 at 10s'],
  'bilbao: cloud up, number does not exist': ['pass: desk1 got 404 at 0s'],
  'bilbao: incoming PSTN call forks to the front desk': ['pass: desk1 answered at 4s'],
  'zaragoza: Madrid silent, Barcelona takes the call': ['pass: sales1 got 200 at 9s'],
  'zaragoza: both head offices silent': ['pass: sales2 got 181 at 12s', 'pass: sales2 got 302 at 12s'],
  'zaragoza: Madrid rejects the number': ['pass: reception got 404 at 0s'],
  'hospital-north: PBX dies: probes mark it down, later calls go straight out': [
    'pass: cloud marked down at 32s', 'pass: admin got 181 at 40s', 'pass: isdn30 answered at 42s',
  ],
  'hospital-north: emergency call during the outage': ['pass: isdn30 answered at 1s'],
  'hospital-north: far end rings, nobody answers: 408, not survival': ['pass: triage got 180 at 1s', 'pass: triage got 408 at 46s'],
  'vitoria-lab: cloud silent over IPv6': ['pass: lab1 got 181 at 10s', 'pass: lab1 got 302 at 10s'],
  'vitoria-lab: emergency call while the cloud is silent': ['pass: pstn answered at 1s'],
  'station-01: link down, shop calls a supplier': ['pass: shop got 181 at 8s', 'pass: shop got 302 at 8s'],
  'station-07: incoming call falls through to the office': ['pass: office answered at 17s'],
  'station-12: satellite link down': ['pass: shop got 181 at 10s', 'pass: shop got 302 at 10s'],
  'station-21: night: the kiosk answers': ['pass: kiosk answered at 3s'],
};

describe('simulate: the shipped examples', () => {
  it('run every scenario and report each expectation (all 21 pass)', () => {
    expect(runAll()).toEqual(expected);
  });

  it('is deterministic: every scenario twice gives identical JSON', () => {
    for (const files of sets) {
      const model = load(files);
      for (const scenario of model.scenarios) {
        const branch = model.branches.find((b) => b.name === scenario.branch)!;
        expect(JSON.stringify(simulate(branch, scenario))).toBe(JSON.stringify(simulate(branch, scenario)));
      }
    }
    const a = load(['examples/critical-branch.surv']);
    const b = load(['examples/critical-branch.surv']);
    expect(JSON.stringify(simulate(a.branches[0]!, a.scenarios[0]!))).toBe(JSON.stringify(simulate(b.branches[0]!, b.scenarios[0]!)));
  });

  it('every verdict carries its expectation\'s source origin', () => {
    for (const files of sets) {
      const model = load(files);
      for (const scenario of model.scenarios) {
        const r = simulate(model.branches.find((b) => b.name === scenario.branch)!, scenario);
        expect(r.verdicts.map((v) => v.origin)).toEqual(scenario.expectations.map((e) => e.origin));
        expect(r.verdicts.every((v) => v.origin.kind === 'source')).toBe(true);
      }
    }
  });
});
