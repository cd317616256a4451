// Makes the real-capture fixtures of test/fixtures/captures/ (README.md there says how):
// every scenario of test/kamailio/fixtures/trace/branch.surv played against the real
// Kamailio while tcpdump captures 127.0.29.0/24, then a pcapng copy with editcap. Run as
//   npx vite-node test/kamailio/make-trace-captures.ts
// Not a test: the fixtures are committed, and the live test (trace-live.test.ts) makes
// its own captures each run.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCapture } from './capture.js';
import { root } from './support.js';
import { loadDesign, misexportSettleMs, runLive, scenarioOf, traceFilter, withoutRangCheck, type LiveRun } from './trace-support.js';

const out = join(root, 'test/fixtures/captures');
const design = loadDesign();

function editcap(from: string, to: string): void {
  const r = spawnSync('editcap', ['-F', 'pcapng', from, to], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`editcap failed: ${r.stderr}`);
}

/** The wire logs beside the capture, so a reader can check the fixture against what the actors saw. */
function wireLog(runs: readonly LiveRun[]): string {
  return `${JSON.stringify(runs.map((r) => ({
    scenario: r.scenario, originEpochMs: r.originEpochMs,
    wire: r.wire.map((w) => ({ atMs: Number(w.atMs.toFixed(3)), from: w.from, to: w.to, summary: w.summary, method: w.method, transport: w.transport })),
  })), null, 1)}\n`;
}

async function make(name: string, titles: readonly string[], mutate?: (cfg: string) => string, settleMs?: number): Promise<void> {
  const file = join(out, `${name}.pcap`);
  const capture = await startCapture(file, traceFilter);
  const runs: LiveRun[] = [];
  try {
    for (const [i, title] of titles.entries()) {
      runs.push(await runLive(design, scenarioOf(design, title), { salt: `.${name.replace(/^branch-127\.0\.29/, 'b')}${i + 1}`, mutate, settleMs }));
    }
  } finally {
    const packets = await capture.stop();
    console.log(`${file}: ${packets} packets`);
  }
  editcap(file, join(out, `${name}.pcapng`));
  writeFileSync(join(out, `${name}.wire.json`), wireLog(runs));
}

const all = design.analysis.model.scenarios.map((s) => s.title);
await make('branch-127.0.29', all);
await make('branch-127.0.29-tcp', ['till1 calls out over tcp: answered']);
await make('branch-127.0.29-misexport', ['cloud rings, nobody answers: 408 and CANCEL'], withoutRangCheck, misexportSettleMs);
