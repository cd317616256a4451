// What the actors and the edge proxy see of the simulation: the nodes, the virtual
// clock, the wire and the call records. Its own module so that the engine, which
// builds the actors and the edge, and they, which talk back to it, do not import each
// other (docs/architecture.md: no import circles).
import type { ActorState, Branch } from '../../grammar/src/index.js';
import type { RoutingPlan } from '../plan/index.js';
import type { Msg, Transport } from './message.js';
import type { Scheduler } from './scheduler.js';
import type { Registration, ScriptedReply } from './types.js';

/** Anything on the simulated network: a phone, an upstream, a gateway, the edge, a stranger. */
export interface Node {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** The transport between this node and the edge proxy. */
  readonly transport: Transport;
  receive(m: Msg, from: Node, call: number): void;
}

/** Requests a `sends` line started from an upstream or gateway: its replies go back to it. */
export interface RequestSender {
  owns(branch: string): boolean;
  ownsCall(callId: string): boolean;
  receive(m: Msg, from: Node): void;
}

export interface SimulationHost {
  readonly branch: Branch;
  /** The branch's routing decisions: the edge, its registrar and its prober read them here, never from `branch`. */
  readonly plan: RoutingPlan;
  readonly clock: Scheduler;
  readonly edge: Node;
  readonly nodes: ReadonlyMap<string, Node>;
  readonly notes: string[];
  readonly ringMs: number;
  readonly talkMs: number;
  readonly followRedirect: boolean;
  readonly trust: 'model' | 'open';
  readonly gatewayLists: 'plan' | 'first-only';
  /** `SimulateOptions.replies`: actors that replay a capture instead of acting on their state. */
  readonly replies: Readonly<Record<string, readonly (readonly ScriptedReply[])[]>> | undefined;
  next(prefix: string): string;
  /** The state of an actor at virtual time `t` (default `up`). */
  stateOf(actor: string, t: number): ActorState | undefined;
  /** Puts `m` on the wire; false when the receiver refused the TCP connection. */
  send(from: Node, to: Node, m: Msg, call: number, cause: string): boolean;
  registrationAnswered(callId: string, via: Registration['via']): void;
  registered(callId: string, code: number): void;
  callerGot(call: number, status: number, method: string): void;
  pathHop(call: number, name: string): void;
}
