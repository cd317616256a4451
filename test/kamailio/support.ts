// Shared by the Kamailio tests: the tools they need (missing ones fail the suite, never
// skip it), exports through the built CLI, and a Kamailio process per test file.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKamailio as startReplayKamailio } from '../../io/replay/kamailio.js';
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
// One list and one exit hook for the whole process: the kamailio project runs its files
// one after another in one fork, each importing this module afresh.
const shared = globalThis as { [key: symbol]: string[] | undefined };
const listKey = Symbol.for('surv.test.kamailio.exports');
const exported: string[] = shared[listKey] ?? (shared[listKey] = []);
if (!process.listeners('exit').some((l) => l.name === 'removeSurvExports')) {
  process.on('exit', function removeSurvExports() {
    for (const dir of exported.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
}

export function removeExports(): void {
  for (const dir of exported.splice(0)) rmSync(dir, { recursive: true, force: true });
}

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
  const dispatcherList = join(bundle, 'dispatcher.list');
  const kamailio = await startReplayKamailio({
    cfg: readFileSync(join(bundle, 'kamailio.cfg'), 'utf8'),
    dispatcherList: existsSync(dispatcherList) ? readFileSync(dispatcherList, 'utf8') : undefined,
  }, edge);
  const kamcmd = (...args: string[]) => {
    const r = spawnSync('kamcmd', ['-s', `unixs:${kamailio.controlSocket}`, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`kamcmd ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  return { log: kamailio.log, kamcmd, stop: () => kamailio.stop() };
}
