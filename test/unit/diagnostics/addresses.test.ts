// Addresses that would silently mean something else, or not one host: SURV027
// (leading zeros, never read as octal), SURV028 (unspecified, broadcast, multicast),
// SURV029 (a LAN covering every address), and the lenient forms that are SURV020.
import { describe, expect, it } from 'vitest';
import { BASE, check, edit, edits, expectDiagnostic, expectNoDiagnostics, PROFILE, stationBranch } from './helper.js';

const octal = (text: string, fixed: string) => `address ${text} has an octet with a leading zero; write ${fixed} (surv never reads octets as octal)`;

describe('SURV027 leading zero in an IPv4 address', () => {
  it('a gateway address: located at the address, with the decimal fix', () => {
    expectDiagnostic(edit(BASE, 'address 10.10.1.3', 'address «010.010.001.003»'), {
      code: 'SURV027', severity: 'error', message: octal('010.010.001.003', '10.10.1.3'), data: { replacements: ['10.10.1.3'] },
    });
  });

  it('the range is the address, not its port', () => {
    expectDiagnostic(edit(BASE, 'address 10.10.1.3', 'address «10.10.01.3»:5080'), {
      code: 'SURV027', message: octal('10.10.01.3', '10.10.1.3'), data: { replacements: ['10.10.1.3'] },
    });
  });

  it('a phone address', () => {
    expectDiagnostic(edit(BASE, 'at 10.222.237.11', 'at «10.222.237.011»'), {
      code: 'SURV027', message: octal('10.222.237.011', '10.222.237.11'), data: { replacements: ['10.222.237.11'] },
    });
  });

  it('an edge listen address', () => {
    expectDiagnostic(edit(BASE, 'udp 10.222.237.1:5060', 'udp «10.222.237.01»:5060'), {
      code: 'SURV027', message: octal('10.222.237.01', '10.222.237.1'), data: { replacements: ['10.222.237.1'] },
    });
  });

  it('the address part of a LAN (and nothing else: the LAN is dropped, not read as 8.x)', () => {
    expectDiagnostic(edits(BASE, ['lan 10.222.237.0/24', 'lan «010.222.237.0»/24']), {
      code: 'SURV027', message: octal('010.222.237.0', '10.222.237.0'), data: { replacements: ['10.222.237.0'] },
    });
  });

  it('a part that is only zeros: 00', () => {
    expectDiagnostic(edit(BASE, 'address 10.10.1.3', 'address «10.00.1.3»'), {
      code: 'SURV027', message: octal('10.00.1.3', '10.0.1.3'), data: { replacements: ['10.0.1.3'] },
    });
  });

  it('an IP host in an upstream URI: same code and message, located at the host', () => {
    expectDiagnostic(edit(BASE, 'proxy sip:pbx.example.com:5060', 'proxy sip:«010.20.0.5»:5060'), {
      code: 'SURV027', message: octal('010.20.0.5', '10.20.0.5'), data: { replacements: ['10.20.0.5'] },
    });
    expectDiagnostic(edit(BASE, 'proxy sip:pbx.example.com:5060', 'proxy sip:pbx@«10.20.0.05»;transport=tcp'), {
      code: 'SURV027', message: octal('10.20.0.05', '10.20.0.5'), data: { replacements: ['10.20.0.5'] },
    });
  });

  it('the IPv4 part of an IPv6 address, bare and in a URI', () => {
    expectDiagnostic(edit(BASE, 'address 10.10.1.3', 'address «::ffff:010.10.1.3»'), {
      code: 'SURV027', message: octal('::ffff:010.10.1.3', '::ffff:10.10.1.3'), data: { replacements: ['::ffff:10.10.1.3'] },
    });
    expectDiagnostic(edit(BASE, 'proxy sip:pbx.example.com:5060', 'proxy sip:[«64:ff9b::010.0.0.1»]:5060'), {
      code: 'SURV027', message: octal('64:ff9b::010.0.0.1', '64:ff9b::10.0.0.1'), data: { replacements: ['64:ff9b::10.0.0.1'] },
    });
  });

  it('in a profile: reported once, where it is written, however many branches use it', () => {
    const profile = edit(PROFILE, 'proxy sip:pbx.example.com:5060', 'proxy sip:«10.0.0.010»');
    expectDiagnostic({ '/fleet/profile.surv': profile, '/fleet/a.surv': `use "profile.surv"\n${stationBranch(1)}${stationBranch(2)}` }, {
      code: 'SURV027', message: octal('10.0.0.010', '10.0.0.10'), data: { replacements: ['10.0.0.10'] },
    });
  });

  it('decimal addresses with zeros that are not leading stay clean: 10.0.0.100, 100.64.0.0/10', () => {
    expectNoDiagnostics(edits(BASE, ['address 10.10.1.3', 'address 10.0.0.100'], ['proxy sip:pbx.example.com:5060', 'proxy sip:100.64.0.10:5060']));
  });
});

describe('SURV020 for the other lenient IPv4 forms', () => {
  it('a short form 10.1', () => {
    expectDiagnostic(edit(BASE, 'address 10.10.1.3', 'address «10.1»'), {
      code: 'SURV020', message: "'10.1' is not an IPv4 address: an IPv4 address has four parts",
    });
  });

  it('a single 32-bit number', () => {
    expectDiagnostic(edit(BASE, 'address 10.10.1.3', 'address «167772161»'), {
      code: 'SURV020', message: "expected an IP address, found number '167772161'",
    });
  });

  it('a hex part is not an address at all', () => {
    const analysis = check(edit(BASE, 'address 10.10.1.3', 'address 0x0a.0.0.1'));
    expect(analysis.diagnostics.map((d) => d.code)).toContain('SURV020');
    expect(analysis.model.branches[0]?.gateways[0]?.address.value).toBeUndefined();
  });

  it('a non-decimal IPv4 part after the last colon of an IPv6 address', () => {
    expectDiagnostic(edit(BASE, 'address 10.10.1.3', 'address «::ffff:1.2.3»'), {
      code: 'SURV020', message: "'::ffff:1.2.3' is not an IPv6 address",
    });
  });

  it('an upstream host whose last label is numeric or hex (resolvers read 0x7f.1 as 127.0.0.1)', () => {
    expectDiagnostic(edit(BASE, 'proxy sip:pbx.example.com:5060', 'proxy «sip:0x7f.1»'), {
      code: 'SURV024', message: "'sip:0x7f.1' is not a valid SIP URI: '0x7f.1' is not an IPv4 address: write four decimal parts 0-255",
    });
    expectDiagnostic(edit(BASE, 'proxy sip:pbx.example.com:5060', 'proxy «sip:pbx.10»'), {
      code: 'SURV024', message: "'sip:pbx.10' is not a valid SIP URI: 'pbx.10' is not an IPv4 address: write four decimal parts 0-255",
    });
  });
});

describe('the model reads addresses in decimal only', () => {
  it('10.10.1.3 is 10.10.1.3; IPv6 with an IPv4 tail is canonical', () => {
    const analysis = expectNoDiagnostics(edit(BASE, 'address 10.10.1.3', 'address [::ffff:10.10.1.3]:5070'));
    expect(analysis.model.branches[0]?.gateways[0]?.address.value).toEqual({ address: '::ffff:a0a:103', family: 6, port: 5070 });
  });

  it('an address with a leading zero never reaches the model', () => {
    const analysis = check(edit(BASE, 'address 10.10.1.3', 'address 010.010.001.003'));
    expect(analysis.model.branches[0]?.gateways[0]?.address.value).toBeUndefined();
    const lan = check(edit(BASE, 'lan 10.222.237.0/24', 'lan 010.222.237.0/24, 10.9.0.0/16'));
    expect(lan.model.branches[0]?.lans.value.map((n) => n.cidr)).toEqual(['10.9.0.0/16']);
  });
});

const notOneHost = (address: string, what: string) => `${address} is ${what}, not one host: write the host's own address`;

describe('SURV028 not one host', () => {
  it.each([
    ['0.0.0.0', 'the unspecified address'],
    ['0.1.2.3', 'in the unspecified range 0.0.0.0/8 ("this network")'],
    ['255.255.255.255', 'the broadcast address'],
    ['224.0.0.1', 'a multicast address'],
    ['239.255.255.250', 'a multicast address'],
  ])('a gateway at %s', (address, what) => {
    expectDiagnostic(edit(BASE, 'address 10.10.1.3', `address «${address}»`), { code: 'SURV028', severity: 'error', message: notOneHost(address, what) });
  });

  it('IPv6: the unspecified address and multicast, with or without a port', () => {
    expectDiagnostic(edit(BASE, 'address 10.10.1.3', 'address «::»'), { code: 'SURV028', message: notOneHost('::', 'the unspecified address') });
    expectDiagnostic(edit(BASE, 'address 10.10.1.3', 'address [«ff02::1»]:5060'), { code: 'SURV028', message: notOneHost('ff02::1', 'a multicast address') });
  });

  it('an IPv4-mapped IPv6 address counts as its IPv4 address', () => {
    expectDiagnostic(edit(BASE, 'address 10.10.1.3', 'address «::ffff:224.0.0.1»'), {
      code: 'SURV028', message: notOneHost('::ffff:e000:1', 'a multicast address'),
    });
  });

  it('a phone at the broadcast address (and no SURV030 besides)', () => {
    expectDiagnostic(edit(BASE, 'at 10.222.237.11', 'at «255.255.255.255»'), { code: 'SURV028', message: notOneHost('255.255.255.255', 'the broadcast address') });
  });

  it('edge listen 0.0.0.0: the edge needs its own address', () => {
    expectDiagnostic(edit(BASE, 'udp 10.222.237.1:5060', 'udp «0.0.0.0»:5060'), { code: 'SURV028', message: notOneHost('0.0.0.0', 'the unspecified address') });
  });

  it('an upstream whose URI host is multicast or unspecified, located at the host', () => {
    expectDiagnostic(edit(BASE, 'proxy sip:pbx.example.com:5060', 'proxy sip:«224.0.0.75»:5060'), { code: 'SURV028', message: notOneHost('224.0.0.75', 'a multicast address') });
    expectDiagnostic(edit(BASE, 'proxy sip:pbx.example.com:5060', 'proxy sip:[«::»]:5060'), { code: 'SURV028', message: notOneHost('::', 'the unspecified address') });
  });

  it('a multicast LAN', () => {
    expectDiagnostic(edit(BASE, 'lan 10.222.237.0/24', 'lan «224.0.0.0/24»'), {
      code: 'SURV028', message: 'LAN 224.0.0.0/24 is a multicast network: no phone sends from there; write the network the phones are in',
    });
    expectDiagnostic(edit(BASE, 'lan 10.222.237.0/24', 'lan 10.222.237.0/24, «ff05::/16»'), {
      code: 'SURV028', message: 'LAN ff05::/16 is a multicast network: no phone sends from there; write the network the phones are in',
    });
  });

  it('loopback and private addresses stay allowed', () => {
    expectNoDiagnostics(edits(BASE,
      ['udp 10.222.237.1:5060', 'udp 127.0.0.1:5060'], ['lan 10.222.237.0/24', 'lan 10.222.237.0/24, 127.0.0.8/29'],
      ['address 10.10.1.3', 'address 127.0.0.3'], ['proxy sip:pbx.example.com:5060', 'proxy sip:127.0.0.2:5060']));
    expectNoDiagnostics(edit(BASE, 'address 10.10.1.3', 'address ::1'));
  });
});

describe('SURV029 LAN covering every address', () => {
  it('0.0.0.0/0', () => {
    expectDiagnostic(edit(BASE, 'lan 10.222.237.0/24', 'lan «0.0.0.0/0»'), {
      code: 'SURV029', severity: 'error',
      message: 'LAN 0.0.0.0/0 covers every IPv4 address: the edge would trust every source as a phone of this branch; write the network the phones are in',
    });
  });

  it('::/0 beside a good LAN', () => {
    expectDiagnostic(edit(BASE, 'lan 10.222.237.0/24', 'lan 10.222.237.0/24, «::/0»'), {
      code: 'SURV029',
      message: 'LAN ::/0 covers every IPv6 address: the edge would trust every source as a phone of this branch; write the network the phones are in',
    });
  });

  it('any address with /0, without a host-bits warning besides', () => {
    expectDiagnostic(edit(BASE, 'lan 10.222.237.0/24', 'lan «10.222.237.0/0»'), {
      code: 'SURV029',
      message: 'LAN 10.222.237.0/0 covers every IPv4 address: the edge would trust every source as a phone of this branch; write the network the phones are in',
    });
  });

  it('a /1 is a network (wide, but not every source)', () => {
    expectNoDiagnostics(edits(BASE, ['lan 10.222.237.0/24', 'lan 0.0.0.0/1']));
  });
});
