// REGISTER through the edge proxy, as the exported config's route[REGISTER] does it:
// relayed to the registrar upstream (`register { forward ... with path }`); with `keep
// local copy`, the bindings the upstream confirms (2xx) are saved locally (save with
// flag 0x02: no reply), and the local copy answers 200 itself (save("location")) when
// the upstream is marked down, refuses the connection, or gives no final reply.
import { proxyReplies } from '../plan/index.js';
import { REGISTER_EXPIRES, reasonOf } from './actors.js';
import { Backoff } from './backoff.js';
import type { Node, SimulationHost } from './host.js';
import { request, response, tagged, type Msg, type Transport, type Via } from './message.js';
import type { TimerHandle } from './scheduler.js';

/** What the registrar needs from the edge proxy. */
export interface RegistrarHost extends Node {
  via(branch: string, transport: Transport): Via;
  /** Our Path / Record-Route entry on the leg of `transport`. */
  selfUri(transport: Transport): string;
  readonly timers: { readonly t1: number; readonly t2: number; readonly fr: number };
  isMarkedDown(upstream: string): boolean;
}

interface RegTxn {
  readonly phone: Node;
  readonly request: Msg;
  readonly upstream: Node | undefined;
  /** A provisional came from the upstream (it slows retransmission; the timeout still counts). */
  replied: boolean;
  done: boolean;
  retrans: Backoff | undefined;
  fr: TimerHandle | undefined;
  /** The final reply sent to the phone: sent again when the REGISTER comes again. */
  last: Msg | undefined;
}

type Via3 = 'upstream' | 'local-copy' | 'none';

export class Registrar {
  /** The local copy (usrloc): phone name -> its Contact, with `keep local copy`, until it expires. */
  readonly bindings = new Map<string, { readonly contact: string; readonly atMs: number; readonly expiresAtMs: number }>();
  private readonly byPhone = new Map<string, RegTxn>();
  private readonly byUpstream = new Map<string, RegTxn>();
  private readonly keep: boolean;

  constructor(private readonly sim: SimulationHost, private readonly edge: RegistrarHost) {
    this.keep = sim.plan.register.keepLocalCopy;
  }

  /** A REGISTER from a phone. */
  onRequest(m: Msg, from: Node): void {
    const key = m.via[0]!.branch;
    const known = this.byPhone.get(key);
    if (known) {
      // A retransmission: tm resends the final reply once there is one, else absorbs it.
      if (known.last) this.sim.send(this.edge, from, known.last, -1, `REGISTER retransmission: ${known.last.status} again`);
      return;
    }
    const policy = this.sim.plan.register;
    const name = policy.forwardTo;
    const upstream = name === undefined ? undefined : this.sim.nodes.get(name);
    const t: RegTxn = { phone: from, request: m, upstream, replied: false, done: false, retrans: undefined, fr: undefined, last: undefined };
    this.byPhone.set(key, t);
    if (!upstream) {
      if (this.keep) return this.fromLocalCopy(t, 'no upstream to forward REGISTER to');
      return this.answer(t, response(500, 'No Route', this.ownReply(t)), 'none', 'no upstream to forward REGISTER to: 500');
    }
    if (this.keep && this.edge.isMarkedDown(upstream.name)) return this.fromLocalCopy(t, `${upstream.name} marked down`);
    const edge = this.edge;
    const id = `z9hG4bKed${this.sim.next('')}`;
    const withPath = policy.withPath;
    const msg = request('REGISTER', m.uri!, {
      via: [edge.via(id, upstream.transport), ...m.via], maxForwards: (m.maxForwards ?? 70) - 1,
      from: m.from, to: m.to, callId: m.callId, cseq: m.cseq, cseqMethod: m.cseqMethod, contact: m.contact,
      path: withPath ? [edge.selfUri(upstream.transport), ...(m.path ?? [])] : m.path,
      // add_path(), and Supported: path unless the phone said so already.
      supported: withPath && !/(^|,)\s*path\s*(,|$)/.test(m.supported ?? '') ? [m.supported, 'path'].filter(Boolean).join(', ') : m.supported,
      expires: m.expires,
    });
    this.byUpstream.set(id, t);
    const cause = `register: forward to ${upstream.name}${withPath ? ' with Path' : ''}`;
    if (!this.sim.send(edge, upstream, msg, -1, cause)) {
      const why = `t_relay to ${upstream.name} failed (${upstream.transport} connection refused)`;
      if (this.keep) return this.fromLocalCopy(t, why);
      return this.answer(t, response(477, reasonOf(477), this.ownReply(t)), 'none', `${why}: 477`);
    }
    const { t1, t2, fr } = edge.timers;
    if (upstream.transport === 'UDP') {
      t.retrans = new Backoff(this.sim.clock, t1, t2, fr, (n) => this.sim.send(edge, upstream, msg, -1, `Timer E retransmission ${n}`));
    }
    t.fr = this.sim.clock.after(fr, () => {
      t.retrans?.stop();
      const why = `fr_timer fired on ${upstream.name}${t.replied ? ' after a provisional' : ' (no reply at all)'}`;
      if (this.keep) return this.fromLocalCopy(t, why);
      this.answer(t, response(408, reasonOf(408), this.ownReply(t)), 'none', `${why}: 408`);
    });
  }

  /** A reply from the registrar upstream. */
  onReply(m: Msg): void {
    const t = this.byUpstream.get(m.via[0]!.branch);
    const status = m.status!;
    if (!t || t.done) return;
    if (status < 200) {
      // tm: a provisional to a non-INVITE slows its retransmissions to T2; it is not relayed.
      t.replied = true;
      t.retrans?.slowTo(this.edge.timers.t2);
      return;
    }
    t.retrans?.stop();
    this.sim.clock.cancel(t.fr);
    const upstream = t.upstream!.name;
    // onreply_route: a binding the upstream confirmed goes into the local copy.
    if (this.keep && status < 300) this.save(t);
    if (status === 503) return this.answer(t, response(proxyReplies.remapped503.code, proxyReplies.remapped503.reason, this.ownReply(t)), 'upstream', `503 from ${upstream}: tm remap_503_500`);
    this.answer(t, { ...m, via: m.via.slice(1) }, 'upstream', `${status} from ${upstream} relayed`);
  }

  /**
   * lookup("location"): the phone's Contact while its binding lasts. usrloc never returns
   * an expired contact, so a phone that stopped registering is unreachable in survival.
   */
  lookup(phone: string): string | undefined {
    const b = this.bindings.get(phone);
    return b !== undefined && this.sim.clock.now < b.expiresAtMs ? b.contact : undefined;
  }

  /** registrar's max_expires (`limits { max-expires }`): the longest binding the local copy keeps. */
  private expiresOf(t: RegTxn): number {
    return Math.min(t.request.expires ?? REGISTER_EXPIRES, this.sim.plan.limits.maxExpiresS);
  }

  private save(t: RegTxn): void {
    const contact = t.request.contact?.[0];
    const now = this.sim.clock.now;
    if (contact) this.bindings.set(t.phone.name, { contact: contact.uri, atMs: now, expiresAtMs: now + this.expiresOf(t) * 1000 });
  }

  /**
   * save("location"): the local copy takes the binding and answers 200 itself. Unlike a
   * call, a REGISTER that got only a provisional still comes here: the registrar never
   * took it, and nothing else would answer the phone.
   */
  private fromLocalCopy(t: RegTxn, why: string): void {
    if (t.done) return;
    this.save(t);
    const expires = this.expiresOf(t);
    const contact = (t.request.contact ?? []).map((c) => ({ uri: c.uri, expires }));
    this.answer(t, response(200, 'OK', { ...this.ownReply(t), contact }), 'local-copy', `${why}: 200 from the local copy (keep local copy)`);
  }

  private ownReply(t: RegTxn) {
    const m = t.request;
    return { via: m.via, from: m.from, to: tagged(m.to, this.sim.next('k')), callId: m.callId, cseq: m.cseq, cseqMethod: m.cseqMethod };
  }

  private answer(t: RegTxn, msg: Msg, via: Via3, cause: string): void {
    if (t.done) return;
    t.done = true;
    t.last = msg;
    this.sim.registrationAnswered(msg.callId, via);
    this.sim.send(this.edge, t.phone, msg, -1, cause);
  }
}
