// Runs SIPp (Debian's sip-tester) as an independent client or server against the
// exported Kamailio bundle: the SIPp cross-check tests and the Kamailio benchmark.
// Each SIPp gets its own loopback address and port (`-i ADDR -p PORT -bind_local`; its
// default port 5060 would steal Kamailio's), `-nostdin`, a call count (`-m`), a global
// `-timeout`, and runs under `timeout` in its own process group, so a stuck one is
// killed whole. Its logs go to a temporary folder and are read back on exit.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';

export const sippBin = '/usr/bin/sipp';

/** Throws (fails the suite, never skips it) when SIPp is missing. */
export function requireSipp(): void {
  const r = spawnSync(sippBin, ['-v'], { encoding: 'utf8' });
  if (r.error || !/SIPp v3/.test(`${r.stdout}${r.stderr}`)) {
    throw new Error(`${sippBin} is missing: install Debian's SIPp package with: apt-get install -y sip-tester`);
  }
}

export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

export interface SippOptions {
  /** A name for messages (e.g. `phone`, `upstream`). */
  readonly label: string;
  /** Absolute path of the XML scenario. */
  readonly scenario: string;
  /** Where SIPp binds. */
  readonly local: Endpoint;
  /** Where a client sends its requests (the edge); absent for a server (UAS). */
  readonly remote?: Endpoint;
  /** `-m`: calls to place (client) or to take (server) before exiting. */
  readonly calls: number;
  /** `-timeout` in seconds; the outer `timeout` kills it 5 s later. */
  readonly timeoutSeconds: number;
  /** `-r`: calls per second (client). */
  readonly rate?: number;
  /** `-s`: the dialled user part ([service] in the scenario). */
  readonly service?: string;
  /** Every SIP message in the message log (the tests); off under load. */
  readonly traceMessages?: boolean;
  /** `-trace_stat` every second, for the counters of a load run. */
  readonly traceStats?: boolean;
  /** More SIPp arguments. */
  readonly extra?: readonly string[];
}

export interface SippResult {
  readonly label: string;
  /** SIPp's exit code (0 every call passed, 1 a call failed, 255 global timeout...); null when killed. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The screen SIPp printed at exit (its counters). */
  readonly screen: string;
  /** `-trace_err`: unexpected messages, failed regular expressions, timeouts. */
  readonly errors: string;
  /** `-trace_msg` (when asked for). */
  readonly messages: string;
  /** The scenario's `<log>` lines, in order. */
  readonly logs: readonly string[];
  /** The last `-trace_stat` row (cumulative counters), by column name. */
  readonly stats: Readonly<Record<string, string>>;
}

export interface RunningSipp {
  readonly label: string;
  readonly pid: number;
  /** Resolves when SIPp has exited and its logs are read. */
  readonly done: Promise<SippResult>;
  /** Kills SIPp and its `timeout` wrapper (the process group). */
  kill(signal?: NodeJS.Signals): void;
}

function read(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

/** The last row of SIPp's `-trace_stat` CSV (`;`-separated, header first). */
function lastStats(csv: string): Record<string, string> {
  const lines = csv.split('\n').filter((l) => l.trim() !== '');
  if (lines.length < 2) return {};
  const names = lines[0]!.split(';');
  const values = lines[lines.length - 1]!.split(';');
  return Object.fromEntries(names.map((n, i) => [n, values[i] ?? '']).filter(([n]) => n !== ''));
}

export function startSipp(options: SippOptions): RunningSipp {
  const work = mkdtempSync(join(tmpdir(), `surv-sipp-${options.label}-`));
  const files = {
    screen: join(work, 'screen.txt'), errors: join(work, 'errors.log'), messages: join(work, 'messages.log'),
    logs: join(work, 'logs.log'), stats: join(work, 'stats.csv'),
  };
  const args = [
    ...(options.remote ? [`${options.remote.address}:${options.remote.port}`] : []),
    '-sf', options.scenario,
    '-i', options.local.address, '-p', String(options.local.port), '-bind_local', '-nostdin',
    '-m', String(options.calls), '-timeout', `${options.timeoutSeconds}s`,
    '-trace_err', '-error_file', files.errors,
    '-trace_logs', '-log_file', files.logs,
    ...(options.traceMessages ? ['-trace_msg', '-message_file', files.messages] : []),
    ...(options.traceStats ? ['-trace_stat', '-stf', files.stats, '-fd', '1'] : []),
    ...(options.rate !== undefined ? ['-r', String(options.rate)] : []),
    ...(options.service !== undefined ? ['-s', options.service] : []),
    ...(options.extra ?? []),
  ];
  const out = openSync(files.screen, 'w');
  // `timeout` puts itself and SIPp in a new process group; detached keeps it out of ours.
  const child = spawn('timeout', ['-k', '2', String(options.timeoutSeconds + 5), sippBin, ...args], {
    cwd: work, detached: true, stdio: ['ignore', out, out],
  });
  closeSync(out);
  if (child.pid === undefined) throw new Error(`${options.label}: could not start ${sippBin}`);
  const pid = child.pid;
  let exited = false;
  const done = new Promise<SippResult>((resolve, reject) => {
    child.on('error', (error) => reject(error));
    child.on('exit', (code, signal) => {
      exited = true;
      const result: SippResult = {
        label: options.label, code, signal,
        screen: read(files.screen), errors: read(files.errors), messages: read(files.messages),
        logs: read(files.logs).split('\n').filter((l) => l !== ''),
        stats: lastStats(read(files.stats)),
      };
      rmSync(work, { recursive: true, force: true });
      resolve(result);
    });
  });
  const kill = (signal: NodeJS.Signals = 'SIGKILL') => {
    if (exited) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  };
  return { label: options.label, pid, done, kill };
}

/** `/proc/net/udp`'s and `/proc/net/tcp`'s form of a local IPv4 address and port (little-endian hex, as the kernel prints it). */
function procNetKey(endpoint: Endpoint): string {
  const hex = endpoint.address.split('.').map((o) => Number(o).toString(16).padStart(2, '0').toUpperCase()).reverse().join('');
  return `${hex}:${endpoint.port.toString(16).padStart(4, '0').toUpperCase()}`;
}

/** The inode of the UDP socket bound to `endpoint`, if any. */
export function udpSocketInode(endpoint: Endpoint): string | undefined {
  const key = procNetKey(endpoint);
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[1] === key) return f[9];
  }
  return undefined;
}

/** Whether something listens on TCP `endpoint` (state 0A in `/proc/net/tcp`). */
function tcpListening(endpoint: Endpoint): boolean {
  const key = procNetKey(endpoint);
  return readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1).some((line) => {
    const f = line.trim().split(/\s+/);
    return f[1] === key && f[3] === '0A';
  });
}

/** Polls `ready` until it holds; with `server`, fails at once, with its logs, when that SIPp exits first. */
async function waitReady(ready: () => boolean, what: string, server: RunningSipp | undefined, withinMs: number): Promise<void> {
  let exited: SippResult | undefined;
  void server?.done.then((r) => { exited = r; }, () => undefined);
  const until = Date.now() + withinMs;
  while (!ready()) {
    if (exited) throw new Error(`SIPp ${exited.label} exited before it was ${what}:\n${describeSipp(exited)}`);
    if (Date.now() > until) throw new Error(`nothing was ${what} within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Waits until something has bound `endpoint` (a SIPp server is ready to take calls);
 * with `server`, fails at once, with its logs, when that SIPp exits first.
 */
export function waitUdpBound(endpoint: Endpoint, server?: RunningSipp, withinMs = 5000): Promise<void> {
  return waitReady(() => udpSocketInode(endpoint) !== undefined, `bound to udp ${endpoint.address}:${endpoint.port}`, server, withinMs);
}

/** The same for a SIPp server over TCP: something listens on `endpoint`. */
export function waitTcpListening(endpoint: Endpoint, server?: RunningSipp, withinMs = 5000): Promise<void> {
  return waitReady(() => tcpListening(endpoint), `listening on tcp ${endpoint.address}:${endpoint.port}`, server, withinMs);
}

/** Fails unless every SIPp run exited 0, with every run's logs and the tail of Kamailio's log. */
export function expectSippPassed(results: readonly SippResult[], kamailioLog: string): void {
  const report = `${results.map(describeSipp).join('\n')}\n--- kamailio:\n${kamailioLog.split('\n').slice(-30).join('\n')}`;
  for (const r of results) expect(r.code, `SIPp ${r.label} failed:\n${report}`).toBe(0);
}

/** Everything that says why a SIPp run failed: exit code, its error log, its message log and its last screen. */
export function describeSipp(r: SippResult): string {
  const tail = (text: string, lines: number) => text.split('\n').slice(-lines).join('\n');
  return [
    `--- SIPp ${r.label}: exit ${r.code ?? r.signal}`,
    `--- errors:\n${r.errors.trim() || '(none)'}`,
    `--- scenario log:\n${r.logs.join('\n') || '(none)'}`,
    `--- messages:\n${tail(r.messages, 120).trim() || '(not traced)'}`,
    `--- screen:\n${tail(r.screen, 40)}`,
  ].join('\n');
}
