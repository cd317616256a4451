// Shared by the Kamailio tests: the tools they need (missing ones fail the suite, never
// skip it), exports through the built CLI, and a Kamailio process per test file.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSocket } from 'node:dgram';
import { ensureBuilt as ensureBuiltTarget, root } from '../support/built.js';

export { root };
export const kamailioBin = '/usr/sbin/kamailio';
export const survBin = join(root, 'bin/surv.cjs');

/** Throws (fails the suite) when Kamailio or ShellCheck is missing: these tests must never be skipped. */
export function requireTools(): void {
  if (!existsSync(kamailioBin)) {
    throw new Error(`${kamailioBin} is missing: install Debian's kamailio package (node scripts/provision.mjs, or apt-get install kamailio)`);
  }
  const sc = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
  if (sc.error || sc.status !== 0) throw new Error('shellcheck is missing: apt-get install shellcheck (node scripts/provision.mjs)');
  const kamcmd = spawnSync('kamcmd', ['-V'], { encoding: 'utf8' });
  if (kamcmd.error) throw new Error('kamcmd is missing: it comes with Debian\'s kamailio package');
}

export function ensureBuilt(): Promise<void> {
  return ensureBuiltTarget('cli', survBin);
}

export function surv(args: readonly string[], cwd = root): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [survBin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, SURV_DEBUG: '' } });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `surv export` into a fresh temporary folder; returns that folder. */
/** Every folder exportTo made: removeExports() in a suite's afterAll, or at the latest when the process exits. */
const exported: string[] = [];

export function removeExports(): void {
  for (const dir of exported.splice(0)) rmSync(dir, { recursive: true, force: true });
}
process.on('exit', removeExports);

export function exportTo(path: string, target: string, extra: readonly string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'surv-kam-'));
  exported.push(dir);
  const out = join(dir, 'out');
  const run = surv(['export', path, '--target', target, '--out', out, ...extra]);
  if (run.status !== 0) throw new Error(`surv export ${path} failed (${run.status}):\n${run.stderr}`);
  return out;
}

export function kamailioCheck(cfg: string): { status: number | null; output: string } {
  const r = spawnSync(kamailioBin, ['-c', '-f', cfg], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

export interface RunningKamailio {
  readonly log: () => string;
  readonly kamcmd: (...args: string[]) => string;
  stop(): Promise<void>;
}

/**
 * Runs the bundle's kamailio.cfg in the foreground, with its own pid file and run
 * folder. The one change to the file: dispatcher.list is read from the bundle instead
 * of /etc/kamailio (documented in docs/export.md).
 */
export async function startKamailio(bundle: string, edge: { address: string; port: number }): Promise<RunningKamailio> {
  const work = mkdtempSync(join(tmpdir(), 'surv-kamrun-'));
  const run = join(work, 'run');
  mkdirSync(run);
  const cfg = join(work, 'kamailio.cfg');
  writeFileSync(cfg, readFileSync(join(bundle, 'kamailio.cfg'), 'utf8').replace('"/etc/kamailio/dispatcher.list"', JSON.stringify(join(bundle, 'dispatcher.list'))));
  const logFile = join(work, 'kamailio.log');
  const child: ChildProcess = spawn(kamailioBin, ['-f', cfg, '-DD', '-E', '-m', '64', '-M', '8', '-P', join(work, 'kamailio.pid'), '-Y', run], {
    detached: true, stdio: ['ignore', 'ignore', 'pipe'],
  });
  const chunks: string[] = [];
  child.stderr?.on('data', (d: Buffer) => chunks.push(d.toString('utf8')));
  const log = () => chunks.join('');
  let exited = false;
  child.on('exit', () => { exited = true; });
  const stop = async () => {
    if (!exited && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      for (let i = 0; i < 40 && !exited; i++) await new Promise((r) => setTimeout(r, 50));
      if (!exited) process.kill(-child.pid, 'SIGKILL');
    }
    writeFileSync(logFile, log());
    rmSync(work, { recursive: true, force: true });
  };
  try {
    await waitReady(edge, () => exited);
  } catch (error) {
    await stop();
    throw new Error(`${String(error)}\n${log()}`);
  }
  const kamcmd = (...args: string[]) => {
    const r = spawnSync('kamcmd', ['-s', `unixs:${join(run, 'kamailio_ctl')}`, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`kamcmd ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  return { log, kamcmd, stop };
}

/** Sends OPTIONS to the edge until it answers 200 (the cfg answers keepalives to itself). */
async function waitReady(edge: { address: string; port: number }, exited: () => boolean): Promise<void> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  let ready = false;
  socket.on('message', (m) => { if (m.toString().startsWith('SIP/2.0 200')) ready = true; });
  try {
    for (let i = 0; i < 100 && !ready; i++) {
      if (exited()) throw new Error('kamailio exited during start-up');
      const port = socket.address().port;
      socket.send([
        `OPTIONS sip:${edge.address}:${edge.port} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bKready${i}${process.pid}`,
        'Max-Forwards: 70', '<sip:probe@127.0.0.1>'.replace(/^/, 'From: ') + ';tag=r', `To: <sip:${edge.address}:${edge.port}>`,
        `Call-ID: ready${i}${process.pid}`, 'CSeq: 1 OPTIONS', 'Content-Length: 0', '', '',
      ].join('\r\n'), edge.port, edge.address);
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!ready) throw new Error('kamailio did not answer OPTIONS within 5 s');
  } finally {
    socket.close();
  }
}
