// A fake router for install.sh: a fake root (SURV_ROOT), a fake kamailio binary, a fake
// service manager, and cp/mv wrappers on PATH that count their calls and can fail or
// signal install.sh at the Nth one (a full disk, Ctrl-C, kill -9 at that exact step).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { surv } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'surv-install-'));
export function removeWorlds(): void {
  rmSync(work, { recursive: true, force: true });
}

let n = 0;

export interface World {
  readonly root: string;
  readonly fake: string;
}

export interface Faults {
  /** The Nth cp or mv (counted together, from 1) fails like a full disk. */
  readonly failAt?: number;
  /** The Nth cp or mv sends this signal to the shell that ran it, then does its work. */
  readonly signalAt?: number;
  readonly signal?: 'TERM' | 'INT' | 'HUP' | 'KILL';
}

function realTool(name: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (!found.startsWith('/')) throw new Error(`no ${name} on this machine`);
  return found;
}

const wrapper = (name: string) => `#!/bin/sh
n=$(($(cat "$FAKE/count" 2>/dev/null || echo 0) + 1))
echo "$n" >"$FAKE/count"
echo "$n ${name} $*" >>"$FAKE/log"
if [ "$n" = "\${FAIL_AT:-}" ]; then echo "${name}: write error: No space left on device" >&2; exit 1; fi
if [ "$n" = "\${SIGNAL_AT:-}" ]; then kill -"\${SIGNAL:-TERM}" "$PPID"; fi
exec ${realTool(name)} "$@"
`;

/** A fresh fake root (with /var/lib, as on a router) and fake tools. The service "runs" when FAKE/running exists. */
export function world(): World {
  const base = join(work, `w${++n}`);
  const root = join(base, 'root');
  const fake = join(base, 'fake');
  mkdirSync(join(root, 'var/lib'), { recursive: true });
  mkdirSync(join(fake, 'bin'), { recursive: true });
  // -v: Debian 12's Kamailio, or the version in FAKE/version (the first line of a real kamailio -v).
  writeFileSync(join(fake, 'kamailio'), '#!/bin/sh\nif [ "$1" = -v ]; then printf "version: kamailio %s (x86_64/linux) \\n" "$(cat "$FAKE/version" 2>/dev/null || echo 5.6.3)"; exit 0; fi\nif [ -f "$FAKE/kamailio-rejects" ]; then echo "parse error in config file" >&2; exit 255; fi\nexit 0\n');
  // restart: fails (and stops) when the installed cfg holds the marker in FAKE/bad-marker;
  // with FAKE/signal-on-restart, it first sends SIGTERM to its caller (once).
  writeFileSync(join(fake, 'service'), `#!/bin/sh
echo "$1" >>"$FAKE/calls"
case $1 in
	running) [ -f "$FAKE/running" ] ;;
	wanted) [ ! -f "$FAKE/unwanted" ] ;;
	restart)
		if [ -f "$FAKE/signal-on-restart" ]; then rm -f "$FAKE/signal-on-restart"; kill -TERM "$PPID"; fi
		cfg="$SURV_ROOT/etc/kamailio/kamailio.cfg"
		if [ -f "$FAKE/bad-marker" ] && grep -q "$(cat "$FAKE/bad-marker")" "$cfg"; then rm -f "$FAKE/running"; exit 1; fi
		touch "$FAKE/running" ;;
esac
`);
  writeFileSync(join(fake, 'bin/cp'), wrapper('cp'));
  writeFileSync(join(fake, 'bin/mv'), wrapper('mv'));
  for (const f of ['kamailio', 'service', 'bin/cp', 'bin/mv']) chmodSync(join(fake, f), 0o755);
  return { root, fake };
}

const bundles = new Map<string, string>();

/** The exported bundle of `examples/EXAMPLE` for `target`, made once per test file. */
export function bundle(example: string, target = 'debian'): string {
  const key = `${example} ${target}`;
  const known = bundles.get(key);
  if (known) return known;
  const out = join(work, `bundle-${example.replace(/\W/g, '-')}-${target}`);
  const run = surv(['export', `examples/${example}`, '-t', target, '-o', out]);
  if (run.status !== 0) throw new Error(run.stderr);
  bundles.set(key, out);
  return out;
}

export interface Run {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

function env(w: World, faults: Faults): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${join(w.fake, 'bin')}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
    SURV_ROOT: w.root, SURV_KAMAILIO: join(w.fake, 'kamailio'), SURV_SERVICE: join(w.fake, 'service'),
    SURV_SETTLE: '0', SURV_WAIT: '0', FAKE: w.fake,
    FAIL_AT: faults.failAt === undefined ? '' : String(faults.failAt),
    SIGNAL_AT: faults.signalAt === undefined ? '' : String(faults.signalAt),
    SIGNAL: faults.signal ?? 'TERM',
  };
}

/** `sh install.sh ARGS` of `dir` against the world; the cp/mv count starts again at 1. */
export function install(w: World, dir: string, args: readonly string[] = [], faults: Faults = {}): Run {
  rmSync(join(w.fake, 'count'), { force: true });
  const r = spawnSync('/bin/sh', [join(dir, 'install.sh'), ...args], { encoding: 'utf8', env: env(w, faults) });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** The EdgeOS boot hook as EdgeOS runs it at boot. */
export function runHook(w: World): Run {
  const r = spawnSync('/bin/sh', [join(w.root, 'config/scripts/post-config.d/surv-kamailio.sh')], { encoding: 'utf8', env: env(w, {}) });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** How many cp and mv calls the last run made. */
export function steps(w: World): number {
  return existsSync(join(w.fake, 'count')) ? Number(readFileSync(join(w.fake, 'count'), 'utf8').trim()) : 0;
}

/** The number of the last cp or mv step whose command line matches `pattern` (counts run on across installs). */
export function stepOf(w: World, pattern: RegExp): number {
  const log = existsSync(join(w.fake, 'log')) ? readFileSync(join(w.fake, 'log'), 'utf8').trim().split('\n') : [];
  const line = [...log].reverse().find((l) => pattern.test(l));
  if (line === undefined) throw new Error(`no step matches ${String(pattern)}:\n${log.join('\n')}`);
  return Number(line.split(' ')[0]);
}

export const calls = (w: World): string[] => (existsSync(join(w.fake, 'calls')) ? readFileSync(join(w.fake, 'calls'), 'utf8').trim().split('\n') : []);
export const at = (w: World, path: string): string => join(w.root, path);

/** Every entry below `dir`: kind, mode and content (a link's target), by path. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      const stats = lstatSync(path);
      const mode = (stats.mode & 0o7777).toString(8);
      if (stats.isSymbolicLink()) out[prefix + name] = `link -> ${readlinkSync(path)}`;
      else if (stats.isDirectory()) {
        out[`${prefix}${name}/`] = `dir ${mode}`;
        walk(path, `${prefix}${name}/`);
      } else out[prefix + name] = `file ${mode} ${readFileSync(path, 'utf8')}`;
    }
  };
  walk(dir, '');
  return out;
}

/** A router with Debian's kamailio package installed and its own configuration. */
export function packageFiles(w: World): void {
  mkdirSync(at(w, 'etc/kamailio'), { recursive: true });
  mkdirSync(at(w, 'etc/default'), { recursive: true });
  writeFileSync(at(w, 'etc/kamailio/kamailio.cfg'), '#!KAMAILIO\n# the package\'s own configuration\n');
  writeFileSync(at(w, 'etc/default/kamailio'), '# the package\'s defaults\nRUN_KAMAILIO=no\n');
  chmodSync(at(w, 'etc/kamailio/kamailio.cfg'), 0o640);
}
