// The second live branch (fixtures/loopback-critical.surv): serial failover over two
// upstreams, relay survival with rewriting and a hostile announce text, dispatcher
// probing with a hold-off, the local copy of registrations, a serial hunt group.
// The tests run in order: the probes mark the silent primary down while they run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../grammar/src/index.js';
import { simulate } from '../../engines/simulate/index.js';
import { ackFor, clock, header, invite, register, UdpActor, type SipMessage } from './sip.js';
import { ensureBuilt, exportTo, removeExports, requireTools, root, startKamailio, type RunningKamailio } from './support.js';

afterAll(removeExports);

const fixture = join(root, 'test/kamailio/fixtures/loopback-critical.surv');
const edge = { address: '127.0.0.1', port: 5070 };
const tolerance = 150;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function simulated(to: string, summary: string): number[] {
  const a = analyze([{ uri: fixture, text: readFileSync(fixture, 'utf8') }], { symbols: false });
  return simulate(a.model.branches[0]!, a.model.scenarios[0]!).trace.filter((e) => e.to === to && e.summary === summary && e.call === 0).map((e) => e.atMs);
}

describe('exported kamailio.cfg on loopback (critical-like branch)', () => {
  let kamailio: RunningKamailio;
  const time = clock();
  let desk1: UdpActor;
  let desk2: UdpActor;
  let roamer: UdpActor;
  let primary: UdpActor;
  let backup: UdpActor;
  let pstn: UdpActor;

  beforeAll(async () => {
    requireTools();
    await ensureBuilt();
    const bundle = exportTo(fixture, 'edgeos');
    // Bound before Kamailio starts: its first probe goes out 1 s after start-up.
    desk1 = await UdpActor.bind('desk1', '127.0.1.10', 5061, time.t0);
    desk2 = await UdpActor.bind('desk2', '127.0.1.11', 5061, time.t0);
    roamer = await UdpActor.bind('roamer', '127.0.1.12', 5061, time.t0);
    primary = await UdpActor.bind('primary', '127.0.0.2', 5080, time.t0);
    backup = await UdpActor.bind('backup', '127.0.0.4', 5080, time.t0);
    pstn = await UdpActor.bind('pstn', '127.0.0.3', 5090, time.t0);
    kamailio = await startKamailio(bundle, edge);
  });

  afterAll(async () => {
    await kamailio?.stop();
    for (const a of [desk1, desk2, roamer, primary, backup, pstn]) a?.close();
  });

  function dial(phone: UdpActor, user: string, number: string) {
    const sent = invite(phone, user, `sip:${number}@127.0.0.2:5080`);
    phone.onReply = (m) => {
      if (m.method === 'INVITE' && m.status !== undefined && m.status >= 300) phone.send(ackFor(sent, m), edge.address, edge.port);
    };
    for (const a of [desk1, desk2, roamer, primary, backup, pstn]) a.received.length = 0;
    time.reset();
    phone.send(sent.text, edge.address, edge.port);
    return sent;
  }

  const isInvite = (m: SipMessage) => m.method === 'INVITE' && m.status === undefined;
  const reply = (status: number) => (m: SipMessage) => m.status === status && m.method === 'INVITE';
  const answer = (actor: UdpActor, contact: string) => (m: SipMessage) => {
    if (m.method === 'INVITE') {
      actor.reply(m, 180, 'Ringing');
      actor.reply(m, 200, 'OK', [`Contact: <${contact}>`]);
    }
  };

  it('both upstreams silent: failover at no-answer, then the announce and the relay, as the simulator', async () => {
    pstn.onRequest = answer(pstn, 'sip:gw@127.0.0.3:5090');
    dial(desk1, '101', '0944000000');
    const r181 = await desk1.waitFor(reply(181), 3000, '181');
    const atGateway = await pstn.waitFor(isInvite, 1000, 'INVITE at the gateway');
    await desk1.waitFor(reply(200), 1000, '200');

    // The reason phrase arrives exactly as written in the .surv file.
    expect(r181.reason).toBe('Survival: "quoted" $rU `id` # \\ end');
    // Rewritten: 0 stripped, +34 prefixed; relayed to the gateway by the proxy itself.
    expect(atGateway.uri).toBe('sip:+34944000000@127.0.0.3:5090');
    const [sim181] = simulated('desk1', '181');
    expect(Math.abs(r181.at - sim181!)).toBeLessThan(tolerance);
    expect(Math.abs(atGateway.at - simulated('pstn', 'INVITE')[0]!)).toBeLessThan(tolerance);
    const atBackup = backup.received.filter(isInvite).map((m) => m.at);
    const simBackup = simulated('backup', 'INVITE');
    expect(atBackup).toHaveLength(simBackup.length);
    atBackup.forEach((t, i) => expect(Math.abs(t - simBackup[i]!)).toBeLessThan(tolerance));
  });

  let markedDownAt = 0;

  it('the probes mark the silent primary down; later calls go straight to the backup', async () => {
    for (let i = 0; i < 100 && !kamailio.log().includes('upstream primary marked down'); i++) await sleep(50);
    expect(kamailio.log()).toContain('upstream primary marked down');
    markedDownAt = performance.now();
    // The primary answers again from now on: probes, and calls.
    primary.onRequest = (m) => {
      if (m.method === 'OPTIONS') primary.reply(m, 200, 'OK');
      if (m.method === 'INVITE') primary.reply(m, 404, 'Not Found');
    };
    dial(desk2, '102', '944000001');
    const atBackup = await backup.waitFor(isInvite, 500, 'INVITE at the backup');
    expect(atBackup.at).toBeLessThan(50);
    await desk2.waitFor(reply(181), 2000, '181');
    expect(primary.received.filter(isInvite)).toEqual([]);
  });

  it('after answering probes, the primary gets calls again only once the hold-off is over', async () => {
    // up after 2 probes (about 2 s); hold-off 3 s from the mark: calls return 3.5 s after it
    // (the first probe at or after the hold-off; the simulator's rule).
    for (let i = 0; i < 100 && !kamailio.log().includes('upstream primary answers probes again'); i++) await sleep(50);
    expect(kamailio.log()).toContain('upstream primary answers probes again');
    const early = performance.now() - markedDownAt;
    expect(early).toBeLessThan(3000);
    dial(desk2, '102', '944000002');
    await backup.waitFor(isInvite, 500, 'INVITE at the backup (hold-off not over)');
    expect(primary.received.filter(isInvite)).toEqual([]);
    await sleep(3700 - (performance.now() - markedDownAt));
    dial(desk2, '102', '944000003');
    const back = await primary.waitFor(isInvite, 500, 'INVITE at the primary');
    expect(back.at).toBeLessThan(50);
    // The primary's 404 is in the pass list (4xx): it reaches the phone.
    await desk2.waitFor(reply(404), 1000, '404');
    expect(backup.received.filter(isInvite)).toEqual([]);
  });

  it('a final reply outside the pass list counts as a timeout: straight to the next upstream', async () => {
    primary.onRequest = (m) => {
      if (m.method === 'OPTIONS') primary.reply(m, 200, 'OK');
      if (m.method === 'INVITE') primary.reply(m, 500, 'Server Error');
    };
    backup.onRequest = (m) => { if (m.method === 'INVITE') backup.reply(m, 486, 'Busy Here'); };
    dial(desk1, '101', '944000004');
    const atBackup = await backup.waitFor(isInvite, 500, 'INVITE at the backup');
    expect(atBackup.at).toBeLessThan(50);
    const r486 = await desk1.waitFor(reply(486), 500, '486');
    expect(r486.at).toBeLessThan(tolerance);
    expect(desk1.received.some((m) => m.status === 500)).toBe(false);
  });

  it('REGISTER with no reply from the upstream: the local copy answers 200 at no-answer', async () => {
    primary.onRequest = (m) => { if (m.method === 'OPTIONS') primary.reply(m, 200, 'OK'); };
    const reg = register(roamer, '103', '127.0.0.2');
    roamer.received.length = 0;
    time.reset();
    roamer.send(reg.text, edge.address, edge.port);
    const forwarded = await primary.waitFor((m) => m.method === 'REGISTER', 500, 'REGISTER at the primary');
    expect(header(forwarded, 'Path')).toBe('<sip:127.0.0.1:5070;lr>');
    expect(header(forwarded, 'Supported')).toContain('path');
    const ok = await roamer.waitFor((m) => m.status === 200 && m.method === 'REGISTER', 2000, '200 to REGISTER');
    expect(Math.abs(ok.at - 1000)).toBeLessThan(tolerance);
    expect(header(ok, 'Contact')).toContain('sip:103@127.0.1.12:5061');
  });

  it('an incoming call walks the serial hunt group, then rings the registered roamer', async () => {
    desk1.onRequest = (m) => {
      if (m.method === 'INVITE') desk1.reply(m, 180, 'Ringing');
      if (m.method === 'CANCEL') { desk1.reply(m, 200, 'canceling'); }
    };
    desk2.onRequest = (m) => { if (m.method === 'INVITE') desk2.reply(m, 486, 'Busy Here'); };
    roamer.onRequest = answer(roamer, 'sip:103@127.0.1.12:5061');
    const sent = invite(pstn, '944555666', 'sip:944000999@127.0.0.1:5070');
    for (const a of [desk1, desk2, roamer, pstn]) a.received.length = 0;
    pstn.onReply = () => undefined;
    time.reset();
    pstn.send(sent.text, edge.address, edge.port);
    const d1 = await desk1.waitFor(isInvite, 500, 'INVITE at desk1');
    const d2 = await desk2.waitFor(isInvite, 2000, 'INVITE at desk2');
    const ro = await roamer.waitFor(isInvite, 1000, 'INVITE at the roamer');
    const ok = await pstn.waitFor(reply(200), 1000, '200 at the gateway');
    expect(d1.at).toBeLessThan(50);
    // Serial group: desk1 rings its 1 s, then desk2; desk2's 486 moves on to the roamer at once.
    expect(Math.abs(d2.at - 1000)).toBeLessThan(tolerance);
    expect(ro.at - d2.at).toBeLessThan(50);
    expect(ro.uri).toBe('sip:103@127.0.1.12:5061');
    expect(ok.at).toBeLessThan(1000 + tolerance);
    expect(desk1.received.some((m) => m.method === 'CANCEL')).toBe(true);
  });
});
