// Checks on how phones reach the edge: each phone's transport needs a listen socket of
// that transport (Kamailio has no socket to send from otherwise: "no corresponding
// socket found", a 480 to the caller), and a tls listen socket needs the TLS files
// (the tls module refuses to start without a certificate and its key).
import type { Branch, TransportName } from '../model/types.js';
import type { BranchReporter } from './reporter.js';

const example = 'tls { certificate "/etc/kamailio/tls/cert.pem"  key "/etc/kamailio/tls/key.pem" }';

export function checkTransports(branch: Branch, site: BranchReporter): void {
  checkTlsSettings(branch, site);
  checkPhoneTransports(branch, site);
}

function checkTlsSettings(branch: Branch, site: BranchReporter): void {
  const tlsListens = branch.listens.value.filter((l) => l.transport === 'tls');
  const tls = branch.tls;
  if (tlsListens.length === 0) {
    if (tls) {
      site.at('warning', 'SURV019', "TLS settings, but the edge listens on no tls address: they are not used (add e.g. 'tls 10.1.0.1:5061' to 'edge listen', or remove the block)", tls.origin);
    }
    return;
  }
  if (!tls) {
    for (const l of tlsListens) {
      if (l.origin.kind !== 'source') continue;
      // A listen's span starts at its transport word.
      site.at('error', 'SURV017', `the edge listens on tls, but the branch has no TLS settings: Kamailio's tls module needs the certificate and its key; add '${example}'`, {
        uri: l.origin.uri, span: { start: l.origin.start, end: l.origin.start + 'tls'.length },
      });
    }
    return;
  }
  const absent = (['certificate', 'key'] as const).filter((k) => tls[k].origin.kind === 'default');
  if (absent.length > 0) {
    site.at('error', 'SURV017', `the TLS settings have no ${absent.join(' and no ')}: Kamailio's tls module needs both for the edge's tls listen address; add ${absent.map((k) => `'${k} "/etc/kamailio/tls/${k === 'key' ? 'key' : 'cert'}.pem"'`).join(' and ')}`, tls.origin);
  }
}

function checkPhoneTransports(branch: Branch, site: BranchReporter): void {
  const listened = new Set<TransportName>(branch.listens.value.map((l) => l.transport));
  // No listen address at all is SURV032's finding.
  if (listened.size === 0) return;
  for (const p of branch.phones) {
    const t = p.transport.value;
    if (listened.has(t)) continue;
    const given = p.transport.origin.kind === 'source';
    site.at('error', 'SURV038', `phone '${p.name}' speaks ${t}${given ? '' : ' (the default)'}, but the edge listens on no ${t} address: Kamailio could neither take its calls nor reach it ("no corresponding socket found"); add one to 'edge listen' (e.g. '${t} 10.1.0.1:${t === 'tls' ? 5061 : 5060}')${given ? '' : ` or give the phone 'transport ${[...listened][0] ?? 'tcp'}'`}`,
      given ? p.transport.origin : p.origin, given ? { data: { replacements: [...listened] } } : {});
  }
}
