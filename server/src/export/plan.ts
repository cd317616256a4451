// The routing plan: what the edge proxy must do, derived from the resolved model and
// checked value by value, before any Kamailio text is written. The cfg writer reads
// only this. Inbound steps follow the simulator's rules (docs/simulator.md) exactly.
import type { Branch, Origin, Phone, ReplyPattern, TransportName } from '../../../grammar/src/index.js';
import { checkCode, checkDigitsOrEmpty, checkHost, checkIp, checkMs, checkName, checkNumber, checkPort, checkReason, hostPort } from './escape.js';
import type { Sources } from './sources.js';
import { ExportError } from './types.js';

export interface PlanListen {
  readonly transport: 'udp' | 'tcp';
  readonly ip: string;
  readonly port: number;
  readonly origin: Origin;
}

export interface PlanGateway {
  readonly name: string;
  readonly ip: string;
  readonly port: number;
  readonly transport: 'udp' | 'tcp';
  /** Destination URI for `$du`. */
  readonly du: string;
  /** `host[:port]` as in the redirect Contact (port left out when 5060, IPv6 bracketed). */
  readonly contactHost: string;
  readonly origin: Origin;
}

export interface PlanProbe {
  readonly everyMs: number;
  readonly timeoutMs: number;
  readonly downAfter: number;
  readonly upAfter: number;
  readonly holdoffMs: number;
  /** Custom cfg var (in group `survival`) holding the hold-off, in ms. */
  readonly holdoffVar: string;
  readonly origin: Origin;
}

export interface PlanUpstream {
  /** 1-based, in declaration order: names the `$shv` and `$avp` state of this upstream. */
  readonly index: number;
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly transport: 'udp' | 'tcp';
  /** `sip:host:port[;transport=tcp]`: `$du`, and the dispatcher destination. */
  readonly du: string;
  readonly probe: PlanProbe | undefined;
  readonly origin: Origin;
}

export interface PlanTarget {
  readonly phone: string;
  /** The SIP user (the extension). */
  readonly user: string;
  /** `sip:user@host[:port]` for a phone at a fixed address; undefined when registered. */
  readonly uri: string | undefined;
}

export interface PlanStep {
  readonly label: string;
  readonly targets: readonly PlanTarget[];
  readonly ringMs: number;
  /** Custom cfg var holding the ring time (ring chain steps only). */
  readonly ringVar: string | undefined;
  readonly origin: Origin;
}

export interface PlanInboundRoute {
  /** 0 for the ring chain, then one per did, then one per extension. */
  readonly id: number;
  readonly kind: 'chain' | 'did' | 'extension';
  /** The called number that selects this route (did and extension routes). */
  readonly number: string | undefined;
  readonly label: string;
  readonly steps: readonly PlanStep[];
  readonly origin: Origin;
}

export type PlanAction =
  | { readonly kind: 'announce'; readonly code: number; readonly reason: string; readonly origin: Origin }
  | { readonly kind: 'redirect'; readonly code: number; readonly reason: string; readonly gateway: PlanGateway; readonly origin: Origin }
  | { readonly kind: 'relay'; readonly gateway: PlanGateway; readonly origin: Origin };

export interface PlanRewrite {
  readonly match: string;
  readonly strip: number;
  readonly prefix: string;
  readonly origin: Origin;
}

export interface PlanOutbound {
  readonly origin: Origin;
  readonly chain: readonly PlanUpstream[];
  readonly chainOrigin: Origin;
  readonly actions: readonly PlanAction[];
  readonly actionsOrigin: Origin;
  readonly pass: 'all' | readonly ReplyPattern[];
  readonly passOrigin: Origin;
  readonly emergency: readonly string[];
  readonly emergencyGateway: PlanGateway | undefined;
  readonly emergencyOrigin: Origin;
  readonly rewrite: readonly PlanRewrite[];
}

export interface PlanInbound {
  readonly origin: Origin;
  readonly from: readonly PlanGateway[];
  readonly routes: readonly PlanInboundRoute[];
}

/** Dispatcher's settings are global: one set for every probed upstream. */
export interface PlanProbing {
  readonly intervalS: number;
  readonly timeoutMs: number;
  readonly downAfter: number;
  readonly upAfter: number;
}

/** Flood limits for sources outside the trust model, and the caps of the local copy of registrations. */
export interface PlanLimits {
  /** pike: requests per window from one source address outside the trust model. */
  readonly perSourceCount: number;
  readonly perSourceWindowS: number;
  /** ratelimit: requests per window from every source outside the trust model together. */
  readonly outsideCount: number;
  readonly outsideWindowS: number;
  /** registrar: the local copy's longest Expires and its contacts per address of record. */
  readonly maxExpiresS: number;
  readonly maxContacts: number;
  readonly origin: Origin;
}

/** An address the edge trusts, and as what (docs/security.md). */
export interface PlanPeer {
  readonly kind: 'gateway' | 'upstream';
  readonly name: string;
  /** An IP address (compare_ips), or a host name matched through Kamailio's resolver (dns_int_match_ip). */
  readonly host: string;
  readonly isIp: boolean;
  readonly origin: Origin;
}

export interface Plan {
  readonly branch: string;
  readonly origin: Origin;
  readonly listens: readonly PlanListen[];
  readonly lans: readonly string[];
  readonly lansOrigin: Origin;
  readonly gateways: readonly PlanGateway[];
  readonly upstreams: readonly PlanUpstream[];
  readonly timers: {
    readonly noAnswerMs: number;
    readonly ringingMs: number;
    readonly t1Ms: number;
    readonly t2Ms: number;
    readonly origin: Origin;
  };
  readonly probing: PlanProbing | undefined;
  /** Every source the edge serves besides its LANs, gateways first (a gateway inside a LAN is a gateway). */
  readonly peers: readonly PlanPeer[];
  readonly limits: PlanLimits;
  readonly register: {
    readonly forward: PlanUpstream | undefined;
    readonly withPath: boolean;
    readonly keepLocalCopy: boolean;
    readonly origin: Origin;
  };
  readonly outbound: PlanOutbound | undefined;
  readonly inbound: PlanInbound | undefined;
  readonly needsTcp: boolean;
  readonly ipv6: boolean;
  /** Longest life of an INVITE transaction the plan can need (tm max_inv_lifetime). */
  readonly maxInviteMs: number;
  readonly warnings: readonly string[];
}

/**
 * Reason phrases for the replies the proxy makes from a code: the simulator's table
 * (server/src/simulate/actors.ts), so both say the same words (a unit test compares them).
 */
export const reasons: Readonly<Record<number, string>> = {
  100: 'Trying', 180: 'Ringing', 181: 'Call Is Being Forwarded', 183: 'Session Progress', 200: 'OK',
  302: 'Moved Temporarily', 380: 'Alternative Service', 403: 'Forbidden', 404: 'Not Found', 408: 'Request Timeout',
  477: 'Unfortunately error on sending to next hop occurred',
  480: 'Temporarily Unavailable', 486: 'Busy Here', 487: 'Request Terminated', 500: 'Server Internal Error',
  503: 'Service Unavailable', 603: 'Decline',
};

/** The simulator's fallback words for a code without a known reason phrase. */
export function reasonOf(code: number): string {
  return reasons[code] ?? (code < 200 ? 'Progress' : code < 300 ? 'OK' : 'Error');
}

const defaultRingMs = 20_000;

export function buildPlan(branch: Branch, sources: Sources): Plan {
  return new Planner(branch, sources).build();
}

class Planner {
  private readonly warnings: string[] = [];

  constructor(private readonly branch: Branch, private readonly sources: Sources) {}

  private fail(message: string, origin: Origin | undefined): never {
    const where = origin?.kind === 'source' ? this.sources.where(origin) : undefined;
    throw new ExportError(message, where);
  }

  private transport(value: TransportName, what: string, origin: Origin): 'udp' | 'tcp' {
    if (value === 'tls') {
      this.fail(`${what} uses TLS, which the export does not support: Debian's base kamailio package has no tls module (kamailio-tls-modules) and the certificates are site-specific`, origin);
    }
    return value;
  }

  build(): Plan {
    const b = this.branch;
    checkName(b.name, 'branch name');
    const listens = b.listens.value.map((l): PlanListen => ({
      transport: this.transport(l.transport, `edge listen ${l.transport} ${hostPort(l.address, l.port)}`, l.origin),
      ip: checkIp(l.address, 'edge listen'), port: checkPort(l.port, 'edge listen'), origin: l.origin,
    }));
    if (listens.length === 0) this.fail('the edge listens on no address', b.listens.origin);
    const lans = b.lans.value.map((n) => {
      checkIp(n.address, 'lan');
      if (!Number.isInteger(n.prefix) || n.prefix < 0 || n.prefix > (n.family === 4 ? 32 : 128)) this.fail(`lan ${n.cidr}: bad prefix`, n.origin);
      return `${n.address}/${n.prefix}`;
    });
    if (lans.length === 0) this.fail('the branch has no lan', b.lans.origin);
    const gateways = b.gateways.map((g): PlanGateway => {
      checkName(g.name, 'gateway name');
      const a = g.address.value;
      if (!a) this.fail(`gateway ${g.name} has no address`, g.origin);
      const transport = this.transport(g.transport.value, `gateway ${g.name}`, g.transport.origin.kind === 'source' ? g.transport.origin : g.origin);
      const ip = checkIp(a.address, `gateway ${g.name}`);
      const port = checkPort(a.port, `gateway ${g.name}`);
      return { name: g.name, ip, port, transport, du: destination(ip, port, transport), contactHost: hostPort(ip, port), origin: g.origin };
    });
    const upstreams = b.upstreams.map((u, i): PlanUpstream => {
      checkName(u.name, 'upstream name');
      const p = u.proxy.value;
      if (!p) this.fail(`upstream ${u.name} has no proxy`, u.origin);
      const transport = this.transport(p.secure ? 'tls' : u.transport.value, `upstream ${u.name}`, u.proxy.origin.kind === 'source' ? u.proxy.origin : u.origin);
      const host = checkHost(p.host, `upstream ${u.name}`);
      const port = checkPort(p.port, `upstream ${u.name}`);
      const probe = u.probe && {
        everyMs: checkMs(u.probe.everyMs.value, `upstream ${u.name} probe every`),
        timeoutMs: checkMs(u.probe.timeoutMs.value, `upstream ${u.name} probe timeout`),
        downAfter: checkCode(u.probe.downAfter.value, 1, 1000, `upstream ${u.name} probe down after`),
        upAfter: checkCode(u.probe.upAfter.value, 1, 1000, `upstream ${u.name} probe up after`),
        holdoffMs: checkMs(u.probe.holdoffMs.value, `upstream ${u.name} probe holdoff`),
        holdoffVar: `holdoff_${i + 1}`,
        origin: u.probe.origin,
      };
      return { index: i + 1, name: u.name, host, port, transport, du: destination(host, port, transport), probe, origin: u.origin };
    });
    const byGateway = (name: string | undefined, origin: Origin): PlanGateway => {
      const g = gateways.find((x) => x.name === name);
      if (!g) this.fail(`no gateway named ${String(name)}`, origin);
      return g;
    };
    const byUpstream = (name: string, origin: Origin): PlanUpstream => {
      const u = upstreams.find((x) => x.name === name);
      if (!u) this.fail(`no upstream named ${name}`, origin);
      return u;
    };

    const t = b.timers;
    const timers = {
      noAnswerMs: checkMs(t.noAnswerMs.value, 'no-answer'),
      ringingMs: checkMs(t.ringingMs.value, 'ringing'),
      t1Ms: checkMs(t.t1Ms.value, 't1'),
      t2Ms: checkMs(t.t2Ms.value, 't2'),
      origin: t.noAnswerMs.origin,
    };

    const outbound = b.outbound && this.outbound(b.outbound, byGateway, byUpstream);
    const reg = b.register;
    const forwardName = reg.forward.value;
    const register = {
      // The simulator's default: the first upstream of the outbound chain, else none (500).
      forward: forwardName === undefined ? outbound?.chain[0] : byUpstream(forwardName, reg.forward.origin),
      withPath: reg.withPath.value,
      keepLocalCopy: reg.keepLocalCopy.value,
      origin: reg.forward.origin.kind === 'source' ? reg.forward.origin : reg.keepLocalCopy.origin,
    };
    const inbound = b.inbound && this.inbound(b.inbound, byGateway, register.keepLocalCopy);
    const probing = this.probing(upstreams, outbound?.chain ?? []);

    const needsTcp = [...upstreams, ...gateways].some((x) => x.transport === 'tcp');
    if (needsTcp && !listens.some((l) => l.transport === 'tcp')) {
      const first = [...upstreams, ...gateways].find((x) => x.transport === 'tcp');
      this.fail(`${first?.name ?? 'a peer'} is reached over TCP, but the edge listens on no tcp address (add one to 'edge listen')`, first?.origin);
    }
    const ipv6 = listens.some((l) => l.ip.includes(':'));
    const outboundWorst = outbound ? (outbound.chain.length + 1) * timers.noAnswerMs + timers.ringingMs : 0;
    const inboundWorst = Math.max(0, ...(inbound?.routes ?? []).map((r) => r.steps.reduce((sum, s) => sum + Math.max(s.ringMs, timers.noAnswerMs), 0)));
    const maxInviteMs = Math.max(180_000, Math.max(outboundWorst, inboundWorst) + 30_000);
    const peers: PlanPeer[] = [
      ...gateways.map((g): PlanPeer => ({ kind: 'gateway', name: g.name, host: g.ip, isIp: true, origin: g.origin })),
      ...upstreams.map((u): PlanPeer => ({ kind: 'upstream', name: u.name, host: u.host, isIp: /^[0-9.]+$/.test(u.host) || u.host.includes(':'), origin: u.origin })),
    ];
    return {
      branch: b.name, origin: b.origin, listens, lans, lansOrigin: b.lans.origin, gateways, upstreams, timers, probing, peers, limits: this.limits(),
      register, outbound, inbound, needsTcp: needsTcp || listens.some((l) => l.transport === 'tcp'), ipv6, maxInviteMs,
      warnings: this.warnings,
    };
  }

  private outbound(
    o: NonNullable<Branch['outbound']>,
    byGateway: (name: string | undefined, origin: Origin) => PlanGateway,
    byUpstream: (name: string, origin: Origin) => PlanUpstream,
  ): PlanOutbound {
    const chain = o.via.value.map((name) => byUpstream(name, o.via.origin));
    const actions = o.onTimeout.value.map((a): PlanAction => {
      switch (a.kind) {
        case 'announce':
          return { kind: 'announce', code: checkCode(a.code, 101, 199, 'announce'), reason: checkReason(a.reason, 'announce text'), origin: a.origin };
        case 'redirect':
          return { kind: 'redirect', code: checkCode(a.code, 300, 399, 'redirect'), reason: reasonOf(a.code), gateway: byGateway(a.gateway, a.origin), origin: a.origin };
        case 'relay':
          return { kind: 'relay', gateway: byGateway(a.gateway, a.origin), origin: a.origin };
      }
    });
    const finals = actions.filter((a) => a.kind !== 'announce');
    if (finals.length > 1) this.fail('on timeout has both redirect and relay', o.onTimeout.origin);
    const pass = o.pass.value === 'all' ? 'all' : o.pass.value.map((p) => ('code' in p ? { code: checkCode(p.code, 100, 699, 'pass') } : { class: checkCode(p.class, 1, 6, 'pass') }));
    const emergency = o.emergency.value.map((n) => checkNumber(n, 'emergency number'));
    const emergencyGateway = emergency.length > 0 ? byGateway(o.emergencyGateway.value, o.emergency.origin) : undefined;
    const rewrite = o.rewrite.value.map((r) => ({
      match: checkDigitsOrEmpty(r.match, 'rewrite match'),
      strip: checkCode(r.strip, 0, 32, 'rewrite strip'),
      prefix: checkDigitsOrEmpty(r.prefix, 'rewrite prefix'),
      origin: r.origin,
    }));
    return {
      origin: o.origin, chain, chainOrigin: o.viaSpan ?? o.via.origin, actions, actionsOrigin: o.onTimeout.origin,
      pass, passOrigin: o.pass.origin, emergency, emergencyGateway, emergencyOrigin: o.emergency.origin, rewrite,
    };
  }

  private target(phone: Phone, keepLocalCopy: boolean): PlanTarget {
    checkName(phone.name, 'phone name');
    const user = checkNumber(phone.extension.value ?? '', `phone ${phone.name} extension`);
    const a = phone.address.value;
    if (!a && !keepLocalCopy) {
      this.warnings.push(`phone ${phone.name} is registered but the branch keeps no local copy of registrations: inbound calls cannot reach it and skip it`);
    }
    return { phone: phone.name, user, uri: a ? `sip:${user}@${hostPort(checkIp(a.address, `phone ${phone.name}`), checkPort(a.port, `phone ${phone.name}`))}` : undefined };
  }

  /** The simulator's `inboundSteps`: a serial group is one step per member. */
  private steps(name: string, keepLocalCopy: boolean, origin: Origin): { label: string; targets: PlanTarget[]; ringMs: number }[] {
    const group = this.branch.groups.find((g) => g.name === name);
    const members = group ? group.members.value : [name];
    const phones = members.map((m) => {
      const p = this.branch.phones.find((x) => x.name === m);
      if (!p) this.fail(`no phone named ${m}`, origin);
      return p;
    });
    if (group && group.mode.value === 'serial') {
      return phones.map((p) => ({ label: `${p.name} (serial group ${group.name})`, targets: [this.target(p, keepLocalCopy)], ringMs: checkMs(group.ringMs.value, 'ring') }));
    }
    const label = group ? `${group.name} (parallel: ${phones.map((p) => p.name).join(', ')})` : name;
    return [{ label, targets: phones.map((p) => this.target(p, keepLocalCopy)), ringMs: checkMs(group?.ringMs.value ?? defaultRingMs, 'ring') }];
  }

  private inbound(
    ib: NonNullable<Branch['inbound']>,
    byGateway: (name: string | undefined, origin: Origin) => PlanGateway,
    keepLocalCopy: boolean,
  ): PlanInbound {
    const from = ib.from.value.map((name) => byGateway(name, ib.from.origin));
    const routes: PlanInboundRoute[] = [];
    let stepNo = 0;
    const chainSteps = ib.chain.value.flatMap((s) => {
      const st = this.steps(s.target, keepLocalCopy, s.origin);
      const one = st.length === 1;
      return (one ? [{ ...st[0]!, ringMs: checkMs(s.ringMs, 'ring') }] : st).map((x): PlanStep => ({ ...x, ringVar: `ring_step${++stepNo}`, origin: s.origin }));
    });
    routes.push({ id: 0, kind: 'chain', number: undefined, label: 'the ring chain', steps: chainSteps, origin: ib.chain.origin });
    for (const d of ib.dids) {
      const number = checkNumber(d.number, 'did');
      routes.push({
        id: routes.length, kind: 'did', number, label: `did ${number} to ${d.target}`, origin: d.origin,
        steps: this.steps(d.target, keepLocalCopy, d.origin).map((x) => ({ ...x, ringVar: undefined, origin: d.origin })),
      });
    }
    const dids = new Set(ib.dids.map((d) => d.number));
    const seen = new Set<string>();
    for (const p of this.branch.phones) {
      const ext = p.extension.value;
      // The simulator looks dids up first, then the first phone with the extension.
      if (ext === undefined || dids.has(ext) || seen.has(ext)) continue;
      seen.add(ext);
      routes.push({
        id: routes.length, kind: 'extension', number: checkNumber(ext, `phone ${p.name} extension`), label: `extension ${ext} (phone ${p.name})`, origin: p.origin,
        steps: this.steps(p.name, keepLocalCopy, p.origin).map((x) => ({ ...x, ringVar: undefined, origin: p.origin })),
      });
    }
    return { origin: ib.origin, from, routes };
  }

  private limits(): PlanLimits {
    const l = this.branch.limits;
    return {
      perSourceCount: checkCode(l.perSource.value.count, 1, 100_000, 'limits per-source'),
      perSourceWindowS: checkCode(l.perSource.value.windowS, 1, 60, 'limits per-source window'),
      outsideCount: checkCode(l.outside.value.count, 1, 100_000, 'limits outside'),
      outsideWindowS: checkCode(l.outside.value.windowS, 1, 60, 'limits outside window'),
      maxExpiresS: checkCode(l.maxExpiresS.value, 60, 86_400, 'limits max-expires'),
      maxContacts: checkCode(l.maxContacts.value, 1, 100, 'limits max-contacts'),
      origin: l.perSource.origin,
    };
  }

  private probing(upstreams: readonly PlanUpstream[], chain: readonly PlanUpstream[]): PlanProbing | undefined {
    const ordered = [...chain, ...upstreams.filter((u) => !chain.includes(u))].filter((u) => u.probe);
    const first = ordered[0]?.probe;
    if (!first) return undefined;
    for (const u of ordered.slice(1)) {
      const p = u.probe!;
      if (p.everyMs !== first.everyMs || p.timeoutMs !== first.timeoutMs || p.downAfter !== first.downAfter || p.upAfter !== first.upAfter) {
        this.warnings.push(`upstream ${u.name} probes with other settings than ${ordered[0]!.name}, but Kamailio's dispatcher has one setting for all: ${ordered[0]!.name}'s are used`);
      }
    }
    const intervalS = Math.max(1, Math.ceil(first.everyMs / 1000));
    if (intervalS * 1000 !== first.everyMs) this.warnings.push(`probe every ${first.everyMs} ms is rounded up to ${intervalS} s: dispatcher's ds_ping_interval counts whole seconds`);
    return { intervalS, timeoutMs: first.timeoutMs, downAfter: first.downAfter, upAfter: first.upAfter };
  }
}

function destination(host: string, port: number, transport: 'udp' | 'tcp'): string {
  return `sip:${hostPort(host, port, -1)}${transport === 'tcp' ? ';transport=tcp' : ''}`;
}
