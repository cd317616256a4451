// `surv check` reports everything `surv export` would refuse, with a location: for each
// design below, either analysis finds an error or the export succeeds for every target.
// The hostile designs are the refusals the exporter can make from a design (plan.ts,
// escape.ts) written in .surv; the examples are the designs users start from.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, type SourceFile } from '../../../grammar/src/index.js';
import { exportBranches, ExportError, Sources, targets } from '../../../engines/export/index.js';
import { root } from '../export/helpers.js';

/** The export's verdict on an analysed fleet: undefined when every branch exports for every target. */
function exportRefusal(files: readonly SourceFile[]): string | undefined {
  const a = analyze(files, { symbols: false });
  const sources = new Sources(new Map([...a.files].map(([uri, f]) => [uri, { text: f.text, lines: f.lines }])), '.');
  for (const target of targets) {
    try {
      exportBranches(a.model.branches, sources, { target, toolVersion: '9.9.9', fleet: a.model.branches.length > 1 });
    } catch (error) {
      if (error instanceof ExportError) return `${target}: ${error.message}`;
      throw error;
    }
  }
  return undefined;
}

function errorsOf(files: readonly SourceFile[]): string[] {
  return analyze(files, { symbols: false }).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`);
}

/** A clean branch with one piece replaced. */
function design(parts: { edge?: string; gateway?: string; upstream?: string; names?: string; outbound?: string; extra?: string; inbound?: string }): string {
  return `branch ${parts.names ?? 'shop'} {
  edge listen ${parts.edge ?? 'udp 10.1.0.1:5060'}
  lan 10.1.0.0/24
  gateway pstn { ${parts.gateway ?? 'address 10.1.0.3'}  kind bri  channels 2 }
  upstream cloud { ${parts.upstream ?? 'proxy sip:pbx.example.com:5060'} }
  phone desk 100 at 10.1.0.10
  phone desk2 101 at 10.1.0.11
  register { forward cloud with path }
  outbound from lan via cloud {
    ${parts.outbound ?? 'on timeout { announce 181 "Survival"  redirect 302 to pstn }'}
  }
  inbound from pstn { ${parts.inbound ?? 'ring desk'} }
${parts.extra ?? ''}}
`;
}

const announce = (text: string) => design({ outbound: `on timeout { announce 181 "${text}"  redirect 302 to pstn }` });

/**
 * Designs that each try one thing the exporter refuses or might refuse, with the first
 * error code check gives (undefined: clean, and it must export).
 */
const hostile: Readonly<Record<string, readonly [text: string, firstError: string | undefined]>> = {
  'edge listens on tls': [design({ edge: 'tls 10.1.0.1:5061' }), 'SURV017'],
  'edge listens on udp and tls': [design({ edge: 'udp 10.1.0.1:5060, tls 10.1.0.1:5061' }), 'SURV017'],
  'edge listens on udp and tls, with the TLS files': [design({ edge: 'udp 10.1.0.1:5060, tls 10.1.0.1:5061', extra: '  tls { certificate "/etc/kamailio/tls/cert.pem"  key "/etc/kamailio/tls/key.pem" }\n' }), undefined],
  'TLS files, a relative key': [design({ edge: 'udp 10.1.0.1:5060, tls 10.1.0.1:5061', extra: '  tls { certificate "/etc/kamailio/tls/cert.pem"  key "key.pem" }\n' }), 'SURV018'],
  'TLS files, a quote in the key': [design({ edge: 'udp 10.1.0.1:5060, tls 10.1.0.1:5061', extra: '  tls { certificate "/etc/kamailio/tls/cert.pem"  key "/etc/k\\"ey.pem" }\n' }), 'SURV018'],
  'a tls phone, tls listen and files': [design({ edge: 'udp 10.1.0.1:5060, tls 10.1.0.1:5061', extra: '  tls { certificate "/etc/kamailio/tls/cert.pem"  key "/etc/kamailio/tls/key.pem"  ca "/etc/kamailio/tls/ca.pem" }\n  phone till 102 at 10.1.0.12 transport tls\n' }), undefined],
  'a tcp phone, no tcp listen': [design({ extra: '  phone till 102 at 10.1.0.12 transport tcp\n' }), 'SURV038'],
  'a registered tcp phone, tcp listen': [design({ edge: 'udp 10.1.0.1:5060, tcp 10.1.0.1:5060', extra: '  phone till 102 registered transport tcp\n' }), undefined],
  'gateway over tls': [design({ gateway: 'address 10.1.0.3  transport tls' }), 'SURV033'],
  'upstream over tls': [design({ upstream: 'proxy sip:pbx.example.com  transport tls' }), 'SURV033'],
  'upstream sips: URI': [design({ upstream: 'proxy sips:pbx.example.com' }), 'SURV033'],
  'upstream ;transport=tls': [design({ upstream: 'proxy sip:pbx.example.com;transport=tls' }), 'SURV033'],
  'upstream sips: URI, transport udp': [design({ upstream: 'proxy sips:pbx.example.com  transport udp' }), 'SURV033'],
  'gateway over tcp, no tcp listen': [design({ gateway: 'address 10.1.0.3  transport tcp' }), 'SURV033'],
  'upstream over tcp, no tcp listen': [design({ upstream: 'proxy sip:pbx.example.com  transport tcp' }), 'SURV033'],
  'upstream ;transport=tcp, no tcp listen': [design({ upstream: 'proxy sip:pbx.example.com;transport=tcp' }), 'SURV033'],
  'gateway over tcp, tcp listen': [design({ edge: 'udp 10.1.0.1:5060, tcp 10.1.0.1:5060', gateway: 'address 10.1.0.3  transport tcp' }), undefined],
  'IPv6 edge and gateway': [design({ edge: 'udp [2001:db8::1]:5060', gateway: 'address [2001:db8::3]' }), undefined],
  'upstream host with an underscore': [design({ upstream: 'proxy sip:pbx_1.example.com' }), 'SURV024'],
  'upstream host with a leading hyphen': [design({ upstream: 'proxy sip:-pbx.example.com' }), 'SURV024'],
  'upstream host with a trailing dot': [design({ upstream: 'proxy sip:pbx.example.com.' }), 'SURV024'],
  'upstream host label of 64 characters': [design({ upstream: `proxy sip:${'a'.repeat(64)}.example.com` }), 'SURV033'],
  'upstream host of 260 characters': [design({ upstream: `proxy sip:${Array.from({ length: 26 }, () => 'abcdefghi').join('.')}.com` }), 'SURV033'],
  'upstream IPv6 host': [design({ upstream: 'proxy sip:[2001:db8::9]:5060' }), undefined],
  'upstream URI with a user and parameters': [design({ upstream: 'proxy sip:edge@pbx.example.com:5070;lr' }), undefined],
  'upstream port 0': [design({ upstream: 'proxy sip:pbx.example.com:0' }), 'SURV024'],
  'upstream port 65536': [design({ upstream: 'proxy sip:pbx.example.com:65536' }), 'SURV024'],
  'gateway port 0': [design({ gateway: 'address 10.1.0.3:0' }), 'SURV023'],
  'branch name of 64 characters': [design({ names: `b${'x'.repeat(63)}` }), undefined],
  'branch name of 65 characters': [design({ names: `b${'x'.repeat(64)}` }), 'SURV033'],
  'extension of 33 digits': [design({ extra: `  phone long ${'1'.repeat(33)} at 10.1.0.12\n` }), 'SURV033'],
  'extension led by +': [design({ extra: '  phone plus +102 at 10.1.0.12\n' }), undefined],
  'emergency number of 33 digits': [design({ outbound: `on timeout { redirect 302 to pstn }\n    emergency ${'1'.repeat(33)}` }), 'SURV033'],
  'did of 33 digits': [design({ inbound: `ring desk\n    did ${'9'.repeat(33)} to desk2` }), 'SURV033'],
  'rewrite strip 33': [design({ outbound: 'on timeout { redirect 302 to pstn }\n    rewrite { match 0  strip 33 }' }), 'SURV026'],
  'rewrite prefix of 40 digits': [design({ outbound: `on timeout { redirect 302 to pstn }\n    rewrite { match 0  prefix ${'3'.repeat(40)} }` }), 'SURV033'],
  'probe every 2h': [design({ upstream: 'proxy sip:pbx.example.com\n    probe options every 2h timeout 2s down after 2 up after 3 holdoff 60s' }), undefined],
  'probe holdoff 30d': [design({ upstream: 'proxy sip:pbx.example.com\n    probe options every 15s timeout 2s down after 2 up after 3 holdoff 720h' }), 'SURV033'],
  'probe down after 1000': [design({ upstream: 'proxy sip:pbx.example.com\n    probe options every 15s timeout 2s down after 1000 up after 3 holdoff 60s' }), 'SURV026'],
  'ring for 30d': [design({ inbound: 'ring desk for 720h then ring desk2' }), 'SURV040'],
  'group ring 30d': [design({ inbound: 'ring front', extra: '  group front serial [desk, desk2] ring 720h\n' }), 'SURV040'],
  'pass 7xx': [design({ outbound: 'on timeout { redirect 302 to pstn }\n    pass 7xx' }), 'SURV060'],
  'pass 999': [design({ outbound: 'on timeout { redirect 302 to pstn }\n    pass 999' }), 'SURV026'],
  'announce 100': [design({ outbound: 'on timeout { announce 100 "x"  redirect 302 to pstn }' }), 'SURV050'],
  'redirect 399': [design({ outbound: 'on timeout { redirect 399 to pstn }' }), undefined],
  'redirect and relay': [design({ outbound: 'on timeout { redirect 302 to pstn  relay to pstn }' }), 'SURV057'],
  'announcement with a tab': [announce('a\tb'), 'SURV053'],
  'announcement with an escaped tab': [announce('a\\tb'), 'SURV053'],
  'announcement with U+2028': [announce('a\u2028b'), 'SURV053'],
  'announcement with U+0085': [announce('a\u0085b'), 'SURV053'],
  'announcement with DEL': [announce('a\u007fb'), 'SURV053'],
  'announcement with RLO': [announce('a\u202eb'), 'SURV053'],
  'announcement with ZWSP': [announce('a\u200bb'), 'SURV053'],
  'announcement with a soft hyphen': [announce('a\u00adb'), 'SURV053'],
  'announcement with a BOM': [announce('a\ufeffb'), 'SURV053'],
  'announcement empty': [announce(''), 'SURV063'],
  'announcement of 128 characters': [announce('x'.repeat(128)), undefined],
  'announcement of 129 characters': [announce('x'.repeat(129)), 'SURV063'],
  'announcement of 128 emoji': [announce('😀'.repeat(128)), undefined],
  'announcement with quotes, $ and backslashes': [announce('\\"$(id)\\" \\\\ ${x} #!define'), undefined],
  'announcement in Basque and Greek': [announce('Biziraupena aktibatuta - Επιβίωση'), undefined],
  'no listen address': ['branch shop {\n  lan 10.1.0.0/24\n}\n', 'SURV032'],
  'no lan': ['branch shop {\n  edge listen udp 10.1.0.1:5060\n}\n', 'SURV032'],
  'gateway without address': [design({ gateway: 'kind fxo' }), 'SURV032'],
  'upstream without proxy': [design({ upstream: '' }), 'SURV032'],
  'unknown gateway in on timeout': [design({ outbound: 'on timeout { redirect 302 to pstm }' }), 'SURV010'],
  'phone registered, no local copy': [design({ extra: '  phone roam 102 registered\n' }), undefined],
};

describe('check reports what export would refuse', () => {
  for (const [name, [text, firstError]] of Object.entries(hostile)) {
    it(name, () => {
      const files = [{ uri: 'test.surv', text }];
      const errors = errorsOf(files);
      expect(errors[0]?.slice(0, 'SURVnnn'.length)).toBe(firstError);
      // The property: no error from check means the export succeeds, for every target.
      if (errors.length === 0) expect(exportRefusal(files)).toBeUndefined();
    });
  }
});

function surv(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? surv(path) : entry.endsWith('.surv') ? [path] : [];
  });
}

describe('every example that checks clean exports for every target', () => {
  const examples = join(root, 'examples');
  for (const dir of [examples, ...readdirSync(examples).map((e) => join(examples, e)).filter((p) => statSync(p).isDirectory())]) {
    it(relative(root, dir), () => {
      const files = surv(dir).map((path) => ({ uri: relative(root, path), text: readFileSync(path, 'utf8') }));
      if (errorsOf(files).length === 0) expect(exportRefusal(files)).toBeUndefined();
    });
  }
});
