// A fleet rolled out for real: `surv export test/fleet/fixtures --ansible DIR` through the
// built CLI, then Debian's ansible-playbook over SSH onto three routers on loopback
// (test/fleet/routers.ts), each with its own root prefix and a real Kamailio. What each
// router runs is checked three ways: the reply to OPTIONS sent on the wire (the stock cfg
// answers 200 "stock", a surv cfg 200 "OK"), the value of the cfg's own `survival.no_answer`
// read from the running Kamailio over its control socket (8000 in the first export, 6000 in
// the second), and the sha256 of the installed file against the bundle's manifest.json.
// The tests run in order and each starts from the state the one before left.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, root } from '../support/built.js';
import { requireFleetTools, Routers, type PlaybookRun, type PlayRecap, type Router } from './routers.js';

const survBin = join(root, 'bin/surv.cjs');
const fixtures = join(root, 'test/fleet/fixtures');
const branches = ['shop-1', 'shop-2', 'shop-3'];
const cfgPath = 'etc/kamailio/kamailio.cfg';

let fleet: Routers;
let work: string;
/** The Ansible projects of the first export (no-answer 8s) and of the second (6s). */
let v1: string;
let v2: string;
let testInventory: string;

function exportAnsible(source: string, dir: string): void {
  const r = spawnSync(process.execPath, [survBin, 'export', source, '--ansible', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`surv export ${source} --ansible ${dir} failed (${r.status}):\n${r.stdout}${r.stderr}`);
}

/** The sha256 manifest.json gives for a bundle file of `branch` in an Ansible project. */
function manifestSha256(project: string, branch: string, file: string): string {
  const manifest = JSON.parse(readFileSync(join(project, 'bundles', branch, 'manifest.json'), 'utf8')) as { files: { path: string; sha256: string }[] };
  const entry = manifest.files.find((f) => f.path === file);
  if (!entry) throw new Error(`${branch}'s manifest.json lists no ${file}`);
  return entry.sha256;
}

const router = (n: number): Router => fleet.routers[n - 1]!;
const branchOf = (r: Router) => `shop-${r.n}`;

/**
 * One batch for the runs whose point is not the batching (--check, the second run, the
 * health check): the playbook's own serial [1, 25%, 100%] runs three routers one after
 * another, a module call costs about half a second per router on this machine, and the
 * file has about three minutes.
 */
const oneBatch = ['-e', '{"surv_serial": ["100%"]}'];

function play(project: string, ...args: string[]): PlaybookRun {
  return fleet.playbook(project, ['-i', 'inventory.yml', '-i', testInventory, 'site.yml', ...args]);
}

/** A PLAY RECAP line as asserted: what changed, failed and was rescued (ok and skipped count the role's internal steps). */
function outcome(r: PlayRecap | undefined): Pick<PlayRecap, 'changed' | 'unreachable' | 'failed' | 'rescued'> | undefined {
  return r && { changed: r.changed, unreachable: r.unreachable, failed: r.failed, rescued: r.rescued };
}

/** Which cfg each router runs: the OPTIONS reply on the wire and, for a surv cfg, its no_answer setting. */
async function running(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const r of fleet.routers) {
    const answer = await fleet.answering(r);
    out[branchOf(r)] = answer === 'surv' ? `surv no_answer=${fleet.kamcmd(r, 'cfg.get', 'survival', 'no_answer').trim()}` : answer;
  }
  return out;
}

/** The files below every router's root (run/ excepted), by branch. */
function snapshot(): Record<string, Record<string, string>> {
  return Object.fromEntries(fleet.routers.map((r) => [branchOf(r), fleet.files(r)]));
}

/** The `msg` lines of the debug task that shows install.sh --dry-run's output, by host. */
function planShown(output: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const re = /^ok: \[([^\]]+)\] => (\{\n[\s\S]*?\n\})$/gm;
  for (const section of output.split(/^TASK \[/m)) {
    if (!section.startsWith('surv_branch : Show what install.sh would change]')) continue;
    for (const m of section.matchAll(re)) out[m[1]!] = (JSON.parse(m[2]!) as { msg: string[] }).msg;
  }
  return out;
}

describe('fleet rollout with Ansible onto routers on loopback', () => {
  beforeAll(async () => {
    requireFleetTools();
    await ensureBuilt('cli', survBin);
    work = mkdtempSync(join(tmpdir(), 'surv-fleet-project-'));
    v1 = join(work, 'v1');
    v2 = join(work, 'v2');
    exportAnsible(fixtures, v1);
    // The second export: the same fleet with a shorter no-answer timer in the profile.
    const changed = join(work, 'fixtures-v2');
    cpSync(fixtures, changed, { recursive: true });
    const profile = join(changed, 'profile.surv');
    const text = readFileSync(profile, 'utf8');
    if (!text.includes('no-answer 8s')) throw new Error('profile.surv: no "no-answer 8s" to change');
    writeFileSync(profile, text.replace('no-answer 8s', 'no-answer 6s'));
    exportAnsible(changed, v2);
    fleet = await Routers.start(3);
    testInventory = fleet.writeTestInventory(new Map(fleet.routers.map((r) => [r, branchOf(r)])));
  });

  afterAll(async () => {
    await fleet?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('--check --diff changes nothing on any router and shows what each install would change', async () => {
    const before = snapshot();
    const run = play(v1, '--check', '--diff', ...oneBatch);
    expect(run.status, run.output).toBe(0);
    expect(Object.fromEntries(branches.map((b) => [b, outcome(run.recap[b])]))).toEqual(Object.fromEntries(branches.map((b) => [b, { changed: 2, unreachable: 0, failed: 0, rescued: 0 }])));
    expect(snapshot()).toEqual(before);
    expect(await running()).toEqual({ 'shop-1': 'stock', 'shop-2': 'stock', 'shop-3': 'stock' });
    const plans = planShown(run.output);
    expect(Object.keys(plans).sort()).toEqual(branches);
    for (const b of branches) {
      expect(plans[b]!.filter((l) => /^(new|changed|unchanged) /.test(l)), b).toEqual([
        'changed    /etc/kamailio/kamailio.cfg',
        'changed    /etc/default/kamailio',
        'new        /etc/kamailio/dispatcher.list',
        'new        /etc/systemd/system/kamailio.service.d/surv.conf',
      ]);
      expect(plans[b]!.at(-1), b).toBe('dry run: 4 file(s) would change (each replaced one kept as FILE.surv-previous) and Kamailio would be restarted; nothing was changed');
    }
  });

  it('a canary that cannot start its new cfg stops the rollout: it is rolled back, the other routers are untouched', async () => {
    const canary = router(1);
    const before = snapshot();
    await fleet.occupy(canary);
    let run: PlaybookRun;
    try {
      run = play(v1);
    } finally {
      await fleet.release(canary);
    }
    expect(run.status, run.output).toBe(2);
    expect(outcome(run.recap['shop-1'])).toEqual({ changed: 1, unreachable: 0, failed: 1, rescued: 1 });
    expect(Object.keys(run.recap)).toEqual(['shop-1']);
    expect(run.output).toContain('install.sh: the new configuration did not start: rolled back, every file is as it was before; the previous configuration is running');
    // The canary has the bundle in its bundle folder, nothing else changed.
    const after = snapshot();
    const outsideBundle = (files: Record<string, string>) => Object.fromEntries(Object.entries(files).filter(([path]) => !path.startsWith('var/lib/surv/')));
    expect(outsideBundle(after['shop-1']!)).toEqual(before['shop-1']);
    for (const b of ['shop-2', 'shop-3']) expect(after[b], b).toEqual(before[b]);
    expect(fleet.fileSha256(canary, cfgPath)).toBe(canary.stockCfgSha256);
    expect(await running()).toEqual({ 'shop-1': 'stock', 'shop-2': 'stock', 'shop-3': 'stock' });
  });

  it('the first rollout: every router runs its own branch cfg, the installed files are the manifest\'s', async () => {
    const run = play(v1);
    expect(run.status, run.output).toBe(0);
    expect(Object.fromEntries(branches.map((b) => [b, outcome(run.recap[b])]))).toEqual({
      // The canary had its bundle copied by the failed run: only the install changes it.
      'shop-1': { changed: 1, unreachable: 0, failed: 0, rescued: 0 },
      'shop-2': { changed: 2, unreachable: 0, failed: 0, rescued: 0 },
      'shop-3': { changed: 2, unreachable: 0, failed: 0, rescued: 0 },
    });
    expect(await running()).toEqual({ 'shop-1': 'surv no_answer=8000', 'shop-2': 'surv no_answer=8000', 'shop-3': 'surv no_answer=8000' });
    for (const r of fleet.routers) {
      const b = branchOf(r);
      expect(fleet.fileSha256(r, cfgPath), b).toBe(manifestSha256(v1, b, 'kamailio.cfg'));
      expect(fleet.fileSha256(r, 'etc/kamailio/dispatcher.list'), b).toBe(manifestSha256(v1, b, 'dispatcher.list'));
      expect(fleet.fileSha256(r, 'etc/default/kamailio'), b).toBe(manifestSha256(v1, b, 'kamailio.default'));
      expect(fleet.fileSha256(r, 'etc/systemd/system/kamailio.service.d/surv.conf'), b).toBe(manifestSha256(v1, b, 'kamailio-surv.conf'));
      expect(fleet.fileSha256(r, `${cfgPath}.surv-previous`), b).toBe(r.stockCfgSha256);
      // The cfg read its dispatcher.list below the router's root (SURV_ROOT), not /etc.
      expect(fleet.kamcmd(r, 'dispatcher.list'), b).toContain('URI: sip:127.0.40.200:5060');
    }
  });

  it('a second run changes nothing on any router', async () => {
    const before = snapshot();
    const run = play(v1, ...oneBatch);
    expect(run.status, run.output).toBe(0);
    expect(Object.fromEntries(branches.map((b) => [b, outcome(run.recap[b])]))).toEqual(Object.fromEntries(branches.map((b) => [b, { changed: 0, unreachable: 0, failed: 0, rescued: 0 }])));
    expect(snapshot()).toEqual(before);
    expect(await running()).toEqual({ 'shop-1': 'surv no_answer=8000', 'shop-2': 'surv no_answer=8000', 'shop-3': 'surv no_answer=8000' });
  });

  it('--tags health finds a router whose Kamailio is down, and rolls nothing back', async () => {
    const down = router(3);
    expect(fleet.service(down, 'stop').status).toBe(0);
    const before = snapshot();
    const run = play(v1, '--tags', 'health', ...oneBatch);
    expect(run.status, run.output).toBe(2);
    expect(Object.fromEntries(branches.map((b) => [b, outcome(run.recap[b])]))).toEqual({
      'shop-1': { changed: 0, unreachable: 0, failed: 0, rescued: 0 },
      'shop-2': { changed: 0, unreachable: 0, failed: 0, rescued: 0 },
      'shop-3': { changed: 0, unreachable: 0, failed: 1, rescued: 1 },
    });
    expect(run.output).toContain("branch shop-3: 'Check that Kamailio runs' failed");
    expect(snapshot()).toEqual(before);
    expect(await running()).toEqual({ 'shop-1': 'surv no_answer=8000', 'shop-2': 'surv no_answer=8000', 'shop-3': 'no answer' });
    // Started again by its service, it runs the installed cfg.
    expect(fleet.service(down, 'restart').status).toBe(0);
    expect(await running()).toEqual({ 'shop-1': 'surv no_answer=8000', 'shop-2': 'surv no_answer=8000', 'shop-3': 'surv no_answer=8000' });
  });

  it('a router whose new Kamailio dies after it started is rolled back by the health check\'s rescue; the rollout stops', async () => {
    const broken = router(2);
    fleet.diesAfterStart(broken, manifestSha256(v2, 'shop-2', 'kamailio.cfg'));
    const before = snapshot();
    let run: PlaybookRun;
    try {
      run = play(v2);
    } finally {
      fleet.healthy(broken);
    }
    expect(run.status, run.output).toBe(2);
    expect(outcome(run.recap['shop-1'])).toEqual({ changed: 2, unreachable: 0, failed: 0, rescued: 0 });
    expect(outcome(run.recap['shop-2'])).toEqual({ changed: 3, unreachable: 0, failed: 1, rescued: 1 });
    expect(Object.keys(run.recap).sort()).toEqual(['shop-1', 'shop-2']);
    expect(run.output).toContain('rolled back: the last install is undone and Kamailio runs the configuration it replaced');
    expect(await running()).toEqual({ 'shop-1': 'surv no_answer=6000', 'shop-2': 'surv no_answer=8000', 'shop-3': 'surv no_answer=8000' });
    expect(fleet.fileSha256(router(1), cfgPath)).toBe(manifestSha256(v2, 'shop-1', 'kamailio.cfg'));
    expect(fleet.fileSha256(broken, cfgPath)).toBe(manifestSha256(v1, 'shop-2', 'kamailio.cfg'));
    const after = snapshot();
    expect(after['shop-3']).toEqual(before['shop-3']);
  });

  it('--tags rollback puts the previous cfg back on a healthy router', async () => {
    const before = snapshot();
    const run = play(v2, '--tags', 'rollback', '--limit', 'shop-1');
    expect(run.status, run.output).toBe(0);
    expect(Object.keys(run.recap)).toEqual(['shop-1']);
    expect(outcome(run.recap['shop-1'])).toEqual({ changed: 1, unreachable: 0, failed: 0, rescued: 0 });
    expect(run.output).toContain('rolled back: the last install is undone and Kamailio runs the configuration it replaced');
    expect(fleet.fileSha256(router(1), cfgPath)).toBe(manifestSha256(v1, 'shop-1', 'kamailio.cfg'));
    expect(await running()).toEqual({ 'shop-1': 'surv no_answer=8000', 'shop-2': 'surv no_answer=8000', 'shop-3': 'surv no_answer=8000' });
    const after = snapshot();
    for (const b of ['shop-2', 'shop-3']) expect(after[b], b).toEqual(before[b]);
    // Its bundle folder still holds the second export: the health check sees the running
    // cfg is not that bundle's, fails the host, and (installing nothing) rolls nothing back.
    const health = play(v2, '--tags', 'health', '--limit', 'shop-1');
    expect(health.status, health.output).toBe(2);
    expect(outcome(health.recap['shop-1'])).toEqual({ changed: 0, unreachable: 0, failed: 1, rescued: 1 });
    expect(health.output).toMatch(/'Check that the installed kamailio\.cfg is the exported one' failed \(\S+\/etc\/kamailio\/kamailio\.cfg is not the kamailio\.cfg of this bundle \(sha256 [0-9a-f]{64}, manifest\.json says [0-9a-f]{64}\)\)/);
    expect(fleet.fileSha256(router(1), cfgPath)).toBe(manifestSha256(v1, 'shop-1', 'kamailio.cfg'));
  });
});
