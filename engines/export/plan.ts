// The Kamailio side of the routing plan: the target-neutral plan (engines/plan/) with
// every value checked for the cfg (escape.ts) and what Kamailio needs on top added (`$du`
// strings, cfg var names, dispatcher's one probing setting, tm's max_inv_lifetime,
// labels for the cfg's comments). The cfg writer reads only this; every routing
// decision comes from the neutral plan.
import type { Branch, Origin, ReplyPattern, TransportName } from '../../grammar/src/index.js';
import {
  buildRoutingPlan, numberRulesFor, type PlanGatewayFailover, type PlanInbound as RoutingInbound, type PlanOutbound as RoutingOutbound, type PlanPhone as RoutingPhone,
  type PlanProbe as RoutingProbe, type PlanRewrite as RoutingRewrite, type PlanCallerId as RoutingCallerId, type PlanDidPattern as RoutingDidPattern, type PlanRingStep as RoutingRingStep, type RoutingPlan,
} from '../plan/index.js';
import { checkCode, checkHost, checkIp, checkMs, checkName, checkNumber, checkPort, checkReason, hostPort } from './escape.js';
import { checkPattern, checkRewrite } from './check-numbers.js';
import type { Sources } from './sources.js';
import { ExportError } from './types.js';
import { tlsPathProblem } from '../../grammar/src/strings.js';

export interface PlanListen {
  readonly transport: TransportName;
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
  /** The channels the proxy counts (a dialog profile `gw` with the gateway's name as value). */
  readonly channels: number | undefined;
  /** 1-based, in declaration order: names its `$shv` probing state and its dispatcher set (100 + index). */
  readonly index: number;
  readonly probe: RoutingProbe | undefined;
  /** The rules that make the called number it is sent (its own, else the outbound block's; cfg-numbers.ts). */
  readonly numbers: readonly PlanRewrite[];
  /** Calling-number presentation, first match wins (cfg-numbers.ts). */
  readonly callerIds: readonly PlanCallerId[];
  readonly origin: Origin;
}

/** A `caller-id` (the routing plan's), its patterns checked for the cfg (check-numbers.ts). */
export type PlanCallerId = RoutingCallerId;

/** A did pattern (the routing plan's), its patterns checked for the cfg. */
export type PlanDidPattern = RoutingDidPattern;

export interface PlanProbe extends RoutingProbe {
  /** Custom cfg var (in group `survival`) holding the hold-off, in ms. */
  readonly holdoffVar: string;
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

export interface PlanTls {
  readonly certificate: string;
  readonly key: string;
  readonly ca: string | undefined;
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
  /** 0 for the ring chain, then one per did, then one per extension, then the local calls' routes. */
  readonly id: number;
  readonly kind: 'chain' | 'did' | 'extension' | 'local';
  /** The called number that selects this route (did and extension routes). */
  readonly number: string | undefined;
  readonly label: string;
  readonly steps: readonly PlanStep[];
  readonly origin: Origin;
}

export type PlanAction =
  | { readonly kind: 'announce'; readonly code: number; readonly reason: string; readonly origin: Origin }
  /** `gateway` is the first of `gateways`, the list in the order it is tried. */
  | { readonly kind: 'redirect'; readonly code: number; readonly reason: string; readonly gateway: PlanGateway; readonly gateways: readonly PlanGateway[]; readonly origin: Origin }
  | { readonly kind: 'relay'; readonly gateway: PlanGateway; readonly gateways: readonly PlanGateway[]; readonly origin: Origin };

export type PlanRewrite = RoutingRewrite;

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
  /** The gateways emergency calls try in order; `emergencyGateway` is the first. */
  readonly emergencyGateways: readonly PlanGateway[];
  readonly emergencyOrigin: Origin;
  readonly rewrite: readonly PlanRewrite[];
}

/** Local calls: the edge rings a branch number with the inbound machinery (route[INBOUND_STEP]). */
export interface PlanLocal {
  readonly mode: 'survival' | 'always';
  readonly origin: Origin;
  /** Numbered after the inbound routes (one id space); emergency numbers are left out (they keep precedence). */
  readonly routes: readonly PlanInboundRoute[];
}

export interface PlanInbound {
  readonly origin: Origin;
  readonly from: readonly PlanGateway[];
  readonly routes: readonly PlanInboundRoute[];
  /** The called number's normalisation, before any route is chosen. */
  readonly normalise: readonly PlanRewrite[];
  readonly normaliseOrigin: Origin;
  /** Tried in order after the exact numbers (cfg-numbers.ts). */
  readonly patterns: readonly PlanDidPattern[];
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
  /** The tls module's files, checked for text the cfg takes as it is; set only when the edge listens on tls. */
  readonly tls: PlanTls | undefined;
  readonly lans: readonly string[];
  readonly lansOrigin: Origin;
  readonly gateways: readonly PlanGateway[];
  readonly upstreams: readonly PlanUpstream[];
  readonly timers: {
    readonly noAnswerMs: number;
    readonly ringingMs: number;
    readonly tryingMs: number;
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
  /** The routing plan's otherVia: where the LAN's other initial requests go, first usable first. */
  readonly otherVia: readonly PlanUpstream[];
  readonly inbound: PlanInbound | undefined;
  /** Undefined with `local-calls off` or no local number. */
  readonly local: PlanLocal | undefined;
  readonly needsTcp: boolean;
  readonly ipv6: boolean;
  /** Longest life of an INVITE transaction the plan can need (tm max_inv_lifetime). */
  readonly maxInviteMs: number;
  readonly warnings: readonly string[];
  /** How lists of gateways fail over (the neutral plan's, unchanged). */
  readonly gatewayFailover: PlanGatewayFailover;
}

export { reasonOf, reasons } from '../plan/index.js';

export function buildPlan(branch: Branch, sources: Sources): Plan {
  return new Planner(buildRoutingPlan(branch), sources).build();
}

class Planner {
  private readonly warnings: string[] = [];

  constructor(private readonly plan: RoutingPlan, private readonly sources: Sources) {}

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
    const n = this.plan;
    checkName(n.branch, 'branch name');
    const listens = n.listens.map((l): PlanListen => ({
      transport: l.transport,
      ip: checkIp(l.address, 'edge listen'), port: checkPort(l.port, 'edge listen'), origin: l.origin,
    }));
    if (listens.length === 0) this.fail('the edge listens on no address', n.listensOrigin);
    const tls = this.tls(listens);
    this.phoneTransports(listens);
    const lans = n.trust.lans.map((x) => {
      checkIp(x.address, 'lan');
      if (!Number.isInteger(x.prefix) || x.prefix < 0 || x.prefix > (x.family === 4 ? 32 : 128)) this.fail(`lan ${x.cidr}: bad prefix`, x.origin);
      return `${x.address}/${x.prefix}`;
    });
    if (lans.length === 0) this.fail('the branch has no lan', n.trust.lansOrigin);
    const gateways = n.gateways.map((g, i): PlanGateway => {
      checkName(g.name, 'gateway name');
      const a = g.address;
      if (!a) this.fail(`gateway ${g.name} has no address`, g.origin);
      const transport = this.transport(g.transport, `gateway ${g.name}`, g.transportOrigin);
      const ip = checkIp(a.address, `gateway ${g.name}`);
      const port = checkPort(a.port, `gateway ${g.name}`);
      return {
        name: g.name, ip, port, transport, du: destination(ip, port, transport), contactHost: hostPort(ip, port),
        channels: g.channels === undefined ? undefined : checkCode(g.channels, 1, 100_000, `gateway ${g.name} channels`),
        index: i + 1, probe: g.probe, origin: g.origin,
        numbers: numberRulesFor(n, g.name).map((r) => checkRewrite(r, `gateway ${g.name} rewrite`)),
        callerIds: g.callerIds.map((c) => ({
          number: checkPattern(c.number, `gateway ${g.name} caller-id`), extensions: c.extensions && checkPattern(c.extensions, `gateway ${g.name} caller-id for`),
          private: c.private, origin: c.origin,
        })),
      };
    });
    const upstreams = n.upstreams.map((u): PlanUpstream => {
      checkName(u.name, 'upstream name');
      const p = u.proxy;
      if (!p) this.fail(`upstream ${u.name} has no proxy`, u.origin);
      const transport = this.transport(u.transport, `upstream ${u.name}`, u.proxyOrigin);
      const host = checkHost(p.host, `upstream ${u.name}`);
      const port = checkPort(p.port, `upstream ${u.name}`);
      const probe = u.probe && {
        everyMs: checkMs(u.probe.everyMs, `upstream ${u.name} probe every`),
        timeoutMs: checkMs(u.probe.timeoutMs, `upstream ${u.name} probe timeout`),
        downAfter: checkCode(u.probe.downAfter, 1, 1000, `upstream ${u.name} probe down after`),
        upAfter: checkCode(u.probe.upAfter, 1, 1000, `upstream ${u.name} probe up after`),
        holdoffMs: checkMs(u.probe.holdoffMs, `upstream ${u.name} probe holdoff`),
        holdoffVar: `holdoff_${u.index}`,
        origin: u.probe.origin,
      };
      return { index: u.index, name: u.name, host, port, transport, du: destination(host, port, transport), probe, origin: u.origin };
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

    const t = n.timers;
    const timers = {
      noAnswerMs: checkMs(t.noAnswerMs, 'no-answer'),
      ringingMs: checkMs(t.ringingMs, 'ringing'),
      tryingMs: checkMs(t.tryingMs, 'trying'),
      t1Ms: checkMs(t.t1Ms, 't1'),
      t2Ms: checkMs(t.t2Ms, 't2'),
      origin: t.origin,
    };

    const outbound = n.outbound && this.outbound(n.outbound, byGateway, byUpstream);
    const reg = n.register;
    const register = {
      forward: reg.forwardName === undefined ? outbound?.chain[0] : byUpstream(reg.forwardName, reg.forwardOrigin),
      withPath: reg.withPath,
      keepLocalCopy: reg.keepLocalCopy,
      origin: reg.origin,
    };
    const inbound = n.inbound && this.inbound(n.inbound, byGateway, register.keepLocalCopy);
    const probing = this.probing(upstreams, outbound?.chain ?? [], gateways);

    const needsTcp = [...upstreams, ...gateways].some((x) => x.transport === 'tcp');
    if (needsTcp && !listens.some((l) => l.transport === 'tcp')) {
      const first = [...upstreams, ...gateways].find((x) => x.transport === 'tcp');
      this.fail(`${first?.name ?? 'a peer'} is reached over TCP, but the edge listens on no tcp address (add one to 'edge listen')`, first?.origin);
    }
    const ipv6 = listens.some((l) => l.ip.includes(':'));
    const outboundWorst = outbound ? (outbound.chain.length + 1) * Math.max(timers.noAnswerMs, timers.tryingMs) + timers.ringingMs : 0;
    const local = this.local(inbound?.routes.length ?? 0, register.keepLocalCopy);
    const ringing = (r: PlanInboundRoute) => r.steps.reduce((sum, s) => sum + Math.max(s.ringMs, timers.noAnswerMs), 0);
    // A local call in survival rings after every upstream of the chain timed out.
    const localWorst = Math.max(0, ...(local?.routes ?? []).map((r) => (outbound?.chain.length ?? 0) * Math.max(timers.noAnswerMs, timers.tryingMs) + ringing(r)));
    const inboundWorst = Math.max(localWorst, ...(inbound?.routes ?? []).map(ringing));
    const maxInviteMs = Math.max(180_000, Math.max(outboundWorst, inboundWorst) + 30_000);
    // The neutral plan's peers, with the checked addresses: gateways first, then upstreams.
    const peers = n.trust.peers.map((peer): PlanPeer => {
      if (peer.kind === 'gateway') {
        const g = gateways.find((x) => x.name === peer.name)!;
        return { kind: 'gateway', name: g.name, host: g.ip, isIp: true, origin: peer.origin };
      }
      const u = upstreams.find((x) => x.name === peer.name)!;
      return { kind: 'upstream', name: u.name, host: u.host, isIp: peer.hostIsAddress, origin: peer.origin };
    });
    return {
      branch: n.branch, origin: n.origin, listens, lans, lansOrigin: n.trust.lansOrigin, gateways, upstreams, timers, probing, peers, limits: this.limits(),
      register, outbound, otherVia: n.otherVia.map((name) => byUpstream(name, n.outbound?.viaOrigin ?? n.origin)), inbound, local, needsTcp: needsTcp || listens.some((l) => l.transport !== 'udp'), tls, ipv6, maxInviteMs,
      warnings: this.warnings, gatewayFailover: n.gatewayFailover,
    };
  }

  private outbound(
    o: RoutingOutbound,
    byGateway: (name: string | undefined, origin: Origin) => PlanGateway,
    byUpstream: (name: string, origin: Origin) => PlanUpstream,
  ): PlanOutbound {
    const chain = o.chain.map((c) => byUpstream(c.name, o.viaOrigin));
    const actions = o.actions.map((a): PlanAction => {
      switch (a.kind) {
        case 'announce':
          return { kind: 'announce', code: checkCode(a.code, 101, 199, 'announce'), reason: checkReason(a.reason, 'announce text'), origin: a.origin };
        case 'redirect':
          return {
            kind: 'redirect', code: checkCode(a.code, 300, 399, 'redirect'), reason: a.reason, gateway: byGateway(a.gatewayName, a.origin),
            gateways: a.gateways.map((g) => byGateway(g.name, a.origin)), origin: a.origin,
          };
        case 'relay':
          return { kind: 'relay', gateway: byGateway(a.gatewayName, a.origin), gateways: a.gateways.map((g) => byGateway(g.name, a.origin)), origin: a.origin };
      }
    });
    const finals = actions.filter((a) => a.kind !== 'announce');
    if (finals.length > 1) this.fail('on timeout has both redirect and relay', o.actionsOrigin);
    const pass = o.pass === 'all' ? 'all' : o.pass.map((p) => ('code' in p ? { code: checkCode(p.code, 100, 699, 'pass') } : { class: checkCode(p.class, 1, 6, 'pass') }));
    const e = o.emergency;
    const emergency = e.numbers.map((x) => checkNumber(x, 'emergency number'));
    const emergencyGateway = emergency.length > 0 ? byGateway(e.gatewayName, e.origin) : undefined;
    const emergencyGateways = emergency.length > 0 ? e.gateways.map((g) => byGateway(g.name, e.origin)) : [];
    const rewrite = o.rewrite.map((r) => checkRewrite(r, 'rewrite'));
    return {
      origin: o.origin, chain, chainOrigin: o.chainOrigin, actions, actionsOrigin: o.actionsOrigin,
      pass, passOrigin: o.passOrigin, emergency, emergencyGateway, emergencyGateways, emergencyOrigin: e.origin, rewrite,
    };
  }

  /** The tls module's files when the edge listens on tls; without them Kamailio would not start. */
  private tls(listens: readonly PlanListen[]): PlanTls | undefined {
    const first = listens.find((l) => l.transport === 'tls');
    if (!first) return undefined;
    const t = this.plan.tls;
    if (!t?.certificate || !t.key) {
      this.fail("the edge listens on tls, but the branch has no 'tls { certificate \"PATH\"  key \"PATH\" }': Kamailio's tls module needs both", t?.origin ?? first.origin);
    }
    const path = (what: string, p: string) => {
      const problem = tlsPathProblem(p);
      if (problem !== undefined) this.fail(`tls ${what}: the file ${problem}`, t.origin);
      return p;
    };
    return { certificate: path('certificate', t.certificate), key: path('key', t.key), ca: t.ca === undefined ? undefined : path('ca', t.ca), origin: t.origin };
  }

  /** Kamailio sends to a phone from a listen socket of the phone's transport: without one the call gets 480. */
  private phoneTransports(listens: readonly PlanListen[]): void {
    for (const p of this.plan.phones) {
      if (!listens.some((l) => l.transport === p.transport)) {
        this.fail(`phone ${p.name} speaks ${p.transport}, but the edge listens on no ${p.transport} address (add one to 'edge listen')`, p.origin);
      }
    }
  }

  private target(phone: RoutingPhone, keepLocalCopy: boolean): PlanTarget {
    checkName(phone.name, 'phone name');
    const user = checkNumber(phone.extension ?? '', `phone ${phone.name} extension`);
    const a = phone.address;
    if (!a && !keepLocalCopy) {
      this.warnings.push(`phone ${phone.name} is registered but the branch keeps no local copy of registrations: inbound calls cannot reach it and skip it`);
    }
    // A registered phone's Contact (saved by usrloc) already says how to reach it.
    const transport = phone.transport === 'udp' ? '' : `;transport=${phone.transport}`;
    return { phone: phone.name, user, uri: a ? `sip:${user}@${hostPort(checkIp(a.address, `phone ${phone.name}`), checkPort(a.port, `phone ${phone.name}`))}${transport}` : undefined };
  }

  /** A ring step's label in the cfg's comments: a serial group's member, a parallel group with its phones, or a phone. */
  private step(s: RoutingRingStep, keepLocalCopy: boolean): { label: string; targets: PlanTarget[]; ringMs: number } {
    const g = s.group;
    const label = g?.mode === 'serial' ? `${s.phones[0]!.name} (serial group ${g.name})`
      : g ? `${g.name} (parallel: ${s.phones.map((p) => p.name).join(', ')})` : s.target;
    return { label, targets: s.phones.map((p) => this.target(p, keepLocalCopy)), ringMs: checkMs(s.ringMs, 'ring') };
  }

  private inbound(
    ib: RoutingInbound,
    byGateway: (name: string | undefined, origin: Origin) => PlanGateway,
    keepLocalCopy: boolean,
  ): PlanInbound {
    const from = ib.from.map((f) => byGateway(f.name, ib.fromOrigin));
    let stepNo = 0;
    const routes = ib.routes.map((r): PlanInboundRoute => {
      const number = r.number === undefined ? undefined : checkNumber(r.number, r.kind === 'did' ? 'did' : `phone ${r.target!} extension`);
      const unknown = r.unknown[0];
      if (unknown) this.fail(`no phone named ${unknown.name}`, unknown.origin);
      const steps = r.steps.map((s): PlanStep => ({
        ...this.step(s, keepLocalCopy), ringVar: r.kind === 'chain' ? `ring_step${++stepNo}` : undefined, origin: s.origin,
      }));
      const pattern = ib.patterns.find((p) => p.routeId === r.id);
      const did = number ?? (pattern ? checkPattern(pattern.pattern, 'did').prefix + 'X'.repeat(pattern.pattern.digits) : '');
      const label = r.kind === 'chain' ? 'the ring chain' : r.kind === 'did' ? `did ${did} to ${r.target!}` : `extension ${number!} (${r.written[0]?.group ? 'group' : 'phone'} ${r.target!})`;
      return { id: r.id, kind: r.kind, number, label, steps, origin: r.origin };
    });
    const patterns = ib.patterns.map((p): PlanDidPattern => ({
      pattern: checkPattern(p.pattern, 'did'), routeId: p.routeId, extension: p.extension && checkPattern(p.extension, 'did to'), origin: p.origin,
    }));
    const normalise = ib.normalise.map((r) => checkRewrite(r, 'inbound rewrite'));
    return { origin: ib.origin, from, routes, normalise, normaliseOrigin: ib.normaliseOrigin, patterns };
  }

  private local(firstId: number, keepLocalCopy: boolean): PlanLocal | undefined {
    const o = this.plan.outbound;
    if (!o || o.local.mode === 'off') return undefined;
    const routes = o.local.routes.map((r, i): PlanInboundRoute => {
      const number = checkNumber(r.number, `${r.kind} ${r.target} number`);
      const steps = r.steps.map((s): PlanStep => ({ ...this.step(s, keepLocalCopy), ringVar: undefined, origin: s.origin }));
      return { id: firstId + i, kind: 'local', number, label: `local call to ${number} (${r.kind} ${r.target})`, steps, origin: r.origin };
    });
    return routes.length === 0 ? undefined : { mode: o.local.mode, origin: o.local.origin, routes };
  }

  private limits(): PlanLimits {
    const l = this.plan.limits;
    return {
      perSourceCount: checkCode(l.perSource.count, 1, 100_000, 'limits per-source'),
      perSourceWindowS: checkCode(l.perSource.windowS, 1, 60, 'limits per-source window'),
      outsideCount: checkCode(l.outside.count, 1, 100_000, 'limits outside'),
      outsideWindowS: checkCode(l.outside.windowS, 1, 60, 'limits outside window'),
      maxExpiresS: checkCode(l.maxExpiresS, 60, 86_400, 'limits max-expires'),
      maxContacts: checkCode(l.maxContacts, 1, 100, 'limits max-contacts'),
      origin: l.origin,
    };
  }

  private probing(upstreams: readonly PlanUpstream[], chain: readonly PlanUpstream[], gateways: readonly PlanGateway[]): PlanProbing | undefined {
    const ordered: readonly { readonly name: string; readonly probe: RoutingProbe | undefined }[] = [...chain, ...upstreams.filter((u) => !chain.includes(u)), ...gateways]
      .filter((u) => u.probe);
    const first = ordered[0]?.probe;
    if (!first) return undefined;
    for (const u of ordered.slice(1)) {
      const p = u.probe!;
      if (p.everyMs !== first.everyMs || p.timeoutMs !== first.timeoutMs || p.downAfter !== first.downAfter || p.upAfter !== first.upAfter) {
        this.warnings.push(`${upstreams.some((x) => x.name === u.name) ? 'upstream' : 'gateway'} ${u.name} probes with other settings than ${ordered[0]!.name}, but Kamailio's dispatcher has one setting for all: ${ordered[0]!.name}'s are used`);
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
