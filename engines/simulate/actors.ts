// The actors around the edge proxy: phones (calling, registering and called) and the UAS
// side of upstreams and gateways, each answering per its scenario state. Over UDP they
// retransmit as RFC 3261 UAs do (RFC timer values, not the edge's tm settings), so a
// lossy network recovers where a real one would.
import { reasonOf } from '../plan/index.js';
import { Backoff } from './backoff.js';
import type { Node, RequestSender, SimulationHost } from './host.js';
import { request, response, tagged, type Msg, type NameAddr, type Transport, type Via } from './message.js';
import type { TimerHandle } from './scheduler.js';
import { hostPort, uriUser } from './sip.js';
import type { ScriptedReply } from './types.js';

// The actors' words are the edge's: one table (engines/plan/reasons.ts).
export { reasonOf };

/** Via sent-by: always with the port, an IPv6 host bracketed. */
export const sentBy = (host: string, port: number): string => `${hostPort(host, undefined)}:${port}`;

/**
 * A phone's Contact: over TCP or TLS it says so (RFC 3261 §8.1.1.8: the URI a request
 * for this phone is sent to), so a proxy that relays to it, or a registrar that saves
 * it, reaches it over the same transport.
 */
export const phoneContact = (user: string, host: string, port: number, transport: Transport): string =>
  `sip:${user}@${hostPort(host, port)}${transport === 'UDP' ? '' : `;transport=${transport.toLowerCase()}`}`;

/** RFC 3261 defaults for the phones, upstreams and gateways (the edge uses its `timers`). */
export const UA_T1 = 500;
export const UA_T2 = 4000;
/** Timers B, F and H: 64 x T1. */
export const UA_GIVE_UP = 64 * UA_T1;

/** Registrations last this long (the phone's Expires). */
export const REGISTER_EXPIRES = 3600;

interface CallerDialog {
  readonly call: number;
  readonly remote: string;
  readonly tag: string;
}

/** A request the phone sent and the state of its client transaction. */
interface ClientTxn {
  readonly call: number;
  readonly msg: Msg;
  retrans: Backoff | undefined;
  /** The ACK sent for its final reply: sent again when the final comes again. */
  ack: Msg | undefined;
  done: boolean;
}

/** A phone placing calls through the edge proxy (its outbound proxy), and registering. */
export class PhoneUa implements Node {
  private readonly dialogs = new Map<string, CallerDialog>();
  private readonly txns = new Map<string, ClientTxn>();

  readonly uas: Uas | undefined;
  readonly transport: Transport;

  /** `self`: the node this caller acts for (a gateway placing inbound calls), else the phone. */
  constructor(private readonly sim: SimulationHost, readonly name: string, readonly user: string, readonly host: string, readonly port: number, transport: Transport, private readonly self: Node = this as Node, channels?: Channels) {
    this.transport = transport;
    this.uas = self === this ? new Uas(sim, name, 'phone', host, port, transport, this) : undefined;
    this.channels = channels;
  }

  /** A gateway's channels: an inbound call holds one while it lasts. */
  private readonly channels: Channels | undefined;

  owns(callId: string): boolean {
    return this.dialogs.has(callId);
  }

  private via(branch: string): Via {
    return { transport: this.transport, sentBy: sentBy(this.host, this.port), branch, rport: true };
  }

  /** A phone's Contact carries its transport; a gateway's caller side keeps the plain URI. */
  private contactUri(): string {
    return this.self === this ? phoneContact(this.user, this.host, this.port, this.transport) : `sip:${this.user}@${hostPort(this.host, this.port)}`;
  }

  private branchId(): string {
    return this.sim.next(this.self === this ? 'z9hG4bKph' : 'z9hG4bKgw');
  }

  /** Sends a new request: over UDP it is retransmitted (timer A or E) until a reply. */
  private start(m: Msg, call: number, cause: string): ClientTxn {
    const t: ClientTxn = { call, msg: m, retrans: undefined, ack: undefined, done: false };
    this.txns.set(m.via[0]!.branch, t);
    const sim = this.sim;
    sim.send(this.self, sim.edge, m, call, cause);
    if (this.transport === 'UDP') {
      const invite = m.method === 'INVITE';
      t.retrans = new Backoff(sim.clock, UA_T1, invite ? Number.POSITIVE_INFINITY : UA_T2, UA_GIVE_UP,
        (n) => sim.send(this.self, sim.edge, m, call, `Timer ${invite ? 'A' : 'E'} retransmission ${n}`));
    }
    return t;
  }

  dial(call: number, uri: string, callId = `${this.sim.next('c')}@${hostPort(this.host, undefined)}`, cseq = 1, cause = 'scenario: call placed', tag = this.sim.next('t')): void {
    if (cseq === 1 && this.channels && !this.channels.take(callId)) {
      this.sim.notes.push(`${this.name}: no free channel for the call at ${this.sim.clock.now / 1000}s: not placed`);
      return;
    }
    const branch = this.branchId();
    this.start(request('INVITE', uri, {
      via: [this.via(branch)], maxForwards: 70,
      from: { uri: `sip:${this.user}@${hostPort(this.host, undefined)}`, name: this.name, tag },
      to: { uri }, callId, cseq, cseqMethod: 'INVITE',
      contact: [{ uri: this.contactUri() }],
    }), call, cause);
    this.dialogs.set(callId, { call, remote: uri, tag });
  }

  /** REGISTER of sip:EXTENSION@DOMAIN through the edge, with the Call-ID the simulation tracks it by. */
  register(domain: string, callId: string): void {
    const aor = `sip:${this.user}@${domain}`;
    this.start(request('REGISTER', `sip:${domain}`, {
      via: [this.via(this.branchId())], maxForwards: 70,
      from: { uri: aor, name: this.name, tag: this.sim.next('t') }, to: { uri: aor }, callId, cseq: 1, cseqMethod: 'REGISTER',
      contact: [{ uri: this.contactUri() }], expires: REGISTER_EXPIRES,
    }), -1, 'scenario: phone registers');
  }

  receive(m: Msg, from: Node, call: number): void {
    if (m.status === undefined) {
      const d = this.dialogs.get(m.callId);
      if (!d) return this.uas?.receive(m, from, call);
      // In-dialog request (a BYE from the far end): answer 200.
      if (m.method === 'BYE') this.channels?.release(m.callId);
      this.sim.send(this.self, from, response(200, 'OK', { via: m.via, from: m.from, to: m.to, callId: m.callId, cseq: m.cseq, cseqMethod: m.cseqMethod }), d.call, `${m.method} answered`);
      return;
    }
    const t = this.txns.get(m.via[0]!.branch);
    if (!t) return;
    const method = m.cseqMethod;
    if (method !== 'INVITE') {
      if (m.status < 200 || t.done) return;
      t.done = true;
      t.retrans?.stop();
      if (method === 'REGISTER') this.sim.registered(m.callId, m.status);
      return;
    }
    // Any reply ends the INVITE's retransmissions (timer A).
    t.retrans?.stop();
    if (m.status >= 200 && t.ack) {
      // The final again (our ACK was lost): the same ACK again.
      this.sim.send(this.self, from, t.ack, t.call, `ACK for ${m.status} (again)`);
      return;
    }
    const d = this.dialogs.get(m.callId);
    if (!d) return;
    this.sim.callerGot(d.call, m.status, method);
    if (m.status < 200) return;
    t.done = true;
    if (m.status >= 300) {
      // ACK for a non-2xx final: same branch, hop by hop.
      const ack = request('ACK', d.remote, { via: [m.via[0]!], maxForwards: 70, from: m.from, to: m.to, callId: m.callId, cseq: m.cseq, cseqMethod: 'ACK' });
      t.ack = ack;
      this.sim.send(this.self, from, ack, d.call, `ACK for ${m.status}`);
      const contact = m.contact?.[0]?.uri;
      const state = this.sim.stateOf(this.name, this.sim.clock.now)?.state;
      if (m.status < 400 && contact && this.sim.followRedirect && state !== 'ignores-redirect') {
        this.dialogs.delete(m.callId);
        this.dial(d.call, contact, m.callId, m.cseq + 1, `follows ${m.status} to ${contact}`, d.tag);
      } else {
        this.channels?.release(m.callId);
      }
      return;
    }
    // 2xx: ACK end to end through the Record-Route, then BYE after the talk time.
    // The UAC's route set is the Record-Route list reversed.
    const route = m.recordRoute?.length ? [...m.recordRoute].reverse() : undefined;
    const remote = m.contact?.[0]?.uri ?? d.remote;
    const inDialog = (method2: string, seq: number): Msg => request(method2, remote, {
      via: [this.via(this.branchId())], maxForwards: 70, route,
      from: m.from, to: m.to, callId: m.callId, cseq: seq, cseqMethod: method2,
    });
    const ack = inDialog('ACK', m.cseq);
    t.ack = ack;
    this.sim.send(this.self, this.sim.edge, ack, d.call, 'ACK for 200');
    this.sim.clock.after(this.sim.talkMs, () => {
      this.channels?.release(m.callId);
      this.start(inDialog('BYE', m.cseq + 1), d.call, 'caller hangs up');
    });
  }
}

/** A gateway's channel count: calls in progress, either direction. */
export class Channels {
  private readonly busy = new Set<string>();

  constructor(readonly total: number) {}

  get inUse(): number {
    return this.busy.size;
  }

  /** Takes a channel for `callId` (true), or none is free (false). */
  take(callId: string): boolean {
    if (this.busy.has(callId)) return true;
    if (this.busy.size >= this.total) return false;
    this.busy.add(callId);
    return true;
  }

  release(callId: string): void {
    this.busy.delete(callId);
  }
}

interface ServerSide {
  readonly tag: string;
  taggedTo?: NameAddr;
  final: boolean;
  readonly timers: TimerHandle[];
  readonly invite: Msg;
  readonly from: Node;
  readonly call: number;
  /** The last reply sent: sent again when the INVITE comes again. */
  last: Msg | undefined;
  /** 2xx (any transport) or non-2xx (UDP) final retransmissions, until the ACK. */
  retrans: Backoff | undefined;
  /** It ignored the INVITE (silent, down): a retransmission is looked at afresh. */
  ignored: boolean;
}

/** An upstream proxy/PBX, a PSTN gateway or a called phone, answering requests per its scenario state. */
export class Uas implements Node {
  private readonly seen = new Map<string, ServerSide>();
  /** Non-INVITE requests already answered (by Via branch): a retransmission gets the same reply. */
  private readonly answered = new Map<string, Msg>();
  /** REGISTERs whose answer is scheduled (a retransmission waits for it). */
  private readonly pending = new Set<string>();
  /** INVITEs answered 2xx, by Call-ID: their ACK has a branch of its own. */
  private readonly confirmed = new Map<string, ServerSide>();

  /** A gateway also places calls (inbound PSTN calls): its caller side. */
  readonly caller: PhoneUa | undefined;
  readonly transport: Transport;
  readonly channels: Channels | undefined;
  /** The requests of a scenario's `NAME sends` lines, when it has any. */
  sender: RequestSender | undefined = undefined;
  /** New INVITEs so far: which list of `SimulateOptions.replies` the next one gets. */
  private invites = 0;

  constructor(private readonly sim: SimulationHost, readonly name: string, readonly kind: 'upstream' | 'gateway' | 'phone', readonly host: string, readonly port: number, transport: Transport, private readonly self: Node = this as Node, channels?: number) {
    this.transport = transport;
    this.channels = channels === undefined ? undefined : new Channels(channels);
    this.caller = kind === 'gateway' ? new PhoneUa(sim, name, name, host, port, transport, this, this.channels) : undefined;
  }

  private reply(key: string, code: number, reason: string, cause: string, withContact: boolean): void {
    const s = this.seen.get(key);
    if (!s || s.final) return;
    if (code >= 200) s.final = true;
    const m = s.invite;
    const user = uriUser(m.uri ?? '') ?? 's';
    const contact: NameAddr[] | undefined = withContact
      ? [{ uri: this.kind === 'phone' ? phoneContact(user, this.host, this.port, this.transport) : `sip:${user}@${hostPort(this.host, this.port)}` }]
      : undefined;
    const msg = response(code, reason, {
      via: m.via, from: m.from, to: code === 100 ? m.to : (s.taggedTo ??= tagged(m.to, s.tag)), callId: m.callId, cseq: m.cseq, cseqMethod: m.cseqMethod,
      recordRoute: code > 100 && code < 300 ? m.recordRoute : undefined, contact,
    });
    s.last = msg;
    const sim = this.sim;
    sim.send(this.self, s.from, msg, s.call, cause);
    if (code < 200) return;
    if (code >= 300) this.channels?.release(m.callId);
    // A 2xx is resent until its ACK whatever the transport (a UDP hop may lose it further on);
    // a failure only over UDP (timer G).
    if (code < 300) this.confirmed.set(m.callId, s);
    if (code < 300 || this.transport === 'UDP') {
      s.retrans = new Backoff(sim.clock, UA_T1, UA_T2, UA_GIVE_UP, () => sim.send(this.self, s.from, msg, s.call, `${code} retransmission (no ACK yet)`));
    }
  }

  /** The reply to a non-INVITE request; a retransmission gets the same one. */
  private respond(m: Msg, from: Node, call: number, code: number, reason: string, cause: string, tag?: string, extra?: { contact?: readonly NameAddr[]; path?: readonly string[]; supported?: string }): void {
    const msg = response(code, reason, {
      via: m.via, from: m.from, to: m.to.tag !== undefined ? m.to : tagged(m.to, tag ?? this.sim.next('u')), callId: m.callId, cseq: m.cseq, cseqMethod: m.cseqMethod,
      contact: extra?.contact, path: extra?.path, supported: extra?.supported,
    });
    if (code >= 200) this.answered.set(`${m.method} ${m.via[0]!.branch}`, msg);
    this.sim.send(this.self, from, msg, call, cause);
  }

  receive(m: Msg, from: Node, call: number): void {
    if (this.sender && (m.status !== undefined ? this.sender.owns(m.via[0]!.branch) : this.sender.ownsCall(m.callId))) return this.sender.receive(m, from);
    if (m.status !== undefined || this.caller?.owns(m.callId)) return this.caller?.receive(m, from, call);
    const key = m.via[0]!.branch;
    if (m.method === 'ACK') {
      const s = this.seen.get(key) ?? this.confirmed.get(m.callId);
      s?.retrans?.stop();
      return;
    }
    if (m.method !== 'INVITE') {
      const again = this.answered.get(`${m.method} ${key}`);
      if (again) {
        this.sim.send(this.self, from, again, call, `${m.method} retransmission: ${again.status} again`);
        return;
      }
    }
    if (m.method === 'OPTIONS') {
      const state = this.sim.stateOf(this.name, this.sim.clock.now)?.state ?? 'up';
      if (state !== 'silent' && state !== 'down') this.respond(m, from, call, 200, 'OK', `${this.name} ${state}: answers OPTIONS`);
      return;
    }
    if (m.method === 'BYE') {
      this.channels?.release(m.callId);
      this.respond(m, from, call, 200, 'OK', 'BYE answered');
      return;
    }
    if (m.method === 'REGISTER') return this.onRegister(m, from, call);
    if (m.method === 'MESSAGE') {
      const state = this.sim.stateOf(this.name, this.sim.clock.now)?.state ?? 'up';
      if (state !== 'silent' && state !== 'down' && state !== 'unregistered') this.respond(m, from, call, 200, 'OK', `${this.name}: MESSAGE accepted`);
      return;
    }
    if (m.method === 'CANCEL') {
      const s = this.seen.get(key);
      const state = this.sim.stateOf(this.name, this.sim.clock.now)?.state;
      if (!s || state === 'silent' || state === 'down' || state === 'trying' || state === 'ignores-invite') return;
      this.respond(m, from, call, 200, 'canceling', 'CANCEL answered', s.tag);
      for (const t of s.timers) this.sim.clock.cancel(t);
      this.reply(key, 487, reasonOf(487), 'INVITE cancelled', false);
      return;
    }
    if (m.method !== 'INVITE') return;
    const known = this.seen.get(key);
    if (known) {
      // An actor replaying a capture sends what the capture shows, repeats included, and nothing more.
      if (this.sim.replies?.[this.name] !== undefined) return;
      // A retransmission: the last reply again, if there was one; an actor that ignored
      // the INVITE (silent, down) looks at it afresh, as it may be up by now.
      if (known.last) this.sim.send(this.self, from, known.last, call, `INVITE retransmission: ${known.last.status} again`);
      else if (known.ignored) known.ignored = this.act(known, key);
      return;
    }
    const entry: ServerSide = { tag: this.sim.next('u'), final: false, timers: [], invite: m, from, call, last: undefined, retrans: undefined, ignored: false };
    this.seen.set(key, entry);
    this.sim.pathHop(call, this.name);
    entry.ignored = this.act(entry, key);
  }

  /** Answers a new INVITE per the actor's state now (or its captured replies); true when it ignores it. */
  private act(entry: ServerSide, key: string): boolean {
    const scripts = this.sim.replies?.[this.name];
    if (scripts !== undefined) return this.replay(entry, key, scripts[Math.min(this.invites++, scripts.length - 1)] ?? []);
    const m = entry.invite;
    const st = this.sim.stateOf(this.name, this.sim.clock.now);
    const state = st?.state ?? 'up';
    const later = (ms: number, code: number, cause: string) => {
      const send = () => this.reply(key, code, reasonOf(code), cause, code >= 200 && code < 300);
      // A reply that takes no time goes out before the actor reads its next message, as
      // a phone's does: a busy phone sent its 486 before it sees a CANCEL that came
      // right behind the INVITE (surv replay saw both orders while this waited a turn).
      if (ms === 0) send();
      else entry.timers.push(this.sim.clock.after(ms, send));
    };
    const ring = (offset: number) => {
      later(offset, 100, `${this.name} ${state}: Trying`);
      later(offset, 180, `${this.name} ${state}: ringing`);
      later(offset + this.sim.ringMs, 200, `${this.name} ${state}: answers`);
    };
    if (this.kind === 'phone') {
      switch (state) {
        case 'silent': case 'unregistered':
          return true;
        case 'busy':
          later(0, 486, `${this.name} busy`);
          return false;
        case 'no-answer':
          later(0, 180, `${this.name} rings, nobody answers`);
          return false;
        case 'answers':
          later(0, 180, `${this.name} rings`);
          later(st?.delayMs ?? 0, st?.code ?? 200, `${this.name} answers${st?.delayMs ? ` after ${st.delayMs / 1000}s` : ''}`);
          return false;
        default:
          later(0, 180, `${this.name} rings`);
          later(this.sim.ringMs, 200, `${this.name} answers`);
          return false;
      }
    }
    switch (state) {
      case 'silent': case 'down': case 'ignores-invite':
        return true;
      case 'busy':
        later(0, 486, `${this.name} busy`);
        return false;
      case 'full':
        later(0, 503, `${this.name} full: no free channel`);
        return false;
      default:
    }
    if (this.channels && !this.channels.take(m.callId)) {
      later(0, 503, `${this.name}: all ${this.channels.total} channels in use`);
      return false;
    }
    switch (state) {
      case 'trying':
        later(0, 100, `${this.name} trying: 100, then nothing`);
        break;
      case 'answers':
        later(st?.delayMs ?? 0, st?.code ?? 200, `${this.name} answers ${st?.code ?? 200}`);
        break;
      case 'slow':
        ring(st?.delayMs ?? 0);
        break;
      default:
        ring(0);
    }
    return false;
  }

  /** `SimulateOptions.replies`: the replies a capture showed, at the times it showed them. */
  private replay(entry: ServerSide, key: string, script: readonly ScriptedReply[]): boolean {
    for (const r of script) {
      const send = () => this.reply(key, r.code, r.reason, `${this.name} as captured: ${r.code} after ${r.afterMs} ms`, r.code >= 200 && r.code < 300);
      if (r.afterMs <= 0) send();
      else entry.timers.push(this.sim.clock.after(r.afterMs, send));
    }
    return script.length === 0;
  }

  private later(key: string, ms: number, run: () => void): void {
    this.pending.add(key);
    this.sim.clock.after(ms, () => {
      this.pending.delete(key);
      run();
    });
  }

  /** A registrar: answers REGISTER per its state (`answers CODE`, `slow`, `trying`...), echoing Contact and Path. */
  private onRegister(m: Msg, from: Node, call: number): void {
    const st = this.sim.stateOf(this.name, this.sim.clock.now);
    const state = st?.state ?? 'up';
    const expires = m.expires ?? REGISTER_EXPIRES;
    const key = m.via[0]!.branch;
    if (this.pending.has(key)) return;
    const answer = (code: number, cause: string) => this.respond(m, from, call, code, reasonOf(code), cause, undefined, code >= 200 && code < 300 ? {
      contact: (m.contact ?? []).map((c) => ({ uri: c.uri, expires })),
      // registrar path_mode lazy (default): Path goes back when Supported: path says the UA understands it.
      path: m.supported?.split(/\s*,\s*/).includes('path') ? m.path : undefined,
    } : undefined);
    switch (state) {
      case 'silent': case 'down': case 'ignores-invite':
        return;
      case 'trying':
        this.sim.send(this.self, from, response(100, 'Trying', { via: m.via, from: m.from, to: m.to, callId: m.callId, cseq: m.cseq, cseqMethod: m.cseqMethod }), call, `${this.name} trying: 100, then nothing`);
        return;
      case 'answers': {
        const code = st?.code ?? 200;
        const delay = st?.delayMs ?? 0;
        if (delay === 0) answer(code, `${this.name} answers ${code}`);
        else this.later(key, delay, () => answer(code, `${this.name} answers ${code}`));
        return;
      }
      case 'slow':
        this.later(key, st?.delayMs ?? 0, () => answer(200, `${this.name} slow: registered`));
        return;
      default:
        answer(200, `${this.name} ${state}: registered`);
    }
  }
}
