// Entry of `npm run bench`. Numbers, not assertions: targets are printed beside
// the figures; docs/performance.md records them.
//   npm run bench            everything
//   npm run bench -- lsp     the language server only (check: the CLI only)
//   npm run bench -- verify  surv verify on every shipped example
//   npm run bench -- simulate  simulator replays per second
//   npm run bench -- preview keystroke to redrawn SVG in the diagram preview (Chromium)
//   npm run bench -- kamailio  the exported bundle under SIPp load and an upstream outage
//                            (about 1.5 min; SURV_BENCH_SECONDS=6 for a quick run)
//   npm run bench -- trace   surv trace on a generated 1,000,000-message capture, against tshark
//                            (SURV_BENCH_TRACE_CALLS=80000 by default)
import { runCheckBench } from './check.bench.js';
import { runKamailioBench } from './kamailio.bench.js';
import { runLspBench } from './lsp.bench.js';
import { runPreviewBench } from './preview.bench.js';
import { runSimulateBench } from './simulate.bench.js';
import { runTraceBench } from './trace.bench.js';
import { runVerifyBench } from './verify.bench.js';

const only = process.argv[2];
console.log(`node ${process.version}, ${new Date().toISOString()}`);
if (!only || only === 'check') runCheckBench();
if (!only || only === 'verify') runVerifyBench();
if (!only || only === 'simulate') runSimulateBench();
// The asynchronous benches run one after the other, so they never share the cores.
let running: Promise<void> = Promise.resolve();
if (!only || only === 'lsp') running = running.then(async () => void (await runLspBench()));
if (!only || only === 'preview') running = running.then(() => runPreviewBench());
if (!only || only === 'kamailio') running = running.then(async () => void (await runKamailioBench()));
if (!only || only === 'trace') running = running.then(() => runTraceBench());
running.catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
