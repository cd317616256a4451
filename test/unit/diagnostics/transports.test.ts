// Phone transports and the edge's TLS settings: SURV017 (tls listen without its files),
// SURV018 (a TLS file path the export cannot write), SURV019 (TLS settings nobody uses),
// SURV038 (a phone whose transport the edge does not listen on).
import { describe, expect, it } from 'vitest';
import { BASE, check, edit, edits, expectDiagnostic, expectNoDiagnostics, type Files } from './helper.js';

const TLS_LISTEN: readonly [string, string] = ['edge listen udp 10.222.237.1:5060', 'edge listen udp 10.222.237.1:5060, tls 10.222.237.1:5061'];
const FILES = 'tls { certificate "/etc/kamailio/tls/cert.pem"  key "/etc/kamailio/tls/key.pem" }';
const withTls = (block: string) => edit(BASE, '  lan 10.222.237.0/24\n', `  lan 10.222.237.0/24\n  ${block}\n`);

describe('SURV017 tls listen address without TLS settings', () => {
  it('reports the tls word of the listen address when the branch has no tls block', () => {
    expectDiagnostic(edit(BASE, 'edge listen udp 10.222.237.1:5060', 'edge listen udp 10.222.237.1:5060, «tls» 10.222.237.1:5061'), {
      code: 'SURV017', severity: 'error',
      message: "the edge listens on tls, but the branch has no TLS settings: Kamailio's tls module needs the certificate and its key; add 'tls { certificate \"/etc/kamailio/tls/cert.pem\"  key \"/etc/kamailio/tls/key.pem\" }'",
    });
  });

  it('reports a tls block without a key at its tls word', () => {
    expectDiagnostic(edits(withTls('«tls» { certificate "/etc/kamailio/tls/cert.pem" }'), TLS_LISTEN), {
      code: 'SURV017', severity: 'error',
      message: "the TLS settings have no key: Kamailio's tls module needs both for the edge's tls listen address; add 'key \"/etc/kamailio/tls/key.pem\"'",
    });
  });

  it('names both files when the block is empty', () => {
    expectDiagnostic(edits(withTls('«tls» { }'), TLS_LISTEN), {
      code: 'SURV017', severity: 'error',
      message: "the TLS settings have no certificate and no key: Kamailio's tls module needs both for the edge's tls listen address; add 'certificate \"/etc/kamailio/tls/cert.pem\"' and 'key \"/etc/kamailio/tls/key.pem\"'",
    });
  });

  it('is silent with a certificate and a key (ca optional), and with a tls phone', () => {
    expectNoDiagnostics(edits(withTls(FILES), TLS_LISTEN));
    expectNoDiagnostics(edits(withTls('tls { certificate "/etc/kamailio/tls/cert.pem"  key "/etc/kamailio/tls/key.pem"  ca "/etc/ssl/certs/branch-ca.pem" }'), TLS_LISTEN,
      ['phone desk1 101 at 10.222.237.11', 'phone desk1 101 at 10.222.237.11 transport tls']));
  });

  it("takes a profile's CA and the branch's own certificate, field by field", () => {
    const files: Files = {
      '/fleet/profile.surv': 'profile secure {\n  tls { ca "/etc/ssl/certs/fleet-ca.pem" }\n}\n',
      '/fleet/test.surv': `use "profile.surv"\n${edits(withTls(FILES), TLS_LISTEN, ['branch bilbao {', 'branch bilbao uses secure {'])}`,
    };
    const analysis = check(files);
    expect(analysis.diagnostics).toEqual([]);
    const tls = analysis.model.branches.find((b) => b.name === 'bilbao')?.tls;
    expect([tls?.certificate.value, tls?.key.value, tls?.ca.value]).toEqual(['/etc/kamailio/tls/cert.pem', '/etc/kamailio/tls/key.pem', '/etc/ssl/certs/fleet-ca.pem']);
  });
});

describe('SURV018 bad TLS file path', () => {
  it('reports a relative path at the string', () => {
    expectDiagnostic(edits(withTls('tls { certificate «"tls/cert.pem"»  key "/etc/kamailio/tls/key.pem" }'), TLS_LISTEN), {
      code: 'SURV018', severity: 'error',
      message: "the certificate file 'tls/cert.pem' is not an absolute path: Kamailio opens it on the router, so it starts with / (e.g. \"/etc/kamailio/tls/cert.pem\")",
    });
  });

  it('reports a character the export does not write', () => {
    expectDiagnostic(edits(withTls('tls { certificate "/etc/kamailio/tls/cert.pem"  key «"/etc/kamailio/my key.pem"» }'), TLS_LISTEN), {
      code: 'SURV018', severity: 'error',
      message: 'the key file contains " ": a TLS file path may hold letters, digits and . _ / + @ - only',
    });
  });

  it('reports a value that is not a string', () => {
    expectDiagnostic(edits(withTls('tls { certificate "/etc/kamailio/tls/cert.pem"  key "/etc/kamailio/tls/key.pem"  ca «10.1.1.1» }'), TLS_LISTEN), {
      code: 'SURV018', severity: 'error',
      message: "expected the ca file as a quoted absolute path such as \"/etc/kamailio/tls/ca.pem\", found address '10.1.1.1'",
    });
  });

  it('reports a folder', () => {
    expectDiagnostic(edits(withTls('tls { certificate «"/etc/kamailio/tls/"»  key "/etc/kamailio/tls/key.pem" }'), TLS_LISTEN), {
      code: 'SURV018', severity: 'error', message: "the certificate file '/etc/kamailio/tls/' is a folder: name the file",
    });
  });
});

describe('SURV019 TLS settings not used', () => {
  it('warns at the tls word when the edge listens on no tls address', () => {
    expectDiagnostic(withTls(`«tls» { certificate "/etc/kamailio/tls/cert.pem"  key "/etc/kamailio/tls/key.pem" }`), {
      code: 'SURV019', severity: 'warning',
      message: "TLS settings, but the edge listens on no tls address: they are not used (add e.g. 'tls 10.1.0.1:5061' to 'edge listen', or remove the block)",
    });
  });
});

describe('SURV038 phone transport without a listen address', () => {
  it('reports a tcp phone at its transport word when the edge listens on udp only', () => {
    expectDiagnostic(edit(BASE, 'phone desk1 101 at 10.222.237.11', 'phone desk1 101 at 10.222.237.11 transport «tcp»'), {
      code: 'SURV038', severity: 'error',
      message: "phone 'desk1' speaks tcp, but the edge listens on no tcp address: Kamailio could neither take its calls nor reach it (\"no corresponding socket found\"); add one to 'edge listen' (e.g. 'tcp 10.1.0.1:5060')",
      data: { replacements: ['udp'] },
    });
  });

  it('reports a registered tls phone', () => {
    expectDiagnostic(edit(BASE, 'phone desk1 101 at 10.222.237.11', 'phone desk1 101 registered transport «tls»'), {
      code: 'SURV038', severity: 'error',
      message: "phone 'desk1' speaks tls, but the edge listens on no tls address: Kamailio could neither take its calls nor reach it (\"no corresponding socket found\"); add one to 'edge listen' (e.g. 'tls 10.1.0.1:5061')",
      data: { replacements: ['udp'] },
    });
  });

  it('reports a phone on the default udp at its name when the edge listens on tcp only', () => {
    const tcpOnly = edits(BASE, ['edge listen udp 10.222.237.1:5060', 'edge listen tcp 10.222.237.1:5060'], ['phone desk1 101 at 10.222.237.11', 'phone «desk1» 101 at 10.222.237.11'],
      ['phone reception 100 at 10.222.237.10', 'phone reception 100 at 10.222.237.10 transport tcp']);
    expectDiagnostic(tcpOnly, {
      code: 'SURV038', severity: 'error',
      message: "phone 'desk1' speaks udp (the default), but the edge listens on no udp address: Kamailio could neither take its calls nor reach it (\"no corresponding socket found\"); add one to 'edge listen' (e.g. 'udp 10.1.0.1:5060') or give the phone 'transport tcp'",
    });
  });

  it('is silent when the edge listens on the phone\'s transport', () => {
    expectNoDiagnostics(edits(BASE, ['edge listen udp 10.222.237.1:5060', 'edge listen udp 10.222.237.1:5060, tcp 10.222.237.1:5060'],
      ['phone desk1 101 at 10.222.237.11', 'phone desk1 101 at 10.222.237.11 transport tcp']));
  });
});
