// What the fuzzer found, kept in memory for the summary and written under
// out/fuzz/<seed>/ with everything needed to reproduce it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FuzzInput } from './fuzz-mutate.js';

/**
 * What counts as a hang: more than 1 s of CPU on one input, plus 2 ms per KB beyond
 * the first 64 KB. Checking is linear work (a 500 KB file of 50,000 branches takes
 * about 1.5 s), so a large input earns time in proportion; a loop that never ends, or
 * work that grows faster than the input, still shows.
 */
export function hangBudgetMs(bytes: number): number {
  return 1000 + Math.max(0, bytes - 65_536) * 2 / 1024;
}

export type FindingKind = 'crash' | 'hang' | 'bad-exit' | 'unsafe-output' | 'memory' | 'refused';

export interface Finding {
  readonly kind: FindingKind;
  /** `in-process`, `cli`, `lsp`. */
  readonly phase: string;
  readonly stage: string;
  readonly message: string;
  readonly index?: number;
}

export class Findings {
  readonly all: Finding[] = [];

  constructor(readonly dir: string, private readonly runSeed: number) {}

  add(finding: Finding, input?: FuzzInput, extra: Readonly<Record<string, unknown>> = {}): void {
    this.all.push(finding);
    this.save(finding, input, extra);
  }

  save(finding: Finding, input: FuzzInput | undefined, extra: Readonly<Record<string, unknown>>): void {
    mkdirSync(this.dir, { recursive: true });
    const name = `${finding.phase}-${finding.kind}-${finding.index ?? 'none'}-${this.all.length + this.refused.length}`;
    if (input) writeFileSync(join(this.dir, `${name}.surv`), input.bytes);
    const reproduce = input ? `node scripts/fuzz.mjs --seed ${this.runSeed} --index ${input.index}` : undefined;
    writeFileSync(join(this.dir, `${name}.json`), `${JSON.stringify({
      ...finding, seed: this.runSeed, reproduce, seedFile: input?.seed.uri, mutations: input?.mutations, ...extra,
    }, null, 2)}\n`);
  }

  /**
   * Saved, not counted as a failure: an input that checks clean and that the exporter then
   * refuses (ExportError). Not a crash, but `check` should have reported it (issue 10).
   */
  readonly refused: Finding[] = [];

  refusal(finding: Finding, input: FuzzInput): void {
    this.refused.push(finding);
    this.save(finding, input, {});
  }

  count(kind: FindingKind): number {
    return this.all.filter((f) => f.kind === kind).length;
  }
}
