// The role surv_branch and its module, run by Debian's ansible-playbook on this machine
// (connection local, each "router" a root prefix, its proxy a tiny SIP responder on
// H3's loopback range 127.0.43.x). install.sh here is a stand-in that speaks the real
// one's interface (outputs, exit codes, --dry-run, --rollback), so this file tests the
// role's own logic: check mode, batches, idempotence, rescue and rollback.
// test/fleet/ runs the same project over SSH against real Kamailio and the real install.sh.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sipOptionsModule } from '../../engines/export/ansible-module.js';
import { renderAnsible } from '../../engines/export/ansible.js';
import type { FleetHost } from '../../engines/export/fleet-types.js';
import type { BundleFile } from '../../engines/export/index.js';
import { writeBundleDir } from '../../io/write-bundle.js';

const work = mkdtempSync(join(tmpdir(), 'surv-ansible-role-'));
// TMPDIR: the role's check-mode scratch folders land in this test's own folder.
const scratch = join(work, 'tmp');
mkdirSync(scratch);
const env = {
  ...process.env, NO_COLOR: '1', ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0', TMPDIR: scratch,
  ANSIBLE_LOCAL_TEMP: join(work, 'ansible-tmp'), ANSIBLE_REMOTE_TEMP: join(work, 'ansible-tmp'),
};

/** Runs without blocking: the SIP responders below live in this process and must answer meanwhile. */
function run(cmd: string, args: readonly string[], cwd: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd, env, timeout: 120_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString('utf8'); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8'); });
    child.on('error', (e) => fail(new Error(`${cmd} could not run (${e.message}): apt-get install ansible`)));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

/** One SIP reply to an OPTIONS (Via, From, To, Call-ID, CSeq copied), as a UAS does. */
function reply(request: string, status: string): string {
  const copied = request.split('\r\n').filter((l) => /^(Via|From|To|Call-ID|CSeq):/i.test(l));
  return `SIP/2.0 ${status}\r\n${copied.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`;
}

interface Responder { socket: Socket; status: string; seen: { from: string; line: string }[]; ignoreFirst: boolean }

function udpResponder(address: string, port: number, status = '200 OK', ignoreFirst = false): Promise<Responder> {
  const r: Responder = { socket: createSocket('udp4'), status, seen: [], ignoreFirst };
  r.socket.on('message', (msg, rinfo) => {
    const text = msg.toString('utf8');
    r.seen.push({ from: rinfo.address, line: text.split('\r\n')[0]! });
    if (r.ignoreFirst && r.seen.length === 1) return;
    if (r.status !== '') r.socket.send(reply(text, r.status), rinfo.port, rinfo.address);
  });
  return new Promise((done, fail) => {
    r.socket.once('error', fail);
    r.socket.bind(port, address, () => done(r));
  });
}

/** A stream responder: 100 Trying, then the final reply in a second write. */
function streamHandler(seen: string[]) {
  return (conn: import('node:net').Socket) => {
    let data = '';
    conn.on('data', (chunk) => {
      data += chunk.toString('utf8');
      if (!data.includes('\r\n\r\n')) return;
      seen.push(`${conn.remoteAddress ?? ''} ${data.split('\r\n')[0]!}`);
      conn.write(reply(data, '100 Trying'));
      setTimeout(() => conn.end(reply(data, '200 OK')), 50);
    });
  };
}

const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Speaks install.sh's interface: its messages and exit codes; the "install" is one cfg copy. */
const fakeInstall = `#!/bin/sh
ROOT=\${SURV_ROOT:-}
CFG="$ROOT/etc/kamailio/kamailio.cfg"
cd "$(dirname "$0")" || exit 1
case "\${1:-}" in
	--dry-run)
		if cmp -s kamailio.cfg "$CFG"; then echo 'dry run: nothing would change'; else echo 'dry run: 1 file(s) would change'; fi ;;
	--rollback)
		if [ -f "$ROOT/kept.cfg" ]; then mv "$ROOT/kept.cfg" "$CFG"; echo 'rolled back: kamailio.cfg'; else echo 'nothing to roll back'; fi ;;
	'')
		if cmp -s kamailio.cfg "$CFG"; then echo "already installed: branch $(cat branch), nothing to do"; exit 0; fi
		if [ -f "$ROOT/broken" ]; then echo 'install.sh: Kamailio did not come up: put every file back' >&2; exit 1; fi
		mkdir -p "$ROOT/etc/kamailio"
		if [ -f "$CFG" ]; then cp "$CFG" "$ROOT/kept.cfg"; fi
		cp kamailio.cfg "$CFG"
		echo "Kamailio runs the survival proxy of branch $(cat branch)." ;;
	*) exit 2 ;;
esac
`;

/** A stand-in bundle: install.sh, kamailio.cfg (version `v`), SHA256SUMS, manifest.json. */
function bundleFiles(branch: string, v: string): BundleFile[] {
  const body: BundleFile[] = [
    { path: 'branch', content: `${branch}\n`, mode: 0o644 },
    { path: 'install.sh', content: fakeInstall, mode: 0o755 },
    { path: 'kamailio.cfg', content: `# ${branch} ${v}\n`, mode: 0o644 },
  ];
  const sums: BundleFile = { path: 'SHA256SUMS', content: body.map((f) => `${sha(f.content)}  ${f.path}\n`).join(''), mode: 0o644 };
  const all = [sums, ...body];
  const manifest = { tool: 'surv', branch, files: all.map((f) => ({ path: f.path, sha256: sha(f.content) })) };
  return [...all, { path: 'manifest.json', content: `${JSON.stringify(manifest)}\n`, mode: 0o644 }].sort((a, b) => (a.path < b.path ? -1 : 1));
}

const branches = ['alpha', 'beta'] as const;
const addr = (b: string) => (b === 'alpha' ? '127.0.43.1' : '127.0.43.2');
const project = join(work, 'project');
const rootOf = (b: string) => join(work, `root-${b}`);
const installed = (b: string) => (existsSync(join(rootOf(b), 'etc/kamailio/kamailio.cfg')) ? readFileSync(join(rootOf(b), 'etc/kamailio/kamailio.cfg'), 'utf8') : undefined);

function exportVersion(v: string): void {
  const hosts: FleetHost[] = branches.map((b) => ({
    branch: b, target: 'debian', address: addr(b), sip: { transport: 'udp', address: addr(b), port: 5062 },
    cfgPath: '/etc/kamailio/kamailio.cfg', bundle: { branch: b, target: 'debian', files: bundleFiles(b, v), reads: [], warnings: [] },
  }));
  writeBundleDir(project, renderAnsible(hosts, '9.9.9'), false);
}

/** ansible-playbook site.yml ARGS, the routers reached locally; returns its output and each host's recap. */
async function playbook(...args: string[]) {
  const r = await run('ansible-playbook', ['-i', 'inventory.yml', '-i', join(work, 'local.yml'), 'site.yml', ...args], project);
  const recap: Record<string, Record<string, number>> = {};
  for (const m of r.stdout.matchAll(/^(\S+)\s+: (ok=.*)$/gm)) {
    recap[m[1]!] = Object.fromEntries(m[2]!.trim().split(/\s+/).map((kv) => [kv.split('=')[0]!, Number(kv.split('=')[1])]));
  }
  return { ...r, recap };
}

const counts = (ok: number, changed: number, failed = 0, rescued = 0) => expect.objectContaining({ ok, changed, failed, rescued, unreachable: 0 });

const responders: Responder[] = [];
let tcp: Server | undefined;
let tls: TlsServer | undefined;
const streamSeen: string[] = [];

beforeAll(async () => {
  if (spawnSync('sh', ['-c', 'command -v ansible-playbook && command -v openssl']).status !== 0) {
    throw new Error('ansible-playbook or openssl is missing: apt-get install ansible openssl');
  }
  // The "routers": reached with connection local, each with its own root prefix; the
  // service check is a stand-in that says Kamailio runs unless ROOT/dead exists.
  writeFileSync(join(work, 'service'), '#!/bin/sh\n[ "$1" = running ] && [ ! -f "$SURV_ROOT/dead" ]\n', { mode: 0o755 });
  writeFileSync(join(work, 'local.yml'), `all:\n  hosts:\n${branches.map((b) => `    ${b}:
      ansible_connection: local
      ansible_python_interpreter: /usr/bin/python3
      surv_root: ${rootOf(b)}
      surv_install_env: {SURV_SERVICE: ${join(work, 'service')}}
`).join('')}`);
  responders.push(await udpResponder('127.0.43.1', 5062), await udpResponder('127.0.43.2', 5062));
  responders.push(await udpResponder('127.0.43.10', 5062, '200 OK', true), await udpResponder('127.0.43.11', 5062, '503 Service Unavailable'), await udpResponder('127.0.43.12', 5062, ''));
  tcp = createServer(streamHandler(streamSeen));
  await new Promise<void>((done) => tcp!.listen(5063, '127.0.43.10', done));
  const key = join(work, 'key.pem');
  const cert = join(work, 'cert.pem');
  const o = await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=surv-test', '-days', '1', '-keyout', key, '-out', cert], work);
  if (o.status !== 0) throw new Error(o.stderr);
  tls = createTlsServer({ key: readFileSync(key), cert: readFileSync(cert) }, streamHandler(streamSeen));
  await new Promise<void>((done) => tls!.listen(5064, '127.0.43.10', done));
}, 60_000);

afterAll(async () => {
  for (const r of responders) r.socket.close();
  await new Promise((done) => (tcp ? tcp.close(done) : done(undefined)));
  await new Promise((done) => (tls ? tls.close(done) : done(undefined)));
  rmSync(work, { recursive: true, force: true });
});

describe('surv_sip_options (the health check module)', () => {
  const library = join(work, 'library');
  async function ask(args: string): Promise<{ ok: boolean; result: Record<string, unknown> }> {
    mkdirSync(library, { recursive: true });
    writeFileSync(join(library, 'surv_sip_options.py'), sipOptionsModule);
    const r = await run('ansible', ['all', '-i', 'localhost,', '-c', 'local', '-e', 'ansible_python_interpreter=/usr/bin/python3', '-M', library, '-m', 'surv_sip_options', '-a', args, '-o'], work);
    const m = /^localhost \| (SUCCESS|FAILED!) => (.*)$/m.exec(r.stdout);
    if (!m) throw new Error(`unexpected output: ${r.stdout}${r.stderr}`);
    return { ok: m[1] === 'SUCCESS', result: JSON.parse(m[2]!) as Record<string, unknown> };
  }

  it('UDP: retransmits an unanswered request (T1), from the proxy\'s own address, and returns 200 OK', async () => {
    const r = await ask('address=127.0.43.10 port=5062 transport=udp timeout=3');
    expect(r).toEqual({ ok: true, result: { changed: false, status: 200, reason: 'OK', uri: 'sip:127.0.43.10:5062' } });
    const seen = responders[2]!.seen;
    expect(seen).toEqual([
      { from: '127.0.43.10', line: 'OPTIONS sip:127.0.43.10:5062 SIP/2.0' },
      { from: '127.0.43.10', line: 'OPTIONS sip:127.0.43.10:5062 SIP/2.0' },
    ]);
  }, 60_000);

  it('fails on any final reply but 200, with the code and reason', async () => {
    const r = await ask('address=127.0.43.11 port=5062');
    expect(r.ok).toBe(false);
    expect(r.result).toEqual({ changed: false, msg: 'OPTIONS sip:127.0.43.11:5062 over udp: 503 Service Unavailable, expected 200', status: 503, reason: 'Service Unavailable', uri: 'sip:127.0.43.11:5062' });
  }, 60_000);

  it('fails on no reply within the timeout', async () => {
    const r = await ask('address=127.0.43.12 port=5062 timeout=1.5');
    expect(r.ok).toBe(false);
    expect(r.result).toEqual({ changed: false, msg: 'OPTIONS sip:127.0.43.12:5062 over udp: no reply within 1.5 s', uri: 'sip:127.0.43.12:5062' });
    // 0, 0.5 and 1.5 s: T1, then twice T1; the third would be at 1.5 s, the deadline.
    expect(responders[4]!.seen.length).toBeGreaterThanOrEqual(2);
    expect(responders[4]!.seen.length).toBeLessThanOrEqual(3);
  }, 60_000);

  it('TCP and TLS (not verified): skips the 100, returns the final 200', async () => {
    streamSeen.length = 0;
    expect(await ask('address=127.0.43.10 port=5063 transport=tcp')).toEqual({ ok: true, result: { changed: false, status: 200, reason: 'OK', uri: 'sip:127.0.43.10:5063' } });
    expect(await ask('address=127.0.43.10 port=5064 transport=tls')).toEqual({ ok: true, result: { changed: false, status: 200, reason: 'OK', uri: 'sip:127.0.43.10:5064' } });
    expect(streamSeen).toEqual(['127.0.43.10 OPTIONS sip:127.0.43.10:5063 SIP/2.0', '127.0.43.10 OPTIONS sip:127.0.43.10:5064 SIP/2.0']);
  }, 60_000);
});

describe('the role, run by ansible-playbook', () => {
  it('--check: says what would change and changes nothing on the routers', async () => {
    exportVersion('v1');
    const r = await playbook('--check', '--diff');
    expect(r.status).toBe(0);
    // Copy and the dry run would change something; nothing else runs.
    expect(r.recap).toEqual({ alpha: counts(7, 2), beta: counts(7, 2) });
    expect(r.stdout).toContain('"dry run: 1 file(s) would change"');
    for (const b of branches) expect(existsSync(rootOf(b))).toBe(false);
    // The scratch copies were made (the dry run read them) and removed.
    expect(r.stdout.match(/Make a scratch folder \(check mode\)\] \*+\nok: \[(alpha|beta)\]/g)).toHaveLength(2);
    expect(readdirSync(scratch)).toEqual([]);
  }, 120_000);

  it('installs on every router, health checked; a second run changes nothing', async () => {
    const first = await playbook();
    expect(first.status).toBe(0);
    expect(first.recap).toEqual({ alpha: counts(9, 2), beta: counts(9, 2) });
    expect(installed('alpha')).toBe('# alpha v1\n');
    expect(installed('beta')).toBe('# beta v1\n');
    // The canary first: alpha's batch ran before beta's.
    expect(first.stdout.indexOf('changed: [alpha]')).toBeLessThan(first.stdout.indexOf('changed: [beta]'));
    expect(responders[0]!.seen.at(-1)).toEqual({ from: '127.0.43.1', line: 'OPTIONS sip:127.0.43.1:5062 SIP/2.0' });
    const second = await playbook();
    expect(second.status).toBe(0);
    expect(second.recap).toEqual({ alpha: counts(8, 0), beta: counts(8, 0) });
  }, 180_000);

  it('an unhealthy proxy after a good install: rolled back, the host failed with a clear message', async () => {
    exportVersion('v2');
    responders[1]!.status = '503 Service Unavailable';
    try {
      const r = await playbook();
      expect(r.status).toBe(2);
      expect(r.recap).toEqual({ alpha: counts(9, 2), beta: counts(7, 3, 1, 1) });
      expect(r.stdout).toContain("branch beta: 'Ask the proxy for OPTIONS on its SIP address' failed (OPTIONS sip:127.0.43.2:5062 over udp: 503 Service Unavailable, expected 200)  -- install.sh --rollback: rolled back: kamailio.cfg");
      expect(installed('alpha')).toBe('# alpha v2\n');
      expect(installed('beta')).toBe('# beta v1\n');
    } finally {
      responders[1]!.status = '200 OK';
    }
  }, 180_000);

  it('a failing canary stops the rollout: the other routers are not touched', async () => {
    exportVersion('v3');
    writeFileSync(join(rootOf('alpha'), 'broken'), '');
    try {
      const r = await playbook();
      expect(r.status).toBe(2);
      expect(Object.keys(r.recap)).toEqual(['alpha']);
      expect(r.recap['alpha']).toEqual(counts(4, 1, 1, 1));
      expect(r.stdout).toContain("branch alpha: 'Run install.sh' failed (non-zero return code) install.sh: Kamailio did not come up: put every file back -- not rolled back here: a failed install.sh puts the previous files back itself");
      expect(installed('alpha')).toBe('# alpha v2\n');
      expect(installed('beta')).toBe('# beta v1\n');
      expect(readFileSync(join(rootOf('beta'), 'var/lib/surv/bundle/kamailio.cfg'), 'utf8')).toBe('# beta v2\n');
    } finally {
      rmSync(join(rootOf('alpha'), 'broken'));
    }
  }, 180_000);

  it('--tags rollback puts back what the last install replaced; --tags health then sees the cfg differs', async () => {
    const r = await playbook('--tags', 'rollback', '--limit', 'alpha');
    expect(r.status).toBe(0);
    expect(r.recap).toEqual({ alpha: counts(2, 1) });
    expect(r.stdout).toContain('"rolled back: kamailio.cfg"');
    expect(installed('alpha')).toBe('# alpha v1\n');
    const h = await playbook('--tags', 'health', '--limit', 'alpha');
    expect(h.status).toBe(2);
    expect(h.stdout).toMatch(/'Check that the installed kamailio\.cfg is the exported one' failed \(\S+\/etc\/kamailio\/kamailio\.cfg is not the kamailio\.cfg of this bundle \(sha256 [0-9a-f]{64}, manifest\.json says [0-9a-f]{64}\)\)/);
    expect(installed('alpha')).toBe('# alpha v1\n');
  }, 180_000);
});
