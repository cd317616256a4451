// Phone transports and TLS in the bundle (issue 12, item 4): a fixed phone is rung at a
// URI saying its transport; `edge listen ... tls` loads the tls module with the files of
// `tls { }` as its parameters; what check lets through, the exporter's own guard still
// refuses when a design reaches it without check (a phone with no socket of its
// transport, TLS without its files).
import { describe, expect, it } from 'vitest';
import { buildBundle, ExportError } from '../../../engines/export/index.js';
import { analyze } from '../../../grammar/src/index.js';
import { Sources } from '../../../engines/export/index.js';
import { bundleOf, cfgOf, fileOf } from './helpers.js';

const design = (edge: string, extra: string) => `branch shop {
  edge listen ${edge}
  lan 10.1.0.0/24
  gateway pstn { address 10.1.0.3  kind bri  channels 2 }
  upstream cloud { proxy sip:pbx.example.com:5060 }
${extra}  phone desk 100 at 10.1.0.10
  phone till 101 at 10.1.0.11 transport tcp
  group shop parallel [desk, till]
  outbound from lan via cloud { on timeout { redirect 302 to pstn } }
  inbound from pstn { ring shop }
}
`;
const FILES = '  tls { certificate "/etc/kamailio/tls/cert.pem"  key "/etc/kamailio/tls/key.pem" }\n';

/** The bundle of a design check would refuse: the exporter's own guard speaks. */
function refusal(text: string): string {
  const a = analyze([{ uri: 'test.surv', text }], { symbols: false });
  const sources = new Sources(new Map([...a.files].map(([uri, f]) => [uri, { text: f.text, lines: f.lines }])), '.');
  try {
    buildBundle(a.model.branches[0]!, sources, { target: 'debian', toolVersion: '9.9.9' });
  } catch (error) {
    if (error instanceof ExportError) return error.message;
    throw error;
  }
  return 'exported';
}

describe('phone transports in kamailio.cfg', () => {
  const cfg = cfgOf(design('udp 10.1.0.1:5060, tcp 10.1.0.1:5060', ''));

  it('rings a TCP phone at ;transport=tcp and a UDP phone at its plain URI', () => {
    expect(cfg).toContain('\t$ru = "sip:100@10.1.0.10";\n');
    expect(cfg).toContain('\tappend_branch("sip:101@10.1.0.11;transport=tcp");\n');
  });

  it('keeps TCP on and TLS off without a tls listen address', () => {
    expect(cfg).toContain('listen=tcp:10.1.0.1:5060\n');
    expect(cfg).toContain('tcp_children=2\n');
    expect(cfg).toContain('enable_tls=no\n');
    expect(cfg).not.toContain('tls.so');
  });

  it('refuses, without check, a TCP phone with no tcp listen address', () => {
    expect(refusal(design('udp 10.1.0.1:5060', ''))).toBe("phone till speaks tcp, but the edge listens on no tcp address (add one to 'edge listen')");
  });
});

describe('TLS in kamailio.cfg', () => {
  const text = design('udp 10.1.0.1:5060, tcp 10.1.0.1:5060, tls 10.1.0.1:5061', FILES);

  it('loads the tls module first, turns TLS on, and writes the files as its parameters', () => {
    const cfg = cfgOf(text);
    expect(cfg).toContain('listen=tls:10.1.0.1:5061\n');
    expect(cfg).toContain('enable_tls=yes\n');
    expect(cfg).toMatch(/# No mpath[^\n]*\nloadmodule "tls\.so"\nloadmodule "kex\.so"\n/);
    expect(cfg).toContain([
      '# tls: the edge\'s certificate for its tls listen addresses (from test.surv:6: tls { certificate "/etc/kamailio/tls/cert.pem" key "/etc/kamailio/tls/key.pem" }).',
      '# Needs Debian\'s kamailio-tls-modules package; the files must be readable by the kamailio user.',
      'modparam("tls", "tls_method", "TLSv1.2+")',
      'modparam("tls", "certificate", SURV_ROOT "/etc/kamailio/tls/cert.pem")',
      'modparam("tls", "private_key", SURV_ROOT "/etc/kamailio/tls/key.pem")',
      '# No ca: phones are not asked for a certificate.',
      'modparam("tls", "verify_certificate", 0)',
    ].join('\n'));
  });

  it('with ca: the CA list, and a certificate required of the phones', () => {
    const cfg = cfgOf(text.replace('key.pem" }', 'key.pem"  ca "/etc/ssl/branch-ca.pem" }'));
    expect(cfg).toContain('modparam("tls", "ca_list", SURV_ROOT "/etc/ssl/branch-ca.pem")\nmodparam("tls", "verify_certificate", 1)\nmodparam("tls", "require_certificate", 1)\n');
  });

  it('says in the README to install kamailio-tls-modules and put the files on the router', () => {
    for (const target of ['debian', 'edgeos', 'openwrt'] as const) {
      const readme = fileOf(bundleOf(text, target), 'README.txt');
      expect(readme).toMatch(target === 'openwrt' ? /opkg update && opkg install kamailio kamailio-mod-tls / : /apt-get install kamailio kamailio-tls-modules/);
      expect(readme).toContain('  TLS: put the certificate /etc/kamailio/tls/cert.pem and its key /etc/kamailio/tls/key.pem on the router,\n');
    }
    expect(fileOf(bundleOf(design('udp 10.1.0.1:5060, tcp 10.1.0.1:5060', '')), 'README.txt')).not.toMatch(/TLS|tls-modules/);
  });

  it('refuses, without check, a tls listen address without the files', () => {
    expect(refusal(design('udp 10.1.0.1:5060, tcp 10.1.0.1:5060, tls 10.1.0.1:5061', ''))).toBe(
      "the edge listens on tls, but the branch has no 'tls { certificate \"PATH\"  key \"PATH\" }': Kamailio's tls module needs both",
    );
  });
});
