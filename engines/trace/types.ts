// The tracer's output: calls as they happened on the wire, each with its ladder and, with
// a design, its verdict. Plain data, JSON-serialisable (docs/trace.md; `surv trace --format
// json` writes it as it is).
import type { Origin } from '../../grammar/src/index.js';
import type { TraceEntry } from '../simulate/types.js';
import type { Endpoint } from './capture.js';
import type { Scanned } from './scan.js';

/** One participant of a call's ladder: a device of the design, the edge, or an address nobody named. */
export interface Participant {
  /** The name the ladder shows: a phone, upstream or gateway name, `edge`, or `ADDRESS:PORT`. */
  readonly name: string;
  readonly kind: 'phone' | 'edge' | 'upstream' | 'gateway' | 'stranger' | 'unknown';
  /** Every address:port it was seen at in this call. */
  readonly endpoints: readonly Endpoint[];
}

/**
 * One message of a call, as seen: a simulator trace entry (so the same renderers draw
 * it) with the wire facts besides. `atMs` counts from the call's first message; `cause`
 * names its capture frame (`frame 12`), and `frame 14, retransmission 1` for a repeat of a
 * message already seen on the same link.
 */
export interface ObservedEntry extends TraceEntry {
  /** Capture time, microseconds since the Unix epoch. */
  readonly timeUs: number;
  readonly src: Endpoint;
  readonly dst: Endpoint;
  readonly transport: 'udp' | 'tcp';
  /** The capture frame it came from (tshark's frame.number). */
  readonly frame: number;
  /** 0 for the first sending, N for the Nth repeat. */
  readonly retransmission: number;
  /**
   * The header fields read off the message's lines (scan.ts): what the ladders show and
   * the verdicts read, without the full parse `message` costs (not written to JSON).
   */
  readonly scanned: Scanned;
}

/** What kind of call it is, as the edge's trust model and plan see it. */
export type CallKind =
  | 'outbound' // a LAN phone to a number the upstreams take
  | 'emergency' // a LAN phone to an emergency number
  | 'local' // a LAN phone to a phone or group of the branch
  | 'inbound' // a gateway's call to the branch
  | 'stranger' // a request from outside the trust model
  | 'register' // a REGISTER transaction
  | 'other'; // anything else (OPTIONS probes, MESSAGE, an INVITE with no design to place it)

/** How the call ended for its caller. */
export type CallOutcome = 'answered' | 'failed' | 'cancelled' | 'no-final' | 'refused' | 'not-a-call';

/** One rule of docs/trace.md, "Verdicts", applied to one call. */
export interface RuleFinding {
  /** The rule's code (SURV090-SURV095, docs/diagnostics.md): SARIF's ruleId. */
  readonly code: string;
  /** `survival-on-silence`, `no-diversion-after-reply`, `emergency-direct`, `stranger-refused`, `post-dial-delay`, `matches-design`. */
  readonly rule: string;
  readonly status: 'pass' | 'violation';
  /** One sentence with the numbers: `upstream cloud silent; survival at 10.012s (design: 10.000s)`. */
  readonly message: string;
  /** The design line the rule comes from (the timer, the survival action, the emergency number...). */
  readonly origin: Origin | undefined;
}

/** A pair of rows of the expected (simulated) and observed ladders, as `surv replay` shows them. */
export interface ExpectedRow {
  readonly expected: string | undefined;
  readonly observed: string | undefined;
  readonly status: 'ok' | 'late' | 'early' | 'missing' | 'extra' | 'reason' | 'numbers';
  readonly deltaMs: number | undefined;
}

export interface CallVerdict {
  /** `unjudged`: the design says nothing about this call (no branch owns its addresses, or a kind with no rule). */
  readonly status: 'pass' | 'violation' | 'unjudged';
  /** Why it is unjudged, when it is. */
  readonly reason: string | undefined;
  readonly branch: string | undefined;
  readonly findings: readonly RuleFinding[];
  /** From the edge's first INVITE to an upstream to its first survival message (ms); undefined when it never diverted. */
  readonly detectionMs: number | undefined;
  /** From the caller's first INVITE to its first reply other than 100 (ms). */
  readonly postDialDelayMs: number | undefined;
  /** The simulator's ladder for this call, fed with what the far side did (only kept for a violation). */
  readonly expected: readonly TraceEntry[] | undefined;
  /** Expected beside observed, row by row (only kept for a violation). */
  readonly rows: readonly ExpectedRow[] | undefined;
}

export interface TracedCall {
  /** 1-based, in the order calls were first seen. */
  readonly id: number;
  /** Every Call-ID of the call (one for most calls; the legs of a call through a B2BUA linked into one story carry two). */
  readonly callIds: readonly string[];
  /** Capture time of its first message, µs since the epoch. */
  readonly startUs: number;
  readonly durationMs: number;
  readonly kind: CallKind;
  /** The caller's participant name and what it dialled (Request-URI user of the first INVITE). */
  readonly caller: string | undefined;
  readonly dialled: string | undefined;
  readonly outcome: CallOutcome;
  /** The caller's last final reply code to its INVITE. */
  readonly finalCode: number | undefined;
  /** The edge sent a survival message in this call (an announce, or an INVITE to a gateway after the upstreams). */
  readonly survival: boolean;
  /** The index in `entries` of the edge's first survival message (where a ladder tints the survival phase). */
  readonly survivalEntry: number | undefined;
  /** From the edge's first INVITE to an upstream (else the caller's INVITE) to its first survival message (ms). */
  readonly detectionMs: number | undefined;
  /** From the caller's first INVITE to its first reply other than 100 (ms). */
  readonly postDialDelayMs: number | undefined;
  readonly participants: readonly Participant[];
  readonly entries: readonly ObservedEntry[];
  /** Messages beyond the per-call cap, counted but not kept. */
  readonly dropped: number;
  readonly verdict: CallVerdict | undefined;
}

/** Bounded whatever the capture's size: counts, and a histogram for the percentiles. */
export interface TraceSummary {
  readonly messages: number;
  readonly calls: number;
  readonly byKind: Readonly<Record<CallKind, number>>;
  readonly byOutcome: Readonly<Record<CallOutcome, number>>;
  readonly survivalActivations: number;
  readonly verdicts: { readonly pass: number; readonly violation: number; readonly unjudged: number };
  /** Post-dial delay percentiles over the calls that had one (ms, to 1 ms); undefined with no such call. */
  readonly postDialDelayMs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number; readonly count: number } | undefined;
  /** Notices from the readers, counted by code, with the first message of each. */
  readonly notices: readonly { readonly code: string; readonly count: number; readonly first: string }[];
}
