// `npm run bench` part: simulator replays per second. The seed case is the first scenario
// of examples/bilbao.surv ("cloud down, desk dials out": 24 messages, survival at 10 s,
// the phone follows the 302 to the gateway). Trace texts are rendered only when read, so
// the plain figure renders none; a second figure reads every entry's text as well.
import { readdirSync, readFileSync } from 'node:fs';
import { analyze, type Branch, type Scenario } from '../grammar/src/index.js';
import { simulate } from '../engines/simulate/index.js';
import { measure, printTable, type Row } from './measure.js';

function model(files: readonly string[]): { branch: Branch; scenario: Scenario }[] {
  const m = analyze(files.map((f) => ({ uri: f, text: readFileSync(f, 'utf8') })), { symbols: false }).model;
  return m.scenarios.map((scenario) => ({ scenario, branch: m.branches.find((b) => b.name === scenario.branch)! }));
}

/** Replays per second: the median of batches of `batch` replays. */
function rate(run: () => void, batch: number): number {
  const t = measure(() => { for (let i = 0; i < batch; i++) run(); }, { warmup: 3, iterations: 15 });
  return (batch / t.median) * 1000;
}

export function runSimulateBench(): Row[] {
  const [seed] = model(['examples/bilbao.surv']);
  if (!seed) throw new Error('examples/bilbao.surv has no scenario');
  const fleet = readdirSync('examples/petrol-stations').filter((f) => f.endsWith('.surv')).map((f) => `examples/petrol-stations/${f}`);
  const all = [['examples/bilbao.surv'], ['examples/two-head-offices.surv'], ['examples/critical-branch.surv'], ['examples/ipv6-branch.surv'], fleet].flatMap(model);
  const messages = simulate(seed.branch, seed.scenario).trace.length;
  let chars = 0;
  const plain = rate(() => simulate(seed.branch, seed.scenario), 2000);
  const rendered = rate(() => {
    for (const t of simulate(seed.branch, seed.scenario).trace) chars += t.text.length;
  }, 500);
  const everything = rate(() => { for (const s of all) simulate(s.branch, s.scenario); }, 100) * all.length;
  if (chars === 0) throw new Error('no trace text rendered');
  const rows: Row[] = [
    { name: `seed case (${messages} messages), trace text not read`, value: `${plain.toFixed(0)} /s`, target: '>= 20000', ok: plain >= 20000 },
    { name: 'seed case, every trace text rendered and read', value: `${rendered.toFixed(0)} /s`, target: '' },
    { name: `all ${all.length} example scenarios, replays`, value: `${everything.toFixed(0)} /s`, target: '' },
  ];
  printTable('surv simulate (replays per second, median of 15 batches)', rows);
  return rows;
}
