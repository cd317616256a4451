// The simulator's own actors (phones, upstreams, gateways: engines/simulate/actors.ts)
// played against a real Kamailio. This is the simulator's engine with two things
// swapped: the clock is the wall clock (LiveClock), and a message an actor sends goes
// out as a UDP datagram from the actor's own loopback address to Kamailio instead of to
// the simulated edge proxy (a TCP phone: over its TCP connections, tcp.ts). Datagrams Kamailio sends an actor are parsed and handed to
// it. So every actor decision (who answers what, when, retransmissions, following a
// 302, hanging up) is the simulator's, not a copy of it. The simulated edge proxy still
// exists (the engine builds it) but never speaks: the real Kamailio is the edge.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { Branch, Scenario } from '../../grammar/src/index.js';
import { Simulation, type Node } from '../../engines/simulate/engine.js';
import type { Msg } from '../../engines/simulate/message.js';
import type { SimulateOptions } from '../../engines/simulate/types.js';
import { LiveClock } from './clock.js';
import { isLoopback } from './guard.js';
import { TcpActor } from './tcp.js';
import { contactOf, fromWire, toWire } from './wire.js';

/** One datagram that crossed the wire between an actor and Kamailio. */
export interface WireEntry {
  /** Real ms since the scenario's time 0 (fractional). */
  readonly atMs: number;
  /** Actor names; `edge` is Kamailio. An unknown sender is `address:port`. */
  readonly from: string;
  readonly to: string;
  /** The method for a request, the code as text for a reply. */
  readonly summary: string;
  /** The CSeq method. */
  readonly method: string;
  readonly status: number | undefined;
  /** The first Contact URI, if any. */
  readonly contact: string | undefined;
  /** How it crossed: a datagram, or a message of a TCP connection. */
  readonly transport: 'udp' | 'tcp';
  readonly text: string;
}

const edgeName = 'edge';

export class LiveSimulation extends Simulation {
  override readonly clock = new LiveClock();
  readonly wire: WireEntry[] = [];
  /** Datagrams that could not be read as SIP (kept for the report, never acted on). */
  readonly unreadable: { readonly atMs: number; readonly to: string; readonly error: string }[] = [];
  private readonly sockets = new Map<string, Socket>();
  private readonly streams = new Map<string, TcpActor>();
  /** Kamailio's tcp listen address, when it has one. */
  private readonly kamailioTcp: { readonly address: string; readonly port: number } | undefined;
  private readonly callOf = new Map<string, number>();
  private readonly kamailio: { readonly address: string; readonly port: number };
  /** Every `address:port` Kamailio listens on: it may send from any of them. */
  private readonly edgeSockets: ReadonlySet<string>;

  constructor(branch: Branch, scenario: Scenario, options: SimulateOptions) {
    super(branch, scenario, options);
    this.kamailio = { address: this.edge.host, port: this.edge.port };
    this.edgeSockets = new Set([`${this.edge.host}:${this.edge.port}`, ...branch.listens.value.map((l) => `${l.address}:${l.port}`)]);
    const tcp = branch.listens.value.find((l) => l.transport === 'tcp');
    this.kamailioTcp = tcp && { address: tcp.address, port: tcp.port };
  }

  /**
   * Whether a connection from `address` is Kamailio's: it connects from 127.0.0.1, not from its
   * listen address, unless told otherwise (kamailio-behaviour.md), and it is the only other
   * party on these loopback addresses.
   */
  private fromKamailio(address: string): boolean {
    const bare = address.replace(/^::ffff:/, '');
    return bare === '127.0.0.1' || [...this.edgeSockets].some((s) => s.startsWith(`${bare}:`));
  }

  /** Where Kamailio listens (the edge's UDP listen address). */
  get edgeAddress(): { readonly address: string; readonly port: number } {
    return this.kamailio;
  }

  /** The actors that get a socket: every node but the edge (a registered phone has no address: NAME.invalid). */
  private actors(): Node[] {
    return [...this.nodes.values()].filter((n) => n !== this.edge && isLoopback(n.host));
  }

  /** Binds one UDP socket per actor on its own address. */
  async bind(): Promise<void> {
    // A stranger of a `sends` line is a node only once its sender exists.
    this.prepareSenders();
    for (const node of this.actors()) {
      if (node.transport === 'TCP') {
        if (!this.kamailioTcp) throw new Error(`${node.name} speaks TCP but Kamailio listens on no tcp address`);
        const actor = new TcpActor(node.host, node.port, this.kamailioTcp, (text, remote) => {
          this.heard(node, text, this.fromKamailio(remote.address) ? edgeName : `${remote.address}:${remote.port}`, 'tcp');
        }, (error) => this.unreadable.push({ atMs: this.clock.elapsed(), to: node.name, error }));
        try {
          await actor.listen();
        } catch (error) {
          throw new Error(`cannot listen for ${node.name} on tcp ${node.host}:${node.port}: ${error instanceof Error ? error.message : String(error)}`);
        }
        this.streams.set(node.name, actor);
        continue;
      }
      const socket = createSocket('udp4');
      await new Promise<void>((resolve, reject) => {
        socket.once('error', (error) => reject(new Error(`cannot bind ${node.name} to ${node.host}:${node.port}: ${error.message}`)));
        socket.bind(node.port, node.host, () => resolve());
      });
      socket.on('message', (data, rinfo) => this.arrived(node, data, rinfo));
      this.sockets.set(node.name, socket);
    }
  }

  /** Time 0 of the scenario is `origin` (a `performance.now()` value); the scenario's events start. */
  begin(origin?: number): void {
    this.clock.begin(origin);
    this.start();
  }

  /** Stops the actors and closes their sockets. */
  close(): void {
    this.clock.stop();
    for (const s of this.sockets.values()) s.close();
    this.sockets.clear();
    for (const t of this.streams.values()) t.close();
    this.streams.clear();
  }

  private arrived(node: Node, data: Buffer, rinfo: RemoteInfo): void {
    const source = `${rinfo.address}:${rinfo.port}`;
    this.heard(node, data.toString('utf8'), this.edgeSockets.has(source) ? edgeName : source, 'udp');
  }

  /** One whole message for `node` (a datagram, or one message cut from a TCP stream). */
  private heard(node: Node, text: string, from: string, transport: WireEntry['transport']): void {
    const atMs = this.clock.elapsed();
    let m: Msg;
    try {
      m = fromWire(text);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      this.unreadable.push({ atMs, to: node.name, error: `${why.split('\n')[0]} (${JSON.stringify(text.slice(0, 60))})` });
      return;
    }
    this.wire.push(entry(atMs, from, node.name, m, text, transport));
    // Only Kamailio's datagrams reach the actors: nothing else may play the edge.
    if (from !== edgeName) return;
    const call = this.callOf.get(m.callId) ?? -1;
    this.clock.soon(() => node.receive(m, this.edge, call));
  }

  /** An actor's message goes to Kamailio as a datagram from the actor's socket. */
  override send(from: Node, to: Node, m: Msg, call: number, _cause: string): boolean {
    // The simulated edge (its probes) stays silent: the real Kamailio is the edge.
    if (from === this.edge) return true;
    if (to !== this.edge) throw new Error(`replay: ${from.name} sent to ${to.name}, not to the edge`);
    const socket = this.sockets.get(from.name);
    const stream = this.streams.get(from.name);
    if (!socket && !stream) return true;
    if (call >= 0 && !this.callOf.has(m.callId)) this.callOf.set(m.callId, call);
    const text = toWire(m);
    this.wire.push(entry(this.clock.elapsed(), from.name, edgeName, m, text, stream ? 'tcp' : 'udp'));
    if (stream) stream.send(text);
    else socket!.send(text, this.kamailio.port, this.kamailio.address);
    return true;
  }
}

function entry(atMs: number, from: string, to: string, m: Msg, text: string, transport: WireEntry['transport']): WireEntry {
  return {
    atMs, from, to, summary: m.status === undefined ? m.method ?? '?' : String(m.status), method: m.cseqMethod,
    status: m.status, contact: contactOf(text), transport, text,
  };
}
