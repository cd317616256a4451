// The Ansible role's health check (module surv_sip_options, as `surv export --ansible`
// writes it) against the exported kamailio.cfg in Debian's Kamailio: the cfg answers 200
// to an OPTIONS sent from its own address (the `src_ip == myself` rule), over UDP and TCP,
// and 403 to the same OPTIONS from any other source, which is why the module binds the
// proxy's address. H3's loopback range, 127.0.43.x.
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ansibleFleet } from '../cli/ansible-fixture.js';
import { ensureBuilt, requireTools, startKamailio, surv, type RunningKamailio } from './support.js';

const work = mkdtempSync(join(tmpdir(), 'surv-ansible-health-'));
const project = join(work, 'project');
const running: RunningKamailio[] = [];

/** The module run by `ansible` on this host, as the role runs it on a router. */
function ask(args: string): Promise<{ ok: boolean; result: Record<string, unknown> }> {
  return new Promise((done, fail) => {
    const child = spawn('ansible', ['all', '-i', 'localhost,', '-c', 'local', '-e', 'ansible_python_interpreter=/usr/bin/python3',
      '-M', join(project, 'roles/surv_branch/library'), '-m', 'surv_sip_options', '-a', args, '-o'], {
      env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCAL_TEMP: join(work, 'ansible-tmp') },
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString('utf8'); });
    child.on('error', (e) => fail(new Error(`ansible could not run (${e.message}): apt-get install ansible`)));
    child.on('close', () => {
      const m = /^localhost \| (SUCCESS|FAILED!) => (.*)$/m.exec(out);
      if (!m) fail(new Error(`unexpected output: ${out}`));
      else done({ ok: m[1] === 'SUCCESS', result: JSON.parse(m[2]!) as Record<string, unknown> });
    });
  });
}

/** The same OPTIONS from another address: the status line of the reply. */
function optionsFrom(source: string, address: string, port: number): Promise<string> {
  const socket = createSocket('udp4');
  return new Promise((done, fail) => {
    const timer = setTimeout(() => { socket.close(); fail(new Error('no reply')); }, 3000);
    socket.on('message', (msg) => { clearTimeout(timer); socket.close(); done(msg.toString('utf8').split('\r\n')[0]!); });
    socket.bind(0, source, () => {
      const local = socket.address().port;
      socket.send([
        `OPTIONS sip:${address}:${port} SIP/2.0`, `Via: SIP/2.0/UDP ${source}:${local};branch=z9hG4bKother;rport`, 'Max-Forwards: 70',
        `From: <sip:x@${source}>;tag=1`, `To: <sip:${address}:${port}>`, 'Call-ID: other@surv', 'CSeq: 1 OPTIONS', 'Content-Length: 0', '', '',
      ].join('\r\n'), port, address);
    });
  });
}

beforeAll(async () => {
  requireTools();
  if (spawnSync('sh', ['-c', 'command -v ansible']).status !== 0) throw new Error('ansible is missing: apt-get install ansible');
  await ensureBuilt();
  // st-2 listens on UDP too here: the start-up probe of startKamailio asks over UDP.
  writeFileSync(join(work, 'fleet.surv'), ansibleFleet.replace('edge listen tcp 127.0.43.2:5060', 'edge listen udp 127.0.43.2:5060, tcp 127.0.43.2:5060'));
  const run = surv(['export', join(work, 'fleet.surv'), '--ansible', project]);
  if (run.status !== 0) throw new Error(run.stderr);
  running.push(await startKamailio(join(project, 'bundles/alpha'), { address: '127.0.43.1', port: 5062 }));
  running.push(await startKamailio(join(project, 'bundles/st-2'), { address: '127.0.43.2', port: 5060 }));
}, 120_000);

afterAll(async () => {
  for (const k of running) await k.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('the health check against the exported cfg in Kamailio', () => {
  it('UDP (alpha): 200 OK from the proxy\'s own address; 403 from any other', async () => {
    expect(await ask('address=127.0.43.1 port=5062 transport=udp')).toEqual({ ok: true, result: { changed: false, status: 200, reason: 'OK', uri: 'sip:127.0.43.1:5062' } });
    expect(await optionsFrom('127.0.43.9', '127.0.43.1', 5062)).toBe('SIP/2.0 403 Forbidden');
  }, 60_000);

  it('TCP (st-2): 200 OK', async () => {
    expect(await ask('address=127.0.43.2 port=5060 transport=tcp')).toEqual({ ok: true, result: { changed: false, status: 200, reason: 'OK', uri: 'sip:127.0.43.2:5060' } });
  }, 60_000);

  it('a proxy that is not there: the check fails after its timeout', async () => {
    expect(await ask('address=127.0.43.1 port=5099 transport=udp timeout=1')).toEqual({
      ok: false, result: { changed: false, msg: 'OPTIONS sip:127.0.43.1:5099 over udp: no reply within 1 s', uri: 'sip:127.0.43.1:5099' },
    });
  }, 60_000);
});
