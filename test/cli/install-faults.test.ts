// install.sh under faults: a failing cp or mv (a full disk) and a signal (Ctrl-C, kill)
// at every single step, a folder in the way, a file where a folder must go, Kamailio not
// coming up on EdgeOS, a run killed outright. After each, the fake root is byte for byte
// what it was before, the exit status is non-zero and the message says rolled back. A
// fault after the commit (the journal renamed) leaves the finished install standing.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './helpers.js';
import { at, bundle, calls, install, packageFiles, removeWorlds, snapshot, stepOf, steps, world, type World } from './install-world.js';

beforeAll(ensureBuilt);
afterAll(removeWorlds);

/** Lets the test runner's messages through between the (synchronous) runs of a long loop. */
const breathe = () => new Promise((done) => setImmediate(done));

const rolledBack = 'rolled back, every file is as it was before';

/** A router where Debian's kamailio package is installed, and (`previous`) a surv bundle too. */
function router(target: string, previous?: string): World {
  const w = world();
  packageFiles(w);
  if (previous !== undefined) {
    const r = install(w, bundle(previous, target));
    if (r.status !== 0) throw new Error(r.stderr);
  }
  return w;
}

describe.each([
  { target: 'debian', previous: undefined, next: 'bilbao.surv' },
  { target: 'debian', previous: 'bilbao.surv', next: 'critical-branch.surv' },
  { target: 'edgeos', previous: undefined, next: 'critical-branch.surv' },
])('install.sh ($target, over $previous): a fault at every step is rolled back', ({ target, previous, next }) => {
  // How many cp and mv calls a clean install makes: each is a step a fault can hit.
  let total = 0;
  // The step that renames the journal: the commit point of the install.
  let commit = 0;
  let installed: Record<string, string> = {};
  beforeAll(() => {
    const w = router(target, previous);
    const r = install(w, bundle(next, target));
    expect(r.status).toBe(0);
    total = steps(w);
    commit = stepOf(w, /^\d+ mv \S*\/var\/lib\/surv-install\/journal \S*\/var\/lib\/surv-install\/kept$/);
    installed = snapshot(w.root);
    expect(existsSync(at(w, 'var/lib/surv-install'))).toBe(false);
    expect(existsSync(at(w, 'var/lib/surv-install.last/journal'))).toBe(true);
  });

  /** After the commit nothing rolls back: the install stands (only --rollback's journal may be lost). */
  const standing = (w: World, n: number, r: { status: number | null; stderr: string }) => {
    expect(r.status, `step ${n}: ${r.stderr}`).toBe(0);
    expect(r.stderr, `step ${n}`).not.toContain('rolled back');
    const cfg = target === 'edgeos' ? 'config/surv/kamailio.cfg' : 'etc/kamailio/kamailio.cfg';
    expect(readFileSync(at(w, cfg), 'utf8'), `step ${n}`).toBe(readFileSync(join(bundle(next, target), 'kamailio.cfg'), 'utf8'));
    const withoutState = (s: Record<string, string>) => Object.fromEntries(Object.entries(s).filter(([p]) => !p.startsWith('var/lib/surv-install')));
    expect(withoutState(snapshot(w.root)), `step ${n}`).toEqual(withoutState(installed));
  };

  it('a failing cp or mv (a full disk) at each step', async () => {
    expect(total).toBeGreaterThan(5);
    expect(commit).toBeGreaterThan(5);
    for (let n = 1; n <= total; n++) {
      await breathe();
      const w = router(target, previous);
      const before = snapshot(w.root);
      const r = install(w, bundle(next, target), [], { failAt: n });
      if (n > commit) {
        standing(w, n, r);
        continue;
      }
      expect(r.status, `step ${n}: ${r.stderr}`).toBe(1);
      expect(r.stderr, `step ${n}`).toContain('No space left on device');
      expect(r.stderr, `step ${n}`).toContain(rolledBack);
      expect(snapshot(w.root), `step ${n}`).toEqual(before);
    }
  });

  it('SIGTERM, SIGINT or SIGHUP at each step', async () => {
    const signals = ['TERM', 'INT', 'HUP'] as const;
    for (let n = 1; n <= total; n++) {
      await breathe();
      const signal = signals[n % 3]!;
      const w = router(target, previous);
      const before = snapshot(w.root);
      const r = install(w, bundle(next, target), [], { signalAt: n, signal });
      // At the commit step itself the signal comes after install.sh stopped taking signals.
      if (n >= commit) {
        standing(w, n, r);
        continue;
      }
      expect(r.status, `step ${n}: ${r.stderr}`).not.toBe(0);
      expect(r.stderr, `step ${n}`).toContain(rolledBack);
      expect(snapshot(w.root), `step ${n}`).toEqual(before);
    }
  });
});

describe('install.sh: faults with exact messages', () => {
  it('SIGTERM while it copies: exit 143, rolled back, the journal gone', () => {
    const w = router('debian', 'bilbao.surv');
    const before = snapshot(w.root);
    const r = install(w, bundle('critical-branch.surv', 'debian'), [], { signalAt: 3 });
    expect(r.status).toBe(143);
    expect(r.stderr).toBe(`install.sh: stopped before the install was complete (exit status 143): ${rolledBack}\n`);
    expect(snapshot(w.root)).toEqual(before);
    expect(calls(w)).toEqual(['restart', 'running']);
  });

  it('SIGTERM during the restart: rolled back and the previous configuration restarted', () => {
    const w = router('debian', 'bilbao.surv');
    const before = snapshot(w.root);
    writeFileSync(join(w.fake, 'signal-on-restart'), '');
    const r = install(w, bundle('critical-branch.surv', 'debian'));
    expect(r.status).toBe(143);
    expect(r.stderr).toBe(`install.sh: stopped before the install was complete (exit status 143): ${rolledBack}; the previous configuration is running\n`);
    expect(snapshot(w.root)).toEqual(before);
    expect(calls(w)).toEqual(['restart', 'running', 'restart', 'restart', 'wanted', 'running']);
  });

  it('a folder where a file goes: refused before any change', () => {
    const w = router('debian');
    mkdirSync(at(w, 'etc/systemd/system/kamailio.service.d/surv.conf'), { recursive: true });
    const before = snapshot(w.root);
    const r = install(w, bundle('bilbao.surv', 'debian'));
    expect(r.stderr).toBe('install.sh: /etc/systemd/system/kamailio.service.d/surv.conf is in the way (a folder, a link or a special file where a file goes): nothing was changed\n');
    expect(r.status).toBe(1);
    expect(snapshot(w.root)).toEqual(before);
    // --dry-run says so too.
    expect(install(w, bundle('bilbao.surv', 'debian'), ['--dry-run']).status).toBe(1);
  });

  it('a file where a folder must go: fails half-way and is rolled back', () => {
    const w = router('debian');
    writeFileSync(at(w, 'etc/systemd'), 'not a folder\n');
    const before = snapshot(w.root);
    const r = install(w, bundle('bilbao.surv', 'debian'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`install.sh: stopped before the install was complete (exit status 1): ${rolledBack}\n`);
    expect(snapshot(w.root)).toEqual(before);
    expect(calls(w)).toEqual([]);
  });

  it('EdgeOS first install, Kamailio does not come up: the package files in /etc are back, the hook is never run once deleted', () => {
    const w = router('edgeos');
    const before = snapshot(w.root);
    writeFileSync(join(w.fake, 'bad-marker'), 'branch hospital-north');
    const r = install(w, bundle('critical-branch.surv', 'edgeos'));
    expect(r.stderr).toBe('install.sh: Kamailio did not come up with the new files: rolling back\n'
      + `install.sh: the new configuration did not start: ${rolledBack}; the previous configuration is running\n`);
    expect(r.status).toBe(1);
    expect(snapshot(w.root)).toEqual(before);
    // The hook's restart (failed), then the previous configuration's, straight through the service.
    expect(calls(w)).toEqual(['restart', 'restart', 'wanted', 'running']);
  });

  it('a run killed outright (kill -9) is rolled back by the next run, and reported by --dry-run', () => {
    const w = router('debian', 'bilbao.surv');
    const before = snapshot(w.root);
    const killed = install(w, bundle('critical-branch.surv', 'debian'), [], { signalAt: 4, signal: 'KILL' });
    expect(killed.signal).toBe('SIGKILL');
    expect(snapshot(w.root)).not.toEqual(before);
    expect(existsSync(at(w, 'var/lib/surv-install/journal'))).toBe(true);
    const dry = install(w, bundle('critical-branch.surv', 'debian'), ['--dry-run']);
    expect(dry.stdout.split('\n')[0]).toBe(`an earlier run was interrupted: install.sh will first roll back its changes (journal in ${at(w, 'var/lib/surv-install')})`);
    // The next run rolls back first; here it then stops at kamailio -c, so nothing else changes.
    writeFileSync(join(w.fake, 'kamailio-rejects'), '');
    const next = install(w, bundle('critical-branch.surv', 'debian'));
    expect(next.stderr).toBe('install.sh: an earlier run was interrupted before it finished: rolled back its changes\n'
      + 'parse error in config file\ninstall.sh: kamailio -c rejects the new kamailio.cfg: nothing was changed\n');
    expect(next.status).toBe(1);
    expect(snapshot(w.root)).toEqual(before);
  });

  it('a journal of a run still going: refused, nothing touched', () => {
    const w = router('debian');
    mkdirSync(at(w, 'var/lib/surv-install'));
    writeFileSync(at(w, 'var/lib/surv-install/pid'), `${process.pid}\n`);
    writeFileSync(at(w, 'var/lib/surv-install/journal'), '');
    const before = snapshot(w.root);
    const r = install(w, bundle('bilbao.surv', 'debian'));
    expect(r.stderr).toBe(`install.sh: another install.sh is running (pid ${process.pid}): let it finish\n`);
    expect(r.status).toBe(1);
    expect(snapshot(w.root)).toEqual(before);
  });
});
