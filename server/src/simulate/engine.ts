// The engine: actors (phones, the edge proxy, upstreams, gateways) exchanging real SIP
// text over an instantaneous, lossless UDP network on a virtual clock. The edge proxy
// follows Kamailio 5.6 tm semantics as measured (docs/simulator.md).
import type { ActorState, Branch, Scenario, SurvivalAction } from '../../../grammar/src/index.js';
import { Scheduler, type TimerHandle } from './scheduler.js';
import { formatAor, hostPort, nameAddr, parse, stringify, uriHost, uriUser, type ParsedMessage, type SipMessage, type Via } from './sip.js';
import type { CallResult, SimulateOptions, TraceEntry } from './types.js';

interface Node {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  receive(m: ParsedMessage, text: string, from: Node): void;
}

const REASONS: Record<number, string> = {
  100: 'Trying', 180: 'Ringing', 181: 'Call Is Being Forwarded', 183: 'Session Progress', 200: 'OK',
  302: 'Moved Temporarily', 380: 'Alternative Service', 404: 'Not Found', 408: 'Request Timeout',
  480: 'Temporarily Unavailable', 486: 'Busy Here', 487: 'Request Terminated', 500: 'Server Internal Error',
  503: 'Service Unavailable', 603: 'Decline',
};
const reasonOf = (code: number): string => REASONS[code] ?? (code < 200 ? 'Progress' : code < 300 ? 'OK' : 'Error');

/** Via header values of a message, read from its text (the package cannot parse IPv6 Via hosts). */
function viaValues(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\r\n')) {
    const m = /^(?:Via|v)\s*:\s*(.*)$/i.exec(line);
    if (m) out.push(...m[1]!.split(/,\s*(?=SIP\/)/));
  }
  return out;
}

function viaObject(value: string): Via {
  const m = /^SIP\/2\.0\/(\S+)\s+([^;]+)(.*)$/.exec(value.trim());
  const params: Record<string, string | null> = {};
  for (const p of (m?.[3] ?? '').split(';').filter(Boolean)) {
    const [k, v] = p.split('=');
    params[k!] = v ?? null;
  }
  return { version: '2.0', protocol: m?.[1] ?? 'UDP', host: m?.[2] ?? '', params };
}

const topBranch = (text: string): string => /branch=([^;,\s]+)/.exec(viaValues(text)[0] ?? '')?.[1] ?? '';

export class Simulation {
  readonly clock = new Scheduler();
  readonly trace: TraceEntry[] = [];
  readonly calls: (CallResult & { finals: { code: number; atMs: number }[]; path: string[] })[] = [];
  readonly notes: string[] = [];
  private counter = 0;
  readonly nodes = new Map<string, Node>();
  readonly edge: EdgeProxy;
  readonly ringMs: number;
  readonly talkMs: number;
  readonly followRedirect: boolean;

  constructor(readonly branch: Branch, readonly scenario: Scenario, options: SimulateOptions) {
    this.ringMs = options.ringMs ?? 2000;
    this.talkMs = options.talkMs ?? 5000;
    this.followRedirect = options.followRedirect ?? true;
    const listen = branch.listens.value.find((l) => l.transport === 'udp') ?? branch.listens.value[0];
    this.edge = new EdgeProxy(this, listen?.address ?? '127.0.0.1', listen?.port ?? 5060);
    this.nodes.set('edge', this.edge);
    for (const u of branch.upstreams) {
      const p = u.proxy.value;
      this.nodes.set(u.name, new Uas(this, u.name, 'upstream', p?.host ?? `${u.name}.invalid`, p?.port ?? 5060));
    }
    for (const g of branch.gateways) {
      const a = g.address.value;
      this.nodes.set(g.name, new Uas(this, g.name, 'gateway', a?.address ?? `${g.name}.invalid`, a?.port ?? 5060));
    }
    for (const p of branch.phones) {
      const a = p.address.value;
      this.nodes.set(p.name, new PhoneUa(this, p.name, p.extension.value ?? p.name, a?.address ?? `${p.name}.invalid`, a?.port ?? 5060));
    }
  }

  private readonly txnCall = new Map<string, number>();

  /** The scenario call a transaction (Via branch) belongs to. */
  callOf(transaction: string): number {
    return this.txnCall.get(transaction) ?? -1;
  }

  next(prefix: string): string {
    return `${prefix}${++this.counter}`;
  }

  /** The state of an actor at virtual time `t` (the last matching line wins; default `up`). */
  stateOf(actor: string, t: number): ActorState | undefined {
    let found: ActorState | undefined;
    for (const s of this.scenario.states) {
      if (s.actor !== actor || s.fromMs > t || (s.untilMs !== undefined && t >= s.untilMs)) continue;
      found = s;
    }
    if (found?.state === 'flapping') {
      const down = found.downForMs ?? 0;
      const up = found.upForMs ?? 0;
      const inDown = down + up > 0 && (t - found.fromMs) % (down + up) < down;
      return { ...found, state: inDown ? 'silent' : 'up' };
    }
    return found;
  }

  send(from: Node, to: Node, m: SipMessage, call: number, cause: string): void {
    const text = stringify(m);
    const parsed = parse(text);
    const status = parsed.status;
    const transaction = topBranch(text);
    if (!this.txnCall.has(transaction)) this.txnCall.set(transaction, call);
    this.trace.push({
      atMs: this.clock.now, from: from.name, to: to.name,
      summary: status !== undefined ? String(status) : parsed.method ?? '?',
      method: parsed.headers.cseq.method, status, text, transaction, call, cause,
    });
    this.clock.after(0, () => to.receive(parsed, text, from));
  }

  /** Records what a caller phone received. */
  callerGot(call: number, status: number, method: string): void {
    const c = this.calls[call];
    if (!c || method !== 'INVITE') return;
    const now = this.clock.now;
    if (status !== 100 && c.postDialDelayMs === undefined) Object.assign(c, { postDialDelayMs: now - c.startMs });
    if (status >= 200) {
      c.finals.push({ code: status, atMs: now });
      Object.assign(c, { finalCode: status, answered: c.answered || status < 300 });
    }
  }

  pathHop(call: number, name: string): void {
    const path = this.calls[call]?.path;
    if (path && path[path.length - 1] !== name) path.push(name);
  }

  start(): void {
    this.scenario.events.forEach((e) => {
      if (e.kind === 'register') {
        this.notes.push(`not simulated yet: ${e.phone} registers`);
        return;
      }
      const node = this.nodes.get(e.caller);
      const phone = node instanceof PhoneUa ? node : node instanceof Uas ? node.caller : undefined;
      if (!phone) return;
      const dialled = e.targetIsPhone ? (this.branch.phones.find((p) => p.name === e.target)?.extension.value ?? e.target) : e.target;
      const call = this.calls.length;
      this.calls.push({ call, caller: e.caller, target: e.target, startMs: e.atMs, finals: [], finalCode: undefined, postDialDelayMs: undefined, path: [e.caller], answered: false });
      // The phone's domain is the central PBX (first upstream); the edge is its outbound proxy.
      const first = this.branch.upstreams.find((u) => u.name === this.branch.outbound?.via.value[0])?.proxy.value;
      const domain = first && e.callerKind === 'phone' ? hostPort(first.host, first.port) : hostPort(this.edge.host, this.edge.port);
      this.clock.at(e.atMs, () => phone.dial(call, `sip:${dialled}@${domain}`));
    });
    // Probing runs while anything of the scenario can still happen, and one interval more.
    const times = [
      ...this.scenario.events.map((e) => e.atMs),
      ...this.scenario.states.flatMap((s) => [s.fromMs, s.untilMs ?? 0]),
      ...this.scenario.expectations.map((e) => e.atMs ?? 0),
    ];
    const horizon = Math.max(0, ...times) + this.branch.timers.noAnswerMs.value;
    for (const u of this.branch.upstreams) if (u.probe) this.edge.startProbing(u.name, horizon);
    if (this.scenario.lossPercent > 0) this.notes.push(`not simulated yet: network loss ${this.scenario.lossPercent}%`);
  }
}

/** A phone placing calls through the edge proxy (its outbound proxy). */
class PhoneUa implements Node {
  private readonly dialogs = new Map<string, { call: number; cseq: number; route: string | undefined; remote: string; to: string; from: string; tag: string }>();

  readonly uas: Uas | undefined;

  /** `self`: the node this caller acts for (a gateway placing inbound calls), else the phone. */
  constructor(private readonly sim: Simulation, readonly name: string, readonly user: string, readonly host: string, readonly port: number, private readonly self: Node = this as Node) {
    this.uas = self === this ? new Uas(sim, name, 'phone', host, port, this) : undefined;
  }

  owns(callId: string): boolean {
    return this.dialogs.has(callId);
  }

  private via(branch: string): Via {
    return { version: '2.0', protocol: 'UDP', host: hostPort(this.host, this.port === 5060 ? 5060 : this.port), port: 5060 === this.port ? 5060 : undefined, params: { branch, rport: null } };
  }

  dial(call: number, uri: string, callId = `${this.sim.next('c')}@${hostPort(this.host, undefined)}`, cseq = 1, cause = 'scenario: call placed', tag = this.sim.next('t')): void {
    const branch = this.sim.next(this.self === this ? 'z9hG4bKph' : 'z9hG4bKgw');
    this.sim.send(this.self, this.sim.edge, {
      method: 'INVITE', uri,
      headers: {
        via: [this.via(branch)], 'max-forwards': 70,
        from: nameAddr(`sip:${this.user}@${hostPort(this.host, undefined)}`, { tag }, this.name),
        to: nameAddr(uri), 'call-id': callId, cseq: { seq: cseq, method: 'INVITE' },
        contact: nameAddr(`sip:${this.user}@${hostPort(this.host, this.port)}`),
      },
    }, call, cause);
    this.dialogs.set(callId, { call, cseq, route: undefined, remote: uri, to: '', from: '', tag });
  }

  receive(m: ParsedMessage, text: string, from: Node): void {
    const callId = m.headers['call-id'];
    const d = this.dialogs.get(callId);
    if (!d) {
      if (m.status === undefined) this.uas?.receive(m, text, from);
      return;
    }
    if (m.status === undefined) {
      // In-dialog request (a BYE from the far end): answer 200.
      this.sim.send(this.self, from, { status: 200, reason: 'OK', headers: { via: viaValues(text).map(viaObject), to: formatAor(m.headers.to), from: formatAor(m.headers.from), 'call-id': callId, cseq: m.headers.cseq } }, d.call, `${m.method} answered`);
      return;
    }
    const method = m.headers.cseq.method;
    if (method === 'INVITE') this.sim.callerGot(d.call, m.status, method);
    if (method !== 'INVITE' || m.status < 200) return;
    const to = formatAor(m.headers.to);
    const fromH = formatAor(m.headers.from);
    if (m.status >= 300) {
      // ACK for a non-2xx final: same branch, hop by hop.
      this.sim.send(this.self, from, { method: 'ACK', uri: d.remote, headers: { via: [viaObject(viaValues(text)[0]!)], 'max-forwards': 70, from: fromH, to, 'call-id': callId, cseq: { seq: m.headers.cseq.seq, method: 'ACK' } } }, d.call, `ACK for ${m.status}`);
      const contact = Array.isArray(m.headers.contact) ? m.headers.contact[0]?.uri : undefined;
      const state = this.sim.stateOf(this.name, this.sim.clock.now)?.state;
      if (m.status < 400 && contact && this.sim.followRedirect && state !== 'ignores-redirect') {
        this.dialogs.delete(callId);
        this.dial(d.call, contact, callId, m.headers.cseq.seq + 1, `follows ${m.status} to ${contact}`, d.tag);
      }
      return;
    }
    // 2xx: ACK end to end through the Record-Route, then BYE after the talk time.
    // Read from the text: the package cannot parse a bracketed IPv6 host in a URI.
    // The UAC's route set is the Record-Route list reversed.
    const rr = [...text.matchAll(/^Record-Route:\s*(.*)$/gim)].flatMap((x) => x[1]!.split(/,\s*(?=<)/));
    const route = rr.length ? rr.reverse().join(', ') : undefined;
    const remote = Array.isArray(m.headers.contact) ? (m.headers.contact[0]?.uri ?? d.remote) : d.remote;
    Object.assign(d, { route, remote, to, from: fromH });
    const inDialog = (method2: string, seq: number): SipMessage => ({
      method: method2, uri: remote,
      headers: { via: [this.via(this.sim.next(this.self === this ? 'z9hG4bKph' : 'z9hG4bKgw'))], 'max-forwards': 70, ...(route ? { route } : {}), from: fromH, to, 'call-id': callId, cseq: { seq, method: method2 } },
    });
    this.sim.send(this.self, this.sim.edge, inDialog('ACK', m.headers.cseq.seq), d.call, 'ACK for 200');
    this.sim.clock.after(this.sim.talkMs, () => this.sim.send(this.self, this.sim.edge, inDialog('BYE', m.headers.cseq.seq + 1), d.call, 'caller hangs up'));
  }
}

/** An upstream proxy/PBX or a PSTN gateway, answering INVITEs per its scenario state. */
class Uas implements Node {
  private readonly seen = new Map<string, { tag: string; final: boolean; timers: TimerHandle[]; invite: ParsedMessage; text: string; from: Node; call: number }>();

  /** A gateway also places calls (inbound PSTN calls): its caller side. */
  readonly caller: PhoneUa | undefined;

  constructor(private readonly sim: Simulation, readonly name: string, readonly kind: 'upstream' | 'gateway' | 'phone', readonly host: string, readonly port: number, private readonly self: Node = this as Node) {
    this.caller = kind === 'gateway' ? new PhoneUa(sim, name, name, host, port, this) : undefined;
  }

  private reply(key: string, code: number, reason: string, cause: string, withContact: boolean): void {
    const s = this.seen.get(key);
    if (!s || s.final) return;
    if (code >= 200) s.final = true;
    const m = s.invite;
    const headers: Record<string, unknown> = {
      via: viaValues(s.text).map(viaObject), from: formatAor(m.headers.from),
      to: formatAor(m.headers.to, code === 100 ? {} : { tag: s.tag }), 'call-id': m.headers['call-id'], cseq: m.headers.cseq,
    };
    const rr = viaValues(s.text).length > 0 ? /^Record-Route:\s*(.*)$/im.exec(s.text)?.[1] : undefined;
    if (rr && code > 100 && code < 300) headers['record-route'] = rr;
    if (withContact) headers.contact = nameAddr(`sip:${uriUser(m.uri ?? '') ?? 's'}@${hostPort(this.host, this.port)}`);
    this.sim.send(this.self, s.from, { status: code, reason, headers }, s.call, cause);
  }

  receive(m: ParsedMessage, text: string, from: Node): void {
    if (m.status !== undefined || this.caller?.owns(m.headers['call-id'])) return this.caller?.receive(m, text, from);
    const key = topBranch(text);
    const call = this.sim.callOf(key);
    const respond = (code: number, reason: string, cause: string, tag?: string) =>
      this.sim.send(this.self, from, { status: code, reason, headers: { via: viaValues(text).map(viaObject), from: formatAor(m.headers.from), to: formatAor(m.headers.to, m.headers.to.params.tag ? {} : { tag: tag ?? this.sim.next('u') }), 'call-id': m.headers['call-id'], cseq: m.headers.cseq } }, call, cause);
    if (m.method === 'ACK') return;
    if (m.method === 'OPTIONS') {
      const state = this.sim.stateOf(this.name, this.sim.clock.now)?.state ?? 'up';
      if (state !== 'silent' && state !== 'down') respond(200, 'OK', `${this.name} ${state}: answers OPTIONS`);
      return;
    }
    if (m.method === 'BYE') {
      respond(200, 'OK', 'BYE answered');
      return;
    }
    if (m.method === 'CANCEL') {
      const s = this.seen.get(key);
      const state = this.sim.stateOf(this.name, this.sim.clock.now)?.state;
      if (!s || state === 'silent' || state === 'down' || state === 'trying' || state === 'ignores-invite') return;
      respond(200, 'canceling', 'CANCEL answered', s.tag);
      for (const t of s.timers) this.sim.clock.cancel(t);
      this.reply(key, 487, reasonOf(487), 'INVITE cancelled', false);
      return;
    }
    if (m.method !== 'INVITE') return;
    if (this.seen.has(key)) return; // a retransmission: already being handled
    const entry = { tag: this.sim.next('u'), final: false, timers: [] as TimerHandle[], invite: m, text, from, call };
    this.seen.set(key, entry);
    this.sim.pathHop(call, this.name);
    const st = this.sim.stateOf(this.name, this.sim.clock.now);
    const state = st?.state ?? 'up';
    const later = (ms: number, code: number, cause: string) => {
      entry.timers.push(this.sim.clock.after(ms, () => this.reply(key, code, reasonOf(code), cause, code >= 200 && code < 300)));
    };
    const ring = (offset: number) => {
      later(offset, 100, `${this.name} ${state}: Trying`);
      later(offset, 180, `${this.name} ${state}: ringing`);
      later(offset + this.sim.ringMs, 200, `${this.name} ${state}: answers`);
    };
    if (this.kind === 'phone') {
      switch (state) {
        case 'silent': case 'unregistered':
          return;
        case 'busy':
          later(0, 486, `${this.name} busy`);
          return;
        case 'no-answer':
          later(0, 180, `${this.name} rings, nobody answers`);
          return;
        case 'answers':
          later(0, 180, `${this.name} rings`);
          later(st?.delayMs ?? 0, st?.code ?? 200, `${this.name} answers${st?.delayMs ? ` after ${st.delayMs / 1000}s` : ''}`);
          return;
        default:
          later(0, 180, `${this.name} rings`);
          later(this.sim.ringMs, 200, `${this.name} answers`);
          return;
      }
    }
    switch (state) {
      case 'silent': case 'down': case 'ignores-invite':
        return;
      case 'trying':
        later(0, 100, `${this.name} trying: 100, then nothing`);
        return;
      case 'answers':
        later(st?.delayMs ?? 0, st?.code ?? 200, `${this.name} answers ${st?.code ?? 200}`);
        return;
      case 'busy':
        later(0, 486, `${this.name} busy`);
        return;
      case 'full':
        later(0, 503, `${this.name} full: no free channel`);
        return;
      case 'slow':
        ring(st?.delayMs ?? 0);
        return;
      default:
        ring(0);
    }
  }
}

interface ClientBranch {
  readonly id: string;
  readonly target: Node;
  readonly text: SipMessage;
  provisional: boolean;
  final: boolean;
  retrans: TimerHandle | undefined;
  fr: TimerHandle | undefined;
  /** fr_inv_timer of this branch (the ring time of an inbound step). */
  readonly frInvMs: number;
}

interface InboundStep {
  readonly targets: readonly Node[];
  readonly ringMs: number;
  readonly label: string;
}

interface ServerTxn {
  readonly call: number;
  readonly phone: Node;
  readonly invite: ParsedMessage;
  readonly text: string;
  readonly dialled: string;
  readonly chain: readonly Node[];
  readonly survival: boolean;
  index: number;
  toTag: string;
  finalSent: boolean;
  current: ClientBranch | undefined;
  /** Inbound calls: the ring steps, the current one, and the branches of that step. */
  inbound?: { readonly steps: readonly InboundStep[]; step: number; branches: ClientBranch[]; finals: number[] };
}

/** The branch's edge proxy: Kamailio with tm, over UDP. */
class EdgeProxy implements Node {
  readonly name = 'edge';
  private readonly txns = new Map<string, ServerTxn>();
  private readonly byClient = new Map<string, ServerTxn>();
  private readonly branchById = new Map<string, ClientBranch>();
  private readonly dialogs = new Map<string, { far: Node; near: Node }>();

  constructor(private readonly sim: Simulation, readonly host: string, readonly port: number) {}

  private get timers() {
    const t = this.sim.branch.timers;
    return { fr: t.noAnswerMs.value, frInv: t.ringingMs.value, t1: t.t1Ms.value, t2: t.t2Ms.value };
  }

  private gatewayNode(name: string | undefined): Node | undefined {
    return name === undefined ? undefined : this.sim.nodes.get(name);
  }

  private isGatewayHost(host: string): boolean {
    return this.sim.branch.gateways.some((g) => g.address.value?.address === host);
  }

  receive(m: ParsedMessage, text: string, from: Node): void {
    if (m.status !== undefined) return this.onReply(m, text, from);
    const callId = m.headers['call-id'];
    const key = topBranch(text);
    if (m.method === 'INVITE') {
      if (this.txns.has(key)) return;
      const call = this.sim.callOf(key);
      this.sim.pathHop(call, this.name);
      const out = this.sim.branch.outbound;
      const dialled = uriUser(m.uri ?? '') ?? '';
      const txn: ServerTxn = { call, phone: from, invite: m, text, dialled, chain: [], survival: false, index: 0, toTag: this.sim.next('k'), finalSent: false, current: undefined };
      // tm's automatic 100 Trying (auto_inv_100).
      this.replyToPhone(txn, 100, 'Trying', 'tm: auto 100 Trying', false);
      const host = uriHost(m.uri ?? '');
      let chain: Node[];
      let survival = false;
      let cause: string;
      const inbound = this.sim.branch.inbound;
      if (this.sim.branch.gateways.some((g) => g.name === from.name)) {
        const did = inbound?.dids.find((x) => x.number === dialled);
        const phone = this.sim.branch.phones.find((p) => p.extension.value === dialled);
        const steps = !inbound || !inbound.from.value.includes(from.name) ? []
          : did ? this.inboundSteps(did.target)
            : phone ? this.inboundSteps(phone.name)
              : inbound.chain.value.flatMap((s) => {
                const st = this.inboundSteps(s.target);
                return st.length === 1 ? [{ ...st[0]!, ringMs: s.ringMs }] : st;
              });
        const full: ServerTxn = { ...txn, inbound: { steps, step: -1, branches: [], finals: [] } };
        this.txns.set(key, full);
        this.dialogs.set(callId, { far: from, near: from });
        if (steps.length === 0) return this.replyToPhone(full, 404, 'No Inbound Route', `inbound from ${from.name}: no route`, true);
        this.nextStep(full, `inbound from ${from.name}${did ? `: did ${did.number}` : ''}`);
        return;
      }
      if (this.isGatewayHost(host)) {
        chain = this.sim.branch.gateways.filter((g) => g.address.value?.address === host).map((g) => this.sim.nodes.get(g.name)!).slice(0, 1);
        cause = 'target is the local gateway: relay';
      } else if (out && out.emergency.value.includes(dialled)) {
        chain = [this.gatewayNode(out.emergencyGateway.value)].filter((n): n is Node => n !== undefined);
        cause = `emergency ${dialled}: direct to ${chain[0]?.name ?? '?'}`;
      } else if (out) {
        const all = out.via.value.map((n) => this.sim.nodes.get(n)).filter((n): n is Node => n !== undefined);
        chain = all.filter((n) => !this.markedDown.has(n.name));
        survival = true;
        const skipped = all.filter((n) => this.markedDown.has(n.name)).map((n) => `${n.name} marked down`).join(', ');
        cause = chain.length ? `outbound via ${chain[0]!.name}${skipped ? ` (${skipped})` : ''}` : skipped;
      } else {
        chain = [];
        cause = 'no outbound policy';
      }
      const full: ServerTxn = { ...txn, chain, survival };
      this.txns.set(key, full);
      this.dialogs.set(callId, { far: chain[0] ?? from, near: from });
      if (chain.length === 0 && survival) return this.failure(full, cause);
      if (chain.length === 0) return this.replyToPhone(full, 500, 'No Route', cause, true);
      this.forward(full, cause);
      return;
    }
    if (m.method === 'ACK' && !/^Route:/im.test(text)) return; // hop-by-hop ACK of a non-2xx final: absorbed
    // In-dialog requests (ACK for 2xx, BYE): loose-routed to the other side.
    const d = this.dialogs.get(callId);
    if (!d) return;
    const to = from === d.near ? d.far : d.near;
    const call = this.sim.callOf(key);
    const vias = viaValues(text).map(viaObject);
    const headers: Record<string, unknown> = { ...m.headers, via: [this.via(`z9hG4bKed${key.replace('z9hG4bK', '')}`), ...vias], 'max-forwards': Number(m.headers['max-forwards'] ?? 70) - 1, from: formatAor(m.headers.from), to: formatAor(m.headers.to) };
    delete headers.route;
    delete headers['content-length'];
    if (m.method === 'BYE') this.inDialog.set(`z9hG4bKed${key.replace('z9hG4bK', '')}`, { back: from, call });
    this.sim.send(this, to, { method: m.method, uri: m.uri, headers }, call, `${m.method} routed (Record-Route)`);
  }

  private readonly inDialog = new Map<string, { back: Node; call: number }>();

  private via(branch: string): Via {
    return { version: '2.0', protocol: 'UDP', host: hostPort(this.host, this.port === 5060 ? undefined : this.port), port: this.port === 5060 ? 5060 : undefined, params: { branch } };
  }

  private replyToPhone(txn: ServerTxn, code: number, reason: string, cause: string, tag: boolean, extra: Record<string, unknown> = {}): void {
    if (code >= 200) txn.finalSent = true;
    const m = txn.invite;
    this.sim.send(this, txn.phone, {
      status: code, reason,
      headers: { via: viaValues(txn.text).map(viaObject), from: formatAor(m.headers.from), to: formatAor(m.headers.to, tag ? { tag: txn.toTag } : {}), 'call-id': m.headers['call-id'], cseq: m.headers.cseq, ...extra },
    }, txn.call, cause);
  }

  /** Relays the INVITE to the next target of the chain: a fresh branch, fresh timers. */
  private forward(txn: ServerTxn, cause: string): void {
    txn.current = this.startBranch(txn, txn.chain[txn.index]!, txn.invite.uri ?? '', cause, this.timers.frInv);
  }

  private startBranch(txn: ServerTxn, target: Node, uri: string, cause: string, frInvMs: number): ClientBranch {
    const m = txn.invite;
    const id = `z9hG4bKed${this.sim.next('')}`;
    const msg: SipMessage = {
      method: 'INVITE', uri,
      headers: {
        via: [this.via(id), ...viaValues(txn.text).map(viaObject)],
        'max-forwards': Number(m.headers['max-forwards'] ?? 70) - 1,
        'record-route': nameAddr(`sip:${hostPort(this.host, this.port === 5060 ? undefined : this.port)};lr`),
        from: formatAor(m.headers.from), to: formatAor(m.headers.to), 'call-id': m.headers['call-id'], cseq: m.headers.cseq,
        contact: Array.isArray(m.headers.contact) ? m.headers.contact.map((c) => formatAor(c)).join(', ') : undefined,
      },
    };
    const b: ClientBranch = { id, target, text: msg, provisional: false, final: false, retrans: undefined, fr: undefined, frInvMs };
    this.byClient.set(id, txn);
    this.branchById.set(id, b);
    const d = this.dialogs.get(m.headers['call-id']);
    if (d && !txn.inbound) d.far = target;
    this.sim.send(this, target, msg, txn.call, cause);
    const { t1, t2, fr } = this.timers;
    // Retransmissions: T1, 2T1, 4T1... capped at T2 (Kamailio caps INVITEs too), until fr_timer.
    let interval = t1;
    let n = 0;
    const retransmit = () => {
      n++;
      this.sim.send(this, target, msg, txn.call, `Timer A retransmission ${n}`);
      interval = Math.min(interval * 2, t2);
      b.retrans = this.sim.clock.after(interval, retransmit);
    };
    b.retrans = this.sim.clock.after(interval, retransmit);
    b.fr = this.sim.clock.after(fr, () => this.onTimeout(txn, b, 'fr_timer'));
    // fr_timer was armed before any retransmission it could coincide with, so at an
    // equal instant it fires first and cancels the retransmission (Kamailio sends none).
    return b;
  }

  /** Inbound: rings the next step's targets in parallel, or answers the caller when none is left. */
  private nextStep(txn: ServerTxn, cause: string): void {
    const ib = txn.inbound!;
    ib.step++;
    const step = ib.steps[ib.step];
    if (!step) {
      const code = ib.finals.find((c) => c !== 408 && c !== 487) ?? 480;
      this.replyToPhone(txn, code, reasonOf(code), `${cause}: no step left`, true);
      return;
    }
    ib.branches = step.targets.map((t) => {
      const u = t as PhoneUa;
      return this.startBranch(txn, t, `sip:${u.user}@${hostPort(u.host, u.port)}`, `${cause}: ring ${step.label} for ${step.ringMs / 1000}s`, step.ringMs);
    });
  }

  /** Inbound: a branch of the current step ended; when all did, the next step. */
  private branchDone(txn: ServerTxn, why: string): void {
    const ib = txn.inbound!;
    if (txn.finalSent || ib.branches.some((b) => !b.final)) return;
    this.nextStep(txn, why);
  }

  private inboundSteps(target: string): InboundStep[] {
    const phones = (name: string): Node[] => {
      const g = this.sim.branch.groups.find((x) => x.name === name);
      const names = g ? g.members.value : [name];
      return names.map((n) => this.sim.nodes.get(n)).filter((n): n is Node => n instanceof PhoneUa);
    };
    const group = (name: string) => this.sim.branch.groups.find((x) => x.name === name);
    const expand = (name: string, ringMs: number): InboundStep[] => {
      const g = group(name);
      if (g && g.mode.value === 'serial') return phones(name).map((p) => ({ targets: [p], ringMs: g.ringMs.value, label: p.name }));
      return [{ targets: phones(name), ringMs, label: name }];
    };
    return expand(target, group(target)?.ringMs.value ?? 20000);
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
      if (b.provisional) this.cancel(txn, b, `${which} fired on ${b.target.name}: CANCEL`);
      txn.inbound.finals.push(408);
      return this.branchDone(txn, `${which} fired on ${b.target.name}`);
    }
    if (b.provisional) {
      // It rang: 408 to the phone, never survival; then CANCEL upstream.
      this.replyToPhone(txn, 408, reasonOf(408), `${which} fired after a provisional: 408, no survival`, true);
      this.cancel(txn, b, `${which} fired: CANCEL`);
      return;
    }
    this.failure(txn, `${which} fired on ${b.target.name} (no reply at all)`);
  }

  /** The failure route after a branch got no (or a non-passed) reply. */
  private failure(txn: ServerTxn, why: string): void {
    if (txn.survival && txn.index + 1 < txn.chain.length) {
      txn.index++;
      this.forward(txn, `${why}: serial failover to ${txn.chain[txn.index]!.name}`);
      return;
    }
    const out = this.sim.branch.outbound;
    if (!txn.survival || !out) return this.replyToPhone(txn, 408, reasonOf(408), `${why}: 408`, true);
    const actions: readonly SurvivalAction[] = out.onTimeout.value;
    if (actions.length === 0) return this.replyToPhone(txn, 408, reasonOf(408), `${why}: no survival action, 408`, true);
    for (const a of actions) {
      if (a.kind === 'announce') {
        this.replyToPhone(txn, a.code, a.reason, `${why}; survival: announce`, true);
      } else if (a.kind === 'redirect') {
        const gw = this.sim.branch.gateways.find((g) => g.name === a.gateway)?.address.value;
        const user = this.rewrite(txn.dialled);
        const contact = nameAddr(`sip:${user}@${hostPort(gw?.address ?? a.gateway, gw?.port)}`);
        this.replyToPhone(txn, a.code, reasonOf(a.code), `${why}; survival: redirect`, true, { contact });
      } else {
        const gw = this.sim.nodes.get(a.gateway);
        if (!gw) return this.replyToPhone(txn, 500, 'No Route', `${why}; survival gateway unknown`, true);
        const relay: ServerTxn = { ...txn, chain: [gw], survival: false, index: 0 };
        this.txnsReplace(txn, relay);
        const gwAddr = this.sim.branch.gateways.find((g) => g.name === a.gateway)?.address.value;
        relay.invite.uri = `sip:${this.rewrite(txn.dialled)}@${hostPort(gwAddr?.address ?? a.gateway, gwAddr?.port)}`;
        this.forward(relay, `${why}; survival: relay to ${gw.name}`);
      }
    }
  }

  private txnsReplace(old: ServerTxn, next: ServerTxn): void {
    for (const [k, v] of this.txns) if (v === old) this.txns.set(k, next);
    old.finalSent = true;
  }

  private rewrite(number: string): string {
    for (const r of this.sim.branch.outbound?.rewrite.value ?? []) {
      if (number.startsWith(r.match)) return r.prefix + number.slice(r.strip);
    }
    return number;
  }

  private cancel(txn: ServerTxn, b: ClientBranch, cause: string): void {
    const m = b.text;
    const h = m.headers;
    const msg: SipMessage = { method: 'CANCEL', uri: m.uri, headers: { via: [(h.via as Via[])[0]], 'max-forwards': 70, from: h.from, to: h.to, 'call-id': h['call-id'], cseq: { seq: (h.cseq as { seq: number }).seq, method: 'CANCEL' } } };
    this.sim.send(this, b.target, msg, txn.call, cause);
    const { t1 } = this.timers;
    // Measured: resent at +0.5, +1.5, +3.5 s (T1 = 500), then the transaction is gone.
    const handles = [1, 3, 7].map((k, i) => this.sim.clock.after(k * t1, () => this.sim.send(this, b.target, msg, txn.call, `CANCEL retransmission ${i + 1}`)));
    this.cancelTimers.set(b.id, handles);
  }

  private readonly cancelTimers = new Map<string, TimerHandle[]>();

  // ---- Dispatcher-style OPTIONS probing (ds_ping_interval, thresholds; see docs/simulator.md)

  readonly markedDown = new Set<string>();
  readonly marks: { atMs: number; actor: string; event: 'marked-down' | 'marked-up'; cause: string }[] = [];
  private readonly probes = new Map<string, { upstream: Node; done: boolean; timers: TimerHandle[] }>();
  private readonly probeState = new Map<string, { fails: number; oks: number; downAt: number }>();

  /** Probes `name` on a fixed grid from start-up (first at `every`), until `horizonMs`. */
  startProbing(name: string, horizonMs: number): void {
    const u = this.sim.branch.upstreams.find((x) => x.name === name);
    const node = this.sim.nodes.get(name);
    if (!u?.probe || !node) return;
    const every = u.probe.everyMs.value;
    this.probeState.set(name, { fails: 0, oks: 0, downAt: 0 });
    const tick = () => {
      if (this.sim.clock.now > horizonMs) return;
      this.probe(node, u.probe!.timeoutMs.value);
      this.sim.clock.after(every, tick);
    };
    this.sim.clock.after(every, tick);
  }

  private probe(upstream: Node, timeoutMs: number): void {
    const id = `z9hG4bKds${this.sim.next('')}`;
    const uri = `sip:${hostPort(upstream.host, upstream.port)}`;
    const msg: SipMessage = {
      method: 'OPTIONS', uri,
      headers: {
        via: [this.via(id)], 'max-forwards': 70, from: nameAddr(`sip:dispatcher@${hostPort(this.host, this.port)}`, { tag: this.sim.next('k') }),
        to: nameAddr(uri), 'call-id': `${id}@${hostPort(this.host, undefined)}`, cseq: { seq: 1, method: 'OPTIONS' },
      },
    };
    const p = { upstream, done: false, timers: [] as TimerHandle[] };
    this.probes.set(id, p);
    this.sim.send(this, upstream, msg, -1, `probe ${upstream.name}`);
    const { t1, t2 } = this.timers;
    // Non-INVITE retransmissions: T1, 2T1... capped at T2, until the probe times out.
    for (let at = t1, i = 1, step = t1; at < timeoutMs; step = Math.min(step * 2, t2), at += step, i++) {
      const n = i;
      p.timers.push(this.sim.clock.after(at, () => this.sim.send(this, upstream, msg, -1, `probe ${upstream.name}: Timer E retransmission ${n}`)));
    }
    p.timers.push(this.sim.clock.after(timeoutMs, () => this.probeResult(id, false, 'probe timed out')));
  }

  private probeReply(id: string, status: number): void {
    if (status >= 200) this.probeResult(id, true, `probe answered ${status}`);
  }

  private probeResult(id: string, ok: boolean, why: string): void {
    const p = this.probes.get(id);
    if (!p || p.done) return;
    p.done = true;
    for (const t of p.timers) this.sim.clock.cancel(t);
    const name = p.upstream.name;
    const probe = this.sim.branch.upstreams.find((x) => x.name === name)!.probe!;
    const st = this.probeState.get(name)!;
    const now = this.sim.clock.now;
    if (ok) {
      st.fails = 0;
      st.oks++;
      const held = now - st.downAt >= probe.holdoffMs.value;
      if (this.markedDown.has(name) && st.oks >= probe.upAfter.value && held) {
        this.markedDown.delete(name);
        this.marks.push({ atMs: now, actor: name, event: 'marked-up', cause: `${why}: ${st.oks} successful probes${probe.holdoffMs.value ? `, holdoff ${probe.holdoffMs.value / 1000}s over` : ''}` });
      }
    } else {
      st.oks = 0;
      st.fails++;
      if (!this.markedDown.has(name) && st.fails >= probe.downAfter.value) {
        this.markedDown.add(name);
        st.downAt = now;
        this.marks.push({ atMs: now, actor: name, event: 'marked-down', cause: `${why}: ${st.fails} failed probes in a row` });
      }
    }
  }

  private onReply(m: ParsedMessage, text: string, from: Node): void {
    const key = topBranch(text);
    const status = m.status!;
    const method = m.headers.cseq.method;
    const vias = viaValues(text).map(viaObject).slice(1);
    if (method === 'OPTIONS') return this.probeReply(key, status);
    if (method === 'CANCEL') {
      for (const h of this.cancelTimers.get(key) ?? []) this.sim.clock.cancel(h);
      return;
    }
    if (method !== 'INVITE') {
      const back = this.inDialog.get(key);
      if (back) this.sim.send(this, back.back, { status, reason: m.reason ?? '', headers: { ...m.headers, via: vias, from: formatAor(m.headers.from), to: formatAor(m.headers.to), 'content-length': undefined } }, back.call, `${status} to ${method} relayed`);
      return;
    }
    const txn = this.byClient.get(key);
    if (!txn) return;
    const b = txn.inbound ? txn.inbound.branches.find((x) => x.id === key) : txn.current?.id === key ? txn.current : undefined;
    const forwardReply = (cause: string) => {
      const headers: Record<string, unknown> = { ...m.headers, via: vias, from: formatAor(m.headers.from), to: formatAor(m.headers.to), 'content-length': undefined };
      if (Array.isArray(m.headers.contact)) headers.contact = m.headers.contact.map((c) => formatAor(c)).join(', ');
      if (m.headers['record-route']) headers['record-route'] = /^Record-Route:\s*(.*)$/im.exec(text)?.[1];
      if (status >= 200) txn.finalSent = true;
      this.sim.send(this, txn.phone, { status, reason: m.reason ?? reasonOf(status), headers }, txn.call, cause);
    };
    if (status < 200) {
      if (!b || b.final) return;
      // Any provisional, a 100 included, stops retransmission and (re)starts fr_inv_timer.
      this.sim.clock.cancel(b.retrans);
      this.sim.clock.cancel(b.fr);
      b.retrans = undefined;
      b.provisional = true;
      b.fr = this.sim.clock.after(b.frInvMs, () => this.onTimeout(txn, b, 'fr_inv_timer'));
      if (status !== 100 && !txn.finalSent) forwardReply(`${status} from ${from.name} relayed`);
      return;
    }
    if (status >= 300) {
      // Hop-by-hop ACK for a non-2xx final.
      const sent = this.branchById.get(key);
      const h = sent!.text.headers;
      this.sim.send(this, from, { method: 'ACK', uri: sent!.text.uri, headers: { via: [(h.via as Via[])[0]], 'max-forwards': 70, from: h.from, to: formatAor(m.headers.to), 'call-id': h['call-id'], cseq: { seq: (h.cseq as { seq: number }).seq, method: 'ACK' } } }, txn.call, `ACK for ${status}`);
    }
    if (!b || b.final) {
      if (status < 300 && !txn.finalSent) forwardReply(`${status} from ${from.name} relayed`);
      return;
    }
    this.stopTimers(b);
    b.final = true;
    if (txn.finalSent) return;
    if (status < 300) {
      const d = this.dialogs.get(m.headers['call-id']);
      if (d) d.far = from;
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
    const pass = this.sim.branch.outbound?.pass.value ?? 'all';
    const passes = pass === 'all' || !txn.survival || pass.some((p) => ('code' in p ? p.code === status : Math.floor(status / 100) === p.class));
    if (!passes) return this.failure(txn, `${status} from ${b.target.name} not in pass list`);
    if (status === 503) return this.replyToPhone(txn, 500, reasonOf(500), `503 from ${from.name}: tm remap_503_500`, true);
    forwardReply(`${status} from ${from.name} relayed`);
  }
}

export function run(branch: Branch, scenario: Scenario, options: SimulateOptions): Simulation {
  const sim = new Simulation(branch, scenario, options);
  sim.start();
  sim.clock.run(options.untilMs ?? 600_000);
  return sim;
}
