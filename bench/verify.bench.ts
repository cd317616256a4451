// `npm run bench -- verify`: `verifyBranch` on every shipped example, per file (target:
// under 1 s each), in this process on the analysed model, plus `surv verify` end to end.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { analyze, type Branch } from '../grammar/src/index.js';
import { verifyBranchDetailed } from '../engines/verify/index.js';
import { measure, printTable, type Row } from './measure.js';

const single = ['examples/bilbao.surv', 'examples/two-head-offices.surv', 'examples/critical-branch.surv', 'examples/ipv6-branch.surv', 'examples/verify/relay-budget.surv'];
const petrol = readdirSync('examples/petrol-stations').filter((f) => f.endsWith('.surv')).sort().map((f) => `examples/petrol-stations/${f}`);

function branchesOf(files: readonly string[]): readonly Branch[] {
  const { model } = analyze(files.map((uri) => ({ uri, text: readFileSync(uri, 'utf8') })), { symbols: false });
  return model.branches;
}

function verifyAll(branches: readonly Branch[]): { explored: number; simulated: number } {
  let explored = 0;
  let simulated = 0;
  for (const b of branches) {
    const r = verifyBranchDetailed(b);
    explored += r.explored;
    simulated += r.simulated;
  }
  return { explored, simulated };
}

export function runVerifyBench(): Row[] {
  const rows: Row[] = [];
  const timed = (branches: readonly Branch[]) => ({ ...verifyAll(branches), median: measure(() => verifyAll(branches), { warmup: 1, iterations: 5 }).median });
  const row = (name: string, t: ReturnType<typeof timed>): Row => ({
    name: `${name}: ${t.explored.toLocaleString('en-US')} combinations, ${t.simulated} runs (median)`,
    value: `${t.median.toFixed(0)} ms`, target: '< 1000 ms', ok: t.median < 1000,
  });
  for (const file of single) rows.push(row(file, timed(branchesOf([file]))));
  const stations = branchesOf(petrol).map((b) => ({ name: b.name, t: timed([b]) }));
  const slowest = stations.reduce((a, b) => (b.t.median > a.t.median ? b : a));
  rows.push(row(`examples/petrol-stations, slowest of ${stations.length} (${slowest.name})`, slowest.t));
  const cli = measure(() => {
    const r = spawnSync(process.execPath, ['bin/surv.cjs', 'verify', 'examples/critical-branch.surv'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`surv verify exited ${r.status}: ${r.stderr}`);
  }, { warmup: 1, iterations: 3 });
  rows.push({ name: '`surv verify examples/critical-branch.surv` end to end (median)', value: `${cli.median.toFixed(0)} ms`, target: '' });
  printTable('surv verify', rows);
  return rows;
}
