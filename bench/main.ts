// Entry of `npm run bench`. Numbers, not assertions: targets are printed beside
// the figures; docs/performance.md records them.
import { runCheckBench } from './check.bench.js';

console.log(`node ${process.version}, ${new Date().toISOString()}`);
runCheckBench();
