// examples/getxo-clinic.surv, the example of a real branch (two gateways, local calls,
// DID ranges, caller-ID, a TCP phone, the trying timer), replayed scenario by scenario
// against its exported bundle in a real Kamailio. The example keeps the addresses a
// clinic would have; replay only ever sends to loopback, so the test moves each network
// onto its own 127.x network first (the same host numbers, the same prefixes), and
// changes nothing else in the text. Then every scenario must agree with the simulator,
// and what each is about is checked on the wire.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../grammar/src/index.js';
import { kamailioMissing, replay, type ReplayResult } from '../../io/replay/index.js';
import { headerValues } from '../../io/replay/wire.js';
import { root } from './support.js';

const uri = 'examples/getxo-clinic.surv';
const original = readFileSync(join(root, uri), 'utf8');

/** The clinic's networks, and the loopback network each stands in for. */
const moves: readonly (readonly [string, string])[] = [
  ['10.61.1.', '127.0.25.'],
  ['10.61.2.', '127.0.26.'],
  ['10.255.0.', '127.0.27.'],
];
const onLoopback = moves.reduce((text, [from, to]) => text.split(from).join(to), original);

const analysis = analyze([{ uri, text: onLoopback }], { symbols: false });
const files = new Map([...analysis.files].map(([u, p]) => [u, { text: p.text, lines: p.lines }]));
const branch = analysis.model.branches.find((b) => b.name === 'getxo')!;

const wire = (r: ReplayResult, from: string, to: string, summary: string) => r.wire.filter((w) => w.from === from && w.to === to && w.summary === summary);
const requestUri = (text: string) => text.split(' ')[1];
const reasonOf = (text: string) => /^SIP\/2\.0 \d{3} ([^\r\n]*)/.exec(text)?.[1];

const about: Record<string, (r: ReplayResult) => void> = {
  'hq up: an outside call goes to hq': (r) => {
    expect(r.wire.filter((w) => w.to === 'lte' || w.to === 'isdn').filter((w) => w.method !== 'OPTIONS')).toEqual([]);
  },
  'hq silent: nurse calls doctor1 by extension': (r) => {
    // Over TCP from the nurse, rung by the edge itself: no gateway hears anything but probes.
    expect(requestUri(wire(r, 'edge', 'doctor1', 'INVITE')[0]!.text)).toBe('sip:102@127.0.25.12');
    expect(r.wire.filter((w) => (w.to === 'lte' || w.to === 'isdn') && w.method !== 'OPTIONS')).toEqual([]);
  },
  "hq silent: reception calls the doctors' hunt group": (r) => {
    expect(wire(r, 'edge', 'doctor1', 'CANCEL')).toHaveLength(1);
    expect(wire(r, 'edge', 'doctor2', 'INVITE')).toHaveLength(1);
  },
  'hq silent: an outside call goes out on LTE': (r) => {
    const [invite] = wire(r, 'edge', 'lte', 'INVITE');
    // The LTE trunk's own number rules (E.164) and reception's DID as caller-ID.
    expect(requestUri(invite!.text)).toBe('sip:+34944000000@127.0.26.4');
    expect(headerValues(invite!.text, 'P-Asserted-Identity')).toEqual(['<sip:+34944123100@127.0.25.1>']);
  },
  'hq says Trying and hangs: survival at the trying timer': (r) => {
    const sent = wire(r, 'doctor2', 'edge', 'INVITE')[0]!.atMs;
    expect(wire(r, 'edge', 'doctor2', '181')[0]!.atMs - sent).toBeGreaterThan(3000 - 150);
    expect(wire(r, 'edge', 'hq', 'CANCEL').length).toBeGreaterThan(0);
  },
  'hq silent, LTE answers 503: ISDN takes the call': (r) => {
    const [invite] = wire(r, 'edge', 'isdn', 'INVITE');
    // National format on the BRI, the caller's national DID; the 503 never reached the phone.
    expect(requestUri(invite!.text)).toBe('sip:0944000002@127.0.26.3');
    expect(headerValues(invite!.text, 'P-Asserted-Identity')).toEqual(['<sip:944123100@127.0.25.1>']);
    expect(r.wire.filter((w) => w.to === 'reception' && (w.summary === '503' || w.summary === '500'))).toEqual([]);
  },
  '112 with the BRI busy goes out on LTE': (r) => {
    // An emergency number is never rewritten (not even by lte's E.164 rule), only addressed to each gateway.
    expect(wire(r, 'edge', 'isdn', 'INVITE').map((w) => requestUri(w.text))).toEqual(['sip:112@127.0.26.3']);
    expect(new Set(wire(r, 'edge', 'lte', 'INVITE').map((w) => requestUri(w.text)))).toEqual(new Set(['sip:112@127.0.26.4']));
    expect(r.wire.filter((w) => w.to === 'hq')).toEqual([]);
  },
  "a patient calls the nurse's DID over LTE": (r) => {
    expect(requestUri(wire(r, 'edge', 'nurse', 'INVITE')[0]!.text)).toBe('sip:101@127.0.25.11;transport=tcp');
  },
  'every line in use: 503 No Gateway Available': (r) => {
    const last = r.wire.filter((w) => w.to === 'doctor1' && w.summary === '503');
    expect(last.map((w) => reasonOf(w.text))).toEqual(['No Gateway Available']);
    // Two calls on each gateway (each INVITE retransmitted once before the answer), never a fifth call to either.
    const calls = (to: string) => [...new Set(wire(r, 'edge', to, 'INVITE').map((w) => requestUri(w.text)))];
    expect(calls('lte')).toEqual(['sip:+34944000010@127.0.26.4', 'sip:+34944000011@127.0.26.4']);
    expect(calls('isdn')).toEqual(['sip:0944000012@127.0.26.3', 'sip:0944000013@127.0.26.3']);
  },
};

describe(`${uri}: every scenario replayed in a real Kamailio`, () => {
  beforeAll(() => {
    const missing = kamailioMissing();
    if (missing) throw new Error(missing);
  });

  it('moved onto loopback, it is the same design: no diagnostics, every scenario has its check', () => {
    expect(analyze([{ uri, text: original }], { symbols: false }).diagnostics).toEqual([]);
    expect(analysis.diagnostics).toEqual([]);
    expect(analysis.model.scenarios.map((s) => s.title).sort()).toEqual(Object.keys(about).sort());
  });

  for (const scenario of analysis.model.scenarios) {
    it(scenario.title, async () => {
      const r = await replay(branch, scenario, { files, root: 'examples', toolVersion: 'test' });
      expect(r.unreadable).toEqual([]);
      expect(r.comparison.rows.filter((row) => row.status !== 'ok')).toEqual([]);
      expect(r.agree).toBe(true);
      about[scenario.title]!(r);
    });
  }
});
