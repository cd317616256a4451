// A capture of the simulator's own run is a call that did what the design says.
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../../engines/simulate/index.js';
import { load, root } from '../simulate/helpers.js';
import { captureOf, traceOf } from './helpers.js';

const replay = readdirSync(resolve(root, 'test/kamailio/fixtures/replay')).filter((f) => f.endsWith('.surv')).map((f) => [`test/kamailio/fixtures/replay/${f}`]);
const fleet = readdirSync(resolve(root, 'examples/petrol-stations')).filter((f) => f.endsWith('.surv')).map((f) => `examples/petrol-stations/${f}`);
const sets: readonly (readonly string[])[] = [
  ...replay, ['examples/bilbao.surv'], ['examples/getxo-clinic.surv'], ['examples/two-head-offices.surv'], ['examples/critical-branch.surv'], ['examples/ipv6-branch.surv'], fleet,
];

describe('a capture of a simulated run passes', () => {
  for (const files of sets) {
    const name = files.length === 1 ? files[0]!.replace(/^.*\//, '') : 'petrol-stations';
    const model = load(files);
    for (const scenario of model.scenarios) {
      it(`${name}: ${scenario.title}`, () => {
        const branch = model.branches.find((b) => b.name === scenario.branch)!;
        const result = simulate(branch, scenario);
        const calls = traceOf(captureOf(branch, result, scenario), { branches: [branch] });
        const judged = calls.filter((c) => c.verdict?.status !== 'unjudged');
        const bad = judged.filter((c) => c.verdict?.status !== 'pass').map((c) => `${c.id} ${c.kind}: ${c.verdict?.findings.filter((f) => f.status === 'violation').map((f) => `${f.code} ${f.message}`).join(' | ')}`);
        expect(bad).toEqual([]);
      });
    }
  }
});
