// The replay comparison and its side-by-side ladder on made-up ladders (no Kamailio
// needed): pairing per link in order, the tolerance, missing and extra messages, probes
// after the simulator's horizon, and how each is shown.
import { describe, expect, it } from 'vitest';
import { compare, type Step } from '../../io/replay/compare.js';
import { formatLadder } from '../../io/replay/ladder.js';

function step(atMs: number, from: string, to: string, summary: string, method = summary, contact?: string): Step {
  const line = /^\d{3}$/.test(summary) ? `SIP/2.0 ${summary} Reason` : `${summary} sip:944@127.0.2.2 SIP/2.0`;
  return { atMs, from, to, summary, method, contact, line };
}

const sim = [
  step(0, 'desk1', 'edge', 'INVITE'),
  step(0, 'edge', 'desk1', '100', 'INVITE'),
  step(2000, 'edge', 'desk1', '181', 'INVITE'),
  step(2000, 'edge', 'desk1', '302', 'INVITE', 'sip:944@127.0.2.3'),
];

describe('replay comparison', () => {
  it('agrees when every link has the same messages in order, each within the tolerance', () => {
    const live = [
      step(1.6, 'desk1', 'edge', 'INVITE'),
      step(3.1, 'edge', 'desk1', '100', 'INVITE'),
      step(1989.6, 'edge', 'desk1', '181', 'INVITE'),
      step(1990.2, 'edge', 'desk1', '302', 'INVITE', 'sip:944@127.0.2.3'),
    ];
    const c = compare(sim, live, 150);
    expect(c.agree).toBe(true);
    expect(c.rows.map((r) => [r.status, r.deltaMs?.toFixed(1)])).toEqual([['ok', '1.6'], ['ok', '3.1'], ['ok', '-10.4'], ['ok', '-9.8']]);
    expect(c.maxDeltaMs).toBeCloseTo(10.4, 5);
  });

  it('a message only the simulator sends is missing; the rest of the link still pairs', () => {
    const live = [
      step(1.6, 'desk1', 'edge', 'INVITE'),
      step(1989.6, 'edge', 'desk1', '181', 'INVITE'),
      step(1990.2, 'edge', 'desk1', '302', 'INVITE', 'sip:944@127.0.2.3'),
    ];
    const c = compare(sim, live, 150);
    expect(c.agree).toBe(false);
    expect(c.rows.map((r) => r.status)).toEqual(['ok', 'missing', 'ok', 'ok']);
  });

  it('another Contact target is another message: one missing, one extra', () => {
    const live = [
      step(1.6, 'desk1', 'edge', 'INVITE'),
      step(3.1, 'edge', 'desk1', '100', 'INVITE'),
      step(1989.6, 'edge', 'desk1', '181', 'INVITE'),
      step(1990.2, 'edge', 'desk1', '302', 'INVITE', 'sip:944@127.0.2.9'),
    ];
    const c = compare(sim, live, 150);
    // The extra one sits at its own time, before the simulator's 2.000s rows.
    expect(c.rows.map((r) => [r.status, r.sim?.summary ?? r.live?.summary, r.sim?.contact ?? r.live?.contact])).toEqual([
      ['ok', 'INVITE', undefined], ['ok', '100', undefined], ['extra', '302', 'sip:944@127.0.2.9'], ['ok', '181', undefined], ['missing', '302', 'sip:944@127.0.2.3'],
    ]);
  });

  it('two messages of one timer tick in the other order on one link still pair: no disagreement', () => {
    const live = [
      step(1.6, 'desk1', 'edge', 'INVITE'),
      step(3.1, 'edge', 'desk1', '100', 'INVITE'),
      step(1989.6, 'edge', 'desk1', '302', 'INVITE', 'sip:944@127.0.2.3'),
      step(1990.2, 'edge', 'desk1', '181', 'INVITE'),
    ];
    const c = compare(sim, live, 150);
    expect(c.agree).toBe(true);
    expect(c.sameTickSwaps).toBe(1);
    expect(c.rows.map((r) => [r.status, r.sim?.summary, r.live?.summary, r.deltaMs?.toFixed(1)])).toEqual([
      ['ok', 'INVITE', 'INVITE', '1.6'], ['ok', '100', '100', '3.1'], ['ok', '181', '181', '-9.8'], ['ok', '302', '302', '-10.4'],
    ]);
  });

  it('a swap across ticks is a misorder: the crossing pair stays unpaired, missing and extra', () => {
    // The 181 and 302 are one tick apart in the simulator's ladder; Kamailio sends them the other way round.
    const spread = [step(0, 'edge', 'desk1', '181', 'INVITE'), step(500, 'edge', 'desk1', '302', 'INVITE', 'sip:944@127.0.2.3')];
    const live = [step(5, 'edge', 'desk1', '302', 'INVITE', 'sip:944@127.0.2.3'), step(90, 'edge', 'desk1', '181', 'INVITE')];
    const c = compare(spread, live, 150);
    expect(c.agree).toBe(false);
    expect(c.sameTickSwaps).toBe(0);
    expect(c.rows.map((r) => r.status).sort()).toEqual(['extra', 'missing', 'ok']);
  });

  it('live messages more than one tick apart in the other order are a misorder even when the simulator sent both at once', () => {
    const live = [
      step(1.6, 'desk1', 'edge', 'INVITE'),
      step(3.1, 'edge', 'desk1', '100', 'INVITE'),
      step(1940, 'edge', 'desk1', '302', 'INVITE', 'sip:944@127.0.2.3'),
      step(2010, 'edge', 'desk1', '181', 'INVITE'),
    ];
    const c = compare(sim, live, 150);
    expect(c.agree).toBe(false);
    expect(c.rows.filter((r) => r.status !== 'ok').map((r) => r.status).sort()).toEqual(['extra', 'missing']);
  });

  it('a reply with the same code and other words is a disagreement of its own', () => {
    const simReply = [{ ...step(2000, 'edge', 'desk1', '500', 'INVITE'), line: 'SIP/2.0 500 Server Internal Error' }];
    const liveReply = [{ ...step(1990, 'edge', 'desk1', '500', 'INVITE'), line: 'SIP/2.0 500 Service Unavailable' }];
    const c = compare(simReply, liveReply, 150);
    expect(c.agree).toBe(false);
    expect(c.rows.map((r) => [r.status, r.deltaMs])).toEqual([['reason', -10]]);
    expect(formatLadder(c).split('\n')).toEqual([
      '     simulator                                         | kamailio                                        | live - sim',
      '  !! 2.000s  edge  -> desk1  500 Server Internal Error | 1.990s  edge  -> desk1  500 Service Unavailable | -10 ms, another reason phrase',
      '  DISAGREE: 1 with another reason phrase; 1 paired, max |live - sim| 10 ms (tolerance 150 ms)',
    ]);
    // Same words: agreement.
    expect(compare(simReply, [{ ...liveReply[0]!, line: 'SIP/2.0 500 Server Internal Error' }], 150).agree).toBe(true);
  });

  it('outside the tolerance is late or early, both ways', () => {
    const c = compare(sim.slice(0, 3), [step(0, 'desk1', 'edge', 'INVITE'), step(151, 'edge', 'desk1', '100', 'INVITE'), step(1849, 'edge', 'desk1', '181', 'INVITE')], 150);
    expect(c.rows.map((r) => r.status)).toEqual(['ok', 'late', 'early']);
    expect(c.maxDeltaMs).toBe(151);
  });

  it("Kamailio's probes after the simulator's last one are counted apart, never compared", () => {
    const probes = [step(2000, 'edge', 'cloud', 'OPTIONS'), step(4000, 'edge', 'cloud', 'OPTIONS')];
    const live = [step(2020, 'edge', 'cloud', 'OPTIONS'), step(4020, 'edge', 'cloud', 'OPTIONS'), step(6020, 'edge', 'cloud', 'OPTIONS')];
    const c = compare(probes, live, 150);
    expect(c.agree).toBe(true);
    expect(c.probesAfterHorizon).toBe(1);
    expect(c.probeHorizonMs).toBe(4000);
    // Without any simulated probe, every live OPTIONS is after the horizon.
    expect(compare([], live, 150).probesAfterHorizon).toBe(3);
  });
});

describe('replay ladder', () => {
  it('shows both sides on one row, the delta, and marks what disagrees', () => {
    const live = [
      step(1.6, 'desk1', 'edge', 'INVITE'),
      step(1989.6, 'edge', 'desk1', '181', 'INVITE'),
      step(1990.2, 'edge', 'desk1', '302', 'INVITE', 'sip:944@127.0.2.3'),
      step(2300, 'edge', 'desk1', '408', 'INVITE'),
    ];
    expect(formatLadder(compare(sim, live, 150)).split('\n')).toEqual([
      '     simulator                                                        | kamailio                                                         | live - sim',
      '     0.000s  desk1 -> edge   INVITE sip:944@127.0.2.2                 | 0.002s  desk1 -> edge   INVITE sip:944@127.0.2.2                 | +2 ms',
      '  !! 0.000s  edge  -> desk1  100 Reason                               |                                                                  | missing at kamailio',
      '     2.000s  edge  -> desk1  181 Reason                               | 1.990s  edge  -> desk1  181 Reason                               | -10 ms',
      '     2.000s  edge  -> desk1  302 Reason  Contact: <sip:944@127.0.2.3> | 1.990s  edge  -> desk1  302 Reason  Contact: <sip:944@127.0.2.3> | -10 ms',
      '  !!                                                                  | 2.300s  edge  -> desk1  408 Reason                               | extra at kamailio',
      '  DISAGREE: 1 missing at kamailio, 1 extra at kamailio; 3 paired, max |live - sim| 10 ms (tolerance 150 ms)',
    ]);
  });
});
