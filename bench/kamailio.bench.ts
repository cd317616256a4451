// `npm run bench -- kamailio`: the exported Kamailio bundle under load and through an
// upstream outage, driven by SIPp (Debian's sip-tester), on loopback 127.0.3.x.
//
// 1. Load: SIPp phones at 200 calls/s for SURV_BENCH_SECONDS (default 30) through the
//    exported bundle (fixtures/sipp/sipp.surv) to a SIPp upstream that answers at once
//    (short calls: INVITE, 200, ACK, BYE); then the same load through a minimal
//    hand-written stateful forwarder (fixtures/sipp/minimal.cfg, t_relay only) in the
//    same run. Printed: calls answered and failed, calls/s achieved, the ratio
//    ours/minimal, and Kamailio's CPU time in both (all its processes, /proc/PID/stat).
// 2. Faults: the same load through a bundle with OPTIONS probing (fixtures/sipp/
//    probing.surv); the upstream is killed a third of the way in and started again at
//    two thirds. Printed: calls that got no final reply (target 0), the time probing
//    took to mark the upstream down, the post-dial delay of the calls placed while it
//    was marked down (target under 100 ms; without probing each waits no-answer), and
//    the time to fail back after the upstream returned.
//
// Numbers, never assertions. Needs /usr/sbin/kamailio and /usr/bin/sipp.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describeSipp, requireSipp, startSipp, udpSocketInode, waitUdpBound, type Endpoint, type RunningSipp, type SippResult } from '../test/kamailio/sipp-runner.js';
import { exportTo, kamailioBin, root, startKamailio, type RunningKamailio } from '../test/kamailio/support.js';
import { printTable, type Row } from './measure.js';

const fixtures = join(root, 'test/kamailio/fixtures/sipp');
const edge = { address: '127.0.3.1', port: 5070 };
const upstream = { address: '127.0.3.2', port: 5080 };
const phones = { address: '127.0.3.10', port: 5061 };
const rate = 200;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

// ---- what the phones logged ----

/** One call as the phones' scenario logged it: how it was decided and when (ms since the epoch). */
interface Call {
  readonly code: 181 | 200;
  readonly start: number;
  readonly reply: number;
}

interface CallLog {
  readonly calls: readonly Call[];
  /** Calls that ended with a 302 (survival) or a 200 (answered): a final reply each. */
  readonly finals: number;
  /** Calls whose BYE got tm's 408: the upstream died during the call. */
  readonly byeLost: number;
}

function parseCalls(logs: readonly string[]): CallLog {
  const calls: Call[] = [];
  let survived = 0;
  let byeLost = 0;
  for (const line of logs) {
    const f = line.trim().split(/\s+/);
    if (f[1] === '181' || f[1] === '200') {
      const [s0, u0, s1, u1] = f.slice(2, 6).map(Number) as [number, number, number, number];
      calls.push({ code: f[1] === '181' ? 181 : 200, start: s0 * 1000 + u0 / 1000, reply: s1 * 1000 + u1 / 1000 });
    } else if (f[1] === '302') {
      survived++;
    } else if (f[1] === 'bye-408') {
      byeLost++;
    }
  }
  calls.sort((a, b) => a.start - b.start);
  return { calls, finals: calls.filter((c) => c.code === 200).length + survived, byeLost };
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

const count = (n: number) => n.toLocaleString('en-US');
const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(1)} ms` : 'n/a');

// ---- Kamailio's CPU time ----

const ticksPerSecond = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

interface ProcStat {
  readonly pid: string;
  readonly pgrp: string;
  readonly ticks: number;
}

function kamailioProcesses(): ProcStat[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).flatMap((pid) => {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'kamailio') return [];
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // After "(comm) ": state, ppid, pgrp, ... utime and stime are the 12th and 13th.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return [{ pid, pgrp: f[2]!, ticks: Number(f[11]) + Number(f[12]) }];
    } catch {
      return []; // gone meanwhile
    }
  });
}

function holdsSocket(pid: string, inode: string): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

/**
 * CPU seconds (user + system) of every process of the Kamailio that holds the edge's
 * socket: other suites may run their own Kamailio meanwhile. It runs detached, so its
 * processes are its own process group.
 */
function kamailioCpuSeconds(socket: Endpoint): number {
  const inode = udpSocketInode(socket);
  const all = kamailioProcesses();
  const owner = inode === undefined ? undefined : all.find((k) => holdsSocket(k.pid, inode));
  if (!owner) throw new Error(`no kamailio process holds udp ${socket.address}:${socket.port}`);
  return all.filter((k) => k.pgrp === owner.pgrp).reduce((sum, k) => sum + k.ticks, 0) / ticksPerSecond;
}

// ---- SIPp ----

function upstreamSipp(seconds: number): RunningSipp {
  return startSipp({
    label: 'upstream', scenario: join(fixtures, 'load-upstream.xml'), local: upstream,
    calls: 10_000_000, timeoutSeconds: seconds + 60,
  });
}

function phonesSipp(calls: number, seconds: number): RunningSipp {
  return startSipp({
    label: 'phones', scenario: join(fixtures, 'load-phone.xml'), local: phones, remote: edge, calls, rate,
    service: '944000000', timeoutSeconds: seconds + 60, traceStats: true,
    // A call missing an expected reply fails after 10 s instead of waiting for the global timeout.
    extra: ['-recv_timeout', '10000', '-l', '10000'],
  });
}

async function stopSipp(s: RunningSipp): Promise<SippResult> {
  s.kill();
  return s.done;
}

/** SIPp's own counters: calls it counted as passed and as failed. */
function sippCounts(r: SippResult): { passed: number; failed: number } {
  const passed = Number(r.stats['SuccessfulCall(C)']);
  const failed = Number(r.stats['FailedCall(C)']);
  if (!Number.isFinite(passed) || !Number.isFinite(failed)) throw new Error(`no counters from SIPp:\n${describeSipp(r)}`);
  return { passed, failed };
}

// ---- the runs ----

interface LoadResult {
  readonly placed: number;
  readonly answered: number;
  readonly failed: number;
  readonly callsPerSecond: number;
  readonly pddMedian: number;
  readonly pdd99: number;
  readonly cpuSeconds: number;
}

async function withKamailio<T>(bundle: string, run: (k: RunningKamailio) => Promise<T>): Promise<T> {
  const kamailio = await startKamailio(bundle, edge);
  try {
    return await run(kamailio);
  } finally {
    await kamailio.stop();
  }
}

async function loadRun(bundle: string, seconds: number): Promise<LoadResult> {
  return withKamailio(bundle, async () => {
    const uas = upstreamSipp(seconds);
    try {
      await waitUdpBound(upstream, uas);
      const cpu0 = kamailioCpuSeconds(edge);
      const placed = rate * seconds;
      const result = await phonesSipp(placed, seconds).done;
      const cpuSeconds = kamailioCpuSeconds(edge) - cpu0;
      const { failed } = sippCounts(result);
      const log = parseCalls(result.logs);
      const answered = log.calls.filter((c) => c.code === 200);
      const first = Math.min(...log.calls.map((c) => c.start));
      const last = Math.max(...answered.map((c) => c.reply));
      const pdd = answered.map((c) => c.reply - c.start);
      return {
        placed, answered: answered.length, failed, callsPerSecond: (answered.length / (last - first)) * 1000,
        pddMedian: quantile(pdd, 0.5), pdd99: quantile(pdd, 0.99), cpuSeconds,
      };
    } finally {
      await stopSipp(uas);
    }
  });
}

interface FaultResult {
  readonly placed: number;
  readonly finals: number;
  readonly passed: number;
  readonly failed: number;
  readonly byeLost: number;
  /** From the kill to the first call that survived without waiting no-answer. */
  readonly markedDownMs: number;
  /** Calls placed between the kill and the mark: each waited no-answer. */
  readonly waited: readonly number[];
  /** Post-dial delays (to the 181) of the calls placed while the upstream was marked down. */
  readonly fast: readonly number[];
  /** From the upstream's return (its socket bound) to the first call it answered. */
  readonly failbackMs: number;
  /** Survival calls placed after the fail-back (should be none). */
  readonly survivedAfterFailback: number;
}

async function faultRun(bundle: string, phaseSeconds: number): Promise<FaultResult> {
  return withKamailio(bundle, async () => {
    const total = phaseSeconds * 3;
    let uas = upstreamSipp(total);
    try {
      await waitUdpBound(upstream, uas);
      const placed = rate * total;
      const phonesRun = phonesSipp(placed, total);
      await sleep(phaseSeconds * 1000);
      const cutAt = Date.now();
      await stopSipp(uas);
      await sleep(phaseSeconds * 1000);
      uas = upstreamSipp(phaseSeconds + 10);
      await waitUdpBound(upstream, uas);
      const restoredAt = Date.now();
      const result = await phonesRun.done;
      const { passed, failed } = sippCounts(result);
      const log = parseCalls(result.logs);
      // Without probing a call placed after the cut waits no-answer (2 s); one that
      // survives well under that found the upstream marked down.
      const instant = (c: Call) => c.code === 181 && c.reply - c.start < 1000;
      const firstInstant = log.calls.find((c) => c.start >= cutAt && instant(c));
      const markedAt = firstInstant?.start ?? Number.NaN;
      const failback = log.calls.find((c) => c.start >= restoredAt && c.code === 200);
      const failbackAt = failback?.start ?? Number.POSITIVE_INFINITY;
      const between = (c: Call, from: number, to: number) => c.start >= from && c.start < to;
      return {
        placed, finals: log.finals, passed, failed, byeLost: log.byeLost,
        markedDownMs: markedAt - cutAt,
        waited: log.calls.filter((c) => between(c, cutAt, markedAt) && c.code === 181).map((c) => c.reply - c.start),
        fast: log.calls.filter((c) => between(c, markedAt, failbackAt)).map((c) => c.reply - c.start),
        failbackMs: (failback?.start ?? Number.NaN) - restoredAt,
        survivedAfterFailback: log.calls.filter((c) => c.start >= failbackAt && c.code === 181).length,
      };
    } finally {
      await stopSipp(uas);
    }
  });
}

/**
 * The minimal forwarder as a "bundle" folder (startKamailio reads DIR/kamailio.cfg),
 * TMP/out like exportTo's, so both are removed the same way.
 */
function minimalBundle(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'surv-minimal-')), 'out');
  mkdirSync(dir);
  copyFileSync(join(fixtures, 'minimal.cfg'), join(dir, 'kamailio.cfg'));
  return dir;
}

export async function runKamailioBench(): Promise<Row[]> {
  if (!existsSync(kamailioBin)) throw new Error(`${kamailioBin} is missing: apt-get install -y kamailio`);
  requireSipp();
  const seconds = Number(process.env.SURV_BENCH_SECONDS ?? '30');
  if (!Number.isInteger(seconds) || seconds < 3) throw new Error('SURV_BENCH_SECONDS must be a whole number of seconds, at least 3');
  // The outage must outlast probing's mark-down (2 missed probes, about 2-3 s), and the
  // return its fail-back (2 answered probes): at least 5 s per phase.
  const phase = Math.max(5, Math.round(seconds / 3));

  const oursBundle = exportTo(join(fixtures, 'sipp.surv'), 'debian');
  const minimal = minimalBundle();
  const probing = exportTo(join(fixtures, 'probing.surv'), 'debian');
  try {
    const ours = await loadRun(oursBundle, seconds);
    const base = await loadRun(minimal, seconds);
    const fault = await faultRun(probing, phase);

    const load: Row[] = [];
    for (const [name, r] of [['exported bundle', ours], ['minimal t_relay cfg', base]] as const) {
      load.push(
        { name: `${name}: calls answered / placed`, value: `${count(r.answered)} / ${count(r.placed)}`, target: '', ok: r.answered === r.placed },
        { name: `${name}: failed calls (SIPp)`, value: count(r.failed), target: '0', ok: r.failed === 0 },
        { name: `${name}: calls/s achieved`, value: r.callsPerSecond.toFixed(1), target: `${rate}` },
        { name: `${name}: INVITE to 200, median / p99`, value: `${r.pddMedian.toFixed(1)} / ${r.pdd99.toFixed(1)} ms`, target: '' },
        { name: `${name}: Kamailio CPU (all processes)`, value: `${r.cpuSeconds.toFixed(2)} s`, target: '' },
      );
    }
    const ratio = ours.callsPerSecond / base.callsPerSecond;
    load.push(
      { name: 'calls/s ratio ours / minimal', value: ratio.toFixed(3), target: '>= 0.9', ok: ratio >= 0.9 },
      { name: 'Kamailio CPU ratio ours / minimal', value: (ours.cpuSeconds / base.cpuSeconds).toFixed(2), target: '' },
      { name: 'Kamailio CPU per call, ours / minimal', value: `${((ours.cpuSeconds / ours.answered) * 1000).toFixed(2)} / ${((base.cpuSeconds / base.answered) * 1000).toFixed(2)} ms`, target: '' },
    );
    printTable(`Kamailio under load: SIPp at ${rate} calls/s for ${seconds} s, short calls (INVITE 200 ACK BYE)`, load);

    const lost = fault.placed - fault.finals;
    const faults: Row[] = [
      { name: 'calls placed / with a final reply (200 or 302)', value: `${count(fault.placed)} / ${count(fault.finals)}`, target: '' },
      { name: 'calls with no final reply (lost)', value: count(lost), target: '0', ok: lost === 0 },
      { name: 'SIPp: passed / failed calls', value: `${count(fault.passed)} / ${count(fault.failed)}`, target: '0 failed', ok: fault.failed === 0 },
      { name: 'BYEs answered 408 (upstream died mid-call)', value: count(fault.byeLost), target: '' },
      { name: 'upstream killed -> marked down (first instant survival)', value: ms(fault.markedDownMs), target: '' },
      { name: `calls before the mark: waited no-answer, median (${fault.waited.length})`, value: ms(quantile(fault.waited, 0.5)), target: '' },
      { name: `post-dial delay while marked down, median (${fault.fast.length} calls)`, value: ms(quantile(fault.fast, 0.5)), target: '< 100 ms', ok: quantile(fault.fast, 0.5) < 100 },
      { name: 'post-dial delay while marked down, p99', value: ms(quantile(fault.fast, 0.99)), target: '< 100 ms', ok: quantile(fault.fast, 0.99) < 100 },
      { name: 'post-dial delay while marked down, max', value: ms(Math.max(...fault.fast)), target: '< 100 ms', ok: Math.max(...fault.fast) < 100 },
      { name: 'upstream back -> first call it answers (fail-back)', value: ms(fault.failbackMs), target: '' },
      { name: 'survival calls after the fail-back', value: count(fault.survivedAfterFailback), target: '0', ok: fault.survivedAfterFailback === 0 },
    ];
    printTable(`Upstream outage with probing (every 1 s, down after 2, up after 2): ${rate} calls/s; killed at ${phase} s, back at ${phase * 2} s, end at ${phase * 3} s`, faults);
    return [...load, ...faults];
  } finally {
    // Each is TMP/surv-*/out: remove the whole temporary folder.
    for (const dir of [oursBundle, minimal, probing]) rmSync(dirname(dir), { recursive: true, force: true });
  }
}
