// The simulator's output: a trace of SIP messages on a virtual clock, per-call results,
// and verdicts for a scenario's expectations. All plain data, JSON-serialisable.
import type { Expectation, Origin } from '../../grammar/src/index.js';
import type { SurvivalEventName } from '../plan/index.js';
import type { Msg } from './message.js';

export interface TraceEntry {
  /** Virtual time in ms since the scenario started. */
  readonly atMs: number;
  readonly from: string;
  readonly to: string;
  /** `INVITE`, `ACK`... for requests; the status code as text (`302`) for replies. */
  readonly summary: string;
  /** The method of the transaction (CSeq method). */
  readonly method: string;
  readonly status: number | undefined;
  /**
   * The full SIP text, as built by the `sip` package from `message`. For showing and
   * JSON only: every fact a reader acts on is in `message` and the fields above, and
   * nothing parses this text back.
   */
  readonly text: string;
  /** Transaction id: the Via branch the message belongs to. */
  readonly transaction: string;
  /** Index of the scenario call this message belongs to; -1 for probes and registrations. */
  readonly call: number;
  /** Why it was sent: "Timer A retransmission 2", "fr_timer fired", "survival: redirect"... */
  readonly cause: string;
  /**
   * The message as the receiver acted on it, in parsed form: request method and
   * Request-URI, or status code and reason phrase; Via list, Max-Forwards, Route,
   * Record-Route, From and To with tags, Call-ID, CSeq number and method, Contacts,
   * Path, Supported, Expires. `text` is rendered from it.
   */
  readonly message: Msg;
  /**
   * Present (true) when the message never arrived: the network lost it (`network loss`,
   * the cause ends "lost (network loss N%)") or the receiver refused the TCP connection
   * (the cause ends "not delivered: ... refused the TCP connection").
   */
  readonly lost?: true;
}

export interface CallResult {
  readonly call: number;
  readonly caller: string;
  readonly target: string;
  readonly startMs: number;
  /** Every final reply the caller got to its INVITEs, in order. */
  readonly finals: readonly { readonly code: number; readonly atMs: number }[];
  /** The last final reply the caller saw (after following a redirect, the new call's). */
  readonly finalCode: number | undefined;
  /** Time from the caller's first INVITE to its first reply other than 100. */
  readonly postDialDelayMs: number | undefined;
  /** The actors the call's INVITEs reached, in order (the caller first). */
  readonly path: readonly string[];
  readonly answered: boolean;
}

/** A scenario's `PHONE registers [at T]`: what became of it. */
export interface Registration {
  readonly phone: string;
  /** When the phone sent its REGISTER (the event's time). */
  readonly atMs: number;
  /** The final reply the phone got; undefined when none arrived. */
  readonly code: number | undefined;
  /**
   * Who answered: `upstream` (the registrar's reply, relayed), `local-copy` (the edge
   * itself, from its local copy, because the upstream gave no reply at all), `none` (the
   * edge's own error reply, such as tm's 408, or no final reply at all).
   */
  readonly via: 'upstream' | 'local-copy' | 'none';
}

/** One survival transition (docs/simulator.md, "Survival events"): the line the exported proxy logs for it. */
export interface SurvivalEventEntry {
  readonly atMs: number;
  readonly event: SurvivalEventName;
  /** The upstream it names, if any. */
  readonly upstream: string | undefined;
  /** The scenario call it belongs to; -1 for probing. */
  readonly call: number;
  /** `surv-event branch=... event=... ...` (engines/plan/events.ts). */
  readonly line: string;
}

export interface Verdict {
  readonly expectation: Expectation;
  readonly origin: Origin;
  readonly status: 'pass' | 'fail' | 'unsupported';
  readonly message: string;
}

export interface SimulationResult {
  readonly scenario: string;
  readonly branch: string;
  readonly trace: readonly TraceEntry[];
  readonly calls: readonly CallResult[];
  /** Probing decisions of the edge proxy (dispatcher dst-down / dst-up). */
  readonly marks: readonly { readonly atMs: number; readonly actor: string; readonly event: 'marked-down' | 'marked-up'; readonly cause: string }[];
  /** Every `registers` event of the scenario, in order. */
  readonly registrations: readonly Registration[];
  /** Survival transitions in time order, each with the log line the exported proxy writes for it. */
  readonly events: readonly SurvivalEventEntry[];
  /** Parts of the scenario the simulator does not model yet. */
  readonly notes: readonly string[];
  readonly verdicts: readonly Verdict[];
}

export interface SimulateOptions {
  /** How long an `up` upstream or gateway rings (180) before answering 200. Default 2000. */
  readonly ringMs?: number;
  /** How long an answered call lasts before the caller sends BYE. Default 5000. */
  readonly talkMs?: number;
  /** Phones follow a 3xx through the edge proxy (unless `ignores redirect`). Default true. */
  readonly followRedirect?: boolean;
  /** Stop the run at this virtual time. Default 600000 (10 min). */
  readonly untilMs?: number;
  /**
   * `model` (default): the edge applies the trust model of docs/security.md. `open`
   * reproduces the edge before it (a call whose Request-URI host is a gateway relayed
   * whatever its source, a preloaded Route followed, a stranger's request to a LAN
   * address relayed). It exists only to prove that verify's SURV086 can fail.
   */
  readonly trust?: 'model' | 'open';
  /**
   * `plan` (default): gateway lists as the plan says (engines/plan/gateways.ts). `first-only`
   * reproduces the edge before lists: the first gateway of a list only, no channel count
   * at the edge, no failover. It exists only to prove that verify's SURV088 can fail.
   */
  readonly gatewayLists?: 'plan' | 'first-only';
  /**
   * What named upstreams, gateways and called phones did in a captured call (`surv trace`),
   * played instead of their states: to its Nth new INVITE an actor sends the Nth list of
   * replies (the last list again beyond them), each `afterMs` after the INVITE reached it;
   * an empty list ignores the INVITE (as `silent`). It answers a CANCEL and OPTIONS as an
   * `up` actor does, and counts no channels: the capture shows what its channels allowed.
   */
  readonly replies?: Readonly<Record<string, readonly (readonly ScriptedReply[])[]>>;
  /**
   * The rest of the edge's world (`surv trace`: what the capture showed besides the call):
   * upstreams and gateways probing had marked down when the run starts, and gateway
   * channels other calls through the edge held, from when until when (ms of this run;
   * `untilMs` undefined: to the end).
   */
  readonly initially?: {
    readonly markedDown?: readonly string[];
    readonly holds?: readonly { readonly gateway: string; readonly fromMs: number; readonly untilMs: number | undefined }[];
  };
}

/** One reply of `SimulateOptions.replies`: the code and reason phrase seen, and when. */
export interface ScriptedReply {
  readonly code: number;
  readonly reason: string;
  readonly afterMs: number;
}
