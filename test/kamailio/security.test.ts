// The trust model (docs/security.md) against the exported kamailio.cfg in a real
// Kamailio: each attack from issue 10, sent from a stranger's own loopback address,
// gets its exact reply, and the actor it aimed at receives nothing. Then a flood: pike
// and ratelimit hold a stranger back while the branch's phones keep calling.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bindLoopbackBranch, clock, header, UdpActor, unique, type SipMessage } from './sip.js';
import { ensureBuilt, exportTo, removeExports, requireTools, root, startKamailio, type RunningKamailio } from './support.js';

afterAll(removeExports);

// The live tests' branch: edge 127.0.0.1:5070, LAN 127.0.1.0/24, upstream 127.0.0.2:5080,
// gateway 127.0.0.3:5090. Strangers sit on 127.0.0.20 and up: outside every LAN. The
// "foreign host" an attacker aims at is 127.0.0.30, bound and listened to, so a relay
// would show, and a regression could never send traffic off this machine.
const fixture = join(root, 'test/kamailio/fixtures/loopback.surv');
const edge = { address: '127.0.0.1', port: 5070 };
const edgeUri = `sip:${edge.address}:${edge.port}`;
const quiet = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Request {
  readonly method: string;
  readonly uri: string;
  readonly route?: readonly string[];
  /** A To-tag makes it an in-dialog request (here: a forged one). */
  readonly toTag?: string;
  readonly user?: string;
}

/** A request from `from`, sent to the edge, with its own Call-ID and branch. */
function send(from: UdpActor, r: Request): { callId: string } {
  const callId = unique('sec');
  const user = r.user ?? 'attacker';
  const lines = [
    `${r.method} ${r.uri} SIP/2.0`,
    `Via: SIP/2.0/UDP ${from.address}:${from.port};branch=${unique('z9hG4bK')};rport`,
    'Max-Forwards: 70',
    ...(r.route ?? []).map((x) => `Route: <${x}>`),
    `From: <sip:${user}@${from.address}>;tag=${unique('ft')}`,
    `To: <${r.uri}>${r.toTag ? `;tag=${r.toTag}` : ''}`,
    `Call-ID: ${callId}`,
    `CSeq: 1 ${r.method}`,
    `Contact: <sip:${user}@${from.address}:${from.port}>`,
    ...(r.method === 'REGISTER' ? ['Expires: 300'] : []),
    ...(r.method === 'MESSAGE' ? ['Content-Type: text/plain'] : []),
    `Content-Length: ${r.method === 'MESSAGE' ? 5 : 0}`,
    '',
    r.method === 'MESSAGE' ? 'hello' : '',
  ];
  from.send(lines.join('\r\n'), edge.address, edge.port);
  return { callId };
}

const finalFor = (callId: string) => (m: SipMessage) => m.status !== undefined && m.status >= 200 && header(m, 'Call-ID') === callId;

describe('the trust model in a real Kamailio (exported loopback branch)', () => {
  let kamailio: RunningKamailio | undefined;
  const time = clock();
  const actors: UdpActor[] = [];
  let phone: UdpActor;
  let desk2: UdpActor;
  let upstream: UdpActor;
  let gateway: UdpActor;
  let foreign: UdpActor;
  const foreignUri = 'sip:127.0.0.30:5060';

  beforeAll(async () => {
    requireTools();
    await ensureBuilt();
    kamailio = await startKamailio(exportTo(fixture, 'debian'), edge);
  });

  afterAll(async () => {
    await kamailio?.stop();
  });

  afterEach(() => {
    for (const a of actors.splice(0)) a.close();
  });

  async function bind(name: string, address: string, port: number): Promise<UdpActor> {
    const a = await UdpActor.bind(name, address, port, time.t0);
    actors.push(a);
    return a;
  }

  async function branchUp(): Promise<void> {
    ({ phone, desk2, upstream, gateway } = await bindLoopbackBranch(time.t0));
    actors.push(phone, desk2, upstream, gateway);
    foreign = await bind('foreign', '127.0.0.30', 5060);
  }

  /** Nothing at all reached any actor of the branch (the edge's replies go to the sender only). */
  function branchReceivedNothing(): void {
    expect({ desk1: phone.received, desk2: desk2.received, cloud: upstream.received, pstn: gateway.received, foreign: foreign.received })
      .toEqual({ desk1: [], desk2: [], cloud: [], pstn: [], foreign: [] });
  }

  /** Sends `r` from `from` and returns its final reply (status and reason). */
  async function attempt(from: UdpActor, r: Request): Promise<string> {
    const { callId } = send(from, r);
    const reply = await from.waitFor(finalFor(callId), 2000, `a final reply to ${r.method}`);
    return `${reply.status} ${reply.reason}`;
  }

  it('a stranger\'s INVITE to the gateway\'s address (toll fraud): 403, the gateway receives nothing', async () => {
    await branchUp();
    const stranger = await bind('stranger', '127.0.0.20', 5060);
    expect(await attempt(stranger, { method: 'INVITE', uri: 'sip:0900123456@127.0.0.3:5090' })).toBe('403 Forbidden');
    expect(await attempt(stranger, { method: 'INVITE', uri: 'sip:0900123456@127.0.0.3' })).toBe('403 Forbidden');
    await quiet(500);
    branchReceivedNothing();
    // Stateless: no 100 Trying first, only the 403s.
    expect(stranger.received.map((m) => m.status)).toEqual([403, 403]);
    expect(kamailio!.log()).toContain('surv: refused INVITE from 127.0.0.20:5060: outside the trust model');
  });

  it('a stranger\'s INVITE with a preloaded Route through the edge to the gateway: 403, nothing relayed', async () => {
    await branchUp();
    const stranger = await bind('stranger', '127.0.0.21', 5060);
    const route = [`${edgeUri};lr`, 'sip:127.0.0.3:5090;lr'];
    expect(await attempt(stranger, { method: 'INVITE', uri: 'sip:0900123456@127.0.0.1:5070', route })).toBe('403 Forbidden');
    expect(await attempt(stranger, { method: 'INVITE', uri: 'sip:0900123456@127.0.0.30', route: [`${foreignUri};lr`] })).toBe('403 Forbidden');
    await quiet(500);
    branchReceivedNothing();
  });

  it('a preloaded Route past the edge is refused from trusted sources too', async () => {
    await branchUp();
    const route = [`${edgeUri};lr`, 'sip:127.0.0.3:5090;lr'];
    expect(await attempt(phone, { method: 'INVITE', uri: 'sip:0900123456@127.0.0.3:5090', route, user: '101' })).toBe('403 Preloaded Route Refused');
    expect(await attempt(upstream, { method: 'INVITE', uri: 'sip:101@127.0.1.10:5061', route: [`${edgeUri};lr`, `${foreignUri};lr`] })).toBe('403 Preloaded Route Refused');
    await quiet(500);
    expect([...gateway.received, ...foreign.received]).toEqual([]);
    expect(phone.received.filter((m) => m.method !== 'INVITE' || m.status === undefined)).toEqual([]);
  });

  it('a stranger\'s INVITE straight to a LAN phone\'s address: 403, the phone receives nothing', async () => {
    await branchUp();
    const stranger = await bind('stranger', '127.0.0.22', 5060);
    expect(await attempt(stranger, { method: 'INVITE', uri: 'sip:101@127.0.1.10:5061' })).toBe('403 Forbidden');
    expect(await attempt(stranger, { method: 'INVITE', uri: 'sip:101@127.0.0.1:5070' })).toBe('403 Forbidden');
    await quiet(500);
    branchReceivedNothing();
  });

  it('REGISTER, OPTIONS and MESSAGE from a stranger: 403 each, nothing reaches the upstream or a phone', async () => {
    await branchUp();
    const stranger = await bind('stranger', '127.0.0.23', 5060);
    expect(await attempt(stranger, { method: 'REGISTER', uri: 'sip:127.0.0.2:5080' })).toBe('403 Forbidden');
    expect(await attempt(stranger, { method: 'OPTIONS', uri: edgeUri })).toBe('403 Forbidden');
    expect(await attempt(stranger, { method: 'OPTIONS', uri: 'sip:127.0.0.3:5090' })).toBe('403 Forbidden');
    expect(await attempt(stranger, { method: 'MESSAGE', uri: 'sip:101@127.0.1.10:5061' })).toBe('403 Forbidden');
    expect(await attempt(stranger, { method: 'MESSAGE', uri: 'sip:101@127.0.0.2:5080' })).toBe('403 Forbidden');
    await quiet(500);
    branchReceivedNothing();
  });

  it('in-dialog requests with a forged To-tag from a stranger: 403, nothing relayed', async () => {
    await branchUp();
    const stranger = await bind('stranger', '127.0.0.24', 5060);
    const rr = [`${edgeUri};lr;r2=on`, 'sip:127.0.1.10:5061;lr'];
    expect(await attempt(stranger, { method: 'BYE', uri: 'sip:101@127.0.1.10:5061', toTag: 'forged1', route: rr })).toBe('403 Forbidden');
    expect(await attempt(stranger, { method: 'INVITE', uri: 'sip:0900@127.0.0.3:5090', toTag: 'forged2', route: [`${edgeUri};lr`] })).toBe('403 Forbidden');
    expect(await attempt(stranger, { method: 'CANCEL', uri: 'sip:0900@127.0.0.3:5090' })).toBe('403 Forbidden');
    await quiet(500);
    branchReceivedNothing();
  });

  it('an upstream may reach the branch\'s phones, never its gateway; it may not register', async () => {
    await branchUp();
    expect(await attempt(upstream, { method: 'INVITE', uri: 'sip:0900123456@127.0.0.3:5090' })).toBe('403 Relaying Denied');
    expect(await attempt(upstream, { method: 'MESSAGE', uri: 'sip:0900123456@127.0.0.3:5090' })).toBe('403 Relaying Denied');
    expect(await attempt(upstream, { method: 'INVITE', uri: 'sip:0900123456@127.0.0.30' })).toBe('403 Relaying Denied');
    expect(await attempt(upstream, { method: 'REGISTER', uri: 'sip:127.0.0.1:5070' })).toBe('403 Not From This Branch');
    await quiet(300);
    expect([...gateway.received, ...foreign.received]).toEqual([]);
    // The PBX's call to a phone is what an upstream is trusted for: it arrives.
    phone.onRequest = (m) => { if (m.method === 'INVITE') phone.reply(m, 486, 'Busy Here'); };
    expect(await attempt(upstream, { method: 'INVITE', uri: 'sip:101@127.0.1.10:5061' })).toBe('486 Busy Here');
    expect(phone.received.filter((m) => m.method === 'INVITE' && m.status === undefined)).toHaveLength(1);
  });

  it('a gateway may send calls in, nothing else: its MESSAGE to a phone is refused', async () => {
    await branchUp();
    expect(await attempt(gateway, { method: 'MESSAGE', uri: 'sip:101@127.0.1.10:5061' })).toBe('403 Relaying Denied');
    expect(await attempt(gateway, { method: 'OPTIONS', uri: edgeUri })).toBe('200 OK');
    await quiet(300);
    expect(phone.received).toEqual([]);
  });

  it('a flood from one stranger is cut off by pike while the branch\'s phones keep calling', async () => {
    await branchUp();
    const stranger = await bind('flooder', '127.0.0.25', 5060);
    // Every call of the phones is answered at once by the upstream.
    upstream.onRequest = (m) => {
      if (m.method === 'INVITE') {
        upstream.reply(m, 180, 'Ringing');
        upstream.reply(m, 200, 'OK', [`Contact: <sip:pbx@${upstream.address}:${upstream.port}>`]);
      }
    };
    const flood = { sent: 0 };
    const started = Date.now();
    // About 3,000 requests a second for 3 s, in bursts of 30 every 10 ms.
    const timer = setInterval(() => {
      if (Date.now() - started > 3000) return;
      for (let i = 0; i < 30; i++) {
        send(stranger, { method: 'INVITE', uri: `sip:0900${flood.sent}@127.0.0.3:5090`, user: 'flooder' });
        flood.sent++;
      }
    }, 10);
    const calls: Promise<string>[] = [];
    try {
      // Twenty calls from the two phones while the flood runs.
      for (let i = 0; i < 20; i++) {
        const caller = i % 2 === 0 ? phone : desk2;
        const { callId } = send(caller, { method: 'INVITE', uri: `sip:94400${1000 + i}@127.0.0.2:5080`, user: caller === phone ? '101' : '102' });
        calls.push(caller.waitFor(finalFor(callId), 5000, `the final reply to call ${i}`).then((m) => `${m.status}`));
        await quiet(125);
      }
      const results = await Promise.all(calls);
      expect(results).toEqual(Array.from({ length: 20 }, () => '200'));
    } finally {
      clearInterval(timer);
    }
    await quiet(500);
    const answered = stranger.received.length;
    // The figures for docs/security.md.
    console.log(`flood: ${flood.sent} requests from one stranger in ${(Math.min(3000, Date.now() - started) / 1000).toFixed(1)} s, ${answered} answered (403), the rest dropped; 20 of 20 LAN calls completed`);
    expect(flood.sent).toBeGreaterThan(5000);
    // pike lets the first requests of a window through to their 403, then drops the rest.
    expect(answered).toBeGreaterThan(0);
    expect(answered).toBeLessThan(flood.sent / 20);
    expect(stranger.received.every((m) => m.status === 403)).toBe(true);
    expect(gateway.received).toEqual([]);
    const requests = [...upstream.received, ...phone.received, ...desk2.received].filter((m) => m.status === undefined);
    expect(requests.filter((m) => header(m, 'From')?.includes('flooder'))).toEqual([]);
    expect(upstream.received.filter((m) => m.status === undefined && m.method === 'INVITE')).toHaveLength(20);
  });
});
