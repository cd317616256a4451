// One fuzz input through the language core and what runs on its model, in process:
// parse + analyze (what `surv check` runs), then for an input without errors every
// scenario on the simulator, every branch's bundle for every target, and (when asked)
// verify. Each call is timed on its own: a hang is one call over the limit.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { analyze, type Branch, type SourceFile } from '../grammar/src/index.js';
import { ExportError, targets } from '../engines/export/index.js';
import { buildSelection, selectBranches } from '../engines/export/select.js';
import { simulate } from '../engines/simulate/index.js';
import { verifyBranch } from '../engines/verify/index.js';
import { hangBudgetMs } from './fuzz-findings.js';

export interface WorkItem {
  readonly index: number;
  readonly uri: string;
  readonly bytes: Uint8Array;
  readonly uses: readonly (readonly [string, string])[];
  /** Run verify on its branches if the model is new to this worker. */
  readonly verify: boolean;
}

export interface Failure {
  readonly kind: 'crash' | 'hang';
  readonly stage: string;
  readonly message: string;
  readonly ms?: number;
}

export interface WorkResult {
  readonly index: number;
  readonly clean: boolean;
  readonly diagnostics: number;
  readonly scenarios: number;
  readonly exports: number;
  readonly refusals: number;
  readonly refusalReasons: readonly string[];
  readonly verified: number;
  /** The slowest single call in CPU time (wall time where the CPU time cannot be read), and which. */
  readonly slowestMs: number;
  readonly slowestWallMs: number;
  readonly slowestStage: string;
  readonly totalMs: number;
  readonly failures: readonly Failure[];
}

/** Stage names reach the watchdog before each call, so a worker that never returns is still located. */
export type StageListener = (stage: string) => void;

const maxScenarios = 40;

/**
 * CPU time of the calling thread, in ms (Linux: /proc/thread-self/stat, in clock ticks of
 * 10 ms). A hang is measured in CPU time, not wall time: on a machine shared with other
 * work a call can wait seconds for a core without doing anything slow itself.
 */
export function threadCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** A model's identity without its source positions: two inputs differing only in a comment share it. */
function modelHash(branch: Branch): string {
  const json = JSON.stringify(branch, (key, value: unknown) => (key === 'origin' || key === 'uri' || key === 'start' || key === 'end' ? undefined : value));
  return createHash('sha1').update(json).digest('hex');
}

export class Pipeline {
  private readonly seenModels = new Set<string>();
  private verifyBudget: number;

  constructor(verifyBudget: number, private readonly onStage: StageListener = () => undefined) {
    this.verifyBudget = verifyBudget;
  }

  get verifyLeft(): number {
    return this.verifyBudget;
  }

  run(item: WorkItem): WorkResult {
    const started = performance.now();
    const failures: Failure[] = [];
    let slowestMs = 0;
    let slowestWallMs = 0;
    let slowestStage = '';
    const timed = <T>(stage: string, work: () => T): { value: T } | { error: unknown } => {
      this.onStage(stage);
      const t0 = performance.now();
      const c0 = threadCpuMs();
      let outcome: { value: T } | { error: unknown };
      try {
        outcome = { value: work() };
      } catch (error) {
        outcome = { error };
      }
      const wall = performance.now() - t0;
      const c1 = threadCpuMs();
      const ms = c0 !== undefined && c1 !== undefined ? c1 - c0 : wall;
      slowestWallMs = Math.max(slowestWallMs, wall);
      if (ms > slowestMs) {
        slowestMs = ms;
        slowestStage = stage;
      }
      if (ms > hangBudgetMs(item.bytes.length)) failures.push({ kind: 'hang', stage, message: `${stage} took ${ms.toFixed(0)} ms of CPU (${wall.toFixed(0)} ms wall)`, ms });
      return outcome;
    };
    const crash = (stage: string, error: unknown) => {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      failures.push({ kind: 'crash', stage, message });
    };

    // Decoded as the CLI and the language server read a file: invalid UTF-8 becomes U+FFFD.
    const text = Buffer.from(item.bytes).toString('utf8');
    const sources: SourceFile[] = [{ uri: item.uri, text }, ...item.uses.filter(([uri]) => uri !== item.uri).map(([uri, t]) => ({ uri, text: t }))];
    const analysed = timed('analyze', () => analyze(sources));
    const empty = { index: item.index, clean: false, diagnostics: 0, scenarios: 0, exports: 0, refusals: 0, refusalReasons: [], verified: 0 };
    if ('error' in analysed) {
      crash('analyze', analysed.error);
      return { ...empty, slowestMs, slowestWallMs, slowestStage, totalMs: performance.now() - started, failures };
    }
    const analysis = analysed.value;
    const clean = !analysis.diagnostics.some((d) => d.severity === 'error');
    let scenarios = 0;
    let exports = 0;
    let refusals = 0;
    let verified = 0;
    const refusalReasons: string[] = [];
    if (clean) {
      const branches = new Map(analysis.model.branches.map((b) => [b.name, b]));
      for (const scenario of analysis.model.scenarios.slice(0, maxScenarios)) {
        const branch = branches.get(scenario.branch);
        if (!branch) continue;
        const r = timed(`simulate "${scenario.title}"`, () => simulate(branch, scenario));
        if ('error' in r) crash('simulate', r.error);
        else scenarios++;
      }
      const selection = selectBranches(analysis, item.uri, false);
      if (typeof selection !== 'string') {
        for (const target of targets) {
          const r = timed(`export ${target}`, () => buildSelection(analysis, selection, { target, toolVersion: '0.1.0' }));
          // A refusal is the exporter doing its job: a value it cannot make safe, said with a reason.
          if ('error' in r && r.error instanceof ExportError) {
            refusals++;
            refusalReasons.push(r.error.message.slice(0, 120));
          } else if ('error' in r) crash(`export ${target}`, r.error);
          else exports++;
        }
      }
      if (item.verify) {
        for (const branch of analysis.model.branches) {
          if (branch.uri !== item.uri || this.verifyBudget <= 0) continue;
          const hash = modelHash(branch);
          if (this.seenModels.has(hash)) continue;
          this.seenModels.add(hash);
          this.verifyBudget--;
          const r = timed(`verify ${branch.name}`, () => verifyBranch(branch));
          if ('error' in r) crash('verify', r.error);
          else verified++;
        }
      }
    }
    return {
      index: item.index, clean, diagnostics: analysis.diagnostics.length, scenarios, exports, refusals, refusalReasons, verified,
      slowestMs, slowestWallMs, slowestStage, totalMs: performance.now() - started, failures,
    };
  }
}
