// Timing helpers for the benchmarks: warm up, then report median and p95.
export interface Timing {
  readonly median: number;
  readonly p95: number;
  readonly samples: readonly number[];
}

export function measure(run: () => void, { warmup = 3, iterations = 15 } = {}): Timing {
  for (let i = 0; i < warmup; i++) run();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    run();
    samples.push(performance.now() - started);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { median: at(0.5), p95: at(0.95), samples };
}

export interface Row {
  readonly name: string;
  readonly value: string;
  readonly target: string;
  readonly ok?: boolean;
}

export function printTable(title: string, rows: readonly Row[]): void {
  const width = Math.max(...rows.map((r) => r.name.length));
  console.log(`\n${title}`);
  for (const r of rows) {
    const verdict = r.ok === undefined ? '' : r.ok ? '  ok' : '  MISSED';
    console.log(`  ${r.name.padEnd(width)}  ${r.value.padStart(12)}  ${r.target.padEnd(10)}${verdict}`);
  }
}
