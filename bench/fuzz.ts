// `npm run fuzz`: mutated .surv inputs through the parser and checker, the simulator,
// verify, the exporter (in process, in worker threads with a watchdog), the built CLI and
// the built language server. Not part of `npm test`; figures go to docs/performance.md.
//
//   npm run fuzz -- --count 100000            the full run (about 15 min on 2 cores)
//   npm run fuzz -- --count 1000 --cli 50 --lsp 100   a quick one
//   npm run fuzz -- --seed 7 --index 4242     one input again, in process, verbosely
//
// Exit status 1 when anything failed: a crash, a hang, an exit code other than 0/1/2,
// raw control characters in the CLI's text output, the server's memory over its bound.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { runCliPhase } from './fuzz-cli.js';
import { Findings } from './fuzz-findings.js';
import { runLspPhase } from './fuzz-lsp.js';
import { loadSeeds, makeInput, type FuzzInput, type Seed } from './fuzz-mutate.js';
import { Pipeline, type WorkItem, type WorkResult } from './fuzz-work.js';

interface Options {
  readonly count: number;
  readonly seed: number;
  readonly workers: number;
  readonly cli: number;
  readonly lsp: number;
  readonly verify: number;
  readonly index: number | undefined;
}

/**
 * The watchdog terminates a worker whose current call has used this much CPU (a call over
 * 1 s of CPU is a hang already; this only stops one that would never end), or this much
 * wall time, which only a worker starved of a core for minutes reaches.
 */
const killCpuMs = 10_000;
const killWallMs = 600_000;

/** CPU time of thread `tid` of this process, in ms (Linux clock ticks of 10 ms). */
function taskCpuMs(tid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string, fallback: number): number => {
    const at = argv.indexOf(name);
    if (at === -1) return fallback;
    const n = Number(argv[at + 1]);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} needs a whole number`);
    return n;
  };
  const count = value('--count', 100_000);
  return {
    count,
    seed: value('--seed', 1),
    workers: Math.max(1, value('--workers', availableParallelism())),
    cli: value('--cli', Math.min(2000, count)),
    lsp: value('--lsp', Math.min(2000, count)),
    verify: value('--verify', 500),
    index: argv.includes('--index') ? value('--index', 0) : undefined,
  };
}

function workItem(input: FuzzInput, verify: boolean): WorkItem {
  return { index: input.index, uri: input.seed.uri, bytes: input.bytes, uses: [...input.uses], verify };
}

// ---------------------------------------------------------------------------------
// Main side.

interface Totals {
  inputs: number;
  clean: number;
  diagnostics: number;
  scenarios: number;
  exports: number;
  refusals: number;
  verified: number;
  slowestMs: number;
  slowestStage: string;
  slowestIndex: number;
  slowestWallMs: number;
  readonly refusalReasons: Map<string, number>;
}

type Message = { type: 'tid'; tid: number } | { type: 'stage'; stage: string } | { type: 'result'; result: WorkResult };

/** One worker thread and the input it is on; replaced when it dies or is killed. */
class Slot {
  private worker!: Worker;
  private stage = '';
  /** The worker's Linux thread id, for its CPU time. */
  private tid: number | undefined;
  private stageCpu: number | undefined;
  private stageWall = 0;
  private timer: NodeJS.Timeout | undefined;
  private current: FuzzInput | undefined;
  private done: ((r: WorkResult | { failed: 'crash' | 'hang'; stage: string; message: string }) => void) | undefined;

  constructor(private readonly file: string) {
    this.spawn();
  }

  private spawn(): void {
    // A bounded heap: an input that makes the core allocate without end fails here as a
    // worker out of memory (a crash), instead of taking the machine's memory.
    this.worker = new Worker(this.file, { resourceLimits: { maxOldGenerationSizeMb: 1536 } });
    this.worker.on('message', (m: Message) => {
      if (m.type === 'tid') this.tid = m.tid;
      else if (m.type === 'stage') {
        this.stage = m.stage;
        this.arm();
      } else this.finish(m.result);
    });
    this.worker.on('error', (error) => this.finish({ failed: 'crash', stage: this.stage, message: error.stack ?? error.message }, true));
    this.worker.on('exit', (code) => this.finish({ failed: 'crash', stage: this.stage, message: `worker exited with code ${code}` }, true));
  }

  private arm(): void {
    clearInterval(this.timer);
    this.stageCpu = this.tid === undefined ? undefined : taskCpuMs(this.tid);
    this.stageWall = performance.now();
    this.timer = setInterval(() => {
      const cpu = this.tid === undefined || this.stageCpu === undefined ? undefined : (taskCpuMs(this.tid) ?? 0) - this.stageCpu;
      const wall = performance.now() - this.stageWall;
      if ((cpu ?? 0) > killCpuMs || wall > killWallMs) {
        this.finish({ failed: 'hang', stage: this.stage, message: `${this.stage} still running after ${cpu ?? '?'} ms of CPU (${wall.toFixed(0)} ms wall): worker terminated` }, true);
      }
    }, 500);
  }

  private finish(result: WorkResult | { failed: 'crash' | 'hang'; stage: string; message: string }, restart = false): void {
    clearInterval(this.timer);
    const done = this.done;
    this.done = undefined;
    if (restart) {
      this.worker.removeAllListeners();
      void this.worker.terminate();
      this.tid = undefined;
      this.spawn();
    }
    done?.(result);
  }

  run(input: FuzzInput, verify: boolean): Promise<WorkResult | { failed: 'crash' | 'hang'; stage: string; message: string }> {
    this.current = input;
    this.stage = 'queued';
    return new Promise((done) => {
      this.done = done;
      this.arm();
      this.worker.postMessage(workItem(this.current as FuzzInput, verify));
    });
  }

  close(): Promise<number> {
    clearInterval(this.timer);
    this.worker.removeAllListeners();
    return this.worker.terminate();
  }
}

async function runInProcess(options: Options, seeds: readonly Seed[], findings: Findings, totals: Totals): Promise<void> {
  const file = resolve(process.argv[1] as string);
  const slots = Array.from({ length: options.workers }, () => new Slot(file));
  // Verify samples every few inputs across the run (not the first clean ones only).
  const verifyStride = Math.max(1, Math.floor(options.count / (options.verify * 4)));
  let next = 0;
  let lastReport = performance.now();
  const started = performance.now();
  const record = (input: FuzzInput, r: WorkResult | { failed: 'crash' | 'hang'; stage: string; message: string }) => {
    totals.inputs++;
    if ('failed' in r) {
      findings.add({ kind: r.failed, phase: 'in-process', stage: r.stage, message: r.message, index: input.index }, input);
      return;
    }
    if (r.clean) totals.clean++;
    totals.diagnostics += r.diagnostics;
    totals.scenarios += r.scenarios;
    totals.exports += r.exports;
    totals.refusals += r.refusals;
    totals.verified += r.verified;
    if (r.refusals > 0) findings.refusal({ kind: 'refused', phase: 'in-process', stage: 'export', message: r.refusalReasons[0] ?? '', index: input.index }, input);
    for (const reason of r.refusalReasons) {
      const key = reason.replace(/'[^']*'|"[^"]*"|\d+/g, '…');
      totals.refusalReasons.set(key, (totals.refusalReasons.get(key) ?? 0) + 1);
    }
    if (r.slowestMs > totals.slowestMs) Object.assign(totals, { slowestMs: r.slowestMs, slowestStage: r.slowestStage, slowestIndex: r.index });
    totals.slowestWallMs = Math.max(totals.slowestWallMs, r.slowestWallMs);
    for (const f of r.failures) findings.add({ kind: f.kind, phase: 'in-process', stage: f.stage, message: f.message, index: input.index }, input);
  };
  await Promise.all(slots.map(async (slot) => {
    while (next < options.count) {
      const input = makeInput(seeds, options.seed, next++);
      record(input, await slot.run(input, input.index % verifyStride === 0 && totals.verified < options.verify));
      if (performance.now() - lastReport > 30_000) {
        lastReport = performance.now();
        const rate = totals.inputs / ((lastReport - started) / 1000);
        console.log(`  ${totals.inputs.toLocaleString('en-US')} inputs, ${rate.toFixed(0)}/s, ${totals.clean} clean, ${totals.verified} verify runs, ${findings.all.length} findings`);
      }
    }
  }));
  await Promise.all(slots.map((s) => s.close()));
}

/** `--index I`: one input, in this thread, with its result printed and its text saved. */
function runOne(options: Options, seeds: readonly Seed[], dir: string): number {
  const input = makeInput(seeds, options.seed, options.index ?? 0);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `input-${input.index}.surv`);
  writeFileSync(path, input.bytes);
  console.log(`input ${input.index} of seed ${options.seed}: ${input.seed.uri} with ${input.mutations.join(', ') || 'no mutation'} (${input.bytes.length} bytes) -> ${path}`);
  const result = new Pipeline(Number.POSITIVE_INFINITY, (stage) => console.log(`  ${stage}`)).run(workItem(input, true));
  console.log(JSON.stringify(result, null, 2));
  return result.failures.length > 0 ? 1 : 0;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const seeds = loadSeeds();
  const dir = join('out/fuzz', String(options.seed));
  if (options.index !== undefined) return runOne(options, seeds, dir);
  rmSync(dir, { recursive: true, force: true });
  // The programs as built when the run started: other work rebuilding bin/ mid-run does not change what is fuzzed.
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  for (const f of ['surv.cjs', 'surv-language-server.cjs', 'surv-verify-worker.cjs']) copyFileSync(join('bin', f), join(bin, f));

  const findings = new Findings(dir, options.seed);
  const totals: Totals = {
    inputs: 0, clean: 0, diagnostics: 0, scenarios: 0, exports: 0, refusals: 0, verified: 0, slowestMs: 0, slowestStage: '', slowestIndex: -1, slowestWallMs: 0,
    refusalReasons: new Map(),
  };
  console.log(`surv fuzz: seed ${options.seed}, ${options.count.toLocaleString('en-US')} inputs from ${seeds.length} seed files, ${options.workers} worker threads, node ${process.version}, ${new Date().toISOString()}`);
  const t0 = performance.now();
  await runInProcess(options, seeds, findings, totals);
  const inProcessMs = performance.now() - t0;
  console.log(`in process: ${totals.inputs.toLocaleString('en-US')} inputs in ${(inProcessMs / 1000).toFixed(0)} s (${(totals.inputs / (inProcessMs / 1000)).toFixed(0)}/s)`);

  const t1 = performance.now();
  const cli = await runCliPhase({ count: options.cli, of: options.count, seed: options.seed, seeds, bin: resolve(bin, 'surv.cjs'), findings, parallel: options.workers });
  const cliMs = performance.now() - t1;
  const t2 = performance.now();
  const lsp = await runLspPhase({ count: options.lsp, of: options.count, seed: options.seed, seeds, bin: resolve(bin, 'surv-language-server.cjs'), findings });
  const lspMs = performance.now() - t2;
  const wallMs = performance.now() - t0;

  const n = (x: number) => x.toLocaleString('en-US');
  const lines = [
    '',
    `surv fuzz summary (seed ${options.seed})`,
    `  in process: ${n(totals.inputs)} inputs (${n(totals.clean)} without errors), ${(inProcessMs / 1000).toFixed(0)} s, ${(totals.inputs / (inProcessMs / 1000)).toFixed(0)} inputs/s`,
    `    parse + analyze ${n(totals.inputs)}, diagnostics ${n(totals.diagnostics)}; simulate ${n(totals.scenarios)} scenarios; export ${n(totals.exports)} bundles, ${n(totals.refusals)} refused (ExportError); verify ${n(totals.verified)} branches`,
    `    slowest single call ${totals.slowestMs.toFixed(0)} ms of CPU (${totals.slowestStage}, input ${totals.slowestIndex}); slowest in wall time ${totals.slowestWallMs.toFixed(0)} ms`,
    `  cli: ${n(cli.runs)} runs of ${n(cli.inputs)} inputs (${n(cli.hostile)} with hostile files), exit codes ${JSON.stringify(cli.exitCodes)}, slowest ${cli.slowestCpuMs.toFixed(0)} ms of CPU (${cli.slowestMs.toFixed(0)} ms wall), ${(cliMs / 1000).toFixed(0)} s`,
    `  lsp: ${n(lsp.edits)} edits over ${n(lsp.documents)} documents, ${n(lsp.requests)} requests (slowest ${lsp.slowestMs.toFixed(0)} ms wall, ${lsp.slowestCpuMs.toFixed(0)} ms of the server's CPU), initialize ${lsp.initializeMs.toFixed(0)} ms in a workspace with hostile files, peak RSS ${lsp.peakRssMb.toFixed(0)} MB, most diagnostics in one publication ${n(lsp.maxDiagnostics)}, exit code ${lsp.exitCode}, ${(lspMs / 1000).toFixed(0)} s`,
    `  check-clean inputs the exporter refused (saved, not failures): ${findings.refused.length}`,
    `  findings: crashes ${findings.count('crash')}, hangs over 1 s ${findings.count('hang')}, exit codes other than 0/1/2 ${findings.count('bad-exit')}, unsafe output ${findings.count('unsafe-output')}, memory ${findings.count('memory')}`,
    `  wall time ${(wallMs / 1000).toFixed(0)} s`,
  ];
  if (totals.refusalReasons.size > 0) {
    lines.push('  export refusals by reason:');
    for (const [reason, k] of [...totals.refusalReasons].sort((a, b) => b[1] - a[1]).slice(0, 12)) lines.push(`    ${n(k).padStart(7)}  ${reason}`);
  }
  for (const f of findings.all.slice(0, 30)) lines.push(`  ${f.kind} (${f.phase}, ${f.stage}) input ${f.index ?? '-'}: ${f.message.split('\n')[0] ?? ''}`);
  if (findings.all.length > 0) lines.push(`  inputs and details: ${dir}/`);
  console.log(lines.join('\n'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'summary.txt'), `${lines.join('\n')}\n`);
  return findings.all.length > 0 ? 1 : 0;
}

// ---------------------------------------------------------------------------------
// Worker side: one Pipeline per thread; stage names go to the watchdog before each call.
// Last in the file: the main side's classes must be defined before main() runs.

if (!isMainThread) {
  const port = parentPort;
  if (!port) throw new Error('no parent port');
  const pipeline = new Pipeline(Number.POSITIVE_INFINITY, (stage) => port.postMessage({ type: 'stage', stage }));
  // /proc/thread-self/stat starts with this thread's Linux id: the watchdog reads its CPU time by it.
  const tid = Number.parseInt(readFileSync('/proc/thread-self/stat', 'utf8'), 10);
  if (Number.isInteger(tid)) port.postMessage({ type: 'tid', tid });
  port.on('message', (item: WorkItem) => port.postMessage({ type: 'result', result: pipeline.run(item) }));
} else {
  main().then((code) => { process.exitCode = code; }, (error: unknown) => {
    console.error(error);
    process.exitCode = 2;
  });
}
