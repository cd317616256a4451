// Defaults (docs/language.md, grammar/src/model/defaults.ts): every value not written
// is filled in with origin {kind: 'default'}; written values keep a source origin
// (its exact span is provenance.test.ts's business).
import { describe, expect, it } from 'vitest';
import { DEFAULT, analyzeText, branchOf, completeBranch, expectNoErrors, expectNoErrorsButExport, sourceIn } from './helpers.js';

describe('timers', () => {
  it('all six default: no-answer 10s, ringing 120s, trying the no-answer value, t1 500ms, t2 4s, budget 20s', () => {
    const a = analyzeText(completeBranch('b', 1));
    expectNoErrors(a);
    const t = branchOf(a, 'b').timers;
    expect(t).toEqual({
      noAnswerMs: { value: 10_000, origin: DEFAULT },
      ringingMs: { value: 120_000, origin: DEFAULT },
      tryingMs: { value: 10_000, origin: DEFAULT },
      t1Ms: { value: 500, origin: DEFAULT },
      t2Ms: { value: 4_000, origin: DEFAULT },
      budgetMs: { value: 20_000, origin: DEFAULT },
    });
  });

  it('given fields win, the others default', () => {
    const text = completeBranch('b', 1, '  timers { ringing 90s  t2 5s }');
    const t = branchOf(analyzeText(text, 't.surv'), 'b').timers;
    expect(t.ringingMs).toEqual({ value: 90_000, origin: sourceIn('t.surv') });
    expect(t.t2Ms).toEqual({ value: 5_000, origin: sourceIn('t.surv') });
    expect(t.noAnswerMs).toEqual({ value: 10_000, origin: DEFAULT });
    expect(t.t1Ms).toEqual({ value: 500, origin: DEFAULT });
    expect(t.budgetMs).toEqual({ value: 20_000, origin: DEFAULT });
  });

  it('trying defaults to the no-answer value in effect, a profile\'s or the branch\'s own', () => {
    const t = branchOf(analyzeText(completeBranch('b', 1, '  timers { no-answer 6s }'), 't.surv'), 'b').timers;
    expect(t.tryingMs).toEqual({ value: 6_000, origin: DEFAULT });
    const written = branchOf(analyzeText(completeBranch('b', 1, '  timers { no-answer 6s  trying 4s }'), 't.surv'), 'b').timers;
    expect(written.tryingMs).toEqual({ value: 4_000, origin: sourceIn('t.surv') });
  });
});

describe('probe options', () => {
  it('a bare `probe options` gets every 15s, timeout 2s, down after 2, up after 3, holdoff 0s', () => {
    const text = completeBranch('b', 1).replace('upstream cloud { proxy sip:pbx.example.com:5060 }', 'upstream cloud { proxy sip:pbx.example.com:5060  probe options }');
    const a = analyzeText(text, 'p.surv');
    expectNoErrors(a);
    const probe = branchOf(a, 'b').upstreams[0]?.probe;
    expect(probe).toEqual({
      origin: sourceIn('p.surv'),
      everyMs: { value: 15_000, origin: DEFAULT },
      timeoutMs: { value: 2_000, origin: DEFAULT },
      downAfter: { value: 2, origin: DEFAULT },
      upAfter: { value: 3, origin: DEFAULT },
      holdoffMs: { value: 0, origin: DEFAULT },
    });
  });

  it('an upstream without probe options is not probed', () => {
    expect(branchOf(analyzeText(completeBranch('b', 1)), 'b').upstreams[0]?.probe).toBeUndefined();
  });

  it('given probe fields win, the others default', () => {
    const text = completeBranch('b', 1).replace('proxy sip:pbx.example.com:5060 }', 'proxy sip:pbx.example.com:5060  probe options up after 5 holdoff 1m }');
    const probe = branchOf(analyzeText(text, 'p.surv'), 'b').upstreams[0]?.probe;
    expect(probe?.upAfter).toEqual({ value: 5, origin: sourceIn('p.surv') });
    expect(probe?.holdoffMs).toEqual({ value: 60_000, origin: sourceIn('p.surv') });
    expect(probe?.everyMs).toEqual({ value: 15_000, origin: DEFAULT });
    expect(probe?.downAfter).toEqual({ value: 2, origin: DEFAULT });
  });
});

describe('gateways', () => {
  const text = completeBranch('b', 1, [
    '  gateway bri1 { address 10.1.0.11  kind bri }',
    '  gateway pri1 { address 10.1.0.12  kind pri }',
    '  gateway fxo1 { address 10.1.0.13  kind fxo }',
    '  gateway trunk1 { address 10.1.0.14  kind trunk  channels 12 }',
    '  gateway bri4 { address 10.1.0.15:5080  kind bri  channels 4  transport tcp }',
    '  inbound from bri1, pri1, fxo1, trunk1, bri4 { ring p }',
    '  phone p 100 at 10.1.0.10',
  ].join('\n'));
  const a = analyzeText(text, 'g.surv');
  const gw = (name: string) => branchOf(a, 'b').gateways.find((g) => g.name === name);

  it('analyses cleanly (but for the export: a tcp gateway and no tcp listen address)', () => {
    expect(a.diagnostics.filter((d) => d.code !== 'SURV033')).toEqual([]);
  });

  it('channels default by kind: bri 2, pri 30, fxo 1', () => {
    expect(gw('bri1')?.channels).toEqual({ value: 2, origin: DEFAULT });
    expect(gw('pri1')?.channels).toEqual({ value: 30, origin: DEFAULT });
    expect(gw('fxo1')?.channels).toEqual({ value: 1, origin: DEFAULT });
  });

  it('given channels win', () => {
    expect(gw('trunk1')?.channels).toEqual({ value: 12, origin: sourceIn('g.surv') });
    expect(gw('bri4')?.channels).toEqual({ value: 4, origin: sourceIn('g.surv') });
  });

  it('transport defaults to udp, port to 5060', () => {
    expect(gw('bri1')?.transport).toEqual({ value: 'udp', origin: DEFAULT });
    expect(gw('bri1')?.address.value).toEqual({ address: '10.1.0.11', family: 4, port: 5060 });
    expect(gw('bri4')?.transport).toEqual({ value: 'tcp', origin: sourceIn('g.surv') });
    expect(gw('bri4')?.address.value).toEqual({ address: '10.1.0.15', family: 4, port: 5080 });
  });

  it('the kind is kept with its origin', () => {
    expect(gw('pri1')?.kind).toEqual({ value: 'pri', origin: sourceIn('g.surv') });
  });
});

describe('edge listen ports', () => {
  it('default to 5060, and 5061 for tls; a written port wins', () => {
    const text = completeBranch('b', 1).replace('edge listen udp 10.1.0.1:5060',
      'edge listen udp 10.1.0.1, tcp 10.1.0.1, tls 10.1.0.1, tls 10.1.0.1:5071, udp [2001:db8::1], tls [2001:db8::1]');
    const a = analyzeText(text);
    expectNoErrorsButExport(a);
    expect(branchOf(a, 'b').listens.value.map((l) => [l.transport, l.address, l.family, l.port])).toEqual([
      ['udp', '10.1.0.1', 4, 5060], ['tcp', '10.1.0.1', 4, 5060], ['tls', '10.1.0.1', 4, 5061], ['tls', '10.1.0.1', 4, 5071],
      ['udp', '2001:db8::1', 6, 5060], ['tls', '2001:db8::1', 6, 5061],
    ]);
  });
});

describe('upstreams', () => {
  const text = completeBranch('b', 1, [
    '  upstream plain { proxy sip:plain.example.com }',
    '  upstream viatcp { proxy sip:tcp.example.com;transport=tcp }',
    '  upstream viatls { proxy sip:tls.example.com:5090;transport=tls }',
    '  upstream secure { proxy sips:secure.example.com }',
    '  upstream forced { proxy sip:forced.example.com;transport=tcp  transport tls }',
  ].join('\n'));
  const a = analyzeText(text, 'u.surv');
  const up = (name: string) => branchOf(a, 'b').upstreams.find((u) => u.name === name);

  it('transport comes from the URI ;transport= parameter, with the proxy literal as origin', () => {
    const proxy = sourceIn('u.surv');
    expect(up('viatcp')?.transport).toEqual({ value: 'tcp', origin: proxy });
    expect(up('viatls')?.transport.value).toBe('tls');
  });

  it('a sips: URI means tls', () => {
    expect(up('secure')?.transport.value).toBe('tls');
  });

  it('without a parameter the transport is the documented default udp', () => {
    expect(up('plain')?.transport).toEqual({ value: 'udp', origin: DEFAULT });
  });

  it('a written transport wins over the URI parameter', () => {
    expect(up('forced')?.transport).toEqual({ value: 'tls', origin: sourceIn('u.surv') });
  });

  it('the proxy URI port defaults to 5060, and to 5061 for sips: and transport=tls', () => {
    expect(up('plain')?.proxy.value).toMatchObject({ host: 'plain.example.com', port: 5060, secure: false });
    expect(up('viatcp')?.proxy.value).toMatchObject({ host: 'tcp.example.com', port: 5060, transportParam: 'tcp' });
    expect(up('secure')?.proxy.value).toMatchObject({ host: 'secure.example.com', port: 5061, secure: true });
    expect(up('viatls')?.proxy.value).toMatchObject({ port: 5090, transportParam: 'tls' });
    expect(up('cloud')?.proxy.value).toEqual({
      uri: 'sip:pbx.example.com:5060', user: undefined, host: 'pbx.example.com', port: 5060, secure: false, transportParam: undefined,
    });
  });
});

describe('groups', () => {
  it('ring defaults to 20s', () => {
    const text = completeBranch('b', 1, '  phone p 100 at 10.1.0.10\n  group g parallel [p]\n  group h serial [p] ring 15s\n  inbound from pstn { ring g then ring h }');
    const a = analyzeText(text, 'g.surv');
    expectNoErrors(a);
    const b = branchOf(a, 'b');
    expect(b.groups.find((g) => g.name === 'g')?.ringMs).toEqual({ value: 20_000, origin: DEFAULT });
    expect(b.groups.find((g) => g.name === 'h')?.ringMs).toEqual({ value: 15_000, origin: sourceIn('g.surv') });
    expect(b.groups.find((g) => g.name === 'h')?.mode).toEqual({ value: 'serial', origin: sourceIn('g.surv') });
  });

  it("a ring step's time defaults to the group's ring time, else 20s", () => {
    const text = completeBranch('b', 1, '  phone p 100 at 10.1.0.10\n  group h serial [p] ring 15s\n  inbound from pstn { ring h then ring p then ring h for 5s }');
    const b = branchOf(analyzeText(text), 'b');
    expect(b.inbound?.chain.value.map((s) => [s.target, s.ringMs])).toEqual([['h', 15_000], ['p', 20_000], ['h', 5_000]]);
  });
});

describe('register', () => {
  it('forward defaults to the first upstream of the outbound via chain (not the first declared)', () => {
    const text = completeBranch('b', 1, '  upstream backup { proxy sip:backup.example.com }')
      .replace('via cloud', 'via backup, cloud');
    const b = branchOf(analyzeText(text), 'b');
    expect(b.register.forward).toEqual({ value: 'backup', origin: DEFAULT });
    expect(b.register.keepLocalCopy).toEqual({ value: false, origin: DEFAULT });
  });

  it('a written forward wins; keep local copy is recorded', () => {
    const text = completeBranch('b', 1, '  upstream backup { proxy sip:backup.example.com }\n  register { forward backup with path  keep local copy }');
    const b = branchOf(analyzeText(text, 'r.surv'), 'b');
    expect(b.register.forward.value).toBe('backup');
    expect(b.register.withPath.value).toBe(true);
    expect(b.register.keepLocalCopy).toEqual({ value: true, origin: sourceIn('r.surv') });
  });

  it('no outbound and no register: nothing to forward to', () => {
    const b = branchOf(analyzeText('branch b { lan 10.1.0.0/24 }'), 'b');
    expect(b.register.forward).toEqual({ value: undefined, origin: DEFAULT });
    expect(b.outbound).toBeUndefined();
  });
});

describe('outbound', () => {
  const gateways = '  gateway first { address 10.1.0.5  kind fxo }\n  gateway second { address 10.1.0.6  kind fxo }\n';
  const body = (outbound: string) => `branch b {
  edge listen udp 10.1.0.1
  lan 10.1.0.0/24
${gateways}  upstream cloud { proxy sip:pbx.example.com }
  ${outbound}
  inbound from first, second { did 1 to p }
  phone p 100 at 10.1.0.10
}`;

  it('the emergency gateway defaults to the survival (redirect) gateway', () => {
    const b = branchOf(analyzeText(body('outbound from lan via cloud { on timeout { redirect 302 to second }  emergency 112 }')), 'b');
    expect(b.outbound?.emergencyGateway).toEqual({ value: 'second', origin: DEFAULT });
  });

  it('the emergency gateway defaults to the survival (relay) gateway', () => {
    const b = branchOf(analyzeText(body('outbound from lan via cloud { on timeout { announce 181 "x"  relay to second }  emergency 112 }')), 'b');
    expect(b.outbound?.emergencyGateway).toEqual({ value: 'second', origin: DEFAULT });
  });

  it('with no survival gateway, the emergency gateway defaults to the first gateway', () => {
    const b = branchOf(analyzeText(body('outbound from lan via cloud { emergency 112 }')), 'b');
    expect(b.outbound?.emergencyGateway).toEqual({ value: 'first', origin: DEFAULT });
  });

  it('a written `direct to` wins, with its origin', () => {
    const text = body('outbound from lan via cloud { on timeout { redirect 302 to second }  emergency 112, 091 direct to first }');
    const b = branchOf(analyzeText(text, 'o.surv'), 'b');
    expect(b.outbound?.emergencyGateway).toEqual({ value: 'first', origin: sourceIn('o.surv') });
    expect(b.outbound?.emergency.value).toEqual(['112', '091']);
  });

  it('pass defaults to all, rewrite to no rules, emergency to none', () => {
    const b = branchOf(analyzeText(body('outbound from lan via cloud { on timeout { redirect 302 to second } }')), 'b');
    expect(b.outbound?.pass).toEqual({ value: 'all', origin: DEFAULT });
    expect(b.outbound?.rewrite).toEqual({ value: [], origin: DEFAULT });
    expect(b.outbound?.emergency).toEqual({ value: [], origin: DEFAULT });
  });

  it('pass lists codes and classes; rewrite rules default match "", strip 0, prefix ""', () => {
    const text = body('outbound from lan via cloud { on timeout { redirect 302 to second }  pass 404, 5xx, 6xx  rewrite { strip 1 }  rewrite { match 9  prefix +34 } }');
    const b = branchOf(analyzeText(text), 'b');
    expect(b.outbound?.pass.value).toEqual([{ code: 404 }, { class: 5 }, { class: 6 }]);
    expect(b.outbound?.rewrite.value.map((r) => [r.match, r.strip, r.prefix])).toEqual([['', 1, ''], ['9', 0, '+34']]);
  });
});

describe('durations are in milliseconds', () => {
  it.each([
    ['500ms', 500], ['1s', 1_000], ['10s', 10_000], ['2m', 120_000], ['1h', 3_600_000], ['90s', 90_000],
  ])('%s = %i ms', (literal, ms) => {
    const text = completeBranch('b', 1, `  timers { ringing ${literal} }`);
    expect(branchOf(analyzeText(text), 'b').timers.ringingMs.value).toBe(ms);
  });
});
