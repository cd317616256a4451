// The invariants verify holds every run to (docs/verify.md). Each check reads one
// simulation of one call and says what went wrong, where to report it, and how bad it is.
import ipaddr from 'ipaddr.js';
import { formatMs, type ActorState, type Branch, type Origin, type Scenario, type ScenarioEvent, type SendEvent } from '../../grammar/src/index.js';
import { callIdOf, reasonOf } from '../simulate/trace.js';
import type { CallResult, SimulationResult, TraceEntry } from '../simulate/types.js';
import { horizonMs } from './explore.js';
import { checkGatewayList } from './gateways.js';
import { checkLocalCall, isLocalCall } from './local-calls.js';
import { outboundGateways, type CallGroup } from './space.js';
import { combination, eventLine } from './text.js';

export type Invariant =
  | 'final-reply' | 'post-dial-budget' | 'emergency-reaches-gateway' | 'no-loop' | 'rang-not-redirected' | 'registration-survives' | 'trust-boundary'
  | 'local-stays-local' | 'gateway-list-carries';

/** One code per invariant, documented in docs/diagnostics.md. */
export const codes: Record<Invariant, string> = {
  'final-reply': 'SURV080',
  'post-dial-budget': 'SURV081',
  'emergency-reaches-gateway': 'SURV082',
  'no-loop': 'SURV083',
  'rang-not-redirected': 'SURV084',
  'registration-survives': 'SURV085',
  'trust-boundary': 'SURV086',
  'local-stays-local': 'SURV087',
  'gateway-list-carries': 'SURV088',
};

export interface Finding {
  readonly invariant: Invariant;
  readonly code: string;
  readonly message: string;
  readonly origin: Origin;
  /** The call it is about (index into the scenario's events). */
  readonly event: number;
  readonly group: CallGroup;
  /** How bad: the post-dial delay for the budget, 0 otherwise. The worst one is reported. */
  readonly weight: number;
}

/** The state an actor is in at `t`: the last matching line wins (as the simulator reads it). */
function stateAt(states: readonly ActorState[], actor: string, t: number): ActorState['state'] {
  let found: ActorState['state'] = 'up';
  for (const s of states) {
    if (s.actor === actor && s.fromMs <= t && (s.untilMs === undefined || t < s.untilMs)) found = s.state;
  }
  return found;
}

/** What kind of call an event is, as verify groups them. */
export function groupOf(branch: Branch, e: ScenarioEvent): CallGroup {
  if (e.kind === 'register') return 'register';
  if (e.kind === 'send') return 'stranger';
  if (e.callerKind === 'gateway') return 'inbound';
  if (!e.targetIsPhone && branch.outbound?.emergency.value.includes(e.target)) return 'emergency';
  return isLocalCall(branch, e) ? 'local' : 'outbound';
}

/** Where a finding about a setting goes: the setting when it is written somewhere, else the branch's name. */
function at(branch: Branch, ...candidates: (Origin | undefined)[]): Origin {
  return candidates.find((o): o is Origin => o?.kind === 'source') ?? branch.origin;
}

/** `an INVITE`, `a REGISTER`. */
const article = (word: string): string => `${/^[AEIOU]/i.test(word) ? 'an' : 'a'} ${word}`;

const replyText = (t: TraceEntry): string => `${t.status ?? t.summary}${reasonOf(t) ? ` ${reasonOf(t)}` : ''}`;

/** An address as the edge compares them: an IP in its canonical text (brackets off), a name in lower case. */
function canonicalHost(host: string): string {
  const bare = host.replace(/^\[|\]$/g, '');
  return ipaddr.isValid(bare) ? ipaddr.parse(bare).toString() : bare.toLowerCase();
}

function sameHostPort(host: string, port: number, other: { address: string; port: number }): boolean {
  return port === other.port && canonicalHost(host) === canonicalHost(other.address);
}

/** Splits a Via sent-by (`host[:port]`, an IPv6 host bracketed). */
function sentBy(text: string): { host: string; port: number } | undefined {
  const hp = /^\[([^\]]+)\](?::(\d+))?$/.exec(text) ?? /^([^:]+)(?::(\d+))?$/.exec(text);
  return hp ? { host: hp[1]!, port: hp[2] ? Number(hp[2]) : 5060 } : undefined;
}

/** Max-Forwards and the Via sent-bys of a request, from its parsed message. */
function requestFacts(t: TraceEntry): { maxForwards: number | undefined; vias: { host: string; port: number }[] } {
  const vias = t.message.via.map((v) => sentBy(v.sentBy)).filter((v) => v !== undefined);
  return { maxForwards: t.message.maxForwards, vias };
}

/** The scenario call a `call` event became: same caller, target and start time. */
function callResultOf(result: SimulationResult, e: ScenarioEvent & { kind: 'call' }, used: Set<number>): CallResult | undefined {
  const c = result.calls.find((x) => !used.has(x.call) && x.caller === e.caller && x.target === e.target && x.startMs === e.atMs);
  if (c) used.add(c.call);
  return c;
}

/** Every invariant violated by the run of `scenario` (one finding per invariant and call at most). */
export function checkRun(branch: Branch, scenario: Scenario, result: SimulationResult): Finding[] {
  const findings: Finding[] = [];
  const used = new Set<number>();
  const combo = combination(scenario.states);
  scenario.events.forEach((e, index) => {
    const group = groupOf(branch, e);
    const label = eventLine(e);
    const add = (invariant: Invariant, message: string, origin: Origin, weight = 0) =>
      findings.push({ invariant, code: codes[invariant], message: `${message} (${combo})`, origin, event: index, group, weight });
    if (e.kind === 'register') {
      checkRegistration(branch, scenario, result, e, label, add);
      return;
    }
    if (e.kind === 'send') {
      checkTrust(branch, result, e, label, add);
      return;
    }
    const call = callResultOf(result, e, used);
    if (!call) return;
    const trace = result.trace.filter((t) => t.call === call.call);
    checkFinalReply(branch, call, trace, label, add);
    if (group === 'outbound' || group === 'emergency' || group === 'local') checkBudget(branch, call, trace, label, add);
    if (group === 'emergency') checkEmergency(branch, scenario, call, label, add);
    checkLoop(branch, trace, label, add);
    if (group === 'outbound' || group === 'local') checkRang(branch, trace, label, add);
    if (group === 'outbound' || group === 'emergency') checkGatewayList(branch, scenario, call, trace, label, group === 'emergency', (message, origin) => add('gateway-list-carries', message, origin));
    if (group === 'local') checkLocalCall(branch, call, trace, label, (message, origin) => add('local-stays-local', message, origin));
  });
  return findings;
}

type Add = (invariant: Invariant, message: string, origin: Origin, weight?: number) => void;

function checkFinalReply(branch: Branch, call: CallResult, trace: readonly TraceEntry[], label: string, add: Add): void {
  const invites = trace.filter((t) => t.from === call.caller && t.summary === 'INVITE');
  const last = invites[invites.length - 1];
  if (!last) return;
  const replies = trace.filter((t) => t.to === call.caller && t.method === 'INVITE' && t.status !== undefined);
  if (replies.some((t) => t.transaction === last.transaction && t.status! >= 200)) return;
  const heard = replies[replies.length - 1];
  const what = heard ? `; the last reply was ${replyText(heard)} at ${formatMs(heard.atMs)}` : '; it got no reply at all';
  add('final-reply', `${label} gets no final reply within ${formatMs(horizonMs)}${what}`, branch.origin);
}

function checkBudget(branch: Branch, call: CallResult, trace: readonly TraceEntry[], label: string, add: Add): void {
  const delay = call.postDialDelayMs;
  const budget = branch.timers.budgetMs.value;
  if (delay === undefined || delay <= budget) return;
  // An upstream that sent only 100 Trying is held to `trying` like a silent one is to
  // `no-answer`: its silence counts against the budget too.
  const first = trace.find((t) => t.to === call.caller && t.method === 'INVITE' && t.status !== undefined && t.status !== 100);
  const until = first ? `; it hears nothing until ${replyText(first)} at ${formatMs(first.atMs - call.startMs)}` : '';
  add('post-dial-budget', `post-dial delay ${formatMs(delay)} is over the budget of ${formatMs(budget)}: ${label}${until}`,
    at(branch, branch.timers.budgetMs.origin, branch.outbound?.viaSpan, branch.outbound?.via.origin), delay);
}

function checkEmergency(branch: Branch, scenario: Scenario, call: CallResult, label: string, add: Add): void {
  const gateways = outboundGateways(branch);
  const up = gateways.filter((g) => stateAt(scenario.states, g, call.startMs) === 'up');
  if (up.length === 0 || call.path.some((actor) => up.includes(actor))) return;
  const list = branch.outbound?.emergencyGateways.value ?? [];
  const why = list.length > 0 ? `it goes to ${list.map((g) => `${g} (${stateAt(scenario.states, g, call.startMs)})`).join(', then ')}` : 'it has no gateway';
  add('emergency-reaches-gateway', `${label} (an emergency number) reaches no gateway that is up: ${why} while ${up.join(', ')} ${up.length === 1 ? 'is' : 'are'} up`,
    at(branch, branch.outbound?.emergencyGateway.origin, branch.outbound?.emergency.origin));
}

function checkLoop(branch: Branch, trace: readonly TraceEntry[], label: string, add: Add): void {
  const listens = branch.listens.value;
  const requests = trace.filter((t) => t.status === undefined && t.from === 'edge');
  for (const t of requests) {
    const upstream = branch.upstreams.find((u) => u.name === t.to);
    const gateway = branch.gateways.find((g) => g.name === t.to);
    const proxy = upstream?.proxy.value;
    const address = gateway?.address.value;
    const self = proxy ? listens.find((l) => sameHostPort(proxy.host, proxy.port, l))
      : address ? listens.find((l) => sameHostPort(address.address, address.port, l)) : undefined;
    if (self) {
      add('no-loop', `${label}: the edge sends the ${t.summary} to ${t.to}, whose address is the edge itself (${self.transport} ${self.family === 6 ? `[${self.address}]` : self.address}:${self.port}); it would come back to the edge and loop until Max-Forwards runs out`,
        at(branch, upstream?.proxy.origin, gateway?.address.origin));
      return;
    }
  }
  // A request with Max-Forwards spent, or one that has passed the edge before. Each
  // transaction once: retransmissions repeat the same message.
  const seen = new Set<string>();
  for (const t of trace) {
    if (t.status !== undefined || seen.has(`${t.from}\0${t.transaction}`)) continue;
    seen.add(`${t.from}\0${t.transaction}`);
    const facts = requestFacts(t);
    if (facts.maxForwards !== undefined && facts.maxForwards <= 0) {
      add('no-loop', `${label}: ${t.from} sends ${article(t.summary)} with Max-Forwards 0 (a routing loop)`, branch.origin);
      return;
    }
    const edgeVias = facts.vias.filter((v) => listens.some((l) => sameHostPort(v.host, v.port, l)));
    if (edgeVias.length > 1) {
      add('no-loop', `${label}: ${article(t.summary)} passes the edge ${edgeVias.length} times in one transaction (a routing loop)`, branch.origin);
      return;
    }
  }
}

function checkRang(branch: Branch, trace: readonly TraceEntry[], label: string, add: Add): void {
  const upstreams = new Set(branch.upstreams.map((u) => u.name));
  const rang = trace.find((t) => t.to === 'edge' && upstreams.has(t.from) && t.method === 'INVITE' && t.status !== undefined && t.status > 100 && t.status < 200);
  if (!rang) return;
  const survival = trace.find((t) => t.from === 'edge' && t.atMs >= rang.atMs && /survival: (announce|redirect|relay)/.test(t.cause));
  if (!survival) return;
  const action = /survival: (announce|redirect|relay)/.exec(survival.cause)![1]!;
  const byPass = /not in pass list/.test(survival.cause);
  add('rang-not-redirected', `${label} rang (${replyText(rang)} from ${rang.from} at ${formatMs(rang.atMs)}) and was still sent to survival (${action}) at ${formatMs(survival.atMs)}`,
    at(branch, byPass ? branch.outbound?.pass.origin : undefined, branch.outbound?.onTimeout.origin));
}

function checkRegistration(branch: Branch, scenario: Scenario, result: SimulationResult, e: ScenarioEvent & { kind: 'register' }, label: string, add: Add): void {
  const reg = result.registrations.find((r) => r.phone === e.phone && r.atMs === e.atMs);
  checkLoop(branch, result.trace.filter((t) => t.method === 'REGISTER'), label, add);
  if (reg?.code === undefined) {
    add('final-reply', `${label} and gets no final reply to its REGISTER within ${formatMs(horizonMs)}`, branch.origin);
    return;
  }
  if (!branch.register.keepLocalCopy.value || reg.code === 200) return;
  const forward = branch.register.forward.value ?? branch.outbound?.via.value[0];
  const answered = result.trace.some((t) => t.from === forward && t.to === 'edge' && t.method === 'REGISTER' && t.status !== undefined && t.status >= 200);
  if (answered) return;
  add('registration-survives', `${label} and gets ${reg.code} while ${forward ?? 'the upstream'} (${stateAt(scenario.states, forward ?? '', e.atMs)}) gives no reply, although keep local copy is set: the phone would lose its registration`,
    at(branch, branch.register.keepLocalCopy.origin));
}

/** What a name in the trace is: an actor of the branch, or a host that is none. */
function whatIs(branch: Branch, name: string): string {
  if (branch.gateways.some((g) => g.name === name)) return `gateway ${name}`;
  if (branch.phones.some((p) => p.name === name)) return `phone ${name}`;
  if (branch.upstreams.some((u) => u.name === name)) return `upstream ${name}`;
  return `host ${name}`;
}

/**
 * SURV086: nothing a source outside the trust model sends (or anything the edge makes of
 * it, which keeps its Call-ID) reaches a gateway, a phone or another host. An upstream
 * may reach the LAN (a phone, a LAN address): only what the model forbids it counts.
 */
function checkTrust(branch: Branch, result: SimulationResult, e: SendEvent, label: string, add: Add): void {
  const first = result.trace.find((t) => t.from === e.source && t.to === 'edge' && t.status === undefined && t.cause.startsWith(`scenario: ${e.source} sends ${e.method}`));
  if (!first) return;
  const callId = callIdOf(first);
  const lanHost = (name: string) => {
    const host = /^\[?([^\]]+?)\]?(?::\d+)?$/.exec(name)?.[1] ?? name;
    return ipaddr.isValid(host) && branch.lans.value.some((n) => {
      const ip = ipaddr.parse(host);
      const net = ipaddr.parse(n.address);
      return net.kind() === ip.kind() && ip.match(net, n.prefix);
    });
  };
  const allowed = (name: string) => e.sourceKind === 'upstream'
    && !branch.gateways.some((g) => g.name === name) && !branch.upstreams.some((u) => u.name === name)
    && (branch.phones.some((p) => p.name === name) || lanHost(name));
  const reached = result.trace.find((t) => t.from === 'edge' && t.to !== e.source && !t.lost && !allowed(t.to) && callIdOf(t) === callId);
  if (!reached) return;
  const who = e.sourceKind === 'stranger' ? `a stranger (${e.address}, outside every LAN, upstream and gateway)` : `upstream ${e.source}`;
  add('trust-boundary', `${label}: the edge sends ${article(reached.summary)} of it to ${whatIs(branch, reached.to)} at ${formatMs(reached.atMs)}; nothing from ${who} may reach ${e.sourceKind === 'stranger' ? 'a gateway, a phone or another host' : 'a gateway or a host outside the LAN'}`,
    branch.origin);
}
