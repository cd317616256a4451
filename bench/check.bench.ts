// `npm run bench` part 1: lex-only vs full check of a generated 1,000-branch fleet.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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
  const full = measure(() => { analyze(files, { symbols: false }); });
  const rows: Row[] = [
    { name: `fleet: ${files.length - 1} branches, ${lines} lines, ${(bytes / 1e6).toFixed(2)} MB`, value: '', target: '' },
    { name: 'lex only (median)', value: `${lex.median.toFixed(1)} ms`, target: '' },
    { name: 'full check: parse, link, validate (median)', value: `${full.median.toFixed(1)} ms`, target: '< 1000 ms', ok: full.median < 1000 },
    { name: 'full check p95', value: `${full.p95.toFixed(1)} ms`, target: '' },
    { name: 'full check / lex ratio', value: (full.median / lex.median).toFixed(2), target: '< 3', ok: full.median / lex.median < 3 },
    ...cliRows(files),
  ];
  printTable('surv check', rows);
  return rows;
}

/** The whole command as a user runs it: start-up, reading 1,001 files, check, output. */
function cliRows(files: readonly { uri: string; text: string }[]): Row[] {
  const dir = mkdtempSync(join(tmpdir(), 'surv-bench-'));
  try {
    for (const f of files) {
      const path = join(dir, f.uri);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, f.text);
    }
    const run = (args: string[]) => measure(() => {
      const r = spawnSync(process.execPath, ['bin/surv.cjs', ...args], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`surv ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    }, { warmup: 1, iterations: 5 });
    const fleet = run(['check', join(dir, 'fleet')]);
    const one = run(['check', 'examples/bilbao.surv']);
    return [
      { name: '`surv check fleet/` end to end (median)', value: `${fleet.median.toFixed(0)} ms`, target: '' },
      { name: '`surv check examples/bilbao.surv` (median)', value: `${one.median.toFixed(0)} ms`, target: '' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
