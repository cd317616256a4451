// The fuzzer's CLI phase: a sample of the inputs through the built `surv` as a user runs
// it (check, then export and simulate for a clean file), some beside hostile files (a
// symlink to /dev/zero, a FIFO, symlink loops, a file too large to be a design).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { hangBudgetMs, type Findings } from './fuzz-findings.js';
import { makeInput, prng, type FuzzInput, type Seed } from './fuzz-mutate.js';

export interface CliPhaseOptions {
  readonly count: number;
  /** Inputs of the run: the sample is spread over them. */
  readonly of: number;
  readonly seed: number;
  readonly seeds: readonly Seed[];
  readonly bin: string;
  readonly findings: Findings;
  readonly parallel: number;
}

export interface CliPhaseResult {
  inputs: number;
  runs: number;
  hostile: number;
  /** The slowest run in CPU time, and in wall time. */
  slowestCpuMs: number;
  slowestMs: number;
  readonly exitCodes: Record<string, number>;
}

interface Run {
  readonly args: readonly string[];
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  /** CPU time of the process (all its threads), from the preload below; undefined if it never exited normally. */
  readonly cpuMs: number | undefined;
  readonly timedOut: boolean;
}

/**
 * Loaded into each `surv` run (NODE_OPTIONS=--require) to write its CPU time at exit: on a
 * machine shared with other work, wall time says more about the machine than about surv.
 */
const preload = `const { appendFileSync } = require('node:fs');
process.on('exit', () => {
  const u = process.cpuUsage();
  try { appendFileSync(process.env.SURV_FUZZ_CPU_FILE, String((u.user + u.system) / 1000) + '\\n'); } catch {}
});
`;

/** A run is killed (a hang) past this much CPU, or this much wall time (a child starved of a core for minutes). */
const killCpuMs = 5_000;
const killWallMs = 600_000;

/** CPU time of process `pid` (every thread), in ms: Linux clock ticks of 10 ms. */
function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}
/** Lines of a Node stack trace, or an error surv did not expect. */
const stackTrace = /^\s+at .+(:\d+:\d+\)?|\(native\)|\(node:[^)]*\))$|^(\w*Error|Error \[\w+\]): |surv: internal error|node:internal/m;
/**
 * Characters a terminal or a CI log acts on, in text output: C0 controls but tab and line
 * feed, DEL, C1, bidi overrides and isolates, line/paragraph separators.
 */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const unsafeText = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

function runSurv(bin: string, cwd: string, preloadFile: string, args: readonly string[]): Promise<Run> {
  return new Promise((done) => {
    const started = performance.now();
    const cpuFile = join(cwd, '.cpu');
    rmSync(cpuFile, { force: true });
    const env = { ...process.env, NO_COLOR: '1', SURV_DEBUG: '', NODE_OPTIONS: `--require ${preloadFile}`, SURV_FUZZ_CPU_FILE: cpuFile };
    const child = spawn(process.execPath, [bin, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let timedOut = false;
    const timer = setInterval(() => {
      if (processCpuMs(child.pid ?? 0) > killCpuMs || performance.now() - started > killWallMs) {
        timedOut = true;
        child.kill('SIGKILL');
      }
    }, 500);
    child.on('close', (status, signal) => {
      clearInterval(timer);
      let cpuMs: number | undefined;
      try {
        cpuMs = Number(readFileSync(cpuFile, 'utf8').trim());
      } catch {
        cpuMs = undefined;
      }
      done({
        args, status, signal, timedOut, ms: performance.now() - started, cpuMs,
        stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

type Hazard = 'zero' | 'fifo' | 'self-loop' | 'dir-loop' | 'large' | 'outside';

/**
 * Writes the input where its seed lives (its `use`d files beside it, as in the repository)
 * and returns it as written (with the `use` line of the hazard, if any).
 */
function lay(dir: string, input: FuzzInput, hazard: Hazard | undefined): FuzzInput {
  for (const [path, text] of input.uses) {
    mkdirSync(join(dir, dirname(path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const folder = join(dir, dirname(input.seed.uri));
  mkdirSync(folder, { recursive: true });
  let bytes = input.bytes;
  if (hazard) {
    // dir-loop: the file itself again, through a symlink to its own folder.
    const name = { zero: 'zero.surv', fifo: 'fifo.surv', 'self-loop': 'self.surv', 'dir-loop': `loop/${basename(input.seed.uri)}`, large: 'large.surv', outside: 'outside.surv' }[hazard];
    if (hazard === 'zero') symlinkSync('/dev/zero', join(folder, name));
    if (hazard === 'fifo') spawnSync('mkfifo', [join(folder, name)]);
    if (hazard === 'self-loop') symlinkSync(name, join(folder, name));
    if (hazard === 'dir-loop') symlinkSync('.', join(folder, 'loop'));
    if (hazard === 'large') writeFileSync(join(folder, name), `# ${'x'.repeat(12 * 1024 * 1024)}\n`);
    if (hazard === 'outside') symlinkSync('/etc/hostname', join(folder, name));
    bytes = Buffer.concat([Buffer.from(`use "${name}"\n`), bytes]);
  }
  writeFileSync(join(dir, input.seed.uri), bytes);
  return { ...input, bytes };
}

export async function runCliPhase(options: CliPhaseOptions): Promise<CliPhaseResult> {
  const result: CliPhaseResult = { inputs: 0, runs: 0, hostile: 0, slowestCpuMs: 0, slowestMs: 0, exitCodes: {} };
  if (options.count === 0) return result;
  const base = mkdtempSync(join(tmpdir(), 'surv-fuzz-cli-'));
  const preloadFile = join(base, 'cpu-at-exit.cjs');
  writeFileSync(preloadFile, preload);
  const hazards: readonly Hazard[] = ['zero', 'fifo', 'self-loop', 'dir-loop', 'large', 'outside'];

  const check = (input: FuzzInput, r: Run, hazard: Hazard | undefined) => {
    result.runs++;
    const key = r.signal ?? String(r.status);
    result.exitCodes[key] = (result.exitCodes[key] ?? 0) + 1;
    result.slowestMs = Math.max(result.slowestMs, r.ms);
    result.slowestCpuMs = Math.max(result.slowestCpuMs, r.cpuMs ?? 0);
    const where = `surv ${r.args.join(' ')}${hazard ? ` (beside a ${hazard} file)` : ''}`;
    const extra = { args: r.args, hazard, status: r.status, signal: r.signal, ms: Math.round(r.ms), cpuMs: r.cpuMs, stderr: r.stderr.slice(0, 4000), stdout: r.stdout.slice(0, 2000) };
    if (r.timedOut) options.findings.add({ kind: 'hang', phase: 'cli', stage: where, message: `killed after ${r.ms.toFixed(0)} ms (over ${killCpuMs} ms of CPU, or ${killWallMs} ms)`, index: input.index }, input, extra);
    else if (r.signal !== null) options.findings.add({ kind: 'crash', phase: 'cli', stage: where, message: `killed by ${r.signal}`, index: input.index }, input, extra);
    else if (r.status !== 0 && r.status !== 1 && r.status !== 2) options.findings.add({ kind: 'bad-exit', phase: 'cli', stage: where, message: `exit code ${r.status}`, index: input.index }, input, extra);
    else if ((r.cpuMs ?? r.ms) > hangBudgetMs(input.bytes.length)) {
      options.findings.add({ kind: 'hang', phase: 'cli', stage: where, message: `${(r.cpuMs ?? r.ms).toFixed(0)} ms of CPU (${r.ms.toFixed(0)} ms wall)`, index: input.index }, input, extra);
    }
    const trace = stackTrace.exec(r.stderr);
    if (trace) options.findings.add({ kind: 'crash', phase: 'cli', stage: where, message: `stderr: ${trace[0].trim()}`, index: input.index }, input, extra);
    const json = r.args.includes('json') || r.args.includes('sarif');
    const unsafe = unsafeText.exec(r.stderr) ?? (json ? null : unsafeText.exec(r.stdout));
    if (unsafe) {
      options.findings.add({
        kind: 'unsafe-output', phase: 'cli', stage: where,
        message: `raw U+${(unsafe[0].codePointAt(0) ?? 0).toString(16).padStart(4, '0')} in the output`, index: input.index,
      }, input, extra);
    }
    return r.status;
  };

  const one = async (k: number): Promise<void> => {
    const index = Math.floor((k * options.of) / options.count);
    const made = makeInput(options.seeds, options.seed, index);
    const rng = prng(index ^ 0x5eed);
    const hazard = k % 10 === 5 ? hazards[Math.floor(k / 10) % hazards.length] : undefined;
    const dir = join(base, `c${k}`);
    const input = lay(dir, made, hazard);
    result.inputs++;
    if (hazard) result.hostile++;
    const format = rng() < 0.2 ? ['--format', rng() < 0.5 ? 'json' : 'sarif'] : [];
    // The folder form walks the hazards too (a fleet); the file form reaches them through `use`.
    const target = hazard && Math.floor(k / 60) % 2 === 0 ? dirname(input.seed.uri) : input.seed.uri;
    const status = check(input, await runSurv(options.bin, dir, preloadFile, ['check', target, ...format]), hazard);
    if (status === 0 && !hazard) {
      const platform = ['edgeos', 'debian', 'openwrt'][Math.floor(rng() * 3)] as string;
      check(input, await runSurv(options.bin, dir, preloadFile, ['export', input.seed.uri, '--target', platform, '--out', 'bundle', ...(rng() < 0.25 ? ['--archive'] : [])]), hazard);
      if (rng() < 0.25) check(input, await runSurv(options.bin, dir, preloadFile, ['simulate', input.seed.uri]), hazard);
    }
    // The FIFO is only ever opened by a reader; nothing writes to it, so its folder goes as a whole.
    rmSync(dir, { recursive: true, force: true });
  };

  let next = 0;
  await Promise.all(Array.from({ length: options.parallel }, async () => {
    while (next < options.count) await one(next++);
  }));

  rmSync(base, { recursive: true, force: true });
  return result;
}
