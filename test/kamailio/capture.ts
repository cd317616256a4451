// tcpdump around a live run (issue 13, real captures): the trace tests and the capture
// fixtures (test/fixtures/captures/README.md) record what really crossed loopback while
// the real Kamailio ran an exported bundle. One tcpdump per run, on `lo`, filtered to the
// run's own loopback range so the other live tests of this machine never leak in. Stopped
// by its PID; a missing tcpdump fails loudly (these tests are never skipped).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

export const tcpdumpBin = '/usr/bin/tcpdump';

/** Throws when tcpdump is missing (fails the suite, never skips it). */
export function requireTcpdump(): void {
  const r = spawnSync(tcpdumpBin, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(`${tcpdumpBin} is missing: the live trace tests capture with it; install Debian's package with: apt-get install -y tcpdump`);
  }
}

export interface RunningCapture {
  readonly file: string;
  /** tcpdump's stderr so far (its "listening on lo" line, and the packet counts after stop). */
  readonly log: () => string;
  /** Stops tcpdump (SIGTERM to its PID), waits for it to exit and flush; resolves to the number of packets it captured. */
  stop(): Promise<number>;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Starts `tcpdump -i lo --immediate-mode -U -w FILE -s 0 -Z root FILTER` and resolves once it is really capturing
 * (its stderr says "listening on lo"); `-U` writes each packet as it comes, so a stop
 * loses nothing. `filter` is a tcpdump expression, e.g. `net 127.0.29.0/24`.
 */
export async function startCapture(file: string, filter: string, timeoutMs = 5000): Promise<RunningCapture> {
  requireTcpdump();
  // -Z root: Debian's tcpdump drops to user tcpdump after opening lo, and could then not write under /tmp's sticky folders of another user.
  // --immediate-mode: without it libpcap hands tcpdump the packets in blocks, up to a second
  // late, and a block still pending at the stop is lost (the last second of the run).
  const child: ChildProcess = spawn(tcpdumpBin, ['-i', 'lo', '--immediate-mode', '-U', '-w', file, '-s', '0', '-Z', 'root', filter], { stdio: ['ignore', 'ignore', 'pipe'] });
  const chunks: string[] = [];
  let exited = false;
  let exitCode: number | null = null;
  let spawnError: Error | undefined;
  child.stderr?.on('data', (d: Buffer) => chunks.push(d.toString('utf8')));
  child.on('error', (error) => { spawnError = error; exited = true; });
  const gone = new Promise<void>((resolve) => child.on('exit', (code) => { exited = true; exitCode = code; resolve(); }));
  const log = () => chunks.join('');
  const kill = () => {
    if (!exited && child.pid !== undefined) {
      try {
        process.kill(child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', kill);
  const deadline = Date.now() + timeoutMs;
  while (!/listening on lo\b/.test(log())) {
    if (exited) throw new Error(`tcpdump did not start (exit ${exitCode}${spawnError ? `, ${spawnError.message}` : ''}):\n${log()}`);
    if (Date.now() > deadline) {
      kill();
      throw new Error(`tcpdump did not say "listening on lo" within ${timeoutMs} ms:\n${log()}`);
    }
    await sleep(10);
  }
  return {
    file, log,
    async stop() {
      // Let the last packets of the run reach the kernel's capture buffer before the stop.
      await sleep(100);
      kill();
      const timer = setTimeout(() => { if (!exited && child.pid !== undefined) process.kill(child.pid, 'SIGKILL'); }, 3000);
      await gone;
      clearTimeout(timer);
      process.removeListener('exit', kill);
      const m = /(\d+) packets? captured/.exec(log());
      if (!m) throw new Error(`tcpdump stopped without its packet count:\n${log()}`);
      if (!existsSync(file) || statSync(file).size < 24) throw new Error(`tcpdump wrote no capture to ${file}:\n${log()}`);
      return Number(m[1]);
    },
  };
}
