// The role's health-check module surv_sip_options, run by Debian's ansible on this
// machine against SIP peers on 127.0.43.x that answer as the test needs (late, 503,
// never, over TCP and TLS). The role itself is run by test/fleet/ over SSH against
// real routers: the real install.sh and a real Kamailio.
import { spawn, spawnSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sipOptionsModule } from '../../engines/export/ansible-module.js';

const work = mkdtempSync(join(tmpdir(), 'surv-ansible-role-'));
// TMPDIR: anything Ansible leaves in a temp folder lands in this test's own.
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

const responders: Responder[] = [];
/** The UDP peer on `address`: .10 answers 200 (late), .11 503, .12 never. */
const at = (address: string): Responder => responders.find((r) => r.socket.address().address === address)!;
let tcp: Server | undefined;
let tls: TlsServer | undefined;
const streamSeen: string[] = [];

beforeAll(async () => {
  if (spawnSync('sh', ['-c', 'command -v ansible-playbook && command -v openssl']).status !== 0) {
    throw new Error('ansible-playbook or openssl is missing: apt-get install ansible openssl');
  }
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
    const seen = at('127.0.43.10').seen;
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
    expect(at('127.0.43.12').seen.length).toBeGreaterThanOrEqual(2);
    expect(at('127.0.43.12').seen.length).toBeLessThanOrEqual(3);
  }, 60_000);

  it('TCP and TLS (not verified): skips the 100, returns the final 200', async () => {
    streamSeen.length = 0;
    expect(await ask('address=127.0.43.10 port=5063 transport=tcp')).toEqual({ ok: true, result: { changed: false, status: 200, reason: 'OK', uri: 'sip:127.0.43.10:5063' } });
    expect(await ask('address=127.0.43.10 port=5064 transport=tls')).toEqual({ ok: true, result: { changed: false, status: 200, reason: 'OK', uri: 'sip:127.0.43.10:5064' } });
    expect(streamSeen).toEqual(['127.0.43.10 OPTIONS sip:127.0.43.10:5063 SIP/2.0', '127.0.43.10 OPTIONS sip:127.0.43.10:5064 SIP/2.0']);
  }, 60_000);
});
