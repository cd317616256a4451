// The verdict on one captured call (docs/trace.md, "Verdicts"): what the design says the
// edge should have done, given what the far side did, against what the edge did. The
// simulator decides what the design says: it plays the call with the captured far side
// (each upstream, gateway or called phone sends the replies it sent, when it sent them;
// SimulateOptions.replies), and its ladder is held to the captured one the way `surv
// replay` holds it to the real Kamailio. The named rules then say, with the numbers, what
// an engineer asks first: did it go to survival when it should, only then, in time,
// straight to the gateway for an emergency, never for a stranger.
import { formatMs, type Origin, type Scenario, type ScenarioEvent } from '../../grammar/src/index.js';
import type { RoutingPlan } from '../plan/index.js';
import { simulate, type ScriptedReply, type TraceEntry } from '../simulate/index.js';
import { survivalMessage, type CallFacts, type OpenCall } from './call.js';
import { compare, numbersOf, simSteps, type Comparison, type Row, type Step } from './compare.js';
import type { ObservedRecord } from './observed.js';
import type { CallVerdict, ExpectedRow, Participant, RuleFinding } from './types.js';

export const RULES = {
  'survival-on-silence': 'SURV090',
  'no-diversion-after-reply': 'SURV091',
  'emergency-direct': 'SURV092',
  'stranger-refused': 'SURV093',
  'post-dial-delay': 'SURV094',
  'matches-design': 'SURV095',
} as const;

export type RuleName = keyof typeof RULES;

const s3 = (ms: number) => `${(ms / 1000).toFixed(3)}s`;

function finding(rule: RuleName, ok: boolean, message: string, origin: Origin | undefined): RuleFinding {
  return { code: RULES[rule], rule, status: ok ? 'pass' : 'violation', message, origin };
}

function unjudged(reason: string, facts: CallFacts, branch: string | undefined): CallVerdict {
  return {
    status: 'unjudged', reason, branch, findings: [], detectionMs: facts.detectionMs, postDialDelayMs: facts.postDialDelayMs,
    expected: undefined, rows: undefined,
  };
}

/** What the far side did in the call: per device the edge sent INVITEs to, its replies to each, in order. */
function farSide(call: OpenCall, caller: string): Record<string, ScriptedReply[][]> {
  const replies: Record<string, ScriptedReply[][]> = {};
  for (const invite of call.entries) {
    if (invite.from !== 'edge' || invite.summary !== 'INVITE' || invite.retransmission > 0 || invite.to === caller) continue;
    const kind = call.kindOf(invite.to);
    if (kind !== 'upstream' && kind !== 'gateway' && kind !== 'phone') continue;
    // What the device did of itself: its replies until the edge cancelled the INVITE (the
    // 487 after that answers the edge, and the simulated device gives it in its own time).
    // Repeats included: the simulated actor replays exactly what the capture shows.
    const cancel = call.entries.find((e) => e.from === 'edge' && e.to === invite.to && e.summary === 'CANCEL' && e.transaction === invite.transaction);
    (replies[invite.to] ??= []).push(call.entries
      .filter((e) => e.from === invite.to && e.to === 'edge' && e.status !== undefined && e.method === 'INVITE' && e.transaction === invite.transaction
        && (cancel === undefined || e.atMs < cancel.atMs))
      .map((e) => ({ code: e.status!, reason: e.scanned.reason ?? '', afterMs: Math.round(e.atMs - invite.atMs) })));
  }
  return replies;
}

/** The scenario the call was: who called what (or what a stranger sent), at time 0. */
function eventOf(call: OpenCall, facts: CallFacts, plan: RoutingPlan): ScenarioEvent | string {
  const first = facts.first!;
  const origin: Origin = { kind: 'default' };
  if (facts.kind === 'stranger') {
    const method = first.summary;
    if (!['INVITE', 'REGISTER', 'OPTIONS', 'MESSAGE', 'BYE'].includes(method)) return `a stranger's ${method} is not a request the simulator sends`;
    return {
      kind: 'send', source: 'stranger', sourceKind: 'stranger', address: first.src.address, method: method as 'INVITE',
      uri: first.scanned.uri ?? '', route: (first.scanned.route ?? []).map((r) => r.replace(/^<|>$/g, '')), toTag: first.scanned.toTag !== undefined, atMs: 0, origin,
    };
  }
  const caller = facts.caller!;
  const kind = call.kindOf(caller);
  if (facts.dialled === undefined) return `the caller's INVITE names no number (${first.scanned.uri ?? ''})`;
  if (facts.kind === 'inbound') {
    if (kind === 'gateway') return { kind: 'call', caller, callerKind: kind, target: facts.dialled, targetIsPhone: false, atMs: 0, origin };
    if (kind !== 'upstream') return `${caller} is no gateway or upstream of the design`;
    // An upstream's call is a request it sends, as a scenario's `UPSTREAM sends INVITE URI`.
    return {
      kind: 'send', source: caller, sourceKind: 'upstream', address: first.src.address, method: 'INVITE', uri: first.scanned.uri ?? '',
      route: (first.scanned.route ?? []).map((r) => r.replace(/^<|>$/g, '')), toTag: false, atMs: 0, origin,
    };
  }
  if (kind !== 'phone' || !plan.phones.some((p) => p.name === caller)) return `the caller ${caller} is no phone of the design`;
  return { kind: 'call', caller, callerKind: 'phone', target: facts.dialled, targetIsPhone: false, atMs: 0, origin };
}

/** The messages the edge sent in the caller's INVITE transactions and those it started: what the design decides. */
function edgeSteps(steps: readonly Step[], untilMs: number): Step[] {
  return steps.filter((s) => s.from === 'edge' && s.method === 'INVITE' && s.atMs <= untilMs);
}

function observedSteps(call: OpenCall, rename: (name: string) => string): Step[] {
  return call.entries.map((e) => {
    const s = e.scanned;
    return {
      atMs: e.atMs, from: rename(e.from), to: rename(e.to), summary: e.summary, method: e.method, contact: s.contact, line: s.line,
      numbers: s.method === 'INVITE' ? numbersOf(s.uri, s.pai, s.privacy) : undefined,
    };
  });
}

/**
 * The Contact of a message the edge relays is the phone's or the far side's, written in
 * its own form (a port, a transport parameter), which says nothing about the edge: only
 * a redirect the edge makes itself (survival's 302) is held to the design's Contact.
 */
function edgeContactsOnly(steps: readonly Step[], farSideRedirected: boolean): Step[] {
  return steps.map((s) => (/^3\d\d$/.test(s.summary) && !farSideRedirected ? s : { ...s, contact: undefined }));
}

const stepText = (s: Step | undefined) => (s === undefined ? undefined : `${s3(s.atMs)}  ${s.from} -> ${s.to}  ${s.line.replace(/ SIP\/2\.0$/, '').replace(/^SIP\/2\.0 /, '')}`);

function rowsOf(c: Comparison): ExpectedRow[] {
  return c.rows.map((r: Row) => ({ expected: stepText(r.sim), observed: stepText(r.live), status: r.status, deltaMs: r.deltaMs }));
}

function rowProblem(r: Row): string {
  const what = stepText(r.sim ?? r.live) ?? '';
  switch (r.status) {
    case 'missing': return `the design sends ${what}; the capture does not have it`;
    case 'extra': return `the capture has ${what}; the design does not send it`;
    case 'late': case 'early': return `${what} ${Math.round(Math.abs(r.deltaMs ?? 0))} ms ${r.status} (design ${s3(r.sim!.atMs)}, seen ${s3(r.live!.atMs)})`;
    case 'reason': return `${what}: another reason phrase (${r.live?.line ?? ''})`;
    case 'numbers': return `${what}: other numbers (${r.live?.numbers ?? ''})`;
    default: return what;
  }
}

export interface JudgeOptions {
  readonly toleranceMs: number;
}

/** The verdict on a finished call of a branch. */
export function judge(call: OpenCall, facts: CallFacts, options: JudgeOptions): CallVerdict {
  const entry = call.branch;
  if (entry === undefined) return unjudged('no branch of the design has its edge at any address of this call', facts, undefined);
  const { branch, plan } = entry;
  if (!['outbound', 'emergency', 'local', 'inbound', 'stranger'].includes(facts.kind)) {
    return unjudged(`a ${facts.kind === 'register' ? 'registration' : `${facts.first?.summary ?? 'message'} transaction`} is not a call the design routes`, facts, branch.name);
  }
  const event = eventOf(call, facts, plan);
  if (typeof event === 'string') return unjudged(event, facts, branch.name);

  const caller = facts.kind === 'stranger' ? 'stranger' : facts.caller!;
  const rename = (name: string) => (call.kindOf(name) === 'stranger' ? 'stranger' : name);
  const replies = farSide(call, facts.caller!);
  const hangup = call.entries.find((e) => e.from === facts.caller && (e.summary === 'CANCEL' || e.summary === 'BYE'));
  const lastMs = call.entries[call.entries.length - 1]?.atMs ?? 0;
  const untilMs = Math.min(hangup?.atMs ?? Infinity, lastMs + options.toleranceMs);
  const scenario: Scenario = {
    title: `captured call ${call.id}`, uri: branch.uri, origin: branch.origin, branch: branch.name, states: [], events: [event],
    lossPercent: 0, seed: 1, expectations: [],
  };
  // A phone follows a redirect or not as it pleases: the simulated caller does what the captured one did.
  const redirect = call.entries.findIndex((e) => e.to === facts.caller && e.method === 'INVITE' && /^3\d\d$/.test(e.summary));
  const followRedirect = redirect < 0 || call.entries.some((e, i) => i > redirect && e.from === facts.caller && e.summary === 'INVITE' && e.transaction !== facts.first!.transaction);
  const result = simulate(branch, scenario, {
    // Only what the capture can be held to is played: nothing after the caller hung up or the capture ended.
    replies, followRedirect, initially: { markedDown: call.markedDown, holds: call.holds }, untilMs: untilMs + 1,
  });
  const expected = result.trace.filter((e) => e.call === 0 || (e.call === -1 && e.method !== 'OPTIONS' && e.method !== 'REGISTER'));
  const farSideRedirected = call.entries.some((e) => e.to === 'edge' && e.from !== facts.caller && /^3\d\d$/.test(e.summary));
  const comparison = compare(
    edgeContactsOnly(edgeSteps(simSteps(expected), untilMs), farSideRedirected),
    edgeContactsOnly(edgeSteps(observedSteps(call, rename), untilMs), farSideRedirected),
    options.toleranceMs,
  );

  const kindOfExpected = (name: string): Participant['kind'] | undefined => {
    if (name === 'edge') return 'edge';
    if (plan.phones.some((p) => p.name === name)) return 'phone';
    if (plan.upstreams.some((u) => u.name === name)) return 'upstream';
    if (plan.gateways.some((g) => g.name === name)) return 'gateway';
    return name === 'stranger' ? 'stranger' : 'unknown';
  };
  const findings: RuleFinding[] = [];
  const timers = plan.timers;
  if (facts.kind === 'outbound' || facts.kind === 'local') {
    const wanted = survivalMessage(expected.filter((e) => e.atMs <= untilMs), kindOfExpected, caller, plan);
    const seen = facts.survivalAt;
    const farReplies = call.entries.filter((e) => e.to === 'edge' && call.kindOf(e.from) === 'upstream' && e.method === 'INVITE' && (e.status ?? 0) > 100 && e.retransmission === 0)
      .map((e) => ({ name: e.from, code: e.status!, reason: e.scanned.reason ?? '', atMs: e.atMs }));
    if (wanted !== undefined) {
      const silent = Object.entries(replies).filter(([name, lists]) => call.kindOf(name) === 'upstream' && lists.flat().every((r) => r.code === 100)).map(([name]) => name);
      const why = silent.length > 0 ? `${silent.join(', ')} gave no reply but 100 at most` : 'no upstream took the call';
      const design = `the design goes to survival at ${s3(wanted.atMs)} (no-answer ${formatMs(timers.noAnswerMs)})`;
      if (seen === undefined) {
        const got = finalTo(call.entries, facts.caller!);
        findings.push(finding('survival-on-silence', false, `${why}; ${design}, the edge did not${got ? `: the caller got ${got}` : ''}`, plan.timers.noAnswerOrigin));
      } else {
        const delta = seen.atMs - wanted.atMs;
        const ok = Math.abs(delta) <= options.toleranceMs;
        findings.push(finding('survival-on-silence', ok, `${why}; survival at ${s3(seen.atMs)} (${describe(seen)}), detection ${Math.round(facts.detectionMs ?? 0)} ms; ${design}${ok ? '' : `: ${Math.round(Math.abs(delta))} ms ${delta > 0 ? 'late' : 'early'}`}`, plan.timers.noAnswerOrigin));
      }
    } else if (seen !== undefined) {
      const reply = farReplies[0];
      const said = reply ? `${reply.name} replied ${reply.code} ${reply.reason} at ${s3(reply.atMs)}` : 'the far side answered';
      findings.push(finding('no-diversion-after-reply', false, `${said}; the design never diverts this call, but the edge went to survival at ${s3(seen.atMs)} (${describe(seen)})`, plan.outbound?.actionsOrigin));
    } else if (farReplies.length > 0) {
      const reply = farReplies[0]!;
      findings.push(finding('no-diversion-after-reply', true, `${reply.name} replied ${reply.code} ${reply.reason} at ${s3(reply.atMs)}; the edge did not divert, as designed`, plan.outbound?.actionsOrigin));
    }
  }
  if (facts.kind === 'emergency') {
    const want = expected.find((e) => e.from === 'edge' && e.summary === 'INVITE');
    const got = call.entries.find((e) => e.from === 'edge' && e.summary === 'INVITE');
    const upstream = call.entries.find((e) => e.from === 'edge' && e.summary === 'INVITE' && call.kindOf(e.to) === 'upstream');
    const ok = upstream === undefined && got?.to === want?.to;
    const message = upstream !== undefined
      ? `emergency ${facts.dialled ?? ''} went to the upstream ${upstream.to} at ${s3(upstream.atMs)}; the design sends it straight to ${want?.to ?? 'its gateway'}`
      : got === undefined ? `emergency ${facts.dialled ?? ''} was sent nowhere; the design sends it straight to ${want?.to ?? 'its gateway'}`
        : `emergency ${facts.dialled ?? ''} went to ${got.to} at ${s3(got.atMs)}${ok ? ', straight to its gateway as designed' : `; the design sends it to ${want?.to ?? 'no gateway'}`}`;
    findings.push(finding('emergency-direct', ok, message, plan.outbound?.emergency.origin));
  }
  if (facts.kind === 'stranger') {
    const relayed = call.entries.find((e) => e.from === 'edge' && e.to !== facts.caller && e.status === undefined);
    const answer = call.entries.find((e) => e.from === 'edge' && e.to === facts.caller && (e.status ?? 0) >= 200);
    const want = expected.find((e) => e.from === 'edge' && e.to === 'stranger' && (e.status ?? 0) >= 200);
    const source = facts.first!.src.address;
    const message = relayed !== undefined
      ? `the edge relayed ${source}'s ${facts.first!.summary} to ${relayed.to} at ${s3(relayed.atMs)}; ${source} is outside the trust model`
      : `${source} is outside the trust model: the edge answered ${answer ? `${answer.summary} at ${s3(answer.atMs)}` : 'nothing'} and relayed nothing${want && answer?.status !== want.status ? ` (the design answers ${want.summary})` : ''}`;
    findings.push(finding('stranger-refused', relayed === undefined, message, plan.trust.lansOrigin));
  }
  if (facts.kind === 'outbound' || facts.kind === 'local' || facts.kind === 'emergency') {
    const budget = branch.timers.budgetMs.value;
    const heard = facts.postDialDelayMs ?? finalTo(call.entries, facts.caller!, true) ?? lastMs;
    const ok = heard <= budget + options.toleranceMs;
    const what = facts.postDialDelayMs !== undefined ? `post-dial delay ${s3(facts.postDialDelayMs)}` : `no ringing or answer for ${s3(heard)}`;
    findings.push(finding('post-dial-delay', ok, `${what}; the budget is ${formatMs(budget)}`, branch.timers.budgetMs.origin));
  }
  const bad = comparison.rows.filter((r) => r.status !== 'ok');
  findings.push(finding('matches-design', comparison.agree,
    comparison.agree
      ? `the edge's ${comparison.rows.length} message${comparison.rows.length === 1 ? '' : 's'} agree${comparison.rows.length === 1 ? 's' : ''} with the design's, max |seen - design| ${Math.round(comparison.maxDeltaMs)} ms`
      : `${bad.length} of the edge's messages ${bad.length === 1 ? 'differs' : 'differ'} from the design's: ${rowProblem(bad[0]!)}${bad.length > 1 ? `; and ${bad.length - 1} more` : ''}`,
    branch.origin));
  const violation = findings.some((f) => f.status === 'violation');
  return {
    status: violation ? 'violation' : 'pass', reason: undefined, branch: branch.name, findings,
    detectionMs: facts.detectionMs, postDialDelayMs: facts.postDialDelayMs,
    expected: violation ? expected : undefined, rows: violation ? rowsOf(comparison) : undefined,
  };
}

function describe(e: TraceEntry): string {
  return e.status !== undefined ? `${e.status} to ${e.to}` : `${e.summary} to ${e.to}`;
}

/** The caller's final reply as text (`408 Request Timeout at 2.004s`), or its time with `timeOnly`. */
function finalTo(entries: readonly ObservedRecord[], caller: string): string | undefined;
function finalTo(entries: readonly ObservedRecord[], caller: string, timeOnly: true): number | undefined;
function finalTo(entries: readonly ObservedRecord[], caller: string, timeOnly?: true): string | number | undefined {
  const f = entries.find((e) => e.to === caller && e.method === 'INVITE' && (e.status ?? 0) >= 200);
  if (f === undefined) return undefined;
  return timeOnly ? f.atMs : `${f.scanned.line.replace(/^SIP\/2\.0 /, '')} at ${s3(f.atMs)}`;
}

