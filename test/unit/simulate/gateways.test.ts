// Several gateways (issue 12, item 2), as exact traces: failover down a relay list on no
// reply and on 503, a gateway full by the edge's own count (skipped without sending),
// every gateway full (the edge's 503), emergency lists, redirect lists and probed
// gateways. The same cases run against the real Kamailio in
// test/kamailio/fixtures/replay/gateways.surv.
import { describe, expect, it } from 'vitest';
import { startLine } from '../../../engines/simulate/message.js';
import { causes, lines, scenarioOf, simulateText } from './helpers.js';
import { simulate } from '../../../engines/simulate/index.js';

const FIXTURE = 'test/kamailio/fixtures/replay/gateways.surv';
const run = (title: string) => {
  const { branch, scenario } = scenarioOf(FIXTURE, title);
  return simulate(branch, scenario);
};

describe('simulate: a survival relay list (relay to lte, isdn)', () => {
  it('lte silent: after no-answer the same number goes to isdn, which answers', () => {
    const r = run('lte silent: isdn answers');
    expect(causes(r.trace, (t) => t.atMs >= 2000 && t.atMs <= 4000)).toEqual([
      '2000 edge>desk1 181 | fr_timer fired on cloud (no reply at all); survival: announce',
      '2000 edge>lte INVITE | fr_timer fired on cloud (no reply at all); survival: relay to lte',
      '2500 edge>lte INVITE | Timer A retransmission 1',
      '3500 edge>lte INVITE | Timer A retransmission 2',
      '4000 edge>isdn INVITE | fr_timer fired on lte (no reply at all): failover to isdn',
      '4000 isdn>edge 100 | isdn up: Trying',
      '4000 isdn>edge 180 | isdn up: ringing',
      '4000 edge>desk1 180 | 180 from isdn relayed',
    ]);
    expect(r.trace.find((t) => t.to === 'isdn' && t.summary === 'INVITE')!.message.uri).toBe('sip:944000001@127.0.21.4');
    expect(r.calls[0]).toMatchObject({ finalCode: 200, finals: [{ code: 200, atMs: 6000 }], path: ['desk1', 'edge', 'cloud', 'lte', 'isdn'] });
  });

  it('lte 503: isdn at once; neither the 503 nor tm\'s 500 reaches the phone', () => {
    const r = run('lte 503: isdn answers');
    expect(causes(r.trace, (t) => t.atMs === 2000 && t.summary !== '100' && t.summary !== '180')).toEqual([
      '2000 edge>desk1 181 | fr_timer fired on cloud (no reply at all); survival: announce',
      '2000 edge>lte INVITE | fr_timer fired on cloud (no reply at all); survival: relay to lte',
      '2000 lte>edge 503 | lte answers 503',
      '2000 edge>lte ACK | ACK for 503',
      '2000 edge>isdn INVITE | 503 from lte: failover to isdn',
    ]);
    expect(lines(r.trace, (t) => t.to === 'desk1' && t.status !== undefined && t.method === 'INVITE')).toEqual([
      '0 edge>desk1 100', '2000 edge>desk1 181', '2000 edge>desk1 180', '4000 edge>desk1 200',
    ]);
  });

  it('lte full: the second call is never sent to lte, it goes to isdn', () => {
    const r = run('lte full: the second call goes to isdn');
    expect(causes(r.trace, (t) => t.call === 1 && t.atMs === 5000 && t.from === 'edge' && t.summary !== '180')).toEqual([
      '5000 edge>desk2 181 | fr_timer fired on cloud (no reply at all); survival: announce',
      '5000 edge>isdn INVITE | fr_timer fired on cloud (no reply at all); survival: relay to isdn (lte full: 1 channels in use)',
    ]);
    expect(r.calls.map((c) => c.path)).toEqual([['desk1', 'edge', 'cloud', 'lte'], ['desk2', 'edge', 'cloud', 'isdn']]);
  });

  it('all full: the fourth call gets the edge\'s own 503 No Gateway Available, and no gateway hears of it', () => {
    const r = run('all full: 503 No Gateway Available');
    expect(causes(r.trace, (t) => t.call === 3 && t.atMs === 5000)).toEqual([
      '5000 edge>desk4 181 | fr_timer fired on cloud (no reply at all); survival: announce',
      '5000 edge>desk4 503 | fr_timer fired on cloud (no reply at all); survival (lte full: 1 channels in use) (isdn full: 2 channels in use): no gateway left, 503',
      '5000 desk4>edge ACK | ACK for 503',
    ]);
    const refused = r.trace.find((t) => t.to === 'desk4' && t.status === 503)!;
    expect(startLine(refused.message)).toBe('SIP/2.0 503 No Gateway Available');
    expect(r.calls.map((c) => [c.caller, c.finalCode, c.path[c.path.length - 1]])).toEqual([
      ['desk1', 200, 'lte'], ['desk2', 200, 'isdn'], ['desk3', 200, 'isdn'], ['desk4', 503, 'cloud'],
    ]);
  });

  it('a failover frees the channel of the gateway left: the next call gets lte while the first still talks on isdn', () => {
    const r = run('a failover frees its channel: the next call gets lte');
    expect(causes(r.trace, (t) => t.from === 'edge' && t.summary === 'INVITE' && (t.to === 'lte' || t.to === 'isdn') && !t.cause.startsWith('Timer'))).toEqual([
      '2000 edge>lte INVITE | fr_timer fired on cloud (no reply at all); survival: relay to lte',
      '2000 edge>isdn INVITE | 503 from lte: failover to isdn',
      '5000 edge>lte INVITE | fr_timer fired on cloud (no reply at all); survival: relay to lte',
    ]);
    expect(r.calls.map((c) => c.path[c.path.length - 1])).toEqual(['isdn', 'lte']);
  });

  it('a BYE frees the channel: a fifth call after the first hung up gets lte again', () => {
    const { branch, scenario } = scenarioOf(FIXTURE, 'all full: 503 No Gateway Available');
    const later = { ...scenario, events: [...scenario.events, { ...scenario.events[3]!, atMs: 10_000 }] };
    const r = simulate(branch, later);
    expect(r.calls[4]).toMatchObject({ caller: 'desk4', startMs: 10_000, finalCode: 200, path: ['desk4', 'edge', 'cloud', 'lte'] });
  });
});

describe('simulate: an emergency list (emergency 112 direct to isdn, lte)', () => {
  it('isdn busy: lte takes the call at once, the number as dialled, addressed to lte', () => {
    const r = run('emergency 112: isdn busy, lte answers');
    expect(causes(r.trace, (t) => t.atMs === 0)).toEqual([
      '0 desk1>edge INVITE | scenario: call placed',
      '0 edge>desk1 100 | tm: auto 100 Trying',
      '0 edge>isdn INVITE | emergency 112: direct to isdn',
      '0 isdn>edge 486 | isdn busy',
      '0 edge>isdn ACK | ACK for 486',
      '0 edge>lte INVITE | 486 from isdn: failover to lte',
      '0 lte>edge 100 | lte up: Trying',
      '0 lte>edge 180 | lte up: ringing',
      '0 edge>desk1 180 | 180 from lte relayed',
    ]);
    expect(r.trace.find((t) => t.to === 'lte' && t.summary === 'INVITE')!.message.uri).toBe('sip:112@127.0.21.3');
  });

  it('is never held back by the count: with both full by the edge\'s count, 112 is still sent, and each gateway refuses it itself', () => {
    const text = `branch b {
  edge listen udp 10.1.0.1:5060
  lan 10.1.0.0/24
  gateway lte { address 10.1.0.3  kind trunk  channels 1 }
  gateway isdn { address 10.1.0.4  kind fxo }
  upstream cloud { proxy sip:10.9.0.1:5060 }
  timers { no-answer 2s  ringing 10s  budget 8s }
  phone d1 101 at 10.1.0.11
  phone d2 102 at 10.1.0.12
  phone d3 103 at 10.1.0.13
  outbound from lan via cloud {
    on timeout { relay to lte, isdn }
    emergency 112 direct to isdn, lte
  }
}
scenario "s" in b {
  cloud silent
  d1 calls 944000001
  d2 calls 944000002 at 200ms
  d3 calls 112 at 3s
}
`;
    const r = simulateText(text);
    expect(causes(r.trace, (t) => t.call === 2 && t.from === 'edge' && t.summary !== 'ACK' && t.summary !== '100')).toEqual([
      '3000 edge>isdn INVITE | emergency 112: direct to isdn',
      '3000 edge>lte INVITE | 503 from isdn: failover to lte',
      '3000 edge>d3 503 | 503 from lte: no gateway left, 503',
    ]);
  });
});

describe('simulate: a redirect list (redirect 302 to lte, isdn)', () => {
  const text = (states: string) => `branch b {
  edge listen udp 10.1.0.1:5060
  lan 10.1.0.0/24
  gateway lte { address 10.1.0.3  kind trunk  channels 1  probe options every 5s  timeout 1s }
  gateway isdn { address 10.1.0.4  kind bri }
  upstream cloud { proxy sip:10.9.0.1:5060 }
  timers { no-answer 2s  ringing 10s  budget 8s }
  phone d1 101 at 10.1.0.11
  phone d2 102 at 10.1.0.12
  outbound from lan via cloud {
    on timeout { announce 181 "S"  redirect 302 to lte, isdn }
  }
}
scenario "s" in b {
${states}
}
`;

  it('the Contact is the first gateway with a free channel: the second call is sent to isdn', () => {
    const r = simulateText(text('  cloud silent\n  d1 calls 944000001\n  d2 calls 944000002 at 3s'));
    const contacts = r.trace.filter((t) => t.status === 302).map((t) => `${t.atMs} ${t.to} ${t.message.contact![0]!.uri}`);
    expect(contacts).toEqual(['2000 d1 sip:944000001@10.1.0.3', '5000 d2 sip:944000002@10.1.0.4']);
    expect(causes(r.trace, (t) => t.status === 302 && t.to === 'd2')).toEqual(['5000 edge>d2 302 | fr_timer fired on cloud (no reply at all); survival: redirect (lte full: 1 channels in use)']);
  });

  it('a probed gateway marked down is skipped: lte silent to probes (down at 11 s), the call at 12 s is sent to isdn', () => {
    const r = simulateText(text('  cloud silent\n  lte silent\n  d1 calls 944000001 at 12s'));
    expect(r.marks.map((m) => `${m.atMs} ${m.actor} ${m.event}`)).toContain('11000 lte marked-down');
    expect(causes(r.trace, (t) => t.status === 302)).toEqual(['14000 edge>d1 302 | fr_timer fired on cloud (no reply at all); survival: redirect (lte marked down)']);
  });
});
