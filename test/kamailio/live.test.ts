// The exported kamailio.cfg running in a real Kamailio on loopback, with UDP actors for
// the phones, the upstream and the gateway, compared with the simulator where it says
// something (timings within 150 ms: Kamailio's timers fire 0-62.5 ms early).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../grammar/src/index.js';
import { simulate } from '../../engines/simulate/index.js';
import { ackFor, bindLoopbackBranch, clock, header, invite, UdpActor, type SipMessage } from './sip.js';
import { ensureBuilt, exportTo, removeExports, requireTools, root, startKamailio, type RunningKamailio } from './support.js';

afterAll(removeExports);

const fixture = join(root, 'test/kamailio/fixtures/loopback.surv');
const edge = { address: '127.0.0.1', port: 5070 };
const tolerance = 150;

/** The simulator's times (ms) of the messages `to` received with `status`, in the fixture's first scenario. */
function simulated(to: string, summary: string): number[] {
  const text = readFileSync(fixture, 'utf8');
  const a = analyze([{ uri: fixture, text }], { symbols: false });
  const branch = a.model.branches[0]!;
  const scenario = a.model.scenarios[0]!;
  return simulate(branch, scenario).trace.filter((e) => e.to === to && e.summary === summary && e.call === 0).map((e) => e.atMs);
}

describe('exported kamailio.cfg on loopback (bilbao-like branch)', () => {
  let kamailio: RunningKamailio | undefined;
  const time = clock();
  const actors: UdpActor[] = [];
  let phone: UdpActor;
  let desk2: UdpActor;
  let upstream: UdpActor;
  let gateway: UdpActor;

  beforeAll(async () => {
    requireTools();
    await ensureBuilt();
    const bundle = exportTo(fixture, 'debian');
    kamailio = await startKamailio(bundle, edge);
  });

  afterAll(async () => {
    await kamailio?.stop();
  });

  afterEach(() => {
    for (const a of actors.splice(0)) a.close();
  });

  async function actorsUp(): Promise<void> {
    ({ phone, desk2, upstream, gateway } = await bindLoopbackBranch(time.t0));
    actors.push(phone, upstream, gateway, desk2);
  }

  /** The phone dials; it ACKs every non-2xx final reply, as a phone does. */
  function dial(number: string) {
    const sent = invite(phone, '101', `sip:${number}@127.0.0.2:5080`);
    phone.onReply = (m) => {
      if (m.method === 'INVITE' && m.status !== undefined && m.status >= 300) phone.send(ackFor(sent, m), edge.address, edge.port);
    };
    time.reset();
    phone.send(sent.text, edge.address, edge.port);
    return sent;
  }

  const reply = (status: number) => (m: SipMessage) => m.status === status && m.method === 'INVITE';

  it('silent upstream: 181 then 302 to the gateway at no-answer, as the simulator', async () => {
    await actorsUp();
    dial('944000000');
    const r181 = await phone.waitFor(reply(181), 4000, '181');
    const r302 = await phone.waitFor(reply(302), 1000, '302');

    expect(r181.reason).toBe('Survival Activated - please standby');
    expect(headers302(r302)).toEqual(['<sip:944000000@127.0.0.3:5090>']);
    const [sim181] = simulated('desk1', '181');
    const [sim302] = simulated('desk1', '302');
    expect(sim181).toBe(2000);
    expect(Math.abs(r181.at - sim181!)).toBeLessThan(tolerance);
    expect(Math.abs(r302.at - sim302!)).toBeLessThan(tolerance);
    expect(r302.at - r181.at).toBeLessThan(20);

    // The upstream got the INVITE and its retransmissions at the simulator's times.
    const invites = upstream.received.filter((m) => m.method === 'INVITE').map((m) => m.at);
    const simInvites = simulated('cloud', 'INVITE');
    expect(simInvites).toEqual([0, 500, 1500]);
    expect(invites).toHaveLength(simInvites.length);
    invites.forEach((t, i) => expect(Math.abs(t - simInvites[i]!)).toBeLessThan(tolerance));
    // Nothing else reached the phone: 100, 181, 302 (and nothing went to the gateway).
    await new Promise((r) => setTimeout(r, 300));
    expect(phone.received.map((m) => m.status)).toEqual([100, 181, 302]);
    expect(gateway.received).toEqual([]);
  });

  function headers302(m: SipMessage): string[] {
    return m.text.split('\r\n').filter((l) => /^Contact:/i.test(l)).map((l) => l.replace(/^Contact:\s*/i, ''));
  }

  it('an upstream that answers 404 is alive: the 404 passes unchanged, no survival', async () => {
    await actorsUp();
    upstream.onRequest = (m) => { if (m.method === 'INVITE') upstream.reply(m, 404, 'Not Found'); };
    dial('944999999');
    const r404 = await phone.waitFor(reply(404), 1000, '404');
    expect(r404.at).toBeLessThan(tolerance);
    expect(header(r404, 'To')).toContain('tag=uas1');
    await new Promise((r) => setTimeout(r, 2300));
    expect(phone.received.map((m) => m.status)).toEqual([100, 404]);
  });

  it('an upstream 503 reaches the phone as 500 (tm remap_503_500)', async () => {
    await actorsUp();
    upstream.onRequest = (m) => { if (m.method === 'INVITE') upstream.reply(m, 503, 'Service Unavailable'); };
    dial('944999998');
    const r500 = await phone.waitFor(reply(500), 1000, '500');
    expect(r500.at).toBeLessThan(tolerance);
  });

  it('a call that rang and was not answered gets 408 at ringing, never survival', async () => {
    await actorsUp();
    upstream.onRequest = (m) => { if (m.method === 'INVITE') upstream.reply(m, 180, 'Ringing'); };
    dial('944123456');
    await phone.waitFor(reply(180), 1000, '180');
    const r408 = await phone.waitFor(reply(408), 8000, '408');
    // ringing is 6 s in the fixture, counted from the 180.
    expect(Math.abs(r408.at - 6000)).toBeLessThan(tolerance);
    expect(phone.received.some((m) => m.status === 181 || m.status === 302)).toBe(false);
    const cancel = await upstream.waitFor((m) => m.method === 'CANCEL', 1000, 'CANCEL');
    expect(cancel.at).toBeGreaterThanOrEqual(r408.at - 5);
  });

  it('an emergency number goes straight to the gateway, not the upstream', async () => {
    await actorsUp();
    gateway.onRequest = (m) => { if (m.method === 'INVITE') gateway.reply(m, 200, 'OK', ['Contact: <sip:112@127.0.0.3:5090>']); };
    dial('112');
    const r200 = await phone.waitFor(reply(200), 1000, '200');
    expect(r200.at).toBeLessThan(tolerance);
    expect(upstream.received).toEqual([]);
    expect(gateway.received[0]?.method).toBe('INVITE');
  });

  /** The gateway places an incoming call to `number`; it ACKs non-2xx finals. */
  function incoming(number: string) {
    const sent = invite(gateway, '944555666', `sip:${number}@127.0.0.1:5070`);
    gateway.onReply = (m) => {
      if (m.method === 'INVITE' && m.status !== undefined && m.status >= 300) gateway.send(ackFor(sent, m), edge.address, edge.port);
    };
    time.reset();
    gateway.send(sent.text, edge.address, edge.port);
  }

  const isInvite = (m: SipMessage) => m.method === 'INVITE' && m.status === undefined;

  it('an incoming call forks to the front group in parallel; the answer wins, the other phone gets CANCEL', async () => {
    await actorsUp();
    phone.onRequest = (m) => {
      if (m.method === 'INVITE') phone.reply(m, 180, 'Ringing', [], 'd1');
      if (m.method === 'CANCEL') phone.reply(m, 200, 'canceling', [], 'd1');
    };
    desk2.onRequest = (m) => {
      if (m.method !== 'INVITE') return;
      desk2.reply(m, 180, 'Ringing', [], 'd2');
      setTimeout(() => desk2.reply(m, 200, 'OK', ['Contact: <sip:102@127.0.1.11:5061>'], 'd2'), 500);
    };
    incoming('944000100');
    const [a, b] = await Promise.all([phone.waitFor(isInvite, 500, 'INVITE at desk1'), desk2.waitFor(isInvite, 500, 'INVITE at desk2')]);
    expect(a.uri).toBe('sip:101@127.0.1.10:5061');
    expect(b.uri).toBe('sip:102@127.0.1.11:5061');
    const ok = await gateway.waitFor(reply(200), 1500, '200 at the gateway');
    expect(Math.abs(ok.at - 500)).toBeLessThan(tolerance);
    const cancel = await phone.waitFor((m) => m.method === 'CANCEL', 500, 'CANCEL at desk1');
    expect(cancel.at - ok.at).toBeLessThan(50);
  });

  it('an incoming call nobody can take: every step ends, the first real final reply (486) goes back', async () => {
    await actorsUp();
    phone.onRequest = (m) => { if (m.method === 'INVITE') phone.reply(m, 486, 'Busy Here', [], 'd1'); };
    desk2.onRequest = (m) => { if (m.method === 'INVITE') desk2.reply(m, 486, 'Busy Here', [], 'd2'); };
    incoming('944000101');
    const busy = await gateway.waitFor(reply(486), 1500, '486 at the gateway');
    expect(busy.at).toBeLessThan(tolerance);
    expect(busy.reason).toBe('Busy Here');
    // Step 1 (both), then step 2 (desk1 alone) rang desk1 a second time.
    expect(phone.received.filter(isInvite)).toHaveLength(2);
    expect(desk2.received.filter(isInvite)).toHaveLength(1);
  });

  it('a live tunable changes the no-answer time without a restart (kamcmd cfg.seti survival no_answer)', async () => {
    await actorsUp();
    kamailio!.kamcmd('cfg.seti', 'survival', 'no_answer', '1000');
    try {
      dial('944000002');
      const r181 = await phone.waitFor(reply(181), 3000, '181');
      expect(Math.abs(r181.at - 1000)).toBeLessThan(tolerance);
    } finally {
      kamailio!.kamcmd('cfg.seti', 'survival', 'no_answer', '2000');
    }
    expect(kamailio!.kamcmd('cfg.get', 'survival', 'no_answer').trim()).toBe('2000');
  });
});
