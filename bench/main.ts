// Entry of `npm run bench`. Numbers, not assertions: targets are printed beside
// the figures; docs/performance.md records them.
//   npm run bench            everything
//   npm run bench -- lsp     the language server only (check: the CLI only)
import { runCheckBench } from './check.bench.js';
import { runLspBench } from './lsp.bench.js';

const only = process.argv[2];
console.log(`node ${process.version}, ${new Date().toISOString()}`);
if (!only || only === 'check') runCheckBench();
if (!only || only === 'lsp') {
  runLspBench().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
