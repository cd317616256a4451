// Addresses, networks and URIs: SURV020 (address), SURV021 (prefix), SURV022 (host
// bits), SURV023 (port), SURV024 (SIP URI), SURV030 (phone outside the LAN),
// SURV031 (overlapping LANs).
import { describe, it } from 'vitest';
import { BASE, edit, edits, expectDiagnostic, expectNoDiagnostic, expectNoDiagnostics } from './helper.js';

describe('SURV020 bad address', () => {
  it('points at the IPv4 host whose part is over 255 (not the port)', () => {
    expectDiagnostic(edit(BASE, 'edge listen udp 10.222.237.1:5060', 'edge listen udp «10.222.237.300»:5060'), {
      code: 'SURV020', severity: 'error', message: "'10.222.237.300' is not an IPv4 address: each part must be 0-255",
    });
  });

  it('says an IPv4 address has four parts', () => {
    expectDiagnostic(edit(BASE, 'address 10.10.1.3', 'address «10.10.1»'), {
      code: 'SURV020', severity: 'error', message: "'10.10.1' is not an IPv4 address: an IPv4 address has four parts",
    });
  });

  it('reports a malformed IPv6 address', () => {
    expectDiagnostic(edit(BASE, 'at 10.222.237.11', 'at «2001:db8:::11»'), {
      code: 'SURV020', severity: 'error', message: "'2001:db8:::11' is not an IPv6 address",
    });
  });

  it('points inside the brackets of a bracketed IPv6 host', () => {
    expectDiagnostic(edit(BASE, 'edge listen udp 10.222.237.1:5060', 'edge listen udp [«2001:db8:::1»]:5060'), {
      code: 'SURV020', severity: 'error', message: "'2001:db8:::1' is not an IPv6 address",
    });
  });

  it('reports a prefix on a host address over the whole address; the fix is the host alone', () => {
    expectDiagnostic(edit(BASE, 'address 10.10.1.3', 'address «10.10.1.3/24»'), {
      code: 'SURV020', severity: 'error', message: 'a prefix length is not allowed here: this is one host, not a network',
      data: { replacements: ['10.10.1.3'] },
    });
  });

  it('reports a name where an address is needed', () => {
    expectDiagnostic(edit(BASE, 'address 10.10.1.3', 'address «gw-host»'), {
      code: 'SURV020', severity: 'error', message: "expected an IP address, found name 'gw-host'",
    });
  });

  it('accepts IPv6 everywhere an address goes', () => {
    expectNoDiagnostics(edits(BASE,
      ['edge listen udp 10.222.237.1:5060', 'edge listen udp [2001:db8:237::1]:5060, tcp [2001:db8:237::1]'],
      ['lan 10.222.237.0/24', 'lan 10.222.237.0/24, 2001:db8:237::/64'],
      ['at 10.222.237.11', 'at 2001:db8:237::11'],
    ));
  });
});

describe('SURV021 bad prefix', () => {
  it('asks for a prefix length on a LAN and offers /24', () => {
    expectDiagnostic(edit(BASE, 'lan 10.222.237.0/24', 'lan «10.222.237.0»'), {
      code: 'SURV021', severity: 'error', message: "'10.222.237.0' needs a prefix length, such as 10.222.237.0/24",
      data: { replacements: ['10.222.237.0/24'] },
    });
  });

  it('suggests and offers /64 for an IPv6 LAN without a prefix', () => {
    expectDiagnostic(edit(BASE, 'lan 10.222.237.0/24', 'lan 10.222.237.0/24, «2001:db8:237::»'), {
      code: 'SURV021', severity: 'error', message: "'2001:db8:237::' needs a prefix length, such as 2001:db8:237::/64",
      data: { replacements: ['2001:db8:237::/64'] },
    });
  });

  it('offers the network without brackets for a bracketed IPv6 LAN', () => {
    expectDiagnostic(edit(BASE, 'lan 10.222.237.0/24', 'lan 10.222.237.0/24, «[2001:db8:237::]»'), {
      code: 'SURV021', severity: 'error', message: "'[2001:db8:237::]' needs a prefix length, such as 2001:db8:237::/64",
      data: { replacements: ['2001:db8:237::/64'] },
    });
  });

  it('points at an IPv4 prefix over /32', () => {
    expectDiagnostic(edit(BASE, 'lan 10.222.237.0/24', 'lan 10.222.237.0/24, 10.222.0.0«/33»'), {
      code: 'SURV021', severity: 'error', message: 'prefix length /33 is out of range for IPv4 (0-32)',
    });
  });

  it('points at an IPv6 prefix over /128', () => {
    expectDiagnostic(edit(BASE, 'lan 10.222.237.0/24', 'lan 10.222.237.0/24, 2001:db8::«/129»'), {
      code: 'SURV021', severity: 'error', message: 'prefix length /129 is out of range for IPv6 (0-128)',
    });
  });
});

describe('SURV022 host bits set', () => {
  it('warns with the corrected network as the replacement', () => {
    expectDiagnostic(edit(BASE, 'lan 10.222.237.0/24', 'lan «10.222.237.1/24»'), {
      code: 'SURV022', severity: 'warning', message: "host bits are set in '10.222.237.1/24': the network is 10.222.237.0/24",
      data: { replacements: ['10.222.237.0/24'] },
    });
  });

  it('corrects an IPv6 network too', () => {
    expectDiagnostic(edit(BASE, 'lan 10.222.237.0/24', 'lan 10.222.237.0/24, «2001:db8:237::1/64»'), {
      code: 'SURV022', severity: 'warning', message: "host bits are set in '2001:db8:237::1/64': the network is 2001:db8:237::/64",
      data: { replacements: ['2001:db8:237::/64'] },
    });
  });

  it('still uses the corrected network, so phones inside it are fine', () => {
    expectNoDiagnostic(edit(BASE, 'lan 10.222.237.0/24', 'lan 10.222.237.1/24'), 'SURV030');
  });
});

describe('SURV023 port out of range', () => {
  it('points at the port of a gateway address', () => {
    expectDiagnostic(edit(BASE, 'address 10.10.1.3', 'address 10.10.1.3:«70000»'), {
      code: 'SURV023', severity: 'error', message: 'port 70000 is out of range (1-65535)',
    });
  });

  it('rejects port 0', () => {
    expectDiagnostic(edit(BASE, 'edge listen udp 10.222.237.1:5060', 'edge listen udp 10.222.237.1:«0»'), {
      code: 'SURV023', severity: 'error', message: 'port 0 is out of range (1-65535)',
    });
  });

  it('points at the port after a bracketed IPv6 host', () => {
    expectDiagnostic(edit(BASE, 'edge listen udp 10.222.237.1:5060', 'edge listen udp [2001:db8:237::1]:«65536»'), {
      code: 'SURV023', severity: 'error', message: 'port 65536 is out of range (1-65535)',
    });
  });
});

describe('SURV024 bad SIP URI', () => {
  it('reports an address where a SIP URI is needed', () => {
    expectDiagnostic(edit(BASE, 'proxy sip:pbx.example.com:5060', 'proxy «10.1.2.3»'), {
      code: 'SURV024', severity: 'error', message: "expected a SIP URI such as sip:pbx.example.com:5060, found address '10.1.2.3'",
    });
  });

  it('reports a host name with an underscore', () => {
    expectDiagnostic(edit(BASE, 'proxy sip:pbx.example.com:5060', 'proxy «sip:pbx_1.example.com»'), {
      code: 'SURV024', severity: 'error', message: "'sip:pbx_1.example.com' is not a valid SIP URI: 'pbx_1.example.com' is not a valid host name",
    });
  });

  it('reports an unknown transport parameter', () => {
    expectDiagnostic(edit(BASE, 'proxy sip:pbx.example.com:5060', 'proxy «sip:pbx.example.com;transport=sctp»'), {
      code: 'SURV024', severity: 'error', message: "'sip:pbx.example.com;transport=sctp' is not a valid SIP URI: transport=sctp is not udp, tcp or tls",
    });
  });

  it('reports a bad IPv4 host', () => {
    expectDiagnostic(edit(BASE, 'proxy sip:pbx.example.com:5060', 'proxy «sip:10.0.0.256»'), {
      code: 'SURV024', severity: 'error', message: "'sip:10.0.0.256' is not a valid SIP URI: '10.0.0.256' is not an IPv4 address",
    });
  });

  it('accepts sips, a user part, parameters and a bracketed IPv6 host', () => {
    // sips: is a good URI; only the export refuses it (SURV033, export-refusals.test.ts).
    expectNoDiagnostic(edits(BASE,
      ['upstream cloud { proxy sip:pbx.example.com:5060 }', 'upstream cloud { proxy sips:edge@pbx.example.com;transport=tls }'],
    ), 'SURV024');
    expectNoDiagnostics(edits(BASE,
      ['upstream cloud { proxy sip:pbx.example.com:5060 }', 'upstream cloud { proxy sip:edge@pbx.example.com;transport=udp;lr }\n  upstream v6 { proxy sip:[2001:db8::5]:5060 }'],
      ['via cloud', 'via cloud, v6'],
      ['budget 15s', 'budget 20s'],
    ));
  });
});

describe('SURV030 phone outside every LAN', () => {
  it('warns at the phone address, listing the LANs', () => {
    expectDiagnostic(edit(BASE, 'at 10.222.237.11', 'at «10.222.238.11»'), {
      code: 'SURV030', severity: 'warning',
      message: "phone 'desk1' at 10.222.238.11 is outside every LAN of branch 'bilbao' (10.222.237.0/24): it would never get survival",
    });
  });

  it('treats an IPv6 phone as outside an IPv4-only LAN', () => {
    expectDiagnostic(edit(BASE, 'at 10.222.237.11', 'at «2001:db8:237::11»'), {
      code: 'SURV030', severity: 'warning',
      message: "phone 'desk1' at 2001:db8:237::11 is outside every LAN of branch 'bilbao' (10.222.237.0/24): it would never get survival",
    });
  });

  it('does not judge registered phones', () => {
    expectNoDiagnostics(edit(BASE, 'phone desk1 101 at 10.222.237.11', 'phone desk1 101 registered'));
  });
});

describe('SURV031 overlapping LANs', () => {
  const annex = (lan: string) => edits(BASE,
    ['branch bilbao', 'branch annex'],
    ['lan 10.222.237.0/24', `lan ${lan}`],
    ['edge listen udp 10.222.237.1', 'edge listen udp 10.222.237.129'],
    ['at 10.222.237.10', 'at 10.222.237.130'],
    ['at 10.222.237.11', 'at 10.222.237.131'],
  );

  it('reports the narrower LAN of another branch in another file, related to the wider one', () => {
    expectDiagnostic({
      '/fleet/bilbao.surv': edit(BASE, 'lan 10.222.237.0/24', 'lan ‹10.222.237.0/24›'),
      '/fleet/annex.surv': annex('«10.222.237.128/25»'),
    }, {
      code: 'SURV031', severity: 'error',
      message: "LAN 10.222.237.128/25 of branch 'annex' overlaps 10.222.237.0/24 of branch 'bilbao'",
      related: ["10.222.237.0/24 of branch 'bilbao'"],
    });
  });

  it('reports two LANs of the same branch that overlap', () => {
    expectDiagnostic(edit(BASE, 'lan 10.222.237.0/24', 'lan ‹10.222.237.0/24›, «10.222.237.0/25»'), {
      code: 'SURV031', severity: 'error', message: 'LAN 10.222.237.0/25 overlaps 10.222.237.0/24 of the same branch',
      related: ["10.222.237.0/24 of branch 'bilbao'"],
    });
  });

  it('lets adjacent LANs and the two address families be', () => {
    expectNoDiagnostics({
      '/fleet/bilbao.surv': edit(BASE, 'lan 10.222.237.0/24', 'lan 10.222.237.0/25, 2001:db8::/32'),
      '/fleet/annex.surv': annex('10.222.237.128/25, 2001:db9::/32'),
    });
  });
});
