// Requests from a `sends` line (docs/security.md): a stranger outside the trust model, or
// an upstream or gateway of the branch, sends one request of its choosing to the edge
// (any Request-URI, a preloaded Route set, a forged To-tag). A plain RFC 3261 UA on
// the sending side: it retransmits over UDP until a reply, ACKs an INVITE's final, and
// hangs up an answered call after the talk time. And the hosts the edge could relay to
// that are no actor of the branch (a foreign host, a LAN address with no phone).
import type { SendEvent } from '../../grammar/src/index.js';
import { REGISTER_EXPIRES, sentBy, UA_GIVE_UP, UA_T1, UA_T2 } from './actors.js';
import { Backoff } from './backoff.js';
import type { Node, SimulationHost } from './host.js';
import { request, response, type Msg, type Transport } from './message.js';
import { hostPort } from './sip.js';

interface Sent {
  readonly msg: Msg;
  retrans: Backoff | undefined;
  ack: Msg | undefined;
  done: boolean;
}

export class Sender {
  private readonly sent = new Map<string, Sent>();
  private readonly calls = new Set<string>();

  /** `self`: the node the requests come from (the stranger, or the upstream or gateway that sends). */
  constructor(private readonly sim: SimulationHost, readonly self: Node) {}

  owns(branch: string): boolean {
    return this.sent.has(branch);
  }

  ownsCall(callId: string): boolean {
    return this.calls.has(callId);
  }

  /** The request of `e`, sent to the edge. */
  send(e: SendEvent): void {
    const self = this.self;
    const n = this.sim.next('');
    const callId = `s${n}@${hostPort(self.host, undefined)}`;
    const user = e.sourceKind === 'stranger' ? 'stranger' : e.source;
    const contact = e.method === 'INVITE' || e.method === 'REGISTER' ? [{ uri: `sip:${user}@${hostPort(self.host, self.port)}` }] : undefined;
    const msg = request(e.method, e.uri, {
      via: [{ transport: self.transport, sentBy: sentBy(self.host, self.port), branch: `z9hG4bKst${n}`, rport: true }], maxForwards: 70,
      route: e.route.length > 0 ? e.route.map((r) => `<${r}>`) : undefined,
      from: { uri: `sip:${user}@${hostPort(self.host, undefined)}`, tag: `st${n}` },
      to: { uri: e.uri, tag: e.toTag ? `forged${n}` : undefined },
      callId, cseq: e.toTag ? 2 : 1, cseqMethod: e.method, contact, expires: e.method === 'REGISTER' ? REGISTER_EXPIRES : undefined,
    });
    this.calls.add(callId);
    this.start(msg, `scenario: ${e.source} sends ${e.method}${e.route.length > 0 ? ' with a preloaded Route' : ''}${e.toTag ? ' with a forged To-tag' : ''}`);
  }

  private start(msg: Msg, cause: string): void {
    const s: Sent = { msg, retrans: undefined, ack: undefined, done: false };
    this.sent.set(msg.via[0]!.branch, s);
    const sim = this.sim;
    sim.send(this.self, sim.edge, msg, -1, cause);
    if (this.self.transport !== 'UDP') return;
    const invite = msg.method === 'INVITE';
    s.retrans = new Backoff(sim.clock, UA_T1, invite ? Number.POSITIVE_INFINITY : UA_T2, UA_GIVE_UP,
      (k) => sim.send(this.self, sim.edge, msg, -1, `Timer ${invite ? 'A' : 'E'} retransmission ${k}`));
  }

  receive(m: Msg, from: Node): void {
    const sim = this.sim;
    if (m.status === undefined) {
      // A request in a dialog it started (the far end hangs up): 200.
      if (m.method !== 'ACK') sim.send(this.self, from, response(200, 'OK', { via: m.via, from: m.from, to: m.to, callId: m.callId, cseq: m.cseq, cseqMethod: m.cseqMethod }), -1, `${m.method} answered`);
      return;
    }
    const s = this.sent.get(m.via[0]!.branch);
    if (!s) return;
    if (m.cseqMethod !== 'INVITE') {
      if (m.status >= 200 && !s.done) {
        s.done = true;
        s.retrans?.stop();
      }
      return;
    }
    s.retrans?.stop();
    if (m.status < 200) return;
    if (s.ack) {
      sim.send(this.self, from, s.ack, -1, `ACK for ${m.status} (again)`);
      return;
    }
    s.done = true;
    const sent = s.msg;
    if (m.status >= 300) {
      s.ack = request('ACK', sent.uri!, { via: [sent.via[0]!], maxForwards: 70, route: sent.route, from: sent.from, to: m.to, callId: sent.callId, cseq: sent.cseq, cseqMethod: 'ACK' });
      sim.send(this.self, from, s.ack, -1, `ACK for ${m.status}`);
      return;
    }
    // Answered (only where the edge relays it): ACK and BYE through the Record-Route.
    const route = m.recordRoute?.length ? [...m.recordRoute].reverse() : undefined;
    const remote = m.contact?.[0]?.uri ?? sent.uri!;
    const inDialog = (method: string, seq: number): Msg => request(method, remote, {
      via: [{ transport: this.self.transport, sentBy: sentBy(this.self.host, this.self.port), branch: `z9hG4bKst${sim.next('')}`, rport: true }],
      maxForwards: 70, route, from: sent.from, to: m.to, callId: sent.callId, cseq: seq, cseqMethod: method,
    });
    s.ack = inDialog('ACK', sent.cseq);
    sim.send(this.self, sim.edge, s.ack, -1, 'ACK for 200');
    sim.clock.after(sim.talkMs, () => this.start(inDialog('BYE', sent.cseq + 1), 'hangs up'));
  }
}

/** A stranger: a source outside every LAN, upstream and gateway of the branch. */
export class Stranger implements Node {
  readonly name = 'stranger';
  readonly transport: Transport = 'UDP';
  readonly sender: Sender;

  constructor(sim: SimulationHost, readonly host: string, readonly port: number) {
    this.sender = new Sender(sim, this);
  }

  receive(m: Msg, from: Node): void {
    this.sender.receive(m, from);
  }
}

/**
 * A host that is no actor of the branch (a foreign host, a LAN address no phone has):
 * it takes whatever reaches it and never answers. Only an open relay sends it anything.
 */
export class Elsewhere implements Node {
  readonly transport: Transport = 'UDP';
  readonly name: string;

  constructor(readonly host: string, readonly port: number) {
    this.name = hostPort(host, port);
  }

  receive(): void {
    // Nobody there answers: what reached it is the finding.
  }
}
