// Literal values become typed model values: IP addresses canonicalised (IPv6
// compressed and lower-case, no brackets), networks reduced to canonical CIDR,
// SIP URIs split into parts, numbers kept as text.
import { describe, expect, it } from 'vitest';
import { analyzeText, branchOf, completeBranch, expectNoErrorsButExport } from './helpers.js';

describe('IPv6 is canonicalised', () => {
  const text = `branch v6 {
  edge listen udp [2001:DB8:0:0::1]:5070, tcp 2001:0db8:0000:0000:0000:0000:0000:0002, tls [2001:db8::0003]
  lan 2001:0DB8:0700:0001::/64, fd00::/8
  gateway pstn { address 2001:db8:700:1:0:0:0:3  kind bri }
  upstream cloud { proxy sip:[2001:DB8::5]:5060 }
  phone lab1 300 at 2001:db8:700:1::0010
  phone lab2 301 at [2001:db8:700:1::11]:5062
  outbound from lan via cloud { on timeout { redirect 302 to pstn } }
  inbound from pstn { ring lab1 then ring lab2 }
}
`;
  const a = analyzeText(text, 'v6.surv');
  const b = branchOf(a, 'v6');

  it('analyses cleanly (but for the export: a tls listen address)', () => {
    expectNoErrorsButExport(a);
  });

  it('edge listens: compressed, lower-case, family 6, port kept or defaulted', () => {
    expect(b.listens.value.map((l) => [l.transport, l.address, l.family, l.port])).toEqual([
      ['udp', '2001:db8::1', 6, 5070], ['tcp', '2001:db8::2', 6, 5060], ['tls', '2001:db8::3', 6, 5061],
    ]);
  });

  it('LANs: canonical CIDR, network address, prefix, family', () => {
    expect(b.lans.value.map(({ cidr, address, prefix, family }) => ({ cidr, address, prefix, family }))).toEqual([
      { cidr: '2001:db8:700:1::/64', address: '2001:db8:700:1::', prefix: 64, family: 6 },
      { cidr: 'fd00::/8', address: 'fd00::', prefix: 8, family: 6 },
    ]);
  });

  it('gateway and phone addresses', () => {
    expect(b.gateways[0]?.address.value).toEqual({ address: '2001:db8:700:1::3', family: 6, port: 5060 });
    expect(b.phones.map((p) => p.address.value)).toEqual([
      { address: '2001:db8:700:1::10', family: 6, port: 5060 },
      { address: '2001:db8:700:1::11', family: 6, port: 5062 },
    ]);
  });

  it('a bracketed IPv6 host of a SIP URI: the host is canonical, the URI is kept as written', () => {
    expect(b.upstreams[0]?.proxy.value).toMatchObject({ uri: 'sip:[2001:DB8::5]:5060', host: '2001:db8::5', port: 5060, secure: false });
  });
});

describe('IPv4', () => {
  it('host bits set in a LAN: the model holds the network (and a warning says so)', () => {
    const a = analyzeText(completeBranch('b', 1).replace('lan 10.1.0.0/24', 'lan 10.1.0.77/24'));
    expect(branchOf(a, 'b').lans.value.map((n) => n.cidr)).toEqual(['10.1.0.0/24']);
    expect(a.diagnostics.map((d) => d.code)).toEqual(['SURV022']);
  });

  it('address with port', () => {
    const a = analyzeText(completeBranch('b', 1).replace('address 10.1.0.3', 'address 10.1.0.3:5080'));
    expect(branchOf(a, 'b').gateways[0]?.address.value).toEqual({ address: '10.1.0.3', family: 4, port: 5080 });
  });

  it('an invalid address leaves the value undefined (the checker reports it)', () => {
    const a = analyzeText(completeBranch('b', 1).replace('address 10.1.0.3', 'address 10.1.0.300'));
    expect(branchOf(a, 'b').gateways[0]?.address.value).toBeUndefined();
    expect(a.diagnostics.map((d) => d.code)).toEqual(['SURV020']);
  });
});

describe('SIP URIs', () => {
  it('user, host, port, transport parameter', () => {
    const a = analyzeText(completeBranch('b', 1).replace('sip:pbx.example.com:5060', 'sip:trunk@pbx.example.com:5070;transport=tcp'));
    expect(branchOf(a, 'b').upstreams[0]?.proxy.value).toEqual({
      uri: 'sip:trunk@pbx.example.com:5070;transport=tcp', user: 'trunk', host: 'pbx.example.com', port: 5070, secure: false, transportParam: 'tcp',
    });
  });
});

describe('numbers are kept as text', () => {
  it('extensions, emergency numbers, DIDs and rewrite prefixes keep leading zeros and +', () => {
    const text = completeBranch('b', 1, '  phone p 0100 at 10.1.0.10\n  inbound from pstn { did +34944000100 to p }')
      .replace('{ on timeout { redirect 302 to pstn } }', '{ on timeout { redirect 302 to pstn }  emergency 112, 091, 062  rewrite { match 00  prefix +34 } }');
    const b = branchOf(analyzeText(text), 'b');
    expect(b.phones[0]?.extension.value).toBe('0100');
    expect(b.outbound?.emergency.value).toEqual(['112', '091', '062']);
    expect(b.outbound?.rewrite.value.map((r) => [r.match, r.prefix])).toEqual([['00', '+34']]);
    expect(b.inbound?.dids.map((d) => [d.number, d.target])).toEqual([['+34944000100', 'p']]);
  });
});
