// `surv export` through the built CLI: refusal, atomicity, determinism, manifest, archive, fleets.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { filesUnder } from '../support/files.js';
import { ensureBuilt, root, surv } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'surv-export-'));
beforeAll(ensureBuilt);
afterAll(() => rmSync(work, { recursive: true, force: true }));

let n = 0;
const fresh = () => join(work, `out${++n}`);
const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

const leftovers = (dir: string) => readdirSync(dir).filter((f) => f.includes('.tmp-') || f.includes('.old-') || f.includes('.tar-'));

describe('surv export: one branch', () => {
  it('writes the bundle: cfg, defaults, boot hook, install.sh, README, manifest, SHA256SUMS', () => {
    const out = fresh();
    const run = surv(['export', 'examples/bilbao.surv', '--target', 'edgeos', '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`exported bilbao (edgeos) to ${out}\n`);
    expect(run.status).toBe(0);
    expect([...filesUnder(out).keys()]).toEqual(['README.txt', 'SHA256SUMS', 'install.sh', 'kamailio.cfg', 'kamailio.default', 'manifest.json', 'surv-kamailio.sh']);
    expect(statSync(join(out, 'install.sh')).mode & 0o777).toBe(0o755);
    expect(statSync(join(out, 'surv-kamailio.sh')).mode & 0o777).toBe(0o755);
    expect(statSync(join(out, 'kamailio.cfg')).mode & 0o777).toBe(0o644);
    expect(readFileSync(join(out, 'kamailio.default'), 'utf8')).toContain('RUN_KAMAILIO=yes\nUSER=kamailio\nGROUP=kamailio\n# Shared and per-process memory in MB: sized for a small router.\nSHM_MEMORY=32\nPKG_MEMORY=4\nCFGFILE=/etc/kamailio/kamailio.cfg\n');
  });

  it('per target: the debian drop-in and the openwrt procd script', () => {
    const deb = fresh();
    expect(surv(['export', 'examples/bilbao.surv', '-t', 'debian', '-o', deb]).status).toBe(0);
    expect(readFileSync(join(deb, 'kamailio-surv.conf'), 'utf8')).toContain('[Service]\nExecStartPre=/usr/sbin/kamailio -c -f ${CFGFILE}\nRestart=always');
    expect(readFileSync(join(deb, 'kamailio.default'), 'utf8')).toContain('SHM_MEMORY=64\nPKG_MEMORY=8\n');
    const owrt = fresh();
    expect(surv(['export', 'examples/bilbao.surv', '-t', 'openwrt', '-o', owrt]).status).toBe(0);
    const init = readFileSync(join(owrt, 'surv-kamailio.init'), 'utf8');
    expect(init.startsWith('#!/bin/sh /etc/rc.common\n')).toBe(true);
    expect(init).toContain('USE_PROCD=1');
    expect(init).toContain('procd_set_param respawn');
  });

  it('manifest.json: sha256 of every file and of the source, branch, target, tool version', () => {
    const out = fresh();
    surv(['export', 'examples/critical-branch.surv', '--target', 'debian', '--out', out]);
    const files = filesUnder(out);
    const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8')) as {
      tool: string; toolVersion: string; branch: string; target: string;
      source: { file: string; sha256: string }; files: { path: string; sha256: string; bytes: number; mode: string }[];
    };
    expect(manifest).toMatchObject({ tool: 'surv', toolVersion: packageJson.version, branch: 'hospital-north', target: 'debian' });
    expect(manifest.source).toEqual({ file: 'critical-branch.surv', sha256: sha(readFileSync(join(root, 'examples/critical-branch.surv'))) });
    expect(manifest.files.map((f) => f.path)).toEqual([...files.keys()].filter((p) => p !== 'manifest.json'));
    for (const f of manifest.files) {
      expect(f.sha256, f.path).toBe(sha(files.get(f.path)!));
      expect(f.bytes).toBe(files.get(f.path)!.length);
    }
    expect(files.has('dispatcher.list')).toBe(true);
    const check = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: out, encoding: 'utf8' });
    expect(check.status).toBe(0);
  });

  it('is byte-for-byte deterministic, whatever the directory it runs from', () => {
    // The same folder name in two places: the archive's entries are named after it.
    const a = join(fresh(), 'bilbao');
    const b = join(fresh(), 'bilbao');
    expect(surv(['export', 'examples/bilbao.surv', '-t', 'edgeos', '-o', a, '--archive']).status).toBe(0);
    expect(surv(['export', 'bilbao.surv', '-t', 'edgeos', '-o', b, '--archive'], join(root, 'examples')).status).toBe(0);
    expect(filesUnder(a)).toEqual(filesUnder(b));
    expect(readFileSync(`${a}.tar.gz`)).toEqual(readFileSync(`${b}.tar.gz`));
  });

  it('--archive: one .tar.gz with fixed times, no owner, sorted entries, the same bytes as the folder', () => {
    const out = fresh();
    const run = surv(['export', 'examples/bilbao.surv', '-t', 'openwrt', '-o', out, '--archive']);
    expect(run.stdout).toContain(`archive ${out}.tar.gz\n`);
    // Empty owner fields read back as undefined, which tar shows as 0/0.
    const entries: { path: string; mode: number; mtime: number; uid: number; gid: number; uname: string; body: Buffer }[] = [];
    tar.list({
      file: `${out}.tar.gz`, sync: true,
      onReadEntry: (e) => {
        const chunks: Buffer[] = [];
        e.on('data', (c: Buffer) => chunks.push(c));
        e.on('end', () => entries.push({ path: e.path, mode: e.mode ?? -1, mtime: e.mtime?.getTime() ?? -1, uid: e.uid ?? 0, gid: e.gid ?? 0, uname: e.uname ?? '', body: Buffer.concat(chunks) }));
      },
    });
    const name = out.split('/').pop()!;
    const files = filesUnder(out);
    expect(entries.map((e) => e.path)).toEqual([...files.keys()].map((p) => `${name}/${p}`));
    for (const e of entries) {
      expect(e.body).toEqual(files.get(e.path.slice(name.length + 1)));
      expect(e.mtime).toBe(0);
      expect([e.uid, e.gid, e.uname]).toEqual([0, 0, '']);
      expect(e.mode).toBe(/\.(sh|init)$/.test(e.path) ? 0o755 : 0o644);
    }
  });
});

describe('surv export: refusal and atomicity', () => {
  it('a policy with errors: diagnostics as surv check prints them, exit 1, nothing written', () => {
    const out = fresh();
    const run = surv(['export', 'examples/broken/timer-rules.surv', '-t', 'edgeos', '-o', out]);
    expect(run.status).toBe(1);
    const check = surv(['check', 'examples/broken/timer-rules.surv']);
    expect(run.stderr.startsWith(check.stdout)).toBe(true);
    expect(run.stderr).toContain('surv: the policy has errors: nothing exported\n');
    expect(run.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
    expect(leftovers(work)).toEqual([]);
  });

  it('a value the export cannot do (TLS): exit 1 with the source line (the check reports it now), nothing written', () => {
    const dir = join(work, 'tls');
    mkdirSync(dir);
    writeFileSync(join(dir, 'tls.surv'), readFileSync(join(root, 'examples/bilbao.surv'), 'utf8').replace('proxy sip:pbx.example.com:5060', 'proxy sips:pbx.example.com:5061'));
    const out = fresh();
    const run = surv(['export', join(dir, 'tls.surv'), '-t', 'debian', '-o', out]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/tls\.surv:29:26: error SURV033: TLS toward a gateway or an upstream is not exported/);
    expect(existsSync(out)).toBe(false);
  });

  it('an existing folder that is not a surv bundle is never replaced', () => {
    const out = fresh();
    mkdirSync(out);
    writeFileSync(join(out, 'precious.txt'), 'keep me');
    const run = surv(['export', 'examples/bilbao.surv', '-t', 'debian', '-o', out]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('is not a surv bundle');
    expect([...filesUnder(out).keys()]).toEqual(['precious.txt']);
  });

  it('a previous bundle is replaced as a whole; a refused export leaves it as it was', () => {
    const out = fresh();
    expect(surv(['export', 'examples/critical-branch.surv', '-t', 'debian', '-o', out]).status).toBe(0);
    expect(filesUnder(out).has('dispatcher.list')).toBe(true);
    expect(surv(['export', 'examples/two-head-offices.surv', '-t', 'debian', '-o', out]).status).toBe(0);
    expect(filesUnder(out).has('dispatcher.list')).toBe(false);
    expect(readFileSync(join(out, 'kamailio.cfg'), 'utf8')).toContain('branch zaragoza');
    const before = filesUnder(out);
    expect(surv(['export', 'examples/broken/timer-rules.surv', '-t', 'debian', '-o', out]).status).toBe(1);
    expect(filesUnder(out)).toEqual(before);
    expect(leftovers(work)).toEqual([]);
  });

  it('a file the user added to a previous bundle: exit 2, naming it, the bundle untouched', () => {
    const out = fresh();
    expect(surv(['export', 'examples/bilbao.surv', '-t', 'debian', '-o', out]).status).toBe(0);
    writeFileSync(join(out, 'notes.txt'), 'my notes');
    const before = filesUnder(out);
    const run = surv(['export', 'examples/two-head-offices.surv', '-t', 'debian', '-o', out]);
    expect(run.stderr).toBe(`surv: '${out}' holds 'notes.txt', which the previous export did not write: refusing to replace it (move that away, or choose another folder)\n`);
    expect(run.status).toBe(2);
    expect(filesUnder(out)).toEqual(before);
  });

  it('--out a symbolic link: exit 2, no stray folder', () => {
    const parent = fresh();
    mkdirSync(join(parent, 'real'), { recursive: true });
    symlinkSync(join(parent, 'real'), join(parent, 'out'));
    const run = surv(['export', 'examples/bilbao.surv', '-t', 'debian', '-o', join(parent, 'out')]);
    expect(run.stderr).toBe(`surv: '${join(parent, 'out')}' is a symbolic link: refusing to replace it (give the folder itself as --out)\n`);
    expect(run.status).toBe(2);
    expect(readdirSync(parent).sort()).toEqual(['out', 'real']);
    expect(readdirSync(join(parent, 'real'))).toEqual([]);
  });

  it('--archive when DIR.tar.gz is a folder: exit 2 before anything is replaced', () => {
    const out = fresh();
    expect(surv(['export', 'examples/bilbao.surv', '-t', 'debian', '-o', out]).status).toBe(0);
    mkdirSync(`${out}.tar.gz`);
    const before = filesUnder(out);
    const run = surv(['export', 'examples/two-head-offices.surv', '-t', 'debian', '-o', out, '--archive']);
    expect(run.stderr).toBe(`surv: '${out}.tar.gz' is a folder: refusing to replace it with the archive\n`);
    expect(run.status).toBe(2);
    expect(filesUnder(out)).toEqual(before);
    expect(leftovers(work)).toEqual([]);
  });

  it('an export killed between its two renames: the next one puts the previous bundle back, even when it is refused', () => {
    const parent = fresh();
    const out = join(parent, 'bundle');
    expect(surv(['export', 'examples/bilbao.surv', '-t', 'debian', '-o', out]).status).toBe(0);
    const previous = filesUnder(out);
    // The state the kill leaves: DIR moved aside, the new bundle still in its temporary folder.
    renameSync(out, join(parent, '.bundle.old-1a2b3c4d'));
    mkdirSync(join(parent, '.bundle.tmp-XyZ123'));
    writeFileSync(join(parent, '.bundle.tmp-XyZ123', 'kamailio.cfg'), 'half');
    const run = surv(['export', 'examples/broken/timer-rules.surv', '-t', 'debian', '-o', out]);
    expect(run.status).toBe(1);
    expect(run.stderr.startsWith("surv: note: removed '.bundle.tmp-XyZ123', left by an interrupted export\n"
      + `surv: note: put the previous bundle back into '${out}' from '.bundle.old-1a2b3c4d', left by an interrupted export\n`)).toBe(true);
    expect(readdirSync(parent)).toEqual(['bundle']);
    expect(filesUnder(out)).toEqual(previous);
  });

  it('usage errors: no target, an unknown target, an unknown branch', () => {
    const untargeted = surv(['export', 'examples/bilbao.surv', '-o', fresh()]);
    expect(untargeted.stderr).toBe("surv: no --target given and no 'router { platform ... }' in the design for bilbao: say --target edgeos|debian|openwrt\n");
    expect(untargeted.status).toBe(2);
    const fleet = surv(['export', 'examples/petrol-stations', '-o', fresh()]);
    expect(fleet.stderr).toBe("surv: no --target given and no 'router { platform ... }' in the design for station-01, station-02, station-03 and 21 more: say --target edgeos|debian|openwrt\n");
    expect(fleet.status).toBe(2);
    expect(surv(['export', 'examples/bilbao.surv', '-t', 'windows', '-o', fresh()]).status).toBe(2);
    const run = surv(['export', 'examples/bilbao.surv', '-t', 'debian', '-o', fresh(), '--branch', 'nowhere']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("surv: no branch named 'nowhere' in 'examples/bilbao.surv'\n");
  });
});

describe('surv export: fleets', () => {
  it('a fleet folder: one folder per branch, a fleet manifest, one plain line per branch off a terminal', () => {
    const out = fresh();
    const run = surv(['export', 'examples/petrol-stations', '-t', 'edgeos', '-o', out, '--archive']);
    expect(run.status).toBe(0);
    const names = Array.from({ length: 24 }, (_, i) => `station-${String(i + 1).padStart(2, '0')}`);
    expect(run.stdout).toBe(`${names.map((s) => `exported ${s} (edgeos) to ${out}/${s}\n`).join('')}archive ${out}.tar.gz\n`);
    expect(readdirSync(out).sort()).toEqual([...names, 'manifest.json'].sort());
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { branches: { branch: string; manifestSha256: string }[] };
    expect(manifest.branches.map((b) => b.branch)).toEqual(names);
    for (const b of manifest.branches) expect(b.manifestSha256).toBe(sha(readFileSync(join(out, b.branch, 'manifest.json'))));
    expect(readFileSync(join(out, 'station-07', 'kamailio.cfg'), 'utf8')).toContain('listen=udp:10.60.7.1:5060');
    expect(JSON.parse(readFileSync(join(out, 'station-07', 'manifest.json'), 'utf8')).sources.map((s: { file: string }) => s.file)).toEqual(['station-07.surv', 'profile.surv']);
  });

  it('on a terminal, a progress bar instead of one line per branch (run under script(1) for a tty)', () => {
    const out = fresh();
    const run = spawnSync('script', ['-qc', `${process.execPath} ${join(root, 'bin/surv.cjs')} export examples/petrol-stations -t edgeos -o ${out}`, '/dev/null'], { cwd: root, encoding: 'utf8' });
    expect(run.status).toBe(0);
    const screen = run.stdout.replace(/\r\n/g, '\n');
    expect(screen).toContain('\r[#.......................] 1/24 station-01\u001b[K');
    expect(screen).toContain('\r[########################] 24/24 station-24\u001b[K\n');
    expect(screen.endsWith(`exported 24 branches (edgeos) to ${out}\n`)).toBe(true);
  });

  it('--branch picks one branch of a fleet into the folder itself', () => {
    const out = fresh();
    expect(surv(['export', 'examples/petrol-stations', '-t', 'debian', '-o', out, '--branch', 'station-07']).status).toBe(0);
    expect(readFileSync(join(out, 'kamailio.cfg'), 'utf8')).toContain('branch station-07');
  });
});
