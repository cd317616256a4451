// Runs an exported kamailio.cfg in a real Kamailio, in the foreground, with its own pid
// file, run folder (so its kamcmd socket) and memory (-m 64 -M 8), for `surv replay`
// and for the live tests (test/kamailio/support.ts). The one change to the file:
// dispatcher.list is read from the run folder instead of /etc/kamailio.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { cfgString } from '../../engines/export/escape.js';

export const kamailioBin = '/usr/sbin/kamailio';

/** Why Kamailio cannot be run here, with what to do about it; undefined when it can. */
export function kamailioMissing(binary = kamailioBin): string | undefined {
  if (existsSync(binary)) return undefined;
  return `${binary} is missing: replay runs the exported bundle in a real Kamailio; install Debian's package with: apt-get install -y kamailio`;
}

export interface RunningKamailio {
  /** `performance.now()` when the process was started: dispatcher's probe grid counts from here. */
  readonly startedAt: number;
  /** `performance.now()` when it first answered an OPTIONS. */
  readonly readyAt: number;
  readonly log: () => string;
  /** Its control socket, for `kamcmd -s unixs:PATH` (cfg.seti and friends). */
  readonly controlSocket: string;
  stop(): Promise<void>;
}

export interface KamailioFiles {
  readonly cfg: string;
  readonly dispatcherList: string | undefined;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Process groups of the Kamailios started here and still running. */
const running = new Set<number>();
let exitHook = false;

/**
 * Kills every Kamailio started here, at once (SIGKILL to each process group). For a
 * process about to end: Kamailio runs in its own process group, so nothing else would
 * stop it. Installed on `exit`; a command that handles SIGINT calls it too.
 */
export function killAllNow(): void {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  running.clear();
}

/** Starts Kamailio on `files` and waits until it answers OPTIONS on `edge`. */
export async function startKamailio(files: KamailioFiles, edge: { address: string; port: number }, binary = kamailioBin): Promise<RunningKamailio> {
  const work = mkdtempSync(join(tmpdir(), 'surv-replay-'));
  const run = join(work, 'run');
  mkdirSync(run);
  const cfg = join(work, 'kamailio.cfg');
  let text = files.cfg;
  if (files.dispatcherList !== undefined) {
    const list = join(work, 'dispatcher.list');
    writeFileSync(list, files.dispatcherList);
    // The path as the exporter writes it (a cfg string literal, not JSON: a \u escape means nothing to Kamailio).
    text = text.replace(cfgString('/etc/kamailio/dispatcher.list'), cfgString(list));
  }
  writeFileSync(cfg, text);
  const startedAt = performance.now();
  const child: ChildProcess = spawn(binary, ['-f', cfg, '-DD', '-E', '-m', '64', '-M', '8', '-P', join(work, 'kamailio.pid'), '-Y', run], {
    detached: true, stdio: ['ignore', 'ignore', 'pipe'],
  });
  const chunks: string[] = [];
  child.stderr?.on('data', (d: Buffer) => chunks.push(d.toString('utf8')));
  const log = () => chunks.join('');
  let exited = false;
  let spawnError: Error | undefined;
  child.on('error', (error) => { spawnError = error; exited = true; });
  child.on('exit', () => {
    exited = true;
    if (child.pid !== undefined) running.delete(child.pid);
  });
  if (child.pid !== undefined) running.add(child.pid);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', killAllNow);
  }
  const stop = async () => {
    if (!exited && child.pid !== undefined) {
      try {
        // The whole process group: Kamailio forks its workers.
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      for (let i = 0; i < 40 && !exited; i++) await sleep(50);
      if (!exited) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    rmSync(work, { recursive: true, force: true });
  };
  try {
    await waitReady(edge, () => exited);
  } catch (error) {
    await stop();
    const why = spawnError ? `cannot start ${binary}: ${spawnError.message}` : error instanceof Error ? error.message : String(error);
    throw new Error(`${why}\n${log()}`);
  }
  return { startedAt, readyAt: performance.now(), log, controlSocket: join(run, 'kamailio_ctl'), stop };
}

/**
 * OPTIONS to the edge itself until it answers 200, sent from the edge's own address: the
 * router itself is the one source outside the trust model whose health check is answered.
 */
async function waitReady(edge: { address: string; port: number }, exited: () => boolean): Promise<void> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, edge.address, () => resolve());
  });
  let ready = false;
  socket.on('message', (m) => { if (m.toString('utf8').startsWith('SIP/2.0 200')) ready = true; });
  const port = socket.address().port;
  try {
    for (let i = 0; i < 500 && !ready; i++) {
      if (exited()) throw new Error('kamailio exited during start-up');
      socket.send([
        `OPTIONS sip:${edge.address}:${edge.port} SIP/2.0`, `Via: SIP/2.0/UDP ${edge.address}:${port};branch=z9hG4bKready${i}x${process.pid}`,
        'Max-Forwards: 70', `From: <sip:ready@${edge.address}>;tag=r`, `To: <sip:${edge.address}:${edge.port}>`,
        `Call-ID: ready${i}x${process.pid}`, 'CSeq: 1 OPTIONS', 'Content-Length: 0', '', '',
      ].join('\r\n'), edge.port, edge.address);
      // Short steps: time 0 of a scenario follows readiness closely.
      await sleep(10);
    }
    if (!ready) throw new Error('kamailio did not answer OPTIONS within 5 s');
  } finally {
    socket.close();
  }
}
