// Checks a scenario's expectations against a simulation's trace.
import type { Expectation, Scenario } from '../../grammar/src/index.js';
import { callIdOf, contactsOf, reasonOf } from './trace.js';
import type { CallResult, SimulationResult, TraceEntry, Verdict } from './types.js';

const secs = (ms: number): string => `${ms / 1000}s`;

type Marks = SimulationResult['marks'];

export function checkExpectations(scenario: Scenario, trace: readonly TraceEntry[], calls: readonly CallResult[], marks: Marks = []): Verdict[] {
  const sent = scenario.events.some((e) => e.kind === 'send') ? sentCalls(trace) : new Set<string>();
  return scenario.expectations.map((e) => check(e, trace, calls, marks, sent));
}

/** The Call-IDs of the requests `sends` lines started: whatever the edge relays of them keeps it. */
function sentCalls(trace: readonly TraceEntry[]): Set<string> {
  return new Set(trace.filter((t) => t.to === 'edge' && t.status === undefined && /^scenario: \S+ sends /.test(t.cause)).map(callIdOf));
}

function verdict(expectation: Expectation, status: Verdict['status'], message: string): Verdict {
  return { expectation, origin: expectation.origin, status, message };
}

function contactOf(entry: TraceEntry): string | undefined {
  return contactsOf(entry)[0];
}

function check(e: Expectation, trace: readonly TraceEntry[], calls: readonly CallResult[], marks: Marks, sentCallIds: ReadonlySet<string>): Verdict {
  if (e.kind === 'marked-down') {
    const downs = marks.filter((m) => m.actor === e.actor && m.event === 'marked-down');
    if (downs.some((m) => m.atMs === e.atMs)) return verdict(e, 'pass', `${e.actor} marked down at ${secs(e.atMs)}`);
    return verdict(e, 'fail', downs.length ? `${e.actor} marked down at ${downs.map((m) => secs(m.atMs)).join(', ')}, not at ${secs(e.atMs)}` : `${e.actor} never marked down`);
  }
  if (e.kind === 'answers') {
    const answers = trace.filter((t) => t.from === e.actor && t.method === 'INVITE' && t.status !== undefined && t.status >= 200 && t.status < 300);
    if (answers.length === 0) return verdict(e, 'fail', `${e.actor} never answered`);
    if (e.atMs === undefined) return verdict(e, 'pass', `${e.actor} answered at ${secs(answers[0]!.atMs)}`);
    const hit = answers.find((t) => t.atMs === e.atMs);
    return hit
      ? verdict(e, 'pass', `${e.actor} answered at ${secs(e.atMs)}`)
      : verdict(e, 'fail', `${e.actor} answered at ${answers.map((t) => secs(t.atMs)).join(', ')}, not at ${secs(e.atMs)}`);
  }
  if (e.kind === 'receives-nothing') {
    const reached = trace.filter((t) => t.to === e.actor && !t.lost && t.status === undefined && sentCallIds.has(callIdOf(t)));
    if (reached.length === 0) return verdict(e, 'pass', `${e.actor} received nothing a sends line started`);
    const first = reached[0]!;
    return verdict(e, 'fail', `${e.actor} received ${first.summary} from ${first.from} at ${secs(first.atMs)}${reached.length > 1 ? ` (and ${reached.length - 1} more)` : ''}`);
  }
  // What the network lost never reached the actor. A stranger's replies count whatever the request.
  const replyTo = (t: TraceEntry) => t.method === 'INVITE' || e.actor === 'stranger';
  const got = trace.filter((t) => t.to === e.actor && replyTo(t) && t.status === e.code && !t.lost);
  const start = calls.find((c) => c.caller === e.actor)?.startMs ?? 0;
  const fits = (t: TraceEntry): string | undefined => {
    if (e.atMs !== undefined && t.atMs !== e.atMs) return `at ${secs(t.atMs)}, not ${secs(e.atMs)}`;
    if (e.withinMs !== undefined && t.atMs - start > e.withinMs) return `after ${secs(t.atMs - start)}, not within ${secs(e.withinMs)}`;
    if (e.contact !== undefined && contactOf(t) !== e.contact) return `with contact ${contactOf(t) ?? '(none)'}, not ${e.contact}`;
    if (e.reason !== undefined && reasonOf(t) !== e.reason) return `with reason "${reasonOf(t)}", not "${e.reason}"`;
    return undefined;
  };
  if (got.length === 0) {
    const seen = trace.filter((t) => t.to === e.actor && replyTo(t) && t.status !== undefined && t.status !== 100 && !t.lost);
    return verdict(e, 'fail', `${e.actor} never got ${e.code}${seen.length ? ` (got ${seen.map((t) => `${t.status} at ${secs(t.atMs)}`).join(', ')})` : ''}`);
  }
  const misses: string[] = [];
  for (const t of got) {
    const miss = fits(t);
    if (miss === undefined) return verdict(e, 'pass', `${e.actor} got ${e.code} at ${secs(t.atMs)}`);
    misses.push(miss);
  }
  return verdict(e, 'fail', `${e.actor} got ${e.code} ${misses.join('; ')}`);
}
