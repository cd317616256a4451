// The engine: actors (phones, the edge proxy, upstreams, gateways) exchanging SIP
// messages over an instantaneous network on a virtual clock. The edge proxy follows
// Kamailio 5.6 tm semantics as measured (docs/simulator.md).
import type { ActorState, Branch, Scenario } from '../../grammar/src/index.js';
import { buildRoutingPlan, type RoutingPlan } from '../plan/index.js';
import { PhoneUa, Uas } from './actors.js';
import { EdgeProxy } from './edge.js';
import { Sender, Stranger } from './stranger.js';
import type { Node, SimulationHost } from './host.js';
import type { Msg, Transport } from './message.js';
import { mulberry32 } from './random.js';
import { Scheduler } from './scheduler.js';
import { hostPort } from './sip.js';
import { TraceRecord } from './trace.js';
import type { CallResult, Registration, ScriptedReply, SimulateOptions, TraceEntry } from './types.js';

export type { Node } from './host.js';

const upper = (t: string): Transport => (t === 'tcp' ? 'TCP' : t === 'tls' ? 'TLS' : 'UDP');

export type SimCall = CallResult & { finals: { code: number; atMs: number }[]; path: string[] };

export class Simulation implements SimulationHost {
  readonly clock = new Scheduler();
  readonly trace: TraceEntry[] = [];
  readonly calls: SimCall[] = [];
  readonly notes: string[] = [];
  private counter = 0;
  readonly nodes = new Map<string, Node>();
  readonly edge: EdgeProxy;
  /** The branch's routing decisions, which the edge interprets (built once per run). */
  readonly plan: RoutingPlan;
  readonly ringMs: number;
  readonly talkMs: number;
  readonly followRedirect: boolean;
  /** The edge's trust model; `open` exists only to show that verify's SURV086 can fail. */
  readonly trust: 'model' | 'open';
  /** Gateway lists as planned; `first-only` exists only to show that verify's SURV088 can fail. */
  readonly gatewayLists: 'plan' | 'first-only';
  readonly replies: Readonly<Record<string, readonly (readonly ScriptedReply[])[]>> | undefined;
  readonly registrations: (Registration & { code: number | undefined; via: Registration['via'] })[] = [];
  /** REGISTER Call-ID -> its registration, and how the edge answered it. */
  private readonly registerIds = new Map<string, { index: number; via: Registration['via'] | undefined }>();
  private readonly loss: number;
  private readonly random: () => number;

  constructor(readonly branch: Branch, readonly scenario: Scenario, options: SimulateOptions) {
    this.ringMs = options.ringMs ?? 2000;
    this.talkMs = options.talkMs ?? 5000;
    this.followRedirect = options.followRedirect ?? true;
    this.trust = options.trust ?? 'model';
    this.gatewayLists = options.gatewayLists ?? 'plan';
    this.replies = options.replies;
    this.loss = Math.min(100, Math.max(0, scenario.lossPercent)) / 100;
    this.random = mulberry32(scenario.seed);
    // The edge's main address is its UDP listen address when it has one; each phone reaches
    // the edge's listen address of its own transport (EdgeProxy keeps one per transport).
    const listen = branch.listens.value.find((l) => l.transport === 'udp') ?? branch.listens.value[0];
    const phones = upper(listen?.transport ?? 'udp');
    this.plan = buildRoutingPlan(branch);
    this.edge = new EdgeProxy(this, this.plan, listen?.address ?? '127.0.0.1', listen?.port ?? 5060, phones);
    this.nodes.set('edge', this.edge);
    for (const name of options.initially?.markedDown ?? []) this.edge.prober.startDown(name);
    (options.initially?.holds ?? []).forEach((h, i) => {
      const id = `(a channel held by another call, ${i + 1})`;
      const channels = this.edge.channels;
      if (h.fromMs <= 0) channels.take(h.gateway, id);
      else this.clock.after(h.fromMs, () => channels.take(h.gateway, id));
      if (h.untilMs !== undefined) this.clock.after(Math.max(0, h.untilMs), () => channels.release(h.gateway, id));
    });
    for (const u of branch.upstreams) {
      const p = u.proxy.value;
      this.nodes.set(u.name, new Uas(this, u.name, 'upstream', p?.host ?? `${u.name}.invalid`, p?.port ?? 5060, upper(u.transport.value)));
    }
    for (const g of branch.gateways) {
      const a = g.address.value;
      this.nodes.set(g.name, new Uas(this, g.name, 'gateway', a?.address ?? `${g.name}.invalid`, a?.port ?? 5060, upper(g.transport.value), undefined, g.channels.value));
    }
    for (const p of branch.phones) {
      const a = p.address.value;
      // A `registered` phone has no address in the model: NAME.invalid stands for it.
      this.nodes.set(p.name, new PhoneUa(this, p.name, p.extension.value ?? p.name, a?.address ?? `${p.name}.invalid`, a?.port ?? 5060, upper(p.transport.value)));
    }
  }

  private readonly strangers = new Map<string, Stranger>();

  /** Who sends a `sends` line's request: a stranger at its address, or the upstream or gateway named. */
  private senderFor(source: string, address: string): Sender | undefined {
    if (source !== 'stranger') {
      const node = this.nodes.get(source);
      if (!(node instanceof Uas)) return undefined;
      // The node hands its replies to its sender; the engine needs it as a Sender to send.
      if (node.sender instanceof Sender) return node.sender;
      const sender = new Sender(this, node);
      node.sender = sender;
      return sender;
    }
    let stranger = this.strangers.get(address);
    if (!stranger) {
      stranger = new Stranger(this, address, 5060);
      this.strangers.set(address, stranger);
      if (!this.nodes.has('stranger')) this.nodes.set('stranger', stranger);
    }
    return stranger.sender;
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

  /**
   * Puts `m` on the wire: one trace entry, delivered at once unless the network loses it
   * (UDP only, `network loss`, drawn from `seed`). Returns false when the receiver
   * refused the TCP connection (a `down` upstream or gateway over TCP or TLS): nothing
   * was delivered and the sender knows at once.
   */
  send(from: Node, to: Node, m: Msg, call: number, cause: string): boolean {
    const hop = from === this.edge ? to : from;
    if (hop.transport !== 'UDP') {
      if (from === this.edge && to instanceof Uas && to.kind !== 'phone' && this.stateOf(to.name, this.clock.now)?.state === 'down') {
        this.trace.push(new TraceRecord(this.clock.now, from.name, to.name, m, call, `${cause}; not delivered: ${to.name} refused the ${hop.transport} connection`, true));
        return false;
      }
    } else if (this.loss > 0 && this.random() < this.loss) {
      this.trace.push(new TraceRecord(this.clock.now, from.name, to.name, m, call, `${cause}; lost (network loss ${this.scenario.lossPercent}%)`, true));
      return true;
    }
    this.trace.push(new TraceRecord(this.clock.now, from.name, to.name, m, call, cause, false));
    this.clock.after(0, () => to.receive(m, from, call));
    return true;
  }

  /** The edge answered REGISTER `callId` (its final reply came from `via`). */
  registrationAnswered(callId: string, via: Registration['via']): void {
    const r = this.registerIds.get(callId);
    if (r) r.via = via;
  }

  /** The phone got final `code` to REGISTER `callId`. */
  registered(callId: string, code: number): void {
    const r = this.registerIds.get(callId);
    const reg = r && this.registrations[r.index];
    if (!reg || reg.code !== undefined) return;
    reg.code = code;
    reg.via = r.via ?? 'none';
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

  /** Makes every `sends` line's sender now, so a live replay can bind their addresses before time 0. */
  prepareSenders(): void {
    for (const e of this.scenario.events) if (e.kind === 'send') this.senderFor(e.source, e.address);
  }

  start(): void {
    this.prepareSenders();
    // The phones' domain is the plan's (the central PBX); the edge is their outbound proxy.
    const first = this.plan.phoneDomain;
    this.scenario.events.forEach((e) => {
      if (e.kind === 'send') {
        const sender = this.senderFor(e.source, e.address);
        if (sender) this.clock.at(e.atMs, () => sender.send(e));
        return;
      }
      if (e.kind === 'register') {
        const phone = this.nodes.get(e.phone);
        if (!(phone instanceof PhoneUa)) return;
        const domain = first ? hostPort(first.host, first.port) : hostPort(this.edge.host, this.edge.port);
        const callId = `${this.next('r')}@${hostPort(phone.host, undefined)}`;
        this.registerIds.set(callId, { index: this.registrations.length, via: undefined });
        this.registrations.push({ phone: e.phone, atMs: e.atMs, code: undefined, via: 'none' });
        this.clock.at(e.atMs, () => phone.register(domain, callId));
        return;
      }
      const node = this.nodes.get(e.caller);
      const phone = node instanceof PhoneUa ? node : node instanceof Uas ? node.caller : undefined;
      if (!phone) return;
      const dialled = e.targetIsPhone ? (this.branch.phones.find((p) => p.name === e.target)?.extension.value ?? e.target) : e.target;
      const call = this.calls.length;
      this.calls.push({ call, caller: e.caller, target: e.target, startMs: e.atMs, finals: [], finalCode: undefined, postDialDelayMs: undefined, path: [e.caller], answered: false });
      const domain = first && e.callerKind === 'phone' ? hostPort(first.host, first.port) : hostPort(this.edge.host, this.edge.port);
      this.clock.at(e.atMs, () => phone.dial(call, `sip:${dialled}@${domain}`));
    });
    // Probing runs while anything of the scenario can still happen, and one interval more.
    let last = 0;
    for (const e of this.scenario.events) last = Math.max(last, e.atMs);
    for (const s of this.scenario.states) last = Math.max(last, s.fromMs, s.untilMs ?? 0);
    for (const x of this.scenario.expectations) last = Math.max(last, ('atMs' in x ? x.atMs : undefined) ?? 0);
    // A call's first upstream holds it for no-answer (silent) or trying (100, then nothing).
    const horizon = last + Math.max(this.plan.timers.noAnswerMs, this.plan.timers.tryingMs);
    for (const u of this.plan.upstreams) if (u.probe) this.edge.startProbing(u.name, horizon);
    for (const g of this.plan.gateways) if (g.probe) this.edge.startProbing(g.name, horizon);
  }
}

export function run(branch: Branch, scenario: Scenario, options: SimulateOptions): Simulation {
  const sim = new Simulation(branch, scenario, options);
  sim.start();
  sim.clock.run(options.untilMs ?? 600_000);
  return sim;
}
