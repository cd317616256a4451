// Real "routers" on this machine for the fleet rollout tests: one OpenSSH server listening
// on port 2222 of every router's loopback address (127.0.40.N), and per router a root
// prefix standing for a Debian router with the kamailio package installed and running: a
// stock /etc/kamailio/kamailio.cfg of our own, a REAL Kamailio on ADDRESS:5060, and a
// stand-in for systemd's kamailio.service (install.sh's SURV_SERVICE) that stops and
// starts that Kamailio the way Debian's unit does. Ansible reaches the routers over SSH as
// it reaches real ones; only install.sh's test settings (SURV_ROOT, SURV_SERVICE, the
// waits) come from host variables in an inventory file of our own.
//
// Two ways to break a router, both real failures rather than faked exit codes:
//   occupy(): another program listens on TCP ADDRESS:5060, so a cfg that listens there
//     cannot bind and Kamailio does not start (install.sh sees it and rolls back; the stock
//     cfg listens on UDP only and starts again);
//   diesAfterStart(): a Kamailio started on a given cfg comes up, passes install.sh's own
//     start check, and stops as soon as install.sh has exited, as a configuration that
//     fails on its first traffic would (only a health check after the install catches it).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

export const kamailioBin = '/usr/sbin/kamailio';
export const sshdBin = '/usr/sbin/sshd';
export const sshPort = 2222;
export const sipPort = 5060;

const tools: readonly { readonly name: string; readonly path: string; readonly pkg: string }[] = [
  { name: 'ansible-playbook', path: '/usr/bin/ansible-playbook', pkg: 'ansible' },
  { name: 'sshd', path: sshdBin, pkg: 'openssh-server' },
  { name: 'ssh-keygen', path: '/usr/bin/ssh-keygen', pkg: 'openssh-client' },
  { name: 'kamailio', path: kamailioBin, pkg: 'kamailio' },
];

/** Throws (fails the suite) when a tool is missing: the fleet tests must never be skipped. */
export function requireFleetTools(): void {
  const missing = tools.filter((t) => !existsSync(t.path));
  if (missing.length > 0) {
    const pkgs = [...new Set(missing.map((t) => t.pkg))].join(' ');
    throw new Error(`${missing.map((t) => t.path).join(', ')} missing: run node scripts/provision.mjs, or apt-get install -y ${pkgs}`);
  }
  // The fleet logs in as root (`router { user root }`) and sshd runs with UsePAM no, which
  // refuses a locked account ("!" in /etc/shadow) even for a key.
  if (process.getuid?.() !== 0) throw new Error('the fleet tests run as root: sshd must log Ansible in as root');
  const shadow = readFileSync('/etc/shadow', 'utf8').split('\n').find((l) => l.startsWith('root:'));
  if (shadow?.split(':')[1]?.startsWith('!')) {
    throw new Error('root\'s password is locked ("!" in /etc/shadow): sshd without PAM refuses its key login; unlock with: usermod -p \'*\' root');
  }
}

/** The stock configuration of a router: it answers OPTIONS with 200 "stock", anything else 403. */
export function stockCfg(address: string): string {
  return `#!KAMAILIO
# The stock /etc/kamailio/kamailio.cfg of a fleet test router: not a surv configuration,
# so a test can tell which one runs by the reason phrase of a reply to OPTIONS.
debug=2
log_stderror=no
children=1
listen=udp:${address}:${sipPort}
loadmodule "sl.so"
loadmodule "pv.so"
request_route {
	if ($rm == "OPTIONS") {
		sl_send_reply("200", "stock");
		exit;
	}
	sl_send_reply("403", "stock");
}
`;
}

// Stands in for systemd's kamailio.service: `running` is true while the pid in the pid file
// is a live process (the machine's init does not reap, so a zombie counts as stopped);
// `restart` stops that Kamailio and its processes, then starts it as Debian's unit does
// (-m/-M from /etc/default/kamailio, the unit's defaults otherwise) with SURV_ROOT defined
// so the cfg reads its files below the root. -E sends its log to a file next to the root.
// `wanted` (should Kamailio run at all) is always true, as install.sh's own Debian answer.
function serviceScript(root: string, home: string): string {
  return `#!/bin/sh
set -u
# It stands for the init system, not for the router's userland: Debian's tools whatever
# PATH install.sh runs with (busybox's ps has no -p).
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
ROOT='${root}'
HOME_DIR='${home}'
PIDFILE="$ROOT/run/kamailio.pid"

alive() {
	state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	case $state in Z*|'') return 1 ;; esac
}

running() {
	pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
	[ -n "$pid" ] && alive "$pid"
}

stop() {
	pid=$(cat "$PIDFILE" 2>/dev/null) || return 0
	rm -f "$PIDFILE"
	[ -n "$pid" ] && alive "$pid" || return 0
	group=$(ps -o pgid= -p "$pid" | tr -d ' ')
	kill "$pid" 2>/dev/null || true
	i=0
	while alive "$pid" && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	# Whatever of that Kamailio is left (its children hold the sockets) goes too.
	for p in $(pgrep -g "$group" 2>/dev/null); do
		if alive "$p"; then kill -9 "$p" 2>/dev/null || true; fi
	done
	return 0
}

setting() {
	value=$(sed -n "s/^$1=//p" "$ROOT/etc/default/kamailio" 2>/dev/null | tail -n 1)
	printf '%s\\n' "\${value:-$2}"
}

start() {
	cfg="$ROOT$(setting CFGFILE /etc/kamailio/kamailio.cfg)"
	mkdir -p "$ROOT/run/kamailio"
	echo "== $(date +%T) start $cfg" >>"$HOME_DIR/kamailio.log"
	${kamailioBin} -f "$cfg" -P "$PIDFILE" -Y "$ROOT/run/kamailio" \\
		-m "$(setting SHM_MEMORY 64)" -M "$(setting PKG_MEMORY 8)" \\
		-A "SURV_ROOT=\\"$ROOT\\"" -E </dev/null >>"$HOME_DIR/kamailio.log" 2>&1 || return 1
	running || return 1
	if [ -f "$HOME_DIR/dies-with" ] && [ "$(sha256sum <"$cfg" | cut -d ' ' -f 1)" = "$(cat "$HOME_DIR/dies-with")" ]; then
		# Killed outright, all its processes at once (their own process group), like a crash.
		group=$(ps -o pgid= -p "$pid" | tr -d ' ')
		echo "== $(date +%T) this cfg dies when $PPID exits" >>"$HOME_DIR/kamailio.log"
		setsid sh -c 'while kill -0 "$1" 2>/dev/null; do sleep 0.1; done; kill -9 -"$2"' sh "$PPID" "$group" \\
			</dev/null >/dev/null 2>&1 &
	fi
}

echo "$(date +%T) $*" >>"$HOME_DIR/service.log"
case \${1:-} in
	running) running ;;
	restart) stop; start ;;
	stop) stop ;;
	# Whether Kamailio should run at all: on Debian the package's service is enabled.
	wanted) exit 0 ;;
	*) echo "usage: $0 running|restart|stop|wanted" >&2; exit 2 ;;
esac
`;
}

export interface Router {
  /** 1 ... 8: the router's address is 127.0.40.N. */
  readonly n: number;
  readonly address: string;
  /** The root prefix that stands for the router's /. */
  readonly root: string;
  /** The folder next to the root: the service stand-in, logs, the break switches. */
  readonly home: string;
  /** install.sh's SURV_SERVICE. */
  readonly service: string;
  readonly stockCfgSha256: string;
}

export interface OptionsReply {
  readonly status: number;
  readonly reason: string;
  readonly text: string;
}

export interface PlayRecap {
  readonly ok: number;
  readonly changed: number;
  readonly unreachable: number;
  readonly failed: number;
  readonly skipped: number;
  readonly rescued: number;
  readonly ignored: number;
}

export interface PlaybookRun {
  readonly status: number | null;
  readonly output: string;
  /** The PLAY RECAP line of each host that ran, by inventory name. */
  readonly recap: Record<string, PlayRecap>;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Parses the PLAY RECAP lines of ansible-playbook's output. */
export function parseRecap(output: string): Record<string, PlayRecap> {
  const recap: Record<string, PlayRecap> = {};
  const at = output.lastIndexOf('PLAY RECAP');
  if (at < 0) return recap;
  for (const line of output.slice(at).split('\n').slice(1)) {
    const m = /^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)\s+rescued=(\d+)\s+ignored=(\d+)\s*$/.exec(line);
    if (!m) continue;
    const [, host, ok, changed, unreachable, failed, skipped, rescued, ignored] = m;
    recap[host!] = { ok: Number(ok), changed: Number(changed), unreachable: Number(unreachable), failed: Number(failed), skipped: Number(skipped), rescued: Number(rescued), ignored: Number(ignored) };
  }
  return recap;
}

function run(command: string, args: readonly string[]): string {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

function accepts(address: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host: address, port });
    socket.once('connect', () => { socket.destroy(); done(true); });
    socket.once('error', () => done(false));
  });
}

let counter = 0;

/** A fleet of test routers: start() them, stop() them in afterAll (also on failure). */
export class Routers {
  readonly routers: Router[] = [];
  private sshd: ChildProcess | undefined;
  private readonly squatters = new Map<number, Server>();

  private constructor(readonly dir: string) {}

  /** `count` routers (127.0.40.1 ...), their sshd up and each one's stock Kamailio running. */
  static async start(count: number): Promise<Routers> {
    requireFleetTools();
    if (count < 1 || count > 8) throw new Error('127.0.40.1 ... 127.0.40.8 only');
    const fleet = new Routers(mkdtempSync(join(tmpdir(), 'surv-fleet-')));
    try {
      for (let n = 1; n <= count; n++) fleet.routers.push(fleet.makeRouter(n));
      await fleet.nothingLeftOver();
      await fleet.startSshd();
      for (const r of fleet.routers) {
        const started = fleet.service(r, 'restart');
        if (started.status !== 0) throw new Error(`the stock Kamailio of ${r.address} did not start:\n${fleet.kamailioLog(r)}`);
      }
    } catch (error) {
      await fleet.stop();
      throw error;
    }
    return fleet;
  }

  /**
   * A run killed outright leaves its sshd and Kamailios behind. Kamailio binds UDP with
   * SO_REUSEADDR, so a new one would start beside the old one and either could answer:
   * refuse to start instead, and say where the leftovers' pid files are.
   */
  private async nothingLeftOver(): Promise<void> {
    const taken: string[] = [];
    await Promise.all(this.routers.map(async (r) => {
      if (await accepts(r.address, sshPort)) taken.push(`${r.address}:${sshPort} (an sshd)`);
      const reply = await this.options(r, 300);
      if (reply) taken.push(`${r.address}:${sipPort} (answers OPTIONS: ${reply.status} ${reply.reason})`);
    }));
    if (taken.length > 0) {
      throw new Error(`left over from an earlier run, still listening: ${taken.sort().join(', ')}; their pid files are in ${join(tmpdir(), 'surv-fleet-*')}/ssh/sshd.pid and routers/*/root/run/kamailio.pid`);
    }
  }

  private get sshDir(): string {
    return join(this.dir, 'ssh');
  }

  /** Where Ansible's ssh keeps its shared connections (closed by stop()). */
  private get controlDir(): string {
    return join(this.dir, 'ansible', 'cp');
  }

  /** The private key Ansible logs in with. */
  get privateKey(): string {
    return join(this.sshDir, 'id_ed25519');
  }

  private makeRouter(n: number): Router {
    const address = `127.0.40.${n}`;
    const home = join(this.dir, 'routers', address);
    const root = join(home, 'root');
    for (const d of ['var/lib', 'etc/kamailio', 'etc/default', 'run']) mkdirSync(join(root, d), { recursive: true });
    const cfg = stockCfg(address);
    writeFileSync(join(root, 'etc/kamailio/kamailio.cfg'), cfg);
    // What Debian's package installs: every setting commented out, the unit's defaults apply.
    writeFileSync(join(root, 'etc/default/kamailio'), '#\n# Kamailio startup options\n#\n#RUN_KAMAILIO=yes\n#SHM_MEMORY=64\n#PKG_MEMORY=8\n#CFGFILE=/etc/kamailio/kamailio.cfg\n');
    const service = join(home, 'service');
    writeFileSync(service, serviceScript(root, home));
    chmodSync(service, 0o755);
    return { n, address, root, home, service, stockCfgSha256: sha256(cfg) };
  }

  private async startSshd(): Promise<void> {
    const ssh = this.sshDir;
    mkdirSync(ssh, { recursive: true });
    run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'surv-fleet-test', '-f', this.privateKey]);
    run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(ssh, 'host_ed25519_key')]);
    writeFileSync(join(ssh, 'authorized_keys'), readFileSync(`${this.privateKey}.pub`));
    const config = [
      ...this.routers.map((r) => `ListenAddress ${r.address}:${sshPort}`),
      `HostKey ${join(ssh, 'host_ed25519_key')}`,
      `PidFile ${join(ssh, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(ssh, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'StrictModes no',
      'UsePAM no',
      // Ansible copies files over SFTP; the in-process server needs no sftp-server binary.
      'Subsystem sftp internal-sftp',
      // Ansible's tasks against 8 routers over one server: more parallel logins than 10.
      'MaxStartups 64',
      '',
    ].join('\n');
    writeFileSync(join(ssh, 'sshd_config'), config);
    mkdirSync('/run/sshd', { recursive: true });
    const check = spawnSync(sshdBin, ['-t', '-f', join(ssh, 'sshd_config')], { encoding: 'utf8' });
    if (check.status !== 0) throw new Error(`sshd -t rejects the test config: ${check.stderr}`);
    const sshd = spawn(sshdBin, ['-D', '-f', join(ssh, 'sshd_config'), '-E', join(ssh, 'sshd.log')], { stdio: 'ignore' });
    this.sshd = sshd;
    let exited = false;
    sshd.once('exit', () => { exited = true; });
    const deadline = Date.now() + 10_000;
    for (const r of this.routers) {
      while (!(await accepts(r.address, sshPort))) {
        if (exited) throw new Error(`sshd exited at start:\n${readFileSync(join(ssh, 'sshd.log'), 'utf8')}`);
        if (Date.now() > deadline) throw new Error(`sshd does not accept on ${r.address}:${sshPort}`);
        await sleep(50);
      }
    }
  }

  /** Runs the router's service stand-in (`running`, `restart`, `stop`, `wanted`) as install.sh would. */
  service(r: Router, action: 'running' | 'restart' | 'stop' | 'wanted'): { status: number | null; output: string } {
    const res = spawnSync(r.service, [action], { encoding: 'utf8' });
    return { status: res.status, output: `${res.stdout}${res.stderr}` };
  }

  kamailioLog(r: Router): string {
    const log = join(r.home, 'kamailio.log');
    return existsSync(log) ? readFileSync(log, 'utf8') : '';
  }

  /** install.sh's test settings for a router: Ansible's `surv_install_env`. */
  installEnv(r: Router): Record<string, string> {
    return { SURV_ROOT: r.root, SURV_SERVICE: r.service, SURV_SETTLE: '1', SURV_WAIT: '5' };
  }

  /**
   * An inventory file that only sets the test variables of each host (`surv_root`,
   * `surv_install_env`), to pass after the generated inventory with a second `-i`:
   * the generated one is used exactly as written. `hosts` maps a router to its branch.
   */
  writeTestInventory(hosts: ReadonlyMap<Router, string>): string {
    const lines = ['# Test settings only: each host\'s root prefix and install.sh\'s test environment.', 'all:', '  hosts:'];
    for (const [r, branch] of hosts) {
      // JSON is YAML: every value quoted as a JSON string.
      lines.push(`    ${JSON.stringify(branch)}:`, `      surv_root: ${JSON.stringify(r.root)}`, `      surv_install_env: ${JSON.stringify(this.installEnv(r))}`);
    }
    const file = join(this.dir, 'ansible', `test-hosts-${++counter}.yml`);
    mkdirSync(join(this.dir, 'ansible'), { recursive: true });
    writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  }

  /** The environment ansible-playbook runs in: this fleet's key, no host key prompts, temp folders of its own. */
  ansibleEnv(): NodeJS.ProcessEnv {
    const a = join(this.dir, 'ansible');
    mkdirSync(join(a, 'local'), { recursive: true });
    return {
      PATH: process.env.PATH,
      HOME: a,
      LANG: 'C.UTF-8',
      ANSIBLE_HOST_KEY_CHECKING: 'False',
      ANSIBLE_PRIVATE_KEY_FILE: this.privateKey,
      ANSIBLE_LOCAL_TEMP: join(a, 'local'),
      ANSIBLE_REMOTE_TEMP: join(a, 'remote'),
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_FORCE_COLOR: '0',
      ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3',
      ANSIBLE_RETRY_FILES_ENABLED: 'False',
      // Ansible's own default, plus no known_hosts file: the host keys are this run's.
      ANSIBLE_SSH_ARGS: '-C -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=/dev/null',
      ANSIBLE_SSH_CONTROL_PATH_DIR: this.controlDir,
    };
  }

  /** `ansible-playbook ARGS` in `cwd` (the written Ansible folder, so its ansible.cfg applies). */
  playbook(cwd: string, args: readonly string[], timeoutMs = 200_000): PlaybookRun {
    const r = spawnSync('ansible-playbook', args, { cwd, env: this.ansibleEnv(), encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 << 20 });
    if (r.error && !r.stdout) throw r.error;
    const output = `${r.stdout}${r.stderr}${r.error ? `\n(ansible-playbook ${args.join(' ')}: ${r.error.message})` : ''}`;
    return { status: r.status, output, recap: parseRecap(r.stdout) };
  }

  /**
   * Sends OPTIONS from the router's own address (as its health check does) to its Kamailio
   * on ADDRESS:5060/udp; resolves with the final reply, or undefined after `timeoutMs`.
   */
  options(r: Router, timeoutMs = 2000): Promise<OptionsReply | undefined> {
    const socket = createSocket('udp4');
    const callId = `fleet-${process.pid}-${++counter}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { socket.close(); resolve(undefined); }, timeoutMs);
      socket.once('error', (error) => { clearTimeout(timer); socket.close(); reject(error); });
      socket.on('message', (buffer) => {
        const text = buffer.toString('utf8');
        const m = /^SIP\/2\.0 (\d{3}) ?(.*)\r\n/.exec(text);
        if (!m || Number(m[1]) < 200 || !text.includes(callId)) return;
        clearTimeout(timer);
        socket.close();
        resolve({ status: Number(m[1]), reason: m[2]!, text });
      });
      socket.bind(0, r.address, () => {
        const { port } = socket.address();
        const message = [
          `OPTIONS sip:${r.address}:${sipPort} SIP/2.0`,
          `Via: SIP/2.0/UDP ${r.address}:${port};branch=z9hG4bK${callId}`,
          'Max-Forwards: 70',
          `From: <sip:health@${r.address}>;tag=${callId}`,
          `To: <sip:${r.address}:${sipPort}>`,
          `Call-ID: ${callId}`,
          'CSeq: 1 OPTIONS',
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n');
        socket.send(message, sipPort, r.address);
      });
    });
  }

  /** Which configuration answers: 'stock', 'surv' (200 OK), or what else was seen. */
  async answering(r: Router): Promise<string> {
    const reply = await this.options(r);
    if (!reply) return 'no answer';
    if (reply.status === 200 && reply.reason === 'stock') return 'stock';
    if (reply.status === 200 && reply.reason === 'OK') return 'surv';
    return `${reply.status} ${reply.reason}`;
  }

  /** sha256 of every file below the router's root, by path, except run/ (pid files, sockets). */
  files(r: Router): Record<string, string> {
    const out: Record<string, string> = {};
    const walk = (dir: string) => {
      for (const name of readdirSync(dir).sort()) {
        const path = join(dir, name);
        const rel = relative(r.root, path);
        if (rel === 'run') continue;
        const st = lstatSync(path);
        if (st.isDirectory()) {
          out[`${rel}/`] = 'dir';
          walk(path);
        } else {
          out[rel] = st.isFile() ? sha256(readFileSync(path)) : 'special';
        }
      }
    };
    walk(r.root);
    return out;
  }

  /** sha256 of one file below the root (`etc/kamailio/kamailio.cfg`), undefined when absent. */
  fileSha256(r: Router, path: string): string | undefined {
    const file = join(r.root, path);
    return existsSync(file) ? sha256(readFileSync(file)) : undefined;
  }

  /** kamcmd on the router's Kamailio control socket (ctl's default, in the run folder -Y gives it). */
  kamcmd(r: Router, ...args: string[]): string {
    const res = spawnSync('kamcmd', ['-s', `unixs:${join(r.root, 'run/kamailio/kamailio_ctl')}`, ...args], { encoding: 'utf8', timeout: 5000 });
    if (res.status !== 0) throw new Error(`kamcmd ${args.join(' ')} on ${r.address} failed (${res.status}): ${res.stderr}`);
    return res.stdout;
  }

  /** Whether the router's Kamailio runs, as install.sh asks the service: the pid in its pid file is alive. */
  running(r: Router): boolean {
    return this.service(r, 'running').status === 0;
  }

  /** Another program takes TCP ADDRESS:5060, so a cfg listening there cannot start. */
  async occupy(r: Router): Promise<void> {
    const server = createServer();
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(sipPort, r.address, () => done());
    });
    this.squatters.set(r.n, server);
  }

  async release(r: Router): Promise<void> {
    const server = this.squatters.get(r.n);
    this.squatters.delete(r.n);
    if (server) await new Promise<void>((done) => server.close(() => done()));
  }

  /** A Kamailio started on the cfg with this sha256 stops as soon as the install.sh that started it exits. */
  diesAfterStart(r: Router, cfgSha256: string): void {
    writeFileSync(join(r.home, 'dies-with'), `${cfgSha256}\n`);
  }

  healthy(r: Router): void {
    rmSync(join(r.home, 'dies-with'), { force: true });
  }

  /** Stops every Kamailio (by its pid file), the squatters and sshd (by its pid); removes the folder. */
  async stop(keep = false): Promise<void> {
    for (const r of this.routers) {
      this.healthy(r);
      if (existsSync(r.service)) this.service(r, 'stop');
    }
    for (const n of [...this.squatters.keys()]) {
      const r = this.routers.find((x) => x.n === n);
      if (r) await this.release(r);
    }
    // The shared connections ssh keeps open after ansible-playbook exits (ControlPersist).
    if (existsSync(this.controlDir)) {
      for (const name of readdirSync(this.controlDir)) {
        spawnSync('ssh', ['-o', `ControlPath=${join(this.controlDir, name)}`, '-O', 'exit', 'router'], { stdio: 'ignore', timeout: 5000 });
      }
    }
    const sshd = this.sshd;
    this.sshd = undefined;
    if (sshd?.pid !== undefined && sshd.exitCode === null) {
      const gone = new Promise<void>((done) => sshd.once('exit', () => done()));
      sshd.kill('SIGTERM');
      await Promise.race([gone, sleep(3000)]);
    }
    if (!keep) rmSync(this.dir, { recursive: true, force: true });
  }
}
