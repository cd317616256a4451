// One call as it is being seen: its messages in capture order, each named and marked when
// it repeats one already seen on the same link; then, once it is over, what kind of call
// it was, how it ended for its caller and whether the edge went to survival.
import type { RoutingPlan } from '../plan/index.js';
import type { TraceEntry } from '../simulate/types.js';
import type { CapturedSip, Endpoint } from './capture.js';
import { sourceKind, type BranchEntry, type Directory } from './directory.js';
import type { Hold } from './edge-state.js';
import { endpointText, ObservedRecord } from './observed.js';
import type { Scanned } from './scan.js';
import { userOf } from './scan.js';
import type { CallKind, CallOutcome, Participant } from './types.js';

export class OpenCall {
  readonly entries: ObservedRecord[] = [];
  dropped = 0;
  lastUs: number;
  /** The branch whose edge the call went through: the first message to or from an edge address. */
  branch: BranchEntry | undefined;
  private readonly firstUs: number;
  private readonly repeats = new Map<string, number>();
  private readonly participants = new Map<string, Participant & { endpoints: Endpoint[] }>();
  /** Address -> port -> the name the ladder shows (nested: no key string per message). */
  private readonly names = new Map<string, Map<number, string>>();

  constructor(readonly id: number, readonly callId: string, first: CapturedSip, private readonly directory: Directory | undefined, private readonly maxEntries: number) {
    this.firstUs = first.timeUs;
    this.lastUs = first.timeUs;
  }

  /** What probing had marked down when the call began. */
  markedDown: readonly string[] = [];
  /** Gateway channels other calls held during this one (filled in when it closes). */
  holds: readonly Hold[] = [];

  /**
   * The dialog is over: a BYE was answered, or the call's first request, not an INVITE,
   * got its final reply. A later message (a retransmitted final reply) still joins it.
   */
  ended = false;
  private firstMethod: string | undefined;

  /** Adds a message; returns its entry, or undefined beyond the per-call cap. */
  add(m: CapturedSip, s: Scanned): ObservedRecord | undefined {
    this.lastUs = Math.max(this.lastUs, m.timeUs);
    this.firstMethod ??= s.method;
    if (s.status !== undefined && s.status >= 200 && (s.cseqMethod === 'BYE' || (this.firstMethod !== 'INVITE' && s.cseqMethod === this.firstMethod))) this.ended = true;
    else if (s.method === 'INVITE') this.ended = false;
    this.branch ??= this.directory?.edgeAt(m.dst) ?? this.directory?.edgeAt(m.src);
    // A retransmission repeats a message on the same link: same start line, CSeq, top Via
    // branch and To-tag (a retransmitted reply keeps its tag; a new reply changes the line).
    const key = `${m.src.address}|${m.src.port}|${m.dst.address}|${m.dst.port}|${s.line}|${s.cseq}|${s.cseqMethod}|${s.branch}|${s.toTag ?? ''}`;
    if (this.entries.length >= this.maxEntries) {
      // Past the cap nothing is kept, the repeats' table included: a flood under one
      // Call-ID costs a counter, not memory.
      this.dropped++;
      return undefined;
    }
    const repeat = this.repeats.get(key) ?? 0;
    this.repeats.set(key, repeat + 1);
    const atMs = us((m.timeUs - this.firstUs) / 1000);
    if (s.method !== undefined && this.branch !== undefined && this.names.get(m.src.address)?.get(m.src.port) === undefined
      && this.directory?.at(m.src) === undefined) {
      this.directory?.learnPhone(m.src, this.branch, s.fromUser);
    }
    const from = this.name(m.src);
    if (from === 'edge' && s.method !== undefined && this.branch !== undefined && this.names.get(m.dst.address)?.get(m.dst.port) === undefined
      && this.directory?.at(m.dst) === undefined) {
      this.directory?.learn(m.dst, this.branch, s.uri);
    }
    const entry = new ObservedRecord(m, s, atMs, from, this.name(m.dst), this.id, repeat);
    this.entries.push(entry);
    return entry;
  }

  private name(e: Endpoint): string {
    let ports = this.names.get(e.address);
    const known = ports?.get(e.port);
    if (known !== undefined) return known;
    const key = endpointText(e);
    const device = this.directory?.at(e);
    let name: string;
    let kind: Participant['kind'];
    if (device !== undefined && (this.branch === undefined || device.branch === this.branch)) {
      name = device.name;
      kind = device.kind;
    } else {
      name = key;
      kind = this.branch !== undefined && sourceKind(this.branch.plan, e.address).kind === 'stranger' ? 'stranger' : 'unknown';
    }
    if (ports === undefined) this.names.set(e.address, (ports = new Map()));
    ports.set(e.port, name);
    const p = this.participants.get(name);
    if (p) p.endpoints.push(e);
    else this.participants.set(name, { name, kind, endpoints: [e] });
    return name;
  }

  participantList(): Participant[] {
    const order: Participant['kind'][] = ['phone', 'stranger', 'edge', 'upstream', 'gateway', 'unknown'];
    const first = new Map<string, number>();
    this.entries.forEach((e, i) => {
      if (!first.has(e.from)) first.set(e.from, i);
      if (!first.has(e.to)) first.set(e.to, i);
    });
    return [...this.participants.values()].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || (first.get(a.name) ?? 0) - (first.get(b.name) ?? 0));
  }

  kindOf(name: string): Participant['kind'] | undefined {
    return this.participants.get(name)?.kind;
  }

  get startUs(): number {
    return this.firstUs;
  }
}

/** The facts of a finished call the verdicts and the summary read. */
export interface CallFacts {
  readonly kind: CallKind;
  readonly caller: string | undefined;
  readonly dialled: string | undefined;
  readonly outcome: CallOutcome;
  readonly finalCode: number | undefined;
  /** The caller's first request. */
  readonly first: ObservedRecord | undefined;
  /** The edge's first survival message, if any. */
  readonly survivalAt: ObservedRecord | undefined;
  readonly detectionMs: number | undefined;
  readonly postDialDelayMs: number | undefined;
}

/** ms to the microsecond a capture has, without float noise (2046.048, not 2046.0479999999998). */
const us = (ms: number) => Math.round(ms * 1000) / 1000;

const isInitial = (e: ObservedRecord) => e.status === undefined && e.scanned.toTag === undefined && e.retransmission === 0;

export function factsOf(call: OpenCall): CallFacts {
  const entries = call.entries;
  const first = entries.find(isInitial) ?? entries.find((e) => e.status === undefined);
  if (first === undefined) {
    return { kind: 'other', caller: undefined, dialled: undefined, outcome: 'not-a-call', finalCode: undefined, first, survivalAt: undefined, detectionMs: undefined, postDialDelayMs: undefined };
  }
  const plan = call.branch?.plan;
  const caller = first.from;
  const method = first.scanned.method!;
  const dialled = userOf(first.scanned.uri);
  const source = plan && first.to === 'edge' ? sourceKind(plan, first.src.address) : undefined;
  let kind: CallKind;
  if (source?.kind === 'stranger') kind = 'stranger';
  else if (method === 'REGISTER') kind = 'register';
  else if (method !== 'INVITE' || plan === undefined || source === undefined) kind = 'other';
  else if (source.kind === 'lan') {
    if (dialled !== undefined && plan.outbound?.emergency.numbers.includes(dialled)) kind = 'emergency';
    else if (dialled !== undefined && plan.outbound?.local.routes.some((r) => r.number === dialled)) kind = 'local';
    else kind = 'outbound';
  } else kind = 'inbound';

  // The caller's own transaction: replies to it come back to the caller with its CSeq.
  const toCaller = entries.filter((e) => e.to === caller && e.status !== undefined && e.method === first.method && e.retransmission === 0);
  const finals = toCaller.filter((e) => e.status! >= 200);
  const last = finals[finals.length - 1];
  const cancelled = entries.some((e) => e.from === caller && e.summary === 'CANCEL');
  let outcome: CallOutcome;
  if (method !== 'INVITE') outcome = kind === 'stranger' && last !== undefined && last.status! >= 400 ? 'refused' : 'not-a-call';
  else if (last === undefined) outcome = 'no-final';
  else if (last.status! < 300) outcome = 'answered';
  else if (kind === 'stranger') outcome = 'refused';
  else if (cancelled && last.status === 487) outcome = 'cancelled';
  else outcome = 'failed';
  const provisional = toCaller.find((e) => e.status! > 100);
  const postDialDelayMs = method === 'INVITE' && provisional !== undefined ? us(provisional.atMs - first.atMs) : undefined;

  const survivalAt = plan && (kind === 'outbound' || kind === 'local') ? survivalMessage(entries, (n) => call.kindOf(n), caller, plan) : undefined;
  const firstUpstream = entries.find((e) => e.from === 'edge' && e.summary === 'INVITE' && call.kindOf(e.to) === 'upstream');
  const detectionMs = survivalAt !== undefined ? us(survivalAt.atMs - (firstUpstream ?? first).atMs) : undefined;
  return { kind, caller, dialled, outcome, finalCode: last?.status, first, survivalAt, detectionMs, postDialDelayMs };
}

/**
 * The edge's first message that only survival sends: an INVITE to a gateway, a reply to the
 * caller with a code of the survival actions that no upstream sent, or (local calls) an
 * INVITE to a phone after one to an upstream. Read the same way off a captured call and off
 * the simulator's ladder for it, so the two are compared like for like.
 */
export function survivalMessage<E extends TraceEntry>(entries: readonly E[], kindOf: (name: string) => Participant['kind'] | undefined, caller: string, plan: RoutingPlan): E | undefined {
  const actionCodes = new Set((plan.outbound?.actions ?? []).flatMap((a) => (a.kind === 'relay' ? [] : [a.code])));
  const upstreamCodes = new Set<number>();
  let triedUpstream = false;
  for (const e of entries) {
    if (e.lost === true) continue;
    if (e.status !== undefined && kindOf(e.from) === 'upstream') upstreamCodes.add(e.status);
    if (e.from !== 'edge' || /retransmission/.test(e.cause)) continue;
    const to = kindOf(e.to);
    if (e.summary === 'INVITE' && to === 'upstream') triedUpstream = true;
    if (e.summary === 'INVITE' && to === 'gateway') return e;
    if (e.summary === 'INVITE' && to === 'phone' && e.to !== caller && triedUpstream) return e;
    if (e.to === caller && e.status !== undefined && e.method === 'INVITE' && actionCodes.has(e.status) && !upstreamCodes.has(e.status)) return e;
  }
  return undefined;
}
