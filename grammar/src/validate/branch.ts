// Checks on one resolved branch: timers and the post-dial budget, phones against
// the LANs, extensions, probing. They read the model, so profile values count.
import ipaddr from 'ipaddr.js';
import type { Branch, Origin, Setting } from '../model/types.js';
import { dnsNamePattern, maxExportDigits, maxExportMs, maxExportNameLength } from '../strings.js';
import { checkLocalNumbers } from './local-calls.js';
import type { BranchReporter } from './reporter.js';
import { checkTransports } from './transports.js';

export function formatMs(ms: number): string {
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

const maxDurationMs = 3_600_000;

export function checkBranch(branch: Branch, site: BranchReporter): void {
  checkTimers(branch, site);
  checkBudget(branch, site);
  checkPhones(branch, site);
  checkLocalNumbers(branch, site);
  checkTransports(branch, site);
  checkProbes(branch, site);
  checkExportable(branch, site);
}

function checkTimers(branch: Branch, site: BranchReporter): void {
  const t = branch.timers;
  const named: [string, Setting<number>][] = [['no-answer', t.noAnswerMs], ['ringing', t.ringingMs], ['t1', t.t1Ms], ['t2', t.t2Ms], ['budget', t.budgetMs]];
  // A default trying is the no-answer value: checked as no-answer, never reported twice.
  if (t.tryingMs.origin.kind === 'source') named.push(['trying', t.tryingMs]);
  let sane = true;
  for (const [name, setting] of named) {
    if (setting.value <= 0 || setting.value > maxDurationMs) {
      site.at('error', 'SURV040', `${name} must be more than 0 and at most 1h, not ${formatMs(setting.value)}`, setting.origin);
      sane = false;
    }
  }
  if (!sane) return;
  const timerB = 64 * t.t1Ms.value;
  if (t.noAnswerMs.value < t.t1Ms.value) {
    site.at('error', 'SURV041', `no-answer ${formatMs(t.noAnswerMs.value)} is below T1 ${formatMs(t.t1Ms.value)}: the INVITE would time out before its first retransmission`, t.noAnswerMs.origin, {
      data: { replacements: [formatMs(t.t1Ms.value)] },
    });
  } else if (t.noAnswerMs.value > timerB) {
    site.at('error', 'SURV042', `no-answer ${formatMs(t.noAnswerMs.value)} is above Timer B (64*T1 = ${formatMs(timerB)}), the longest RFC 3261 lets an INVITE client transaction wait for any reply`, t.noAnswerMs.origin, {
      data: { replacements: [formatMs(timerB)] },
    });
  }
  if (t.ringingMs.value < t.noAnswerMs.value) {
    site.at('error', 'SURV043', `ringing ${formatMs(t.ringingMs.value)} (fr_inv_timer) is shorter than no-answer ${formatMs(t.noAnswerMs.value)} (fr_timer): a call that rings would be given up sooner than one that gets no reply at all`, t.ringingMs.origin, {
      data: { replacements: [formatMs(t.noAnswerMs.value)] },
    });
  }
  checkTrying(t, site);
  if (t.t2Ms.value < t.t1Ms.value) {
    site.at('error', 'SURV044', `T2 ${formatMs(t.t2Ms.value)} is below T1 ${formatMs(t.t1Ms.value)}: retransmissions would never back off`, t.t2Ms.origin, {
      data: { replacements: [formatMs(t.t1Ms.value)] },
    });
  }
}

/**
 * A written `trying`: at most ringing, and at least T1, or a working upstream's 18x
 * would miss it. A default one is the no-answer value, which SURV041/SURV043 hold.
 */
function checkTrying(t: Branch['timers'], site: BranchReporter): void {
  const trying = t.tryingMs;
  if (trying.origin.kind !== 'source') return;
  if (trying.value > t.ringingMs.value) {
    site.at('error', 'SURV039', `trying ${formatMs(trying.value)} is longer than ringing ${formatMs(t.ringingMs.value)} (fr_inv_timer): a call whose upstream sent only 100 Trying would wait longer than one that rings`, trying.origin, {
      data: { replacements: [formatMs(t.ringingMs.value)] },
    });
  }
  if (trying.value < t.t1Ms.value) {
    site.at('error', 'SURV068', `trying ${formatMs(trying.value)} is below T1 ${formatMs(t.t1Ms.value)}: the upstream's 180 takes at least a round trip to the far phone, so calls to a working upstream would go to survival`, trying.origin, {
      data: { replacements: [formatMs(t.t1Ms.value)] },
    });
  }
}

/**
 * The timer that bounds how long one upstream can hold a caller in silence before the next is tried: no
 * reply at all for no-answer, or a 100 Trying at once (RFC 3261 §17.2.1: within 200 ms)
 * and nothing more for trying.
 */
export function silentUpstreamTimer(branch: Branch): { readonly name: 'trying' | 'no-answer'; readonly timer: Setting<number> } {
  const t = branch.timers;
  return t.tryingMs.value > t.noAnswerMs.value ? { name: 'trying', timer: t.tryingMs } : { name: 'no-answer', timer: t.noAnswerMs };
}

/** Worst post-dial delay: every upstream of the chain times out in turn (silent, or 100 then nothing) before survival. */
export function worstPostDialDelayMs(branch: Branch): number {
  const hops = Math.max(1, branch.outbound?.via.value.length ?? 0);
  return hops * silentUpstreamTimer(branch).timer.value;
}

function checkBudget(branch: Branch, site: BranchReporter): void {
  if (!branch.outbound) return;
  const worst = worstPostDialDelayMs(branch);
  const budget = branch.timers.budgetMs.value;
  if (worst <= budget) return;
  const hops = branch.outbound.via.value.length;
  // The longer of the two waits makes the worst case: name that one.
  const { name, timer } = silentUpstreamTimer(branch);
  const how = hops > 1 ? `${hops} upstreams × ${name} ${formatMs(timer.value)}` : `${name} ${formatMs(timer.value)}`;
  const related = [timer.origin, branch.timers.budgetMs.origin].flatMap((o) =>
    o.kind === 'source' ? [{ uri: o.uri, span: { start: o.start, end: o.end }, message: o === branch.timers.budgetMs.origin ? 'budget set here' : `${name} set here` }] : []);
  const via = branch.outbound.via.origin;
  // With the default budget there is no budget text: point at the chain of upstreams instead.
  const where = branch.timers.budgetMs.origin.kind === 'source' ? branch.timers.budgetMs.origin : branch.outbound.viaSpan ?? via;
  site.at('error', 'SURV045', `the worst post-dial delay is ${formatMs(worst)} (${how}), over the budget of ${formatMs(budget)}`, where, {
    related, data: { worstMs: worst, budgetMs: budget },
  });
}

function checkPhones(branch: Branch, site: BranchReporter): void {
  const lans = branch.lans.value;
  const parsedLans = lans.map((n): [ipaddr.IPv4 | ipaddr.IPv6, number] => [ipaddr.parse(n.address), n.prefix]);
  const contains = (address: string) => {
    const ip = ipaddr.parse(address);
    return parsedLans.some(([net, prefix]) => net.kind() === ip.kind() && ip.match(net, prefix));
  };
  const byExtension = new Map<string, string>();
  for (const phone of branch.phones) {
    const ext = phone.extension.value;
    if (ext !== undefined) {
      const other = byExtension.get(ext);
      if (other !== undefined) {
        site.at('error', 'SURV016', `extension ${ext} is already used by phone '${other}': calls to it would be ambiguous`, phone.extension.origin);
      } else {
        byExtension.set(ext, phone.name);
      }
    }
    const address = phone.address.value;
    if (!address || lans.length === 0) continue;
    if (!contains(address.address)) {
      site.at('warning', 'SURV030', `phone '${phone.name}' at ${address.address} is outside every LAN of branch '${branch.name}' (${lans.map((n) => n.cidr).join(', ')}): it would never get survival`, phone.address.origin);
    }
  }
}

const noTls = "TLS toward a gateway or an upstream is not exported: the tls settings are the edge's own sockets, which face the phones";

/**
 * What `surv export` would refuse in a branch that is otherwise valid (engines/export/
 * plan.ts), so a clean check means the export succeeds; a unit test holds the two together.
 */
function checkExportable(branch: Branch, site: BranchReporter): void {
  checkTls(branch, site);
  checkTcp(branch, site);
  checkExportBounds(branch, site);
}

/** tls listen sockets and tls phones are checked with the TLS settings (transports.ts); the peers' TLS is not exported. */
function checkTls(branch: Branch, site: BranchReporter): void {
  for (const g of branch.gateways) {
    if (g.transport.value !== 'tls') continue;
    site.at('error', 'SURV033', `${noTls}; reach gateway '${g.name}' over udp or tcp`, g.transport.origin.kind === 'source' ? g.transport.origin : g.origin, {
      data: { replacements: ['udp', 'tcp'] },
    });
  }
  for (const u of branch.upstreams) {
    if (u.proxy.value?.secure) {
      site.at('error', 'SURV033', `${noTls}; a sips: URI always means TLS, so reach upstream '${u.name}' with a sip: URI over udp or tcp`, u.proxy.origin.kind === 'source' ? u.proxy.origin : u.origin);
    } else if (u.transport.value === 'tls') {
      site.at('error', 'SURV033', `${noTls}; reach upstream '${u.name}' over udp or tcp`, u.transport.origin.kind === 'source' ? u.transport.origin : u.origin, {
        // The word can be the transport setting or the URI's ;transport=tls: replace only the former.
        ...(u.transport.origin !== u.proxy.origin ? { data: { replacements: ['udp', 'tcp'] } } : {}),
      });
    }
  }
}

/** A peer reached over TCP needs a tcp listen address: the proxy sends from one. */
function checkTcp(branch: Branch, site: BranchReporter): void {
  if (branch.listens.value.some((l) => l.transport === 'tcp')) return;
  const peers = [
    ...branch.gateways.map((g) => ({ what: `gateway '${g.name}'`, transport: g.transport, fallback: g.origin })),
    // Without a proxy URI (SURV032) or with a sips: one (TLS above) there is nothing more to say.
    ...branch.upstreams.filter((u) => u.proxy.value && !u.proxy.value.secure).map((u) => ({ what: `upstream '${u.name}'`, transport: u.transport, fallback: u.origin })),
  ];
  for (const p of peers) {
    if (p.transport.value !== 'tcp') continue;
    site.at('error', 'SURV033', `${p.what} is reached over TCP, but the edge listens on no tcp address: add one to 'edge listen' (e.g. 'tcp 10.1.0.1:5060')`, p.transport.origin.kind === 'source' ? p.transport.origin : p.fallback);
  }
}

/** The lengths and ranges the exporter writes into kamailio.cfg (grammar/src/strings.ts). */
function checkExportBounds(branch: Branch, site: BranchReporter): void {
  const name = (what: string, text: string, origin: Origin) => {
    const length = [...text].length;
    if (length > maxExportNameLength) site.at('error', 'SURV033', `the ${what} name '${text}' has ${length} characters: the export writes at most ${maxExportNameLength} into kamailio.cfg`, origin);
  };
  const number = (what: string, text: string | undefined, origin: Origin) => {
    const digits = text?.replace(/^\+/, '').length ?? 0;
    if (digits > maxExportDigits) site.at('error', 'SURV033', `the ${what} ${text ?? ''} has ${digits} digits: the export writes at most ${maxExportDigits} into kamailio.cfg`, origin);
  };
  name('branch', branch.name, branch.origin);
  for (const g of branch.gateways) name('gateway', g.name, g.origin);
  for (const u of branch.upstreams) {
    name('upstream', u.name, u.origin);
    const host = u.proxy.value?.host;
    if (host !== undefined && !host.includes(':') && !/^[0-9.]+$/.test(host) && !dnsNamePattern.test(host)) {
      site.at('error', 'SURV033', `'${host}' is not a host name the export can write: a DNS name has at most 63 characters a label and 253 in all`, u.proxy.origin.kind === 'source' ? u.proxy.origin : u.origin);
    }
    const probe = u.probe;
    if (!probe) continue;
    for (const [key, setting] of [['every', probe.everyMs], ['timeout', probe.timeoutMs], ['holdoff', probe.holdoffMs]] as const) {
      if (setting.value > maxExportMs) {
        site.at('error', 'SURV033', `probe ${key} ${formatMs(setting.value)} is longer than the export can write: Kamailio keeps it in 32-bit milliseconds (at most ${maxExportMs / 1000}s)`, setting.origin.kind === 'source' ? setting.origin : probe.origin);
      }
    }
  }
  for (const p of branch.phones) {
    name('phone', p.name, p.origin);
    number('extension', p.extension.value, p.extension.origin.kind === 'source' ? p.extension.origin : p.origin);
  }
  const o = branch.outbound;
  if (o) {
    for (const n of o.emergency.value) number('emergency number', n, o.emergency.origin);
    for (const r of o.rewrite.value) {
      number('rewrite match', r.match, r.origin);
      number('rewrite prefix', r.prefix, r.origin);
    }
  }
  for (const d of branch.inbound?.dids ?? []) number('did', d.number, d.origin);
}

function checkProbes(branch: Branch, site: BranchReporter): void {
  for (const gateway of branch.gateways) {
    const holdoff = gateway.probe?.holdoffMs;
    // dispatcher's dst-up is the only signal a gateway gets: the config keeps no hold-off for it.
    if (holdoff?.origin.kind === 'source') {
      site.at('error', 'SURV037', `gateway '${gateway.name}': a probed gateway takes calls again as soon as probes say it is up ('up after N'); holdoff is for upstreams`, holdoff.origin);
    }
  }
  for (const upstream of [...branch.upstreams, ...branch.gateways]) {
    const probe = upstream.probe;
    if (!probe) continue;
    if (probe.timeoutMs.value >= probe.everyMs.value) {
      site.at('error', 'SURV046', `probe timeout ${formatMs(probe.timeoutMs.value)} must be shorter than its interval ${formatMs(probe.everyMs.value)}: probes would overlap`, probe.timeoutMs.origin.kind === 'source' ? probe.timeoutMs.origin : probe.origin);
    }
  }
}
