// What each scenario of fixtures/replay/numbers.surv is about, checked on Kamailio's side
// alone (replay.test.ts runs them): the exact Request-URI a gateway or phone got, and the
// calling identity (P-Asserted-Identity, Privacy) on the wire, and the same in the
// simulator's rendering of its message.
import { expect } from 'vitest';
import type { ReplayResult } from '../../io/replay/index.js';
import { headerValues } from '../../io/replay/wire.js';

/** The first INVITE from the edge to `to`, on the wire and in the simulator's trace. */
function invite(r: ReplayResult, to: string): { live: string; sim: string } {
  const live = r.wire.find((w) => w.from === 'edge' && w.to === to && w.summary === 'INVITE');
  const sim = r.simulation.trace.find((t) => t.from === 'edge' && t.to === to && t.summary === 'INVITE');
  expect(live, `an INVITE from the edge to ${to}`).toBeDefined();
  expect(sim, `an INVITE from the edge to ${to} in the simulator`).toBeDefined();
  return { live: live!.text, sim: sim!.text };
}

/** The request line and the identity headers, the same on both sides. */
function numbers(r: ReplayResult, to: string): { line: string; pai: string[]; privacy: string[] } {
  const { live, sim } = invite(r, to);
  const of = (text: string) => ({
    line: text.slice(0, text.indexOf('\r\n')), pai: headerValues(text, 'P-Asserted-Identity'), privacy: headerValues(text, 'Privacy'),
  });
  expect(of(sim)).toEqual(of(live));
  return of(live);
}

export const numbersAbout: Record<string, (r: ReplayResult) => void> = {
  'cloud silent: isdn gets 944000001 from +34944123101': (r) => {
    expect(numbers(r, 'isdn')).toEqual({ line: 'INVITE sip:944000001@127.0.22.3 SIP/2.0', pai: ['<sip:+34944123101@127.0.22.1>'], privacy: [] });
    // The phone's own From is left as it is: the identity travels in P-Asserted-Identity.
    expect(headerValues(invite(r, 'isdn').live, 'From')).toEqual(['"desk1" <sip:101@127.0.22.10>;tag=t2']);
  },
  'isdn busy: lte gets +34944000002, withheld': (r) => {
    expect(numbers(r, 'isdn')).toEqual({ line: 'INVITE sip:0944000002@127.0.22.3 SIP/2.0', pai: ['<sip:+34944123000@127.0.22.1>'], privacy: [] });
    // The failover branch carries lte's presentation only (branch_route), not isdn's as well.
    expect(numbers(r, 'lte')).toEqual({ line: 'INVITE sip:+34944000002@127.0.22.4 SIP/2.0', pai: ['<sip:+34944123000@127.0.22.1>'], privacy: ['id'] });
  },
  "isdn's rules replace the outbound ones": (r) => {
    expect(numbers(r, 'isdn')).toEqual({ line: 'INVITE sip:944000003@127.0.22.3 SIP/2.0', pai: ['<sip:+34944123000@127.0.22.1>'], privacy: [] });
  },
  'emergency 112: as dialled, from +34944123102': (r) => {
    expect(numbers(r, 'isdn')).toEqual({ line: 'INVITE sip:112@127.0.22.3 SIP/2.0', pai: ['<sip:+34944123102@127.0.22.1>'], privacy: [] });
  },
  'isdn calls +34944123102: normalised, the last digits pick desk2': (r) => {
    expect(numbers(r, 'desk2')).toEqual({ line: 'INVITE sip:102@127.0.22.11 SIP/2.0', pai: [], privacy: [] });
    expect(r.wire.filter((w) => w.to === 'desk1' || w.to === 'lab')).toEqual([]);
  },
  'lte calls +34944123150: normalised, the exact did wins': (r) => {
    expect(numbers(r, 'lab')).toEqual({ line: 'INVITE sip:250@127.0.22.12 SIP/2.0', pai: [], privacy: [] });
  },
  "cloud silent: a 302 to isdn's number, the phone's call presented": (r) => {
    expect(r.wire.filter((w) => w.from === 'edge' && w.to === 'desk1' && w.summary === '302').map((w) => w.contact)).toEqual(['sip:944000004@127.0.22.19']);
    expect(numbers(r, 'isdn')).toEqual({ line: 'INVITE sip:944000004@127.0.22.19 SIP/2.0', pai: ['<sip:+34944123101@127.0.22.17>'], privacy: [] });
  },
  'isdn calls 944123199: no extension 199, the ring chain': (r) => {
    expect(numbers(r, 'desk1')).toEqual({ line: 'INVITE sip:101@127.0.22.10 SIP/2.0', pai: [], privacy: [] });
  },
};
