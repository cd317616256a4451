// The scenario view: a simulator trace as a ladder. One arrow per trace entry, in
// order, with its virtual time; retransmissions and lost messages drawn differently;
// timer expiries and probing decisions as notes; the survival phase tinted; parallel
// forks as `par`.
import { formatMs, type Branch, type Origin, type Scenario, type SurvivalAction } from '../../grammar/src/index.js';
import type { SimulationResult, TraceEntry } from '../simulate/index.js';
import { kindOf, labelOf, upstreamOrder } from './devices.js';
import { OriginFinder } from './origins.js';
import { SequenceBuilder, SURVIVAL_TINT, type Arrow, type RecordedMessage } from './sequence.js';
import { contactUri, uriUser } from './sip-text.js';

interface Note {
  readonly over: readonly string[];
  readonly text: string;
}

export interface BuiltDiagram {
  readonly mermaid: string;
  readonly messages: readonly RecordedMessage[];
}

export function scenarioDiagram(branch: Branch, scenario: Scenario, result: SimulationResult, autonumber: boolean): BuiltDiagram {
  const trace = result.trace;
  const out = new SequenceBuilder(`${branch.name}: ${scenario.title}`, autonumber);
  for (const name of participantOrder(branch, scenario, trace)) out.participant(name, labelOf(branch, name));
  const everyone = out.participants;

  for (const note of result.notes) out.note(everyone, note);
  const before = notesBefore(branch, result);
  const survival = survivalRange(trace);
  const origins = new OriginFinder(branch, scenario);
  const expected = expectationHits(scenario, trace);

  const emit = (i: number) => {
    const entry = trace[i]!;
    out.message(entry.from, arrowOf(entry), entry.to, labelOf_(entry), {
      text: entry.text, origin: origins.of(entry), atMs: entry.atMs, cause: entry.cause, expectation: expected.get(i),
    });
  };

  for (let i = 0; i < trace.length; i++) {
    if (survival && i === survival.start) out.tint(SURVIVAL_TINT);
    for (const note of before.get(i) ?? []) out.note(note.over, note.text);
    if (survival && i === survival.start) out.note(everyone, `survival: ${describeActions(branch.outbound?.onTimeout.value ?? [])}`);
    const last = forkEnd(trace, i, before, survival);
    if (last > i) {
      out.open('par', `to ${trace[i]!.to}`);
      for (let k = i; k <= last; k++) {
        if (k > i) out.next(`to ${trace[k]!.to}`);
        emit(k);
      }
      out.close();
    } else {
      emit(i);
    }
    if (survival && last >= survival.end && i <= survival.end) out.close();
    i = last;
  }
  for (const note of before.get(trace.length) ?? []) out.note(note.over, note.text);
  return { mermaid: out.toString(), messages: out.messages };
}

/** Phones in the order they first take part, the edge, the upstreams in `via` order, the gateways; then anything else. */
function participantOrder(branch: Branch, scenario: Scenario, trace: readonly TraceEntry[]): string[] {
  const seen: string[] = [];
  const add = (name: string) => {
    if (!seen.includes(name)) seen.push(name);
  };
  for (const t of trace) {
    add(t.from);
    add(t.to);
  }
  for (const e of scenario.events) add(e.kind === 'call' ? e.caller : e.kind === 'register' ? e.phone : e.source);
  const phones = seen.filter((n) => kindOf(branch, n) === 'phone');
  const others = seen.filter((n) => kindOf(branch, n) === 'other');
  return [...phones, 'edge', ...upstreamOrder(branch), ...branch.gateways.map((g) => g.name), ...others];
}

function isReply(entry: TraceEntry): boolean {
  return entry.status !== undefined;
}

/** Never arrived: the network lost it, or the receiver refused the TCP connection. */
function isLost(entry: TraceEntry): boolean {
  return entry.lost === true;
}

function retransmission(entry: TraceEntry): number | undefined {
  const n = /retransmission (\d+)/.exec(entry.cause)?.[1];
  return n === undefined ? undefined : Number(n);
}

function arrowOf(entry: TraceEntry): Arrow {
  const reply = isReply(entry);
  if (isLost(entry)) return reply ? '--x' : '-x';
  if (retransmission(entry) !== undefined) return reply ? '--)' : '-)';
  return reply ? '-->>' : '->>';
}

/** What the message is: `INVITE 944000000`, `181 Survival Activated`, `302 Moved Temporarily → sip:…`, `200 OK (BYE)`. */
export function describeMessage(entry: TraceEntry): string {
  const m = entry.message;
  if (m.status !== undefined) {
    let text = `${m.status} ${m.reason ?? ''}`.trim();
    const contact = m.status >= 300 && m.status < 400 ? contactUri(m) : undefined;
    if (contact !== undefined) text += ` → ${contact}`;
    if (entry.method !== 'INVITE') text += ` (${entry.method})`;
    return text;
  }
  const method = m.method ?? entry.summary;
  return method === 'INVITE' && m.uri !== undefined ? `INVITE ${uriUser(m.uri)}` : method;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)}s`;
}

function labelOf_(entry: TraceEntry): string {
  const what = describeMessage(entry);
  const n = retransmission(entry);
  const time = `(${seconds(entry.atMs)})`;
  if (isLost(entry)) return `✗ ${what}${n === undefined ? '' : ` retransmission ${n}`} ${/refused/.test(entry.cause) ? 'refused' : 'lost'} ${time}`;
  if (n !== undefined) return `↻ ${what} retransmission ${n} ${time}`;
  return `${what} ${time}`;
}

/** `181 Survival Activated - please standby then 302 to pstn`. */
export function describeActions(actions: readonly SurvivalAction[]): string {
  if (actions.length === 0) return '408, no survival action';
  return actions.map((a) => {
    switch (a.kind) {
      case 'announce': return `${a.code} ${a.reason}`;
      case 'redirect': return `${a.code} to ${a.gateway}`;
      case 'relay': return `relay to ${a.gateway}`;
    }
  }).join(' then ');
}

/** Timer expiries and local registrations (before the first message they caused) and probing decisions (when they happened). */
function notesBefore(branch: Branch, result: SimulationResult): Map<number, Note[]> {
  const trace = result.trace;
  const notes = new Map<number, Note[]>();
  const add = (i: number, note: Note) => notes.set(i, [...(notes.get(i) ?? []), note]);
  const seen = new Set<string>();
  const ringFor = new Map<string, string>();
  trace.forEach((t, i) => {
    const ring = /ring [^\s:;,]+ for ([\d.]+)s/.exec(t.cause)?.[1];
    if (ring !== undefined && t.from === 'edge') ringFor.set(`${t.call}|${t.to}`, `ring ${ring}s`);
    const m = /\b(fr_timer|fr_inv_timer) fired(?: on ([^\s:;,(]+))?/.exec(t.cause);
    if (!m) return;
    const key = `${t.atMs}|${m[1]}|${m[2] ?? ''}|${t.call}`;
    if (seen.has(key)) return;
    seen.add(key);
    add(i, { over: ['edge'], text: timerNote(branch, t.cause, m[1]!, m[2], ringFor.get(`${t.call}|${m[2]}`)) });
  });
  for (const r of result.registrations ?? []) {
    if (r.via !== 'local-copy') continue;
    const i = trace.findIndex((t) => t.to === r.phone && t.method === 'REGISTER' && (t.status ?? 0) >= 200 && t.atMs >= r.atMs);
    if (i >= 0) add(i, { over: ['edge'], text: `${r.phone} registered from the edge's local copy (keep local copy)` });
  }
  for (const mark of result.marks) {
    const i = trace.findIndex((t) => t.atMs > mark.atMs);
    const word = mark.event === 'marked-down' ? 'marked down' : 'marked up';
    add(i < 0 ? trace.length : i, { over: ['edge', mark.actor], text: `${mark.actor} ${word} (${mark.cause}) ${seconds(mark.atMs)}` });
  }
  return notes;
}

function timerNote(branch: Branch, cause: string, timer: string, target: string | undefined, ring: string | undefined): string {
  const t = branch.timers;
  if (timer === 'fr_timer') {
    const next = /serial failover to ([^\s:;,]+)/.exec(cause)?.[1];
    const then = next !== undefined ? `: next upstream ${next}` : /survival: /.test(cause) ? ': survival' : '';
    return `fr_timer fired on ${target ?? '?'} (no-answer ${formatMs(t.noAnswerMs.value)})${then}`;
  }
  if (/only 100 Trying/.test(cause)) {
    // The simulator's edge: an upstream that sent only 100 Trying counts as silent at `trying`.
    const next = /serial failover to ([^\s:;,]+)/.exec(cause)?.[1];
    const then = next !== undefined ? `: next upstream ${next}` : /survival: /.test(cause) ? ': survival' : '';
    return `fr_inv_timer fired on ${target ?? '?'} (only 100 Trying within trying ${formatMs(t.tryingMs.value)})${then}`;
  }
  if (target !== undefined) return `fr_inv_timer fired on ${target}${ring ? ` (${ring})` : ''}`;
  return `fr_inv_timer fired (ringing ${formatMs(t.ringingMs.value)} after a provisional): 408, no survival`;
}

/** From the first message sent in survival to the last message of the calls that went there. */
function survivalRange(trace: readonly TraceEntry[]): { start: number; end: number } | undefined {
  const start = trace.findIndex((t) => /;\s*survival: /.test(t.cause));
  if (start < 0) return undefined;
  const calls = new Set(trace.filter((t) => /;\s*survival: /.test(t.cause)).map((t) => t.call));
  let end = start;
  trace.forEach((t, i) => {
    if (calls.has(t.call)) end = Math.max(end, i);
  });
  return { start, end };
}

/**
 * The last entry of a parallel fork starting at `i`: the same message (time, sender,
 * summary, cause, call) to different receivers, with no note between them and all on
 * the same side of the survival tint. `i` itself when there is none.
 */
function forkEnd(trace: readonly TraceEntry[], i: number, notes: Map<number, Note[]>, survival: { start: number; end: number } | undefined): number {
  const first = trace[i]!;
  const inside = (k: number) => survival !== undefined && k >= survival.start && k <= survival.end;
  const receivers = new Set([first.to]);
  let j = i;
  for (;;) {
    const next = trace[j + 1];
    if (!next || notes.has(j + 1) || inside(j + 1) !== inside(i) || (survival && j + 1 === survival.start)) break;
    const same = next.atMs === first.atMs && next.from === first.from && next.summary === first.summary
      && next.cause === first.cause && next.call === first.call && !receivers.has(next.to);
    if (!same) break;
    receivers.add(next.to);
    j++;
  }
  return j;
}

/** The message each `gets`/`answers` expectation matched, by trace index. */
function expectationHits(scenario: Scenario, trace: readonly TraceEntry[]): Map<number, Origin> {
  const hits = new Map<number, Origin>();
  for (const e of scenario.expectations) {
    let i = -1;
    if (e.kind === 'gets') {
      i = trace.findIndex((t) => t.to === e.actor && t.method === 'INVITE' && t.status === e.code
        && (e.atMs === undefined || t.atMs === e.atMs) && (e.contact === undefined || contactUri(t.message) === e.contact));
    } else if (e.kind === 'answers') {
      i = trace.findIndex((t) => t.from === e.actor && t.method === 'INVITE' && t.status !== undefined
        && t.status >= 200 && t.status < 300 && (e.atMs === undefined || t.atMs === e.atMs));
    }
    if (i >= 0 && !hits.has(i)) hits.set(i, e.origin);
  }
  return hits;
}
