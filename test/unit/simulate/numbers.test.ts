// Numbers both ways (issue 12, item 3), as exact traces of the replay fixture
// test/kamailio/fixtures/replay/numbers.surv (the same cases run against the real
// Kamailio): the Request-URI each gateway is sent, the P-Asserted-Identity and Privacy it
// gets, the inbound normalisation and did patterns; and the plan's pure decisions.
import { describe, expect, it } from 'vitest';
import { buildRoutingPlan, calledNumberFor, callerIdFor, inboundMatch } from '../../../engines/plan/index.js';
import { simulate } from '../../../engines/simulate/index.js';
import { render } from '../../../engines/simulate/message.js';
import { causes, scenarioOf } from './helpers.js';

const FIXTURE = 'test/kamailio/fixtures/replay/numbers.surv';
const run = (title: string) => {
  const { branch, scenario } = scenarioOf(FIXTURE, title);
  return simulate(branch, scenario);
};

/** The values of header `name` in a message's text. */
function headerValues(text: string, name: string): string[] {
  const head = text.slice(0, text.indexOf('\r\n\r\n'));
  return head.split('\r\n').slice(1).filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`)).map((l) => l.slice(name.length + 1).trim());
}

/** The first INVITE the edge sent `to`: its request line, P-Asserted-Identity and Privacy, as rendered. */
function invite(r: ReturnType<typeof run>, to: string) {
  const t = r.trace.find((e) => e.from === 'edge' && e.to === to && e.summary === 'INVITE')!;
  const text = render(t.message);
  return { line: text.slice(0, text.indexOf('\r\n')), pai: headerValues(text, 'P-Asserted-Identity'), privacy: headerValues(text, 'Privacy') };
}

describe('the plan decides the numbers', () => {
  const { branch } = scenarioOf(FIXTURE);
  const plan = buildRoutingPlan(branch);
  const isdn = plan.gateways.find((g) => g.name === 'isdn');
  const lte = plan.gateways.find((g) => g.name === 'lte');

  it('each gateway its own rules, first match; the outbound rules for none of them; emergency as dialled', () => {
    expect(calledNumberFor(plan, 'isdn', '+34944000001')).toBe('944000001');
    expect(calledNumberFor(plan, 'isdn', '0034944000001')).toBe('944000001');
    expect(calledNumberFor(plan, 'isdn', '944000003')).toBe('944000003');
    expect(calledNumberFor(plan, 'lte', '0944000002')).toBe('+34944000002');
    expect(calledNumberFor(plan, 'lte', '112')).toBe('112');
    // A gateway without rules of its own would take the outbound block's (match 9 prefix 0).
    expect(calledNumberFor({ ...plan, gateways: plan.gateways.map((g) => ({ ...g, rewrite: undefined })) }, 'isdn', '944000003')).toBe('0944000003');
  });

  it('the first caller-id that fits the caller; Xs from its last digits', () => {
    expect(callerIdFor(isdn, '101')).toEqual({ number: '+34944123101', private: false });
    expect(callerIdFor(isdn, '250')).toEqual({ number: '+34944123000', private: false });
    expect(callerIdFor(isdn, '1000')).toEqual({ number: '+34944123000', private: false });
    expect(callerIdFor(lte, '101')).toEqual({ number: '+34944123000', private: true });
  });

  it('inbound: normalised, exact did or extension, then did patterns, else the chain', () => {
    const ib = plan.inbound!;
    const m = (n: string) => {
      const x = inboundMatch(ib, n);
      return { route: x.route.kind, target: x.route.target, number: x.number, extension: x.extension };
    };
    expect(m('+34944123102')).toEqual({ route: 'extension', target: 'desk2', number: '944123102', extension: '102' });
    expect(m('+34944123150')).toEqual({ route: 'did', target: 'lab', number: '944123150', extension: undefined });
    expect(m('944123199')).toEqual({ route: 'chain', target: undefined, number: '944123199', extension: '199' });
    expect(m('101')).toEqual({ route: 'extension', target: 'desk1', number: '101', extension: undefined });
    expect(m('94412310')).toEqual({ route: 'chain', target: undefined, number: '94412310', extension: undefined });
  });
});

describe('simulate: numbers to the gateways', () => {
  it('the survival relay: isdn gets the national number and desk1\'s DID', () => {
    const r = run('cloud silent: isdn gets 944000001 from +34944123101');
    expect(invite(r, 'isdn')).toEqual({ line: 'INVITE sip:944000001@127.0.22.3 SIP/2.0', pai: ['<sip:+34944123101@127.0.22.1>'], privacy: [] });
    // The upstream gets the call as dialled, with no identity added.
    expect(invite(r, 'cloud')).toEqual({ line: 'INVITE sip:+34944000001@127.0.22.2 SIP/2.0', pai: [], privacy: [] });
  });

  it('a failover: each gateway of the list its own number and presentation', () => {
    const r = run('isdn busy: lte gets +34944000002, withheld');
    expect(causes(r.trace, (t) => t.atMs === 2000 && t.summary === 'INVITE')).toEqual([
      '2000 edge>isdn INVITE | fr_timer fired on cloud (no reply at all); survival: relay to isdn',
      '2000 edge>lte INVITE | 486 from isdn: failover to lte',
    ]);
    expect(invite(r, 'isdn')).toEqual({ line: 'INVITE sip:0944000002@127.0.22.3 SIP/2.0', pai: ['<sip:+34944123000@127.0.22.1>'], privacy: [] });
    expect(invite(r, 'lte')).toEqual({ line: 'INVITE sip:+34944000002@127.0.22.4 SIP/2.0', pai: ['<sip:+34944123000@127.0.22.1>'], privacy: ['id'] });
  });

  it('emergency: the number as dialled, addressed to the gateway, with the caller\'s DID', () => {
    const r = run('emergency 112: as dialled, from +34944123102');
    expect(invite(r, 'isdn')).toEqual({ line: 'INVITE sip:112@127.0.22.3 SIP/2.0', pai: ['<sip:+34944123102@127.0.22.1>'], privacy: [] });
  });
});

describe('simulate: a redirect to a gateway without rules of its own', () => {
  it('the Contact carries the number of the outbound rules; the phone\'s own call through the edge is presented', () => {
    const r = run("cloud silent: a 302 to isdn's number, the phone's call presented");
    expect(r.trace.find((t) => t.to === 'desk1' && t.summary === '302')!.message.contact).toEqual([{ uri: 'sip:944000004@127.0.22.19' }]);
    expect(invite(r, 'isdn')).toEqual({ line: 'INVITE sip:944000004@127.0.22.19 SIP/2.0', pai: ['<sip:+34944123101@127.0.22.17>'], privacy: [] });
  });
});

describe('simulate: numbers from the gateways', () => {
  it('normalised, then the last digits pick the extension', () => {
    const r = run('isdn calls +34944123102: normalised, the last digits pick desk2');
    expect(causes(r.trace, (t) => t.from === 'edge' && t.summary === 'INVITE')).toEqual([
      '0 edge>desk2 INVITE | inbound from isdn: +34944123102 normalised to 944123102: did 9441231XX picks 102: ring desk2 for 20s',
    ]);
  });

  it('an exact did wins over the pattern', () => {
    const r = run('lte calls +34944123150: normalised, the exact did wins');
    expect(causes(r.trace, (t) => t.from === 'edge' && t.summary === 'INVITE')).toEqual([
      '0 edge>lab INVITE | inbound from lte: +34944123150 normalised to 944123150: did 944123150: ring lab for 20s',
    ]);
  });

  it('an extension nobody has: the ring chain', () => {
    const r = run('isdn calls 944123199: no extension 199, the ring chain');
    expect(causes(r.trace, (t) => t.from === 'edge' && t.summary === 'INVITE')).toEqual([
      '0 edge>desk1 INVITE | inbound from isdn: did 9441231XX picks 199, which no phone has: the ring chain: ring desk1 for 20s',
    ]);
  });
});
