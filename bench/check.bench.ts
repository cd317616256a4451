// `npm run bench` part 1: lex-only vs full check of a generated 1,000-branch fleet.
import { analyze } from '../grammar/src/index.js';
import { tokenize } from '../grammar/src/lexer.js';
import { generateFleet } from './fleet.js';
import { measure, printTable, type Row } from './measure.js';

export function runCheckBench(): Row[] {
  const files = generateFleet(1000);
  const lines = files.reduce((n, f) => n + f.text.split('\n').length, 0);
  const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
  const check = analyze(files);
  if (check.diagnostics.length > 0) throw new Error(`benchmark fleet is not clean: ${check.diagnostics[0]?.message ?? ''}`);
  const lex = measure(() => { for (const f of files) tokenize(f.text); });
  const full = measure(() => { analyze(files); });
  const rows: Row[] = [
    { name: `fleet: ${files.length - 1} branches, ${lines} lines, ${(bytes / 1e6).toFixed(2)} MB`, value: '', target: '' },
    { name: 'lex only (median)', value: `${lex.median.toFixed(1)} ms`, target: '' },
    { name: 'full check: parse, link, validate (median)', value: `${full.median.toFixed(1)} ms`, target: '< 1000 ms', ok: full.median < 1000 },
    { name: 'full check p95', value: `${full.p95.toFixed(1)} ms`, target: '' },
    { name: 'full check / lex ratio', value: (full.median / lex.median).toFixed(2), target: '< 3', ok: full.median / lex.median < 3 },
  ];
  printTable('surv check', rows);
  return rows;
}
