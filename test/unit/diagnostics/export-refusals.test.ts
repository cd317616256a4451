// SURV033: what the export cannot write (TLS toward a peer, TCP without a tcp listen address, values
// beyond kamailio.cfg's bounds), reported by check at the word to change.
import { describe, it } from 'vitest';
import { BASE, edit, expectDiagnostic, expectNoDiagnostics, type Files } from './helper.js';

const TLS = "TLS toward a gateway or an upstream is not exported: the tls settings are the edge's own sockets, which face the phones";

// A tls listen address is exported with `tls { }` (transports.test.ts: SURV017).
describe('SURV033 TLS toward a peer is not exported', () => {
  it('reports a gateway reached over tls at its transport value', () => {
    expectDiagnostic(edit(BASE, 'address 10.10.1.3', 'address 10.10.1.3  transport «tls»'), {
      code: 'SURV033', severity: 'error', message: `${TLS}; reach gateway 'pstn' over udp or tcp`, data: { replacements: ['udp', 'tcp'] },
    });
  });

  it('reports an upstream with transport tls', () => {
    expectDiagnostic(edit(BASE, 'proxy sip:pbx.example.com:5060', 'proxy sip:pbx.example.com:5060  transport «tls»'), {
      code: 'SURV033', severity: 'error', message: `${TLS}; reach upstream 'cloud' over udp or tcp`, data: { replacements: ['udp', 'tcp'] },
    });
  });

  it('reports a sips: URI at the URI, with no word to swap', () => {
    expectDiagnostic(edit(BASE, 'proxy sip:pbx.example.com:5060', 'proxy «sips:pbx.example.com»'), {
      code: 'SURV033', severity: 'error', message: `${TLS}; a sips: URI always means TLS, so reach upstream 'cloud' with a sip: URI over udp or tcp`,
    });
  });

  it('reports ;transport=tls at the URI', () => {
    expectDiagnostic(edit(BASE, 'proxy sip:pbx.example.com:5060', 'proxy «sip:pbx.example.com;transport=tls»'), {
      code: 'SURV033', severity: 'error', message: `${TLS}; reach upstream 'cloud' over udp or tcp`,
    });
  });

  it("reports a profile's tls gateway at the branch using it, the profile's word as related", () => {
    const files: Files = {
      '/fleet/profile.surv': 'profile isdn {\n  gateway pstn { address 10.10.1.3  kind bri  transport ‹tls› }\n}\n',
      '/fleet/test.surv': `use "profile.surv"\n${edit(BASE, 'branch bilbao {', 'branch «bilbao» uses isdn {').replace('  gateway pstn { address 10.10.1.3  kind bri  channels 2 }\n', '')}`,
    };
    expectDiagnostic(files, {
      code: 'SURV033', severity: 'error', message: `${TLS}; reach gateway 'pstn' over udp or tcp (in branch 'bilbao')`, related: ['set here'],
    });
  });
});

describe('SURV033 TCP without a tcp listen address', () => {
  it('reports a gateway reached over tcp when the edge listens on udp only', () => {
    expectDiagnostic(edit(BASE, 'address 10.10.1.3', 'address 10.10.1.3  transport «tcp»'), {
      code: 'SURV033', severity: 'error',
      message: "gateway 'pstn' is reached over TCP, but the edge listens on no tcp address: add one to 'edge listen' (e.g. 'tcp 10.1.0.1:5060')",
    });
  });

  it('reports an upstream whose URI says ;transport=tcp', () => {
    expectDiagnostic(edit(BASE, 'proxy sip:pbx.example.com:5060', 'proxy «sip:pbx.example.com;transport=tcp»'), {
      code: 'SURV033', severity: 'error',
      message: "upstream 'cloud' is reached over TCP, but the edge listens on no tcp address: add one to 'edge listen' (e.g. 'tcp 10.1.0.1:5060')",
    });
  });

  it('is silent once the edge listens on tcp too', () => {
    expectNoDiagnostics(edits2(BASE));
  });
});

function edits2(text: string): string {
  return edit(edit(text, 'edge listen udp 10.222.237.1:5060', 'edge listen udp 10.222.237.1:5060, tcp 10.222.237.1:5060'), 'address 10.10.1.3', 'address 10.10.1.3  transport tcp');
}

describe('SURV033 values beyond what kamailio.cfg takes', () => {
  it('reports a name of more than 64 characters at the name', () => {
    const long = `front${'x'.repeat(60)}`;
    expectDiagnostic(edit(BASE, 'gateway pstn {', `gateway pstn {`).replace('phone desk1 101', `phone «${long}» 102 at 10.222.237.12\n  phone desk1 101`), {
      code: 'SURV033', severity: 'error', message: `the phone name '${long}' has 65 characters: the export writes at most 64 into kamailio.cfg`,
    });
  });

  it('reports an extension of more than 32 digits', () => {
    const n = '1'.repeat(33);
    expectDiagnostic(edit(BASE, 'phone desk1 101', `phone desk1 «${n}»`), {
      code: 'SURV033', severity: 'error', message: `the extension ${n} has 33 digits: the export writes at most 32 into kamailio.cfg`,
    });
  });

  it('reports a did of more than 32 digits at the did', () => {
    const n = '9'.repeat(33);
    expectDiagnostic(edit(BASE, 'ring front then ring reception', `ring front then ring reception\n    «did ${n} to desk1»`), {
      code: 'SURV033', severity: 'error', message: `the did ${n} has 33 digits: the export writes at most 32 into kamailio.cfg`,
    });
  });

  it('reports a host name with a label over 63 characters', () => {
    const host = `${'a'.repeat(64)}.example.com`;
    expectDiagnostic(edit(BASE, 'proxy sip:pbx.example.com:5060', `proxy «sip:${host}»`), {
      code: 'SURV033', severity: 'error', message: `'${host}' is not a host name the export can write: a DNS name has at most 63 characters a label and 253 in all`,
    });
  });

  it('reports a probe holdoff beyond 32-bit milliseconds at the duration', () => {
    expectDiagnostic(edit(BASE, 'proxy sip:pbx.example.com:5060', 'proxy sip:pbx.example.com:5060\n    probe options every 15s timeout 2s down after 2 up after 3 holdoff «720h»'), {
      code: 'SURV033', severity: 'error', message: 'probe holdoff 720h is longer than the export can write: Kamailio keeps it in 32-bit milliseconds (at most 2000000s)',
    });
  });

  it('accepts the largest values the export takes', () => {
    const name = `front${'x'.repeat(59)}`;
    expectNoDiagnostics(edit(BASE, 'phone desk1 101', `phone ${name} 102 at 10.222.237.12\n  phone desk1 ${'1'.repeat(32)}`).replace('[reception, desk1]', `[reception, desk1, ${name}]`));
  });
});
