// The exported bundle cross-checked by an independent SIP implementation: SIPp plays
// the phones, the upstream and the gateway, each from its own XML scenario in
// fixtures/sipp/ that states what it must receive (a missing message, an unexpected
// one or a failed `<ereg check_it>` fails the SIPp call, so its exit code). Everything
// runs on 127.0.3.x (edge .1:5070, upstream .2:5080, gateway .3:5090, desks .10/.11).
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectSippPassed, requireSipp, startSipp, waitUdpBound, type Endpoint, type RunningSipp, type SippOptions, type SippResult } from './sipp-runner.js';
import { ensureBuilt, exportTo, removeExports, requireTools, root, startKamailio, type RunningKamailio } from './support.js';

const dir = join(root, 'test/kamailio/fixtures/sipp');
const fixture = join(dir, 'sipp.surv');
const edge = { address: '127.0.3.1', port: 5070 };
const upstream = { address: '127.0.3.2', port: 5080 };
const gateway = { address: '127.0.3.3', port: 5090 };
const desk1 = { address: '127.0.3.10', port: 5061 };
const desk2 = { address: '127.0.3.11', port: 5061 };
// Kamailio's tm timers tick every 62.5 ms and fire up to one tick early.
const tolerance = 150;

describe('the exported kamailio.cfg cross-checked with SIPp', () => {
  let kamailio: RunningKamailio | undefined;
  const running: RunningSipp[] = [];

  beforeAll(async () => {
    requireTools();
    requireSipp();
    await ensureBuilt();
    kamailio = await startKamailio(exportTo(fixture, 'debian'), edge);
  });

  afterAll(async () => {
    await kamailio?.stop();
    removeExports();
  });

  afterEach(async () => {
    for (const s of running.splice(0)) {
      s.kill();
      await s.done;
    }
  });

  function sipp(label: string, scenario: string, local: Endpoint, more: Partial<SippOptions> = {}): RunningSipp {
    const s = startSipp({
      label, scenario: join(dir, scenario), local, calls: 1, timeoutSeconds: 15, traceMessages: true,
      // A server that never got its call must fail too, not end quietly at the timeout.
      extra: ['-timeout_error'], ...more,
    });
    running.push(s);
    return s;
  }

  const server = (label: string, file: string, local: Endpoint) => ({ sipp: sipp(label, file, local), local });
  const client = (label: string, file: string, local: Endpoint) => sipp(label, file, local, { remote: edge });

  /** Servers first (bound before any client sends), then the clients; every SIPp must pass. */
  async function scenario(servers: readonly { sipp: RunningSipp; local: Endpoint }[], clients: () => readonly RunningSipp[]): Promise<Map<string, SippResult>> {
    await Promise.all(servers.map((s) => waitUdpBound(s.local, s.sipp)));
    const results = await Promise.all([...servers.map((s) => s.sipp), ...clients()].map((s) => s.done));
    expectSippPassed(results, kamailio?.log() ?? '');
    return new Map(results.map((r) => [r.label, r]));
  }

  /** `NAME TICK ...` lines of a scenario's log: SIPp's own ms clock when NAME happened. */
  function ticks(r: SippResult): Map<string, number> {
    return new Map(r.logs.map((l) => l.split(' ')).filter((f) => /^\d+$/.test(f[1] ?? '')).map((f) => [f[0]!, Number(f[1])]));
  }

  /** How often the INVITE reached a SIPp server: first copy and retransmissions, from its closing screen. */
  function invitesSeen(r: SippResult): { messages: number; retransmissions: number } {
    const rows = [...r.screen.matchAll(/-+> INVITE\s+(\d+)\s+(\d+)/g)];
    const last = rows[rows.length - 1];
    if (!last) throw new Error(`no INVITE row on ${r.label}'s screen:\n${r.screen}`);
    return { messages: Number(last[1]), retransmissions: Number(last[2]) };
  }

  function expectSurvivalTimes(r: SippResult): void {
    const t = ticks(r);
    const invite = t.get('INVITE');
    const at181 = t.get('181');
    const at302 = t.get('302');
    expect([invite, at181, at302].every((x) => x !== undefined), r.logs.join('\n')).toBe(true);
    // no-answer is 2 s in the fixture: the simulator says 181 and 302 both at 2,000 ms.
    expect(Math.abs(at181! - invite! - 2000)).toBeLessThan(tolerance);
    expect(at302! - at181!).toBeLessThan(20);
  }

  it('nothing listens at the upstream: 181 with the announce, then 302 to the gateway, at no-answer', async () => {
    const results = await scenario([], () => [client('phone', 'phone-survival.xml', desk1)]);
    const r = results.get('phone')!;
    expectSurvivalTimes(r);
    expect(r.logs.find((l) => l.startsWith('302 '))).toMatch(/ <sip:944000000@127\.0\.3\.3:5090>$/);
  });

  it('an upstream that takes the INVITE and never answers: the same survival; it saw the INVITE and two retransmissions', async () => {
    const results = await scenario([server('upstream', 'upstream-silent.xml', upstream)], () => [client('phone', 'phone-survival.xml', desk1)]);
    expectSurvivalTimes(results.get('phone')!);
    expect(results.get('upstream')!.logs).toEqual([expect.stringMatching(/^INVITE \d+ INVITE sip:944000000@127\.0\.3\.2:5080 SIP\/2\.0 +<sip:127\.0\.3\.1:5070;lr;$/)]);
    // tm resends at 0.5 and 1.5 s and gives up at 2 s (fr_timer = no-answer).
    expect(invitesSeen(results.get('upstream')!)).toEqual({ messages: 1, retransmissions: 2 });
  });

  it('an upstream 404 passes through unchanged (its reason, its To-tag) and no survival follows', async () => {
    const results = await scenario([server('upstream', 'upstream-404.xml', upstream)], () => [client('phone', 'phone-404.xml', desk1)]);
    expect(results.get('phone')!.logs).toEqual([expect.stringMatching(/^404 SIP\/2\.0 404 Not Found\r? ;tag=\d+SIPpTag011$/)]);
  });

  it('a normal call: 180 and 200 from the upstream, ACK and BYE along the Record-Route', async () => {
    const results = await scenario([server('upstream', 'upstream-answer.xml', upstream)], () => [client('phone', 'phone-call.xml', desk1)]);
    expect(results.get('phone')!.logs).toEqual(['200  <sip:127.0.3.1:5070;lr;']);
    expect(results.get('upstream')!.logs).toEqual([
      'INVITE INVITE sip:944000010@127.0.3.2:5080 SIP/2.0  <sip:127.0.3.1:5070;lr;',
      'ACK ACK sip:944000010@127.0.3.2:5080 SIP/2.0',
      'BYE BYE sip:944000010@127.0.3.2:5080 SIP/2.0',
    ]);
  });

  it('a call from the gateway forks to desk1 and desk2; desk1 answers, desk2 gets CANCEL and its 487 is ACKed', async () => {
    const results = await scenario(
      [server('desk1', 'desk-answers.xml', desk1), server('desk2', 'desk-cancelled.xml', desk2)],
      () => [client('gateway', 'gateway-call.xml', gateway)],
    );
    expect(results.get('desk1')!.logs).toEqual(['INVITE INVITE sip:101@127.0.3.10:5061 SIP/2.0  <sip:127.0.3.1:5070;lr;']);
    expect(results.get('desk2')!.logs).toEqual(['INVITE INVITE sip:102@127.0.3.11:5061 SIP/2.0', 'CANCEL  1 CANCEL']);
    expect(results.get('gateway')!.logs).toEqual(['200  <sip:101@127.0.3.10:5061>']);
  });

  it('REGISTER reaches the upstream registrar with Path <sip:127.0.3.1:5070;lr> and Supported: path', async () => {
    const results = await scenario([server('upstream', 'upstream-registrar.xml', upstream)], () => [client('phone', 'phone-register.xml', desk1)]);
    expect(results.get('upstream')!.logs).toEqual([
      'REGISTER REGISTER sip:127.0.3.2:5080 SIP/2.0 Path: <sip:127.0.3.1:5070;lr> Supported: path Contact: <sip:101@127.0.3.10:5061>',
    ]);
    expect(results.get('phone')!.logs).toEqual(['200  <sip:101@127.0.3.10:5061>;expires=300']);
  });
});
