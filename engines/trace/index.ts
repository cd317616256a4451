// `surv trace`'s engine (docs/trace.md): SIP messages seen on the wire grouped into calls,
// each drawn as a ladder and, with a design, judged against what the design says should
// have happened given what the far side did. Pure: captured messages in, calls out.
import type { Branch } from '../../grammar/src/index.js';
import { factsOf, OpenCall } from './call.js';
import type { CaptureItem } from './capture.js';
import { Directory } from './directory.js';
import { EdgeWatch } from './edge-state.js';
import { judge, RULES } from './judge.js';
import { scan } from './scan.js';
import { SummaryCounter } from './summary.js';
import type { TracedCall, TraceSummary } from './types.js';

export type * from './capture.js';
export type * from './types.js';
export { compare, simSteps, tickMs, type Comparison, type Row, type RowStatus, type Step } from './compare.js';
export { contactOf, fromWire, headerValues, splitEntries } from './sip-text.js';
export { endpointText } from './observed.js';
export type { Scanned } from './scan.js';
export { RULES, type RuleName } from './judge.js';

export interface TraceOptions {
  /** The design's branches; without any, calls are grouped and drawn but not judged. */
  readonly branches?: readonly Branch[];
  /** Keep only the call with this Call-ID (or a prefix of it). */
  readonly callId?: string;
  /** A call with no message for this long (capture time) is over. Default 32000 (64*T1). */
  readonly idleMs?: number;
  /**
   * A call whose dialog ended (its BYE answered, or its only transaction, not an INVITE,
   * answered) is over after this long without a message: time for a retransmitted final
   * reply to come in. Default 5000 (T4).
   */
  readonly lingerMs?: number;
  /** Calls held open at once; the longest idle is closed first beyond it. Default 10000. */
  readonly maxOpenCalls?: number;
  /** Messages kept per call; more are counted as `dropped`. Default 1000. */
  readonly maxEntriesPerCall?: number;
  /** How far the edge's timers may be from the design's (ms). Default 150, as replay. */
  readonly toleranceMs?: number;
  /** The SIP text the open calls hold together (UTF-16 code units); the least recently active closes first beyond it. Default 64 Mi. */
  readonly maxOpenText?: number;
}

/** The rule codes (SURV090-SURV095) with their names, for SARIF's rule list. */
export const traceRules: readonly { readonly code: string; readonly rule: string }[] = Object.entries(RULES).map(([rule, code]) => ({ code, rule }));

/**
 * Streaming: push every item in capture order; each push returns the calls it finished
 * (idle beyond `idleMs` in capture time), `tick` those idle at a given time (a live
 * socket, where time passes without messages), `finish` the rest. Memory is bounded by
 * the open calls, never by the capture.
 */
export class CallTracer {
  private readonly directory: Directory | undefined;
  /** Open calls by Call-ID, least recently active first (re-inserted on every message). */
  private readonly open = new Map<string, OpenCall>();
  /** Open calls whose dialog ended, the same way: they close after `lingerMs`, not `idleMs`. */
  private readonly ending = new Map<string, OpenCall>();
  private readonly counter = new SummaryCounter();
  private readonly watch = new EdgeWatch();
  private nextId = 1;
  private nowUs = 0;
  private readonly idleUs: number;
  private readonly lingerUs: number;
  private readonly maxOpen: number;
  private readonly maxEntries: number;
  private readonly toleranceMs: number;
  private readonly maxOpenText: number;
  private openText = 0;

  constructor(readonly options: TraceOptions = {}) {
    this.directory = options.branches !== undefined && options.branches.length > 0 ? new Directory(options.branches) : undefined;
    this.idleUs = (options.idleMs ?? 32_000) * 1000;
    this.lingerUs = Math.min(options.lingerMs ?? 5000, options.idleMs ?? 32_000) * 1000;
    this.maxOpen = options.maxOpenCalls ?? 10_000;
    this.maxEntries = options.maxEntriesPerCall ?? 1000;
    this.toleranceMs = options.toleranceMs ?? 150;
    this.maxOpenText = options.maxOpenText ?? 64 * 1024 * 1024;
  }

  push(item: CaptureItem): readonly TracedCall[] {
    if (item.kind === 'notice') {
      this.counter.notice(item.code, item.message);
      return [];
    }
    const s = scan(item.text);
    if (typeof s === 'string') {
      this.counter.notice('not-sip', `frame ${item.frame}: not a SIP message (${s})`);
      return [];
    }
    if (this.options.callId !== undefined && !s.callId.startsWith(this.options.callId)) return [];
    this.counter.message();
    this.nowUs = Math.max(this.nowUs, item.timeUs);
    let call = this.open.get(s.callId) ?? this.ending.get(s.callId);
    const isNew = call === undefined;
    if (call === undefined) {
      call = new OpenCall(this.nextId++, s.callId, item, this.directory, this.maxEntries);
    } else {
      this.open.delete(s.callId);
      this.ending.delete(s.callId);
    }
    const entry = call.add(item, s);
    (call.ended ? this.ending : this.open).set(s.callId, call);
    if (entry !== undefined) this.openText += item.text.length;
    const branch = call.branch;
    if (branch !== undefined) {
      if (isNew) call.markedDown = this.watch.markedDownAt(branch, item.timeUs);
      const c = call;
      if (entry !== undefined) this.watch.observe(branch, entry, (name) => c.kindOf(name));
    }
    return this.expire(this.nowUs);
  }

  /** The calls idle at capture time `nowUs` (µs since the epoch), finished. */
  tick(nowUs: number): readonly TracedCall[] {
    this.nowUs = Math.max(this.nowUs, nowUs);
    return this.expire(this.nowUs);
  }

  finish(): readonly TracedCall[] {
    const open = [...this.open.values(), ...this.ending.values()].sort((a, b) => a.id - b.id);
    this.open.clear();
    this.ending.clear();
    const done = open.map((c) => this.close(c));
    return done;
  }

  summary(): TraceSummary {
    return this.counter.summary();
  }

  private expire(nowUs: number): TracedCall[] {
    const done: TracedCall[] = [];
    for (const [id, call] of this.ending) {
      if (call.lastUs + this.lingerUs > nowUs) break;
      this.ending.delete(id);
      done.push(this.close(call));
    }
    for (const [id, call] of this.open) {
      if (call.lastUs + this.idleUs > nowUs && this.open.size + this.ending.size <= this.maxOpen && this.openText <= this.maxOpenText) break;
      this.open.delete(id);
      done.push(this.close(call));
    }
    if (done.length > 0) {
      let oldest = Infinity;
      for (const c of this.open.values()) oldest = Math.min(oldest, c.startUs);
      for (const c of this.ending.values()) oldest = Math.min(oldest, c.startUs);
      this.watch.forgetBefore(oldest === Infinity ? nowUs : oldest);
    }
    return done;
  }

  private close(call: OpenCall): TracedCall {
    for (const e of call.entries) this.openText -= e.text.length;
    if (call.branch !== undefined) {
      call.holds = this.watch.holdsDuring(call.branch, call.startUs, call.lastUs, call.callId);
      this.watch.release(call.branch, call.callId, call.lastUs);
    }
    const facts = factsOf(call);
    const verdict = this.directory === undefined ? undefined : judge(call, facts, { toleranceMs: this.toleranceMs });
    const last = call.entries[call.entries.length - 1];
    const traced: TracedCall = {
      id: call.id, callIds: [call.callId], startUs: call.startUs, durationMs: last?.atMs ?? 0, kind: facts.kind,
      caller: facts.caller, dialled: facts.dialled, outcome: facts.outcome, finalCode: facts.finalCode, survival: facts.survivalAt !== undefined,
      survivalEntry: facts.survivalAt === undefined ? undefined : call.entries.indexOf(facts.survivalAt),
      detectionMs: facts.detectionMs, postDialDelayMs: facts.postDialDelayMs,
      participants: call.participantList(), entries: call.entries, dropped: call.dropped, verdict,
    };
    this.counter.call(traced);
    return traced;
  }
}
