// The branch's edge proxy: Kamailio 5.6 with tm, as measured (docs/simulator.md). It
// interprets the branch's routing plan (engines/plan/), the same plan the exporter
// translates into kamailio.cfg: every routing decision is read from it, this file adds
// only tm's transaction behaviour.
import {
  assertedIdentity, calledNumberFor, callerIdFor, canonicalHost, chooseGateway, failsOver, gatewayFull, inboundMatch, inLan, localRouteFor, sourceOf, type PlanGateway, type PlanPeer, type PlanGatewayRef, passes, proxyReplies, reasonOf, type PlanLocalRoute, type PlanRingStep, type ProxyReply, type RoutingPlan,
} from '../plan/index.js';
import { inboundCause } from './numbers.js';
import { PhoneUa, phoneContact, Uas } from './actors.js';
import { Backoff } from './backoff.js';
import { EdgeChannels } from './gateway-channels.js';
import type { Node, SimulationHost } from './host.js';
import { request, response, tagged, type Msg, type NameAddr, type Transport, type Via } from './message.js';
import { Prober } from './probing.js';
import { Registrar, type RegistrarHost } from './registrar.js';
import type { TimerHandle } from './scheduler.js';
import { hostPort, uriHost, uriUser } from './sip.js';
import { Elsewhere } from './stranger.js';
import { survivalEvent } from './events.js';
import type { SurvivalEventEntry } from './types.js';
import { noUpstream } from '../plan/index.js';

/**
 * Who a request comes from, by its source address only (docs/security.md): a gateway,
 * an upstream, the LAN, or anyone else. Never by a header.
 */
type Source =
  | { readonly kind: 'gateway'; readonly name: string }
  | { readonly kind: 'upstream'; readonly name: string }
  | { readonly kind: 'lan' }
  | { readonly kind: 'stranger' };

/** `gateway NAME`, `upstream NAME`, `lan` or `stranger`, for causes. */
function describe(source: Source): string {
  return source.kind === 'gateway' || source.kind === 'upstream' ? `${source.kind} ${source.name}` : source.kind;
}

/** tm's wt_timer (default, the exporter leaves it): how long a finished transaction lives on. */
const WT_TIMER_MS = 5000;

interface ClientBranch {
  readonly id: string;
  readonly target: Node;
  readonly msg: Msg;
  provisional: boolean;
  final: boolean;
  retrans: TimerHandle | undefined;
  fr: TimerHandle | undefined;
  /** fr_inv_timer of this branch (the ring time of an inbound step). */
  readonly frInvMs: number;
  /**
   * An outbound call to an upstream: fr_inv_timer after a bare 100 Trying (`trying`),
   * replaced by `frInvMs` once a reply above 100 came (`rang`). Undefined elsewhere.
   */
  readonly tryingMs: number | undefined;
  rang: boolean;
  /** The connection was refused (TCP/TLS to a `down` node): nothing was sent. */
  readonly refused: boolean;
}

interface InboundStep {
  readonly targets: readonly Node[];
  readonly ringMs: number;
  readonly label: string;
}

/** The caller's side of an INVITE (tm's UAS transaction), with where it goes. */
class ServerTxn {
  chain: readonly Node[] = [];
  survival = false;
  index = 0;
  /** The caller's To with our tag, built once. */
  taggedTo: NameAddr | undefined = undefined;
  finalSent = false;
  /** When the caller got its final reply: tm frees the transaction wt_timer later. Shared with a survival relay (one tm transaction). */
  uas: { doneAt: number | undefined } = { doneAt: undefined };
  current: ClientBranch | undefined = undefined;
  /** The last reply sent to the caller: sent again when its INVITE comes again. */
  last: Msg | undefined = undefined;
  /** A non-2xx final to the caller over UDP, resent until its ACK (within fr_timer). */
  finalRetrans: Backoff | undefined = undefined;
  /** The branch whose 2xx was relayed: its 2xx retransmissions are relayed too. */
  winner: ClientBranch | undefined = undefined;
  /** Inbound calls: the ring steps, the current one, and the branches of that step. */
  inbound: { readonly steps: readonly InboundStep[]; step: number; branches: ClientBranch[]; finals: number[] } | undefined = undefined;
  /** A call to a number of the branch (`local-calls survival`): rung by the edge when survival starts. */
  local: PlanLocalRoute | undefined = undefined;
  /**
   * A call down a list of gateways (survival relay, emergency): the list, the one tried now,
   * whether the edge's channel count may hold it back, and the dialled number each gateway's
   * own rules rewrite for its Request-URI (undefined: the caller's Request-URI is kept, as for
   * an emergency call).
   */
  gateways: { readonly list: readonly PlanGatewayRef[]; index: number; readonly emergency: boolean; readonly number: string } | undefined = undefined;
  /** The gateway whose channel this call holds in the edge's count. */
  held: string | undefined = undefined;

  constructor(readonly call: number, readonly phone: Node, readonly invite: Msg, readonly dialled: string, readonly toTag: string) {}

  /** The same caller transaction going somewhere else (the survival relay: its own Request-URI). */
  redirected(invite: Msg, chain: readonly Node[]): ServerTxn {
    const t = new ServerTxn(this.call, this.phone, invite, this.dialled, this.toTag);
    t.chain = chain;
    t.taggedTo = this.taggedTo;
    t.uas = this.uas;
    t.last = this.last;
    t.finalRetrans = this.finalRetrans;
    return t;
  }
}

/** A BYE the edge relays statefully (tm): resent over UDP, its final relayed once. */
interface RelayedRequest {
  readonly back: Node;
  readonly call: number;
  final: Msg | undefined;
  retrans: Backoff | undefined;
}

/** The edge's address for one transport (its `listen` line for it, else its main one). */
interface Listen {
  readonly host: string;
  readonly port: number;
  readonly sentBy: string;
}

export class EdgeProxy implements Node, RegistrarHost {
  readonly name = 'edge';
  readonly transport: Transport;
  private readonly txns = new Map<string, ServerTxn>();
  private readonly byClient = new Map<string, ServerTxn>();
  private readonly branchById = new Map<string, ClientBranch>();
  private readonly dialogs = new Map<string, { far: Node; near: Node }>();
  private readonly inDialog = new Map<string, RelayedRequest>();
  private readonly cancelTimers = new Map<string, Backoff>();
  private readonly listens = new Map<Transport, Listen>();
  /** Each sender's class, worked out once (its address never changes during a run). */
  private readonly sources = new Map<Node, Source>();
  /** The hosts relayed to that are no actor of the branch. */
  private readonly elsewhere = new Map<string, Elsewhere>();
  private readonly selfHosts: ReadonlySet<string>;
  readonly prober: Prober;
  readonly registrar: Registrar;
  /** Each gateway's channels held by calls through the edge (dialog profiles in the export). */
  readonly channels = new EdgeChannels();
  readonly timers: { readonly t1: number; readonly t2: number; readonly fr: number };
  private readonly t1: number;
  private readonly t2: number;
  private readonly fr: number;
  private readonly frInv: number;

  /** `host`, `port`, `transport`: where the phones reach the edge. */
  constructor(private readonly sim: SimulationHost, private readonly plan: RoutingPlan, readonly host: string, readonly port: number, transport: Transport) {
    this.transport = transport;
    // Kamailio leaves the default port out of its Via (the phones' stacks write it).
    const main: Listen = { host, port, sentBy: hostPort(host, port) };
    for (const t of ['UDP', 'TCP', 'TLS'] as const) {
      const l = plan.listens.find((x) => x.transport === t.toLowerCase());
      this.listens.set(t, l ? { host: l.address, port: l.port, sentBy: hostPort(l.address, l.port) } : main);
    }
    this.listens.set(transport, main);
    this.selfHosts = new Set([host, ...plan.listens.map((l) => l.address)].map(canonicalHost));
    this.prober = new Prober(sim, this, (branch, t) => this.via(branch, t));
    this.registrar = new Registrar(sim, this);
    const t = plan.timers;
    this.t1 = t.t1Ms;
    this.t2 = t.t2Ms;
    this.fr = t.noAnswerMs;
    this.frInv = t.ringingMs;
    this.timers = { t1: this.t1, t2: this.t2, fr: this.fr };
  }

  /** Our URI on the leg of `transport` (Record-Route, Path): `sip:HOST[:PORT][;transport=tcp]`. */
  selfUri(transport: Transport): string {
    return `<${this.uriOn(transport)};lr>`;
  }

  private uriOn(transport: Transport): string {
    const l = this.listens.get(transport)!;
    return `sip:${hostPort(l.host, l.port)}${transport === 'UDP' ? '' : `;transport=${transport.toLowerCase()}`}`;
  }

  /** record_route(): one entry, or two (r2=on) when the request changes transport (enable_double_rr). */
  private recordRoute(inbound: Transport, outbound: Transport): string[] {
    if (inbound === outbound) return [this.selfUri(outbound)];
    return [`<${this.uriOn(outbound)};r2=on;lr>`, `<${this.uriOn(inbound)};r2=on;lr>`];
  }

  get marks() {
    return this.prober.marks;
  }

  /** Survival transitions of calls (survival-start); the prober keeps the probing ones. */
  readonly events: SurvivalEventEntry[] = [];

  isMarkedDown(upstream: string): boolean {
    return this.prober.markedDown.has(upstream);
  }

  startProbing(name: string, horizonMs: number): void {
    this.prober.start(name, horizonMs);
  }

  private isGatewayHost(host: string): boolean {
    return this.gatewayAt(host) !== undefined;
  }

  via(branch: string, transport: Transport): Via {
    return { transport, sentBy: this.listens.get(transport)!.sentBy, branch, rport: false };
  }

  /** The class of a sender, by its address, as the plan decides it (engines/plan/trust.ts). */
  private sourceOf(from: Node): Source {
    const known = this.sources.get(from);
    if (known) return known;
    // The actor's address stands for the peer's: a peer written without one has a NAME.invalid actor.
    const actor = (p: PlanPeer) => {
      const n = this.sim.nodes.get(p.name);
      return n instanceof Uas ? n.host : undefined;
    };
    const c = sourceOf(this.plan, from.host, actor);
    // A `registered` phone has no address in the model (NAME.invalid): it is on the LAN.
    const kind = c.kind === 'stranger' && from instanceof PhoneUa && from.host.endsWith('.invalid') ? 'lan' : c.kind;
    const source: Source = (kind === 'gateway' || kind === 'upstream') ? { kind, name: c.name! } : { kind };
    this.sources.set(from, source);
    return source;
  }

  private inLan(host: string): boolean {
    return inLan(this.plan, host);
  }

  private isSelfHost(host: string): boolean {
    return this.selfHosts.has(canonicalHost(host));
  }

  /** A Route entry (`<sip:HOST;lr>`) naming this proxy. */
  private isSelfRoute(route: string): boolean {
    return this.isSelfHost(uriHost(route.replace(/^\s*</, '')));
  }

  /** The actor at `host` (a phone, gateway or upstream), else a host that is no actor. */
  private nodeAt(host: string): Node {
    const h = canonicalHost(host);
    for (const n of this.sim.nodes.values()) if (n !== this && canonicalHost(n.host) === h && !(n instanceof PhoneUa && n.uas === undefined)) return n;
    let other = this.elsewhere.get(h);
    if (!other) {
      other = new Elsewhere(host.replace(/^\[|\]$/g, ''), 5060);
      this.elsewhere.set(h, other);
    }
    return other;
  }

  /** sl_send_reply(): a reply with a To-tag, kept nowhere (a retransmission gets another). */
  private statelessReply(m: Msg, to: Node, call: number, r: ProxyReply, cause: string): void {
    this.sim.send(this, to, response(r.code, r.reason, {
      via: m.via, from: m.from, to: tagged(m.to, this.sim.next('sl')), callId: m.callId, cseq: m.cseq, cseqMethod: m.cseqMethod,
    }), call, cause);
  }

  /**
   * The trust model, before any routing decision (docs/security.md). Answers or relays
   * what it decides itself; true when the request goes on to the routing below.
   */
  private admit(m: Msg, from: Node, call: number, source: Source): boolean {
    const method = m.method!;
    const where = `${hostPort(from.host, undefined)}:${from.port}`;
    if (source.kind === 'stranger') {
      if (this.sim.trust === 'open') return this.openRelay(m, from, call);
      if (method !== 'ACK') this.statelessReply(m, from, call, proxyReplies.outsideTrust, `surv: refused ${method} from ${where}: outside the trust model`);
      return false;
    }
    if (m.to.tag !== undefined || method === 'ACK' || method === 'CANCEL') return true;
    if (m.route?.some((r) => !this.isSelfRoute(r))) {
      this.statelessReply(m, from, call, proxyReplies.preloadedRoute, `${method} from ${where} with a Route past this proxy: refused`);
      return false;
    }
    const rules = this.plan.trust.rules[source.kind];
    if (method === 'REGISTER') {
      if (rules.register === 'accept') return true;
      this.statelessReply(m, from, call, proxyReplies.registerNotFromLan, `REGISTER from ${describe(source)} (${where}): not from the LAN`);
      return false;
    }
    if (method === 'OPTIONS' && this.isSelfHost(uriHost(m.uri ?? '')) && uriUser(m.uri ?? '') === undefined) {
      this.statelessReply(m, from, call, proxyReplies.keepalive, 'OPTIONS to this proxy: keepalive');
      return false;
    }
    switch (method === 'INVITE' ? rules.invite : rules.other) {
      case 'outbound':
      case 'inbound':
        return true;
      case 'first-upstream': {
        // The first upstream of the plan's otherVia not marked down.
        const up = this.plan.otherVia.map((name) => this.sim.nodes.get(name)).find((n) => n !== undefined && !this.prober.markedDown.has(n.name));
        if (up) this.relayRequest(m, from, up, call, m.uri!, `${method} from the LAN: via ${up.name}`);
        else this.statelessReply(m, from, call, proxyReplies.noUpstream, `${method} from the LAN: no upstream usable`);
        return false;
      }
      case 'to-branch':
        this.fromUpstream(m, from, call, source.kind === 'upstream' ? source.name : describe(source));
        return false;
      case 'refuse':
        this.statelessReply(m, from, call, proxyReplies.relayingDenied, `${method} from ${describe(source)}: a gateway only places calls`);
        return false;
    }
  }

  /** An upstream's initial request: only to a LAN address or a local registration. */
  private fromUpstream(m: Msg, from: Node, call: number, name: string): void {
    const uri = m.uri ?? '';
    const host = uriHost(uri);
    const user = uriUser(uri);
    const deny = (why: string) => this.statelessReply(m, from, call, proxyReplies.relayingDenied, `${m.method!} from upstream ${name} to ${why}: refused`);
    const gateway = this.gatewayAt(host);
    if (gateway) return deny(`gateway ${gateway.name}`);
    // The proxy's own address may be in a LAN: it means a local registration, never a relay to itself.
    if (!this.isSelfHost(host) && this.inLan(host)) return this.relayFrom(m, from, call, this.nodeAt(host), uri, `from upstream ${name}: to LAN address ${host}`);
    if (!this.isSelfHost(host) || user === undefined) return deny(host);
    const phone = this.plan.phones.find((p) => p.extension === user);
    const binding = phone ? this.registrar.lookup(phone.name) : undefined;
    if (!this.plan.register.keepLocalCopy) return deny(`${user} at this proxy (no local copy of registrations)`);
    if (!phone || !binding) return this.statelessReply(m, from, call, proxyReplies.notRegistered, `${m.method!} from upstream ${name}: lookup("location") found no registration for ${user}`);
    this.relayFrom(m, from, call, this.sim.nodes.get(phone.name)!, binding, `from upstream ${name}: lookup("location") ${phone.name}`);
  }

  /** The gateway at `host`, compared canonically like the exporter's compare_ips. */
  private gatewayAt(host: string): PlanGateway | undefined {
    return this.plan.gateways.find((g) => g.address !== undefined && canonicalHost(g.address.address) === canonicalHost(host));
  }

  /** Relays an initial request to `to` at `uri`: an INVITE statefully with Record-Route, anything else statefully as is. */
  private relayFrom(m: Msg, from: Node, call: number, to: Node, uri: string, cause: string): void {
    if (m.method !== 'INVITE') return this.relayRequest(m, from, to, call, uri, cause);
    const txn = new ServerTxn(call, from, { ...m, uri }, uriUser(uri) ?? '', this.sim.next('k'));
    txn.chain = [to];
    this.txns.set(m.via[0]!.branch, txn);
    this.dialogs.set(m.callId, { far: to, near: from });
    this.forward(txn, cause);
  }

  /**
   * The edge before the trust model, for a stranger (trust `open`, only to prove SURV086
   * can fail): a Request-URI at a gateway relayed there, `loose_route()` on an initial
   * request relaying to the next Route, a request to a LAN address relayed.
   */
  private openRelay(m: Msg, from: Node, call: number): boolean {
    const method = m.method!;
    const initial = m.to.tag === undefined;
    if (!initial && (method === 'ACK' || this.dialogs.has(m.callId))) return true;
    const next = m.route?.find((r) => !this.isSelfRoute(r));
    const host = uriHost(m.uri ?? '');
    if (initial && method === 'ACK') return false;
    if (initial && method === 'INVITE' && this.isGatewayHost(host) && !next) return true;
    if (next) {
      this.relayFrom(m, from, call, this.nodeAt(uriHost(next.replace(/^\s*</, ''))), m.uri!, 'loose_route(): the next Route');
      return false;
    }
    if (!initial) {
      this.statelessReply(m, from, call, proxyReplies.noDialog, 'in-dialog request for no dialog');
      return false;
    }
    if (!this.isSelfHost(host) && this.inLan(host)) {
      this.relayFrom(m, from, call, this.nodeAt(host), m.uri!, `to LAN address ${host}`);
      return false;
    }
    this.statelessReply(m, from, call, proxyReplies.relayingDenied, `${method} from outside the LAN to ${host}: refused`);
    return false;
  }

  receive(m: Msg, from: Node, call: number): void {
    if (m.status !== undefined) return this.onReply(m, from);
    if (!this.admit(m, from, call, this.sourceOf(from))) return;
    const callId = m.callId;
    const key = m.via[0]!.branch;
    if (m.method === 'INVITE') return this.onInvite(m, from, call, key);
    if (m.method === 'REGISTER') return this.registrar.onRequest(m, from);
    if (m.method === 'ACK' && m.route === undefined) {
      // Hop-by-hop ACK of a non-2xx final: ends its retransmissions, goes no further.
      this.txns.get(key)?.finalRetrans?.stop();
      return;
    }
    // In-dialog requests (ACK for 2xx, BYE): loose-routed to the other side.
    const d = this.dialogs.get(callId);
    if (!d) {
      if (m.method !== 'ACK') this.statelessReply(m, from, call, proxyReplies.noDialog, `${m.method!} for a dialog this proxy does not know`);
      return;
    }
    const to = from === d.near ? d.far : d.near;
    const id = `z9hG4bKed${key.replace('z9hG4bK', '')}`;
    const relayed = this.inDialog.get(id);
    if (relayed) {
      // A retransmitted BYE: the final again once there is one, else absorbed (tm resends it itself).
      if (relayed.final) this.sim.send(this, from, relayed.final, call, `${m.method} retransmission: ${relayed.final.status} again`);
      return;
    }
    // The dialog module ends the dialog on the BYE itself: its gateway channel is free.
    if (m.method === 'BYE') this.channels.releaseCall(callId);
    if (m.method !== 'BYE') {
      const msg = request(m.method!, m.uri!, {
        via: [this.via(id, to.transport), ...m.via], maxForwards: (m.maxForwards ?? 70) - 1,
        from: m.from, to: m.to, callId, cseq: m.cseq, cseqMethod: m.cseqMethod, contact: m.contact,
      });
      this.sim.send(this, to, msg, call, `${m.method} routed (Record-Route)`);
      return;
    }
    this.relayRequest(m, from, to, call, m.uri!, `${m.method} routed (Record-Route)`);
  }

  /** A non-INVITE relayed statefully (tm): resent over UDP until its final, which goes back once. */
  private relayRequest(m: Msg, from: Node, to: Node, call: number, uri: string, cause: string): void {
    const callId = m.callId;
    const id = `z9hG4bKed${m.via[0]!.branch.replace('z9hG4bK', '')}`;
    const relayed = this.inDialog.get(id);
    if (relayed) {
      // A retransmission: the final again once there is one, else absorbed (tm resends it itself).
      if (relayed.final) this.sim.send(this, from, relayed.final, call, `${m.method!} retransmission: ${relayed.final.status} again`);
      return;
    }
    const msg = request(m.method!, uri, {
      via: [this.via(id, to.transport), ...m.via], maxForwards: (m.maxForwards ?? 70) - 1,
      from: m.from, to: m.to, callId, cseq: m.cseq, cseqMethod: m.cseqMethod, contact: m.contact, expires: m.expires,
    });
    const r: RelayedRequest = { back: from, call, final: undefined, retrans: undefined };
    this.inDialog.set(id, r);
    if (!this.sim.send(this, to, msg, call, cause)) {
      return this.relayFinal(r, response(477, reasonOf(477), { via: m.via, from: m.from, to: m.to, callId, cseq: m.cseq, cseqMethod: m.cseqMethod }), `t_relay to ${to.name} failed (${to.transport} connection refused): 477`);
    }
    if (to.transport === 'UDP') {
      r.retrans = new Backoff(this.sim.clock, this.t1, this.t2, this.fr, (n) => this.sim.send(this, to, msg, call, `Timer E retransmission ${n}`), () => {
        this.relayFinal(r, response(408, reasonOf(408), { via: m.via, from: m.from, to: m.to, callId, cseq: m.cseq, cseqMethod: m.cseqMethod }), `fr_timer fired on ${to.name}: 408`);
      });
    }
  }

  private relayFinal(r: RelayedRequest, msg: Msg, cause: string): void {
    if (r.final) return;
    r.retrans?.stop();
    r.final = msg;
    this.sim.send(this, r.back, msg, r.call, cause);
  }

  private onInvite(m: Msg, from: Node, call: number, key: string): void {
    const known = this.txns.get(key);
    if (known) {
      // A retransmission: tm sends the last reply again.
      if (known.last) this.sim.send(this, from, known.last, call, `INVITE retransmission: ${known.last.status} again`);
      return;
    }
    const callId = m.callId;
    this.sim.pathHop(call, this.name);
    const out = this.plan.outbound;
    const dialled = uriUser(m.uri ?? '') ?? '';
    const txn = new ServerTxn(call, from, m, dialled, this.sim.next('k'));
    const host = uriHost(m.uri ?? '');
    let chain: Node[];
    let survival = false;
    let cause: string;
    const inbound = this.plan.inbound;
    const source = this.sourceOf(from);
    const local = localRouteFor(this.plan, dialled);
    if (source.kind === 'gateway') {
      const match = inbound?.from.some((f) => f.name === source.name) ? inboundMatch(inbound, dialled) : undefined;
      const route = match?.route;
      const steps = route ? route.steps.map((s) => this.inboundStep(s)) : [];
      const full = txn;
      full.inbound = { steps, step: -1, branches: [], finals: [] };
      // A call from a gateway holds one of its lines too (counted, never refused: the line is in use).
      this.channels.take(source.name, callId);
      this.txns.set(key, full);
      this.dialogs.set(callId, { far: from, near: from });
      if (steps.length === 0) return this.replyToPhone(full, proxyReplies.noInboundRoute, `inbound from ${from.name}: no route`, true);
      this.nextStep(full, `inbound from ${from.name}${match ? inboundCause(dialled, match) : ''}`);
      return;
    }
    const g = this.gatewayAt(host);
    if (g) {
      chain = [this.sim.nodes.get(g.name)!];
      cause = 'target is the local gateway: relay';
      if (gatewayFull(g, this.channels.inUse(g.name))) {
        this.txns.set(key, txn);
        return this.replyToPhone(txn, proxyReplies.noGateway, `${cause}: ${g.name} full (${g.channels} channels in use), 503`, true);
      }
      this.channels.take(g.name, callId);
    } else if (out && out.emergency.numbers.includes(dialled)) {
      this.txns.set(key, txn);
      this.dialogs.set(callId, { far: from, near: from });
      txn.gateways = { list: out.emergency.gateways, index: -1, emergency: true, number: dialled };
      return this.nextGateway(txn, `emergency ${dialled}`, 'direct to');
    } else if (out && local && out.local.mode === 'always') {
      this.txns.set(key, txn);
      this.dialogs.set(callId, { far: from, near: from });
      return this.ringLocal(txn, local, `local call to ${dialled} (local-calls always)`);
    } else if (out) {
      txn.local = local;
      const all = out.chain.map((c) => this.sim.nodes.get(c.name)).filter((n): n is Node => n !== undefined);
      const down = this.prober.markedDown;
      chain = all.filter((n) => !down.has(n.name));
      survival = true;
      const skipped = all.filter((n) => down.has(n.name)).map((n) => `${n.name} marked down`).join(', ');
      cause = chain.length ? `outbound via ${chain[0]!.name}${skipped ? ` (${skipped})` : ''}` : skipped;
    } else {
      chain = [];
      cause = 'no outbound policy';
    }
    const full = txn;
    full.chain = chain;
    full.survival = survival;
    this.txns.set(key, full);
    this.dialogs.set(callId, { far: chain[0] ?? from, near: from });
    if (chain.length === 0 && survival) return this.failure(full, cause);
    if (chain.length === 0) return this.replyToPhone(full, proxyReplies.noRoute, cause, true);
    this.forward(full, cause);
  }

  private replyToPhone(txn: ServerTxn, r: ProxyReply, cause: string, tag: boolean, contact?: readonly NameAddr[]): void {
    const m = txn.invite;
    this.toPhone(txn, response(r.code, r.reason, {
      via: m.via, from: m.from, to: tag ? (txn.taggedTo ??= tagged(m.to, txn.toTag)) : m.to, callId: m.callId, cseq: m.cseq, cseqMethod: m.cseqMethod, contact,
    }), cause);
  }

  /** Every reply to the caller goes here: remembered, and a non-2xx final resent over UDP until the ACK. */
  private toPhone(txn: ServerTxn, msg: Msg, cause: string): void {
    const code = msg.status!;
    if (code >= 200) {
      txn.finalSent = true;
      txn.uas.doneAt ??= this.sim.clock.now;
    }
    // A failure reply ends the dialog: the gateway channel it held is free.
    if (code >= 300) this.channels.releaseCall(msg.callId);
    txn.last = msg;
    this.sim.send(this, txn.phone, msg, txn.call, cause);
    if (code >= 300 && txn.phone.transport === 'UDP') {
      txn.finalRetrans?.stop();
      txn.finalRetrans = new Backoff(this.sim.clock, this.t1, this.t2, this.fr, () => this.sim.send(this, txn.phone, msg, txn.call, `${code} retransmission (no ACK yet)`));
    }
  }

  /** Relays the INVITE to the next target of the chain: a fresh branch, fresh timers. */
  private forward(txn: ServerTxn, cause: string): void {
    const b = this.startBranch(txn, txn.chain[txn.index]!, txn.invite.uri ?? '', cause, this.frInv);
    txn.current = b;
    if (!b.refused) return;
    // t_relay() failed at once: for an upstream, an outage like a timeout with no reply,
    // only sooner; anything else gets tm's 477 (a gateway list moves on: nextGateway).
    this.failure(txn, `t_relay to ${b.target.name} failed (${b.target.transport} connection refused)`, true);
  }

  private startBranch(txn: ServerTxn, target: Node, uri: string, cause: string, frInvMs: number): ClientBranch {
    const m = txn.invite;
    // tm's automatic 100 (auto_inv_100) comes from t_relay() in the request route, and only
    // while nothing has been replied yet: an INVITE the config answers itself gets none.
    // A failure route's t_relay() never sends one; by then the first relay already had.
    if (!txn.last) this.replyToPhone(txn, { code: 100, reason: reasonOf(100) }, 'tm: auto 100 Trying', false);
    const id = `z9hG4bKed${this.sim.next('')}`;
    // A call from the branch to a gateway carries the calling number its caller-id rules present.
    const presented = txn.inbound ? undefined : callerIdFor(this.plan.gateways.find((g) => g.name === target.name), uriUser(m.from.uri) ?? '');
    const msg = request('INVITE', uri, {
      via: [this.via(id, target.transport), ...m.via], maxForwards: (m.maxForwards ?? 70) - 1, recordRoute: this.recordRoute(txn.phone.transport, target.transport),
      from: m.from, to: m.to, callId: m.callId, cseq: m.cseq, cseqMethod: m.cseqMethod, contact: m.contact,
      ...(presented ? { pai: assertedIdentity(this.plan, presented.number), ...(presented.private ? { privacy: 'id' } : {}) } : {}),
    });
    this.byClient.set(id, txn);
    const d = this.dialogs.get(m.callId);
    if (d && !txn.inbound) d.far = target;
    const sent = this.sim.send(this, target, msg, txn.call, cause);
    const tryingMs = txn.survival && !txn.inbound ? this.plan.timers.tryingMs : undefined;
    const b: ClientBranch = { id, target, msg, provisional: false, final: !sent, retrans: undefined, fr: undefined, frInvMs, tryingMs, rang: false, refused: !sent };
    this.branchById.set(id, b);
    if (!sent) return b;
    const { t1, t2, fr } = this;
    // Retransmissions over UDP (none over TCP): T1, 2T1, 4T1... capped at T2 (Kamailio
    // caps INVITEs too), until fr_timer.
    if (target.transport === 'UDP') {
      let interval = t1;
      let n = 0;
      const retransmit = () => {
        n++;
        this.sim.send(this, target, msg, txn.call, `Timer A retransmission ${n}`);
        interval = Math.min(interval * 2, t2);
        b.retrans = this.sim.clock.after(interval, retransmit);
      };
      b.retrans = this.sim.clock.after(interval, retransmit);
    }
    b.fr = this.sim.clock.after(fr, () => this.onTimeout(txn, b, 'fr_timer'));
    // fr_timer was armed before any retransmission it could coincide with, so at an
    // equal instant it fires first and cancels the retransmission (Kamailio sends none).
    return b;
  }

  /**
   * Inbound: rings the next step's reachable targets in parallel, or answers the caller
   * when no step is left. A `registered` phone is reachable only through a registration
   * in the local copy (lookup("location")); a step with nobody reachable is skipped.
   */
  private nextStep(txn: ServerTxn, cause: string): void {
    const ib = txn.inbound!;
    let why = cause;
    for (;;) {
      ib.step++;
      const step = ib.steps[ib.step];
      if (!step) {
        const code = ib.finals.find((c) => c !== 408 && c !== 487) ?? 480;
        this.replyToPhone(txn, { code, reason: reasonOf(code) }, `${why}: no step left`, true);
        return;
      }
      const reachable = step.targets.filter((t) => this.contactOf(t) !== undefined);
      if (reachable.length === 0) {
        why = `${why}: ${step.label} not registered, skipped`;
        continue;
      }
      ib.branches = reachable.map((t) => this.startBranch(txn, t, this.contactOf(t)!, `${why}: ring ${step.label} for ${step.ringMs / 1000}s`, step.ringMs));
      return;
    }
  }

  /** Where a phone is reached: its fixed address, or its registration in the local copy. */
  private contactOf(node: Node): string | undefined {
    const u = node as PhoneUa;
    const phone = this.plan.phones.find((p) => p.name === u.name);
    if (phone?.registered) return this.registrar.lookup(u.name);
    return phoneContact(u.user, u.host, u.port, u.transport);
  }

  /** Inbound: a branch of the current step ended; when all did, the next step. */
  private branchDone(txn: ServerTxn, why: string): void {
    const ib = txn.inbound!;
    if (txn.finalSent || ib.branches.some((b) => !b.final)) return;
    this.nextStep(txn, why);
  }

  /** A ring step of the plan, with the actors it rings (a serial group's step is labelled by its phone). */
  private inboundStep(s: PlanRingStep): InboundStep {
    const targets = s.phones.map((p) => this.sim.nodes.get(p.name)).filter((n): n is Node => n instanceof PhoneUa);
    return { targets, ringMs: s.ringMs, label: s.group?.mode === 'serial' ? s.phones[0]!.name : s.target };
  }

  private stopTimers(b: ClientBranch): void {
    this.sim.clock.cancel(b.retrans);
    this.sim.clock.cancel(b.fr);
    b.retrans = undefined;
    b.fr = undefined;
  }

  private onTimeout(txn: ServerTxn, b: ClientBranch, which: 'fr_timer' | 'fr_inv_timer'): void {
    this.stopTimers(b);
    b.final = true;
    if (txn.finalSent) return;
    if (txn.inbound) {
      // tm's fake 408 runs the failure route (the next step's INVITEs, or the final to the
      // caller) before it sends the CANCEL to the branch that rang out.
      txn.inbound.finals.push(408);
      this.branchDone(txn, `${which} fired on ${b.target.name}`);
      if (b.provisional) this.cancel(txn, b, `${which} fired on ${b.target.name}: CANCEL`);
      return;
    }
    if (b.provisional && b.tryingMs !== undefined && !b.rang) {
      // Only a 100 Trying, then nothing for `trying`: the upstream counts as silent. The
      // failure route fails over or runs survival; tm then CANCELs the branch it had.
      this.failure(txn, `${which} fired on ${b.target.name} (only 100 Trying within trying ${b.tryingMs / 1000}s)`);
      this.cancel(txn, b, `${which} fired on ${b.target.name} (only 100 Trying): CANCEL`);
      return;
    }
    if (b.provisional) {
      // It rang: 408 to the phone, never survival; then CANCEL upstream.
      this.replyToPhone(txn, { code: 408, reason: reasonOf(408) }, `${which} fired after a provisional: 408, no survival`, true);
      this.cancel(txn, b, `${which} fired: CANCEL`);
      return;
    }
    this.failure(txn, `${which} fired on ${b.target.name} (no reply at all)`);
  }

  /**
   * The failure route after a branch got no (or a non-passed) reply, or the relay failed
   * at once (`unsent`: then, with no survival, tm's own 477 instead of its 408).
   */
  private failure(txn: ServerTxn, why: string, unsent = false): void {
    if (txn.gateways) return this.nextGateway(txn, why, 'failover to');
    if (txn.survival && txn.index + 1 < txn.chain.length) {
      txn.index++;
      this.forward(txn, `${why}: serial failover to ${txn.chain[txn.index]!.name}`);
      return;
    }
    const out = this.plan.outbound;
    if (!txn.survival || !out) {
      const code = unsent ? 477 : 408;
      return this.replyToPhone(txn, { code, reason: reasonOf(code) }, `${why}: ${code}`, true);
    }
    // route[SURVIVE] logs it first: the last upstream tried, none when all were marked down.
    this.events.push(survivalEvent({ branch: this.plan.branch, event: 'survival-start', direction: 'outbound', upstream: txn.chain[txn.index]?.name ?? noUpstream }, this.sim.clock.now, txn.call, txn.invite.callId));
    if (txn.local) {
      // A call to the branch's own number: the announcements, then the edge rings it; never a gateway.
      for (const a of out.actions) if (a.kind === 'announce') this.replyToPhone(txn, a, `${why}; survival: announce`, true);
      return this.ringLocal(txn, txn.local, `${why}; survival: local call to ${txn.dialled}`);
    }
    if (out.actions.length === 0) return this.replyToPhone(txn, proxyReplies.noSurvival, `${why}: no survival action, 408`, true);
    for (const a of out.actions) {
      if (a.kind === 'announce') {
        this.replyToPhone(txn, a, `${why}; survival: announce`, true);
      } else if (a.kind === 'redirect') {
        // The first gateway of the list that is up with a free channel; the call comes back through the edge, which counts it.
        const choice = this.choose(a.gateways, 0, false);
        const skipped = this.skippedText(choice.skipped);
        const to = choice.index === undefined ? undefined : a.gateways[choice.index]!;
        if (!to) return this.replyToPhone(txn, proxyReplies.noGateway, `${why}; survival: redirect${skipped}: no gateway left, 503`, true);
        this.events.push(survivalEvent({ branch: this.plan.branch, event: 'survival-redirect', direction: 'outbound', gateway: to.name }, this.sim.clock.now, txn.call, txn.invite.callId));
        this.replyToPhone(txn, a, `${why}; survival: redirect${skipped}`, true, [{ uri: `sip:${calledNumberFor(this.plan, to.name, txn.dialled)}@${to.contactHost}` }]);
      } else {
        const relay = txn.redirected(txn.invite, []);
        relay.gateways = { list: a.gateways, index: -1, emergency: false, number: txn.dialled };
        this.txnsReplace(txn, relay);
        this.nextGateway(relay, `${why}; survival`, 'relay to');
      }
    }
  }

  /** Rings a local number's steps like an inbound call (docs/simulator.md, "Local calls"). */
  private ringLocal(txn: ServerTxn, route: PlanLocalRoute, cause: string): void {
    this.events.push(survivalEvent({ branch: this.plan.branch, event: 'local-call', direction: 'local' }, this.sim.clock.now, txn.call, txn.invite.callId));
    const steps = route.steps.map((s) => this.inboundStep(s));
    txn.inbound = { steps, step: -1, branches: [], finals: [] };
    this.nextStep(txn, `${cause}: ${route.kind} ${route.target}`);
  }

  private choose(list: readonly PlanGatewayRef[], from: number, emergency: boolean) {
    if (this.sim.gatewayLists === 'first-only') return { index: from === 0 && list.length > 0 ? 0 : undefined, skipped: [] };
    const ignoreFull = emergency && !this.plan.gatewayFailover.emergencySkipsFull;
    return chooseGateway(list, from, (name) => this.prober.markedDown.has(name) || !this.sim.nodes.has(name), (name) => this.channels.inUse(name), ignoreFull);
  }

  private skippedText(skipped: readonly { readonly name: string; readonly why: string }[]): string {
    return skipped.map((x) => ` (${x.name} ${x.why === 'full' ? `full: ${this.plan.gateways.find((g) => g.name === x.name)?.channels ?? 0} channels in use` : x.why})`).join('');
  }

  /**
   * Sends a gateway-list call to the next gateway it may use (the failure route's t_relay
   * in the export: a fresh branch, fresh timers), releasing the channel of the one that
   * failed; with none left, the edge's own 503.
   */
  private nextGateway(txn: ServerTxn, why: string, verb: 'relay to' | 'direct to' | 'failover to'): void {
    const g = txn.gateways!;
    if (txn.held) this.channels.release(txn.held, txn.invite.callId);
    txn.held = undefined;
    const choice = this.choose(g.list, g.index + 1, g.emergency);
    const skipped = this.skippedText(choice.skipped);
    if (choice.index === undefined) return this.replyToPhone(txn, proxyReplies.noGateway, `${why}${skipped}: no gateway left, 503`, true);
    g.index = choice.index;
    const ref = g.list[choice.index]!;
    const node = this.sim.nodes.get(ref.name)!;
    this.channels.take(ref.name, txn.invite.callId);
    txn.held = ref.name;
    txn.chain = [node];
    txn.index = 0;
    // Each gateway of the list is sent the number its own rules make of the dialled one.
    const uri = `sip:${calledNumberFor(this.plan, ref.name, g.number)}@${ref.contactHost}`;
    const b = this.startBranch(txn, node, uri, `${why}: ${verb} ${ref.name}${skipped}`, this.frInv);
    txn.current = b;
    // The survival relay's list (not the emergency one), once t_relay() took the branch.
    if (!g.emergency && !b.refused) this.events.push(survivalEvent({ branch: this.plan.branch, event: 'survival-relay', direction: 'outbound', gateway: ref.name }, this.sim.clock.now, txn.call, txn.invite.callId));
    if (b.refused) this.nextGateway(txn, `t_relay to ${node.name} failed (${node.transport} connection refused)`, 'failover to');
  }

  private txnsReplace(old: ServerTxn, next: ServerTxn): void {
    for (const [k, v] of this.txns) if (v === old) this.txns.set(k, next);
    old.finalSent = true;
  }

  private cancel(txn: ServerTxn, b: ClientBranch, cause: string): void {
    const m = b.msg;
    const msg = request('CANCEL', m.uri!, { via: [m.via[0]!], maxForwards: 70, from: m.from, to: m.to, callId: m.callId, cseq: m.cseq, cseqMethod: 'CANCEL' });
    if (!this.sim.send(this, b.target, msg, txn.call, cause) || b.target.transport !== 'UDP') return;
    // tm resends its CANCEL like any non-INVITE (T1 doubling, capped at T2) until the
    // transaction's fr_timer (`no-answer`), and stops sooner when the INVITE transaction
    // is freed, wt_timer after its final to the caller (measured, docs/simulator.md).
    const resend = (n: number) => {
      const done = txn.uas.doneAt;
      if (done !== undefined && this.sim.clock.now >= done + WT_TIMER_MS) return backoff.stop();
      this.sim.send(this, b.target, msg, txn.call, `CANCEL retransmission ${n}`);
    };
    const backoff = new Backoff(this.sim.clock, this.t1, this.t2, this.fr, resend);
    this.cancelTimers.set(b.id, backoff);
  }

  private onReply(m: Msg, from: Node): void {
    const key = m.via[0]!.branch;
    const status = m.status!;
    const method = m.cseqMethod;
    const vias = m.via.slice(1);
    if (method === 'OPTIONS') return this.prober.reply(key, status);
    if (method === 'REGISTER') return this.registrar.onReply(m);
    if (method === 'CANCEL') {
      this.cancelTimers.get(key)?.stop();
      return;
    }
    if (method !== 'INVITE') {
      const r = this.inDialog.get(key);
      if (r && status >= 200) this.relayFinal(r, { ...m, via: vias }, `${status} to ${method} relayed`);
      return;
    }
    const txn = this.byClient.get(key);
    if (!txn) return;
    const b = txn.inbound ? txn.inbound.branches.find((x) => x.id === key) : txn.current?.id === key ? txn.current : undefined;
    const forwardReply = (cause: string) => this.toPhone(txn, { ...m, via: vias }, cause);
    if (status < 200) {
      if (!b || b.final) return;
      // Any provisional, a 100 included, stops retransmission and (re)starts fr_inv_timer.
      this.sim.clock.cancel(b.retrans);
      this.sim.clock.cancel(b.fr);
      b.retrans = undefined;
      b.provisional = true;
      // An upstream's 18x sets ringing (t_set_fr in the onreply route) before tm restarts the timer.
      if (status > 100) b.rang = true;
      const wait = b.tryingMs !== undefined && !b.rang ? b.tryingMs : b.frInvMs;
      b.fr = this.sim.clock.after(wait, () => this.onTimeout(txn, b, 'fr_inv_timer'));
      if (status !== 100 && !txn.finalSent) forwardReply(`${status} from ${from.name} relayed`);
      return;
    }
    if (status >= 300) {
      // Hop-by-hop ACK for a non-2xx final.
      const sent = this.branchById.get(key)!.msg;
      this.sim.send(this, from, request('ACK', sent.uri!, { via: [sent.via[0]!], maxForwards: 70, from: sent.from, to: m.to, callId: sent.callId, cseq: sent.cseq, cseqMethod: 'ACK' }), txn.call, `ACK for ${status}`);
    }
    if (!b || b.final) {
      if (status < 300 && !txn.finalSent) forwardReply(`${status} from ${from.name} relayed`);
      // tm relays every 2xx: the UAS resends it until the caller's ACK gets through.
      else if (status < 300 && b && b === txn.winner) forwardReply(`${status} from ${from.name} relayed (again)`);
      return;
    }
    this.stopTimers(b);
    b.final = true;
    if (txn.finalSent) return;
    if (status < 300) {
      const d = this.dialogs.get(m.callId);
      if (d) d.far = from;
      txn.winner = b;
      forwardReply(`${status} from ${from.name} relayed`);
      // A parallel fork: CANCEL the losers that rang, forget those that never replied.
      for (const other of txn.inbound?.branches ?? []) {
        if (other.final) continue;
        this.stopTimers(other);
        other.final = true;
        if (other.provisional) this.cancel(txn, other, `${from.name} answered: CANCEL ${other.target.name}`);
      }
      return;
    }
    if (txn.inbound) {
      txn.inbound.finals.push(status);
      return this.branchDone(txn, `${status} from ${from.name}`);
    }
    if (txn.gateways && this.sim.gatewayLists === 'plan' && failsOver(this.plan.gatewayFailover, status)) return this.nextGateway(txn, `${status} from ${b.target.name}`, 'failover to');
    if (txn.survival && !passes(this.plan.outbound?.pass ?? 'all', status)) return this.failure(txn, `${status} from ${b.target.name} not in pass list`);
    if (status === 503) return this.replyToPhone(txn, proxyReplies.remapped503, `503 from ${from.name}: tm remap_503_500`, true);
    forwardReply(`${status} from ${from.name} relayed`);
  }
}
