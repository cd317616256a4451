// The design view of a branch, drawn from the policy alone (no scenario): the normal
// path and the survival path of an outgoing call side by side in one `alt`, the
// emergency route, and the incoming ring chain with its parallel forks. What happens in
// survival and to an emergency number is drawn from the routing plan (engines/plan/),
// the decisions the simulator interprets and the exporter writes; so are the incoming
// ring steps, as written (the plan keeps them beside the expanded steps the edge runs).
import { formatMs, type Branch, type Origin } from '../../grammar/src/index.js';
import {
  buildRoutingPlan, gatewayFailover, proxyReplies, type PlanGatewayRef, type PlanInbound, type PlanLocalRoute, type PlanOutbound, type PlanWrittenStep,
} from '../plan/index.js';
import { edgeLabel, gatewayLabel, hostPortText, phoneLabel, upstreamLabel, upstreamOrder } from './devices.js';
import { didLabel, extensionPatternLabels, gatewayNumbersNote, rulesText } from './numbers.js';
import { preferSource } from './origins.js';
import type { BuiltDiagram } from './scenario.js';
import { SequenceBuilder, SURVIVAL_TINT } from './sequence.js';

/** The participant standing for every phone of the LANs placing an outgoing call (no .surv name has a space). */
const CALLER = 'lan phones';

export function designDiagram(branch: Branch, autonumber: boolean): BuiltDiagram {
  const out = new SequenceBuilder(`${branch.name}: design`, autonumber);
  const plan = buildRoutingPlan(branch);
  const local = plan.outbound && shownLocal(plan.outbound);
  const phones = plan.inbound ? inboundPhones(plan.inbound) : [];
  for (const p of local?.written.flatMap((w) => w.phones) ?? []) if (!phones.includes(p.name)) phones.push(p.name);
  if (branch.outbound) out.participant(CALLER, ['phones', ...branch.lans.value.map((l) => `lan ${l.cidr}`)], 'phones');
  for (const p of phones) out.participant(p, phoneLabel(branch, p));
  out.participant('edge', edgeLabel(branch));
  for (const u of upstreamOrder(branch)) out.participant(u, upstreamLabel(branch, u));
  for (const g of branch.gateways) out.participant(g.name, gatewayLabel(branch, g.name));

  if (branch.outbound && plan.outbound) outbound(out, branch, plan.outbound);
  if (plan.outbound && local) localCall(out, plan.outbound, local);
  if (plan.inbound) inbound(out, plan.inbound);
  if (!branch.outbound && !branch.inbound) out.note(out.participants, 'no outbound or inbound policy');
  return { mermaid: out.toString(), messages: out.messages };
}

function outbound(out: SequenceBuilder, branch: Branch, plan: PlanOutbound): void {
  const policy = branch.outbound!;
  const t = branch.timers;
  const noAnswer = formatMs(t.noAnswerMs.value);
  const via = policy.via.value.filter((n) => out.has(n));
  const viaOrigin = preferSource(policy.viaSpan, policy.via.origin, policy.origin);
  const pass = policy.pass.value;
  const passText = pass === 'all' ? 'every reply passes' : `${pass.map((p) => ('code' in p ? String(p.code) : `${p.class}xx`)).join(', ')} pass`;
  const passOrigin = preferSource(policy.pass.origin, policy.origin);

  out.note(out.participants, `outgoing call from the lan, via ${via.join(', ') || 'no upstream'}`);
  out.message(CALLER, '->>', 'edge', 'INVITE number', { origin: policy.origin });
  for (const u of branch.upstreams.filter((x) => via.includes(x.name) && x.probe)) {
    const p = u.probe!;
    out.note(['edge', u.name], [
      `probing ${u.name}: OPTIONS every ${formatMs(p.everyMs.value)}, timeout ${formatMs(p.timeoutMs.value)}`,
      `down after ${p.downAfter.value} misses, up after ${p.upAfter.value} answers, holdoff ${formatMs(p.holdoffMs.value)}`,
    ]);
  }

  via.forEach((name, i) => {
    const upstream = branch.upstreams.find((u) => u.name === name);
    const earlier = via.slice(0, i);
    if (i === 0) out.open('alt', `${name} replies within no-answer ${noAnswer}`);
    else out.next(`${earlier.join(', ')} silent for ${noAnswer}${earlier.length > 1 ? ' each' : ''}, ${name} replies`);
    for (const silent of earlier) silentUpstream(out, branch, silent, viaOrigin);
    out.message('edge', '->>', name, 'INVITE number', { origin: i === 0 ? viaOrigin : t.noAnswerMs.origin });
    out.message(name, '-->>', 'edge', 'reply', { origin: upstream?.origin });
    out.message('edge', '-->>', CALLER, `reply relayed (${passText})`, { origin: passOrigin });
  });

  // A written trying is drawn; the default one (the no-answer value) is implied by no-answer.
  const trying = t.tryingMs.origin.kind === 'source' ? ` (or only 100 Trying within trying ${formatMs(t.tryingMs.value)})` : '';
  const why = pass === 'all' ? `no reply within no-answer ${noAnswer}${trying}` : `no reply within no-answer ${noAnswer}${trying}, or a final reply that does not pass`;
  const label = via.length > 1 ? `${why} from each of ${via.join(', ')}: survival` : `${why}: survival`;
  if (via.length === 0) out.open('alt', label);
  else out.next(label);
  out.tint(SURVIVAL_TINT);
  for (const silent of via) silentUpstream(out, branch, silent, viaOrigin);
  survival(out, branch, plan);
  out.close();

  const probed = via.length > 0 && via.every((n) => branch.upstreams.find((u) => u.name === n)?.probe);
  if (probed) {
    out.next(`${via.join(', ')} marked down by probing: survival at once`);
    out.tint(SURVIVAL_TINT);
    out.note(['edge', via[via.length - 1]!], `${via.join(', ')} marked down: not tried`);
    survival(out, branch, plan);
    out.close();
  }
  out.close();

  emergency(out, plan);
}

/** An upstream that never answers: the INVITE, its retransmissions, fr_timer. */
function silentUpstream(out: SequenceBuilder, branch: Branch, name: string, viaOrigin: Origin | undefined): void {
  const t = branch.timers;
  out.message('edge', '->>', name, 'INVITE number', { origin: viaOrigin });
  const resends = retransmitTimes(t.t1Ms.value, t.t2Ms.value, t.noAnswerMs.value);
  if (resends.length > 0) {
    out.message('edge', '-)', name, `↻ INVITE number at ${resends.map((ms) => `+${ms / 1000}s`).join(', ')}`, { origin: preferSource(t.t1Ms.origin, t.t2Ms.origin) });
  }
  out.note(['edge'], `fr_timer fired on ${name} (no-answer ${formatMs(t.noAnswerMs.value)})`);
}

/** When Kamailio resends an unanswered INVITE: T1, 2T1, 4T1..., capped at T2, before fr_timer. */
export function retransmitTimes(t1: number, t2: number, fr: number): number[] {
  const times: number[] = [];
  if (t1 <= 0) return times;
  for (let at = t1, step = t1; at < fr; step = Math.min(step * 2, t2), at += step) times.push(at);
  return times;
}

/** The on-timeout actions, in order, and where the call goes next. */
function survival(out: SequenceBuilder, branch: Branch, plan: PlanOutbound): void {
  const rules = plan.rewrite;
  const number = rules.length > 0 ? 'number (rewritten)' : 'number';
  // Each gateway's own called-number rules and caller-id, where it has them; the outbound rules where one has none.
  const survivalGateways = new Set(plan.actions.flatMap((a) => (a.kind === 'announce' ? [] : a.gateways.map((g) => g.gateway))));
  if (rules.length > 0 && [...survivalGateways].some((g) => g?.rewrite === undefined)) out.note(['edge'], `rewrite: ${rulesText(rules)}`);
  for (const g of survivalGateways) {
    const note = g && gatewayNumbersNote(g);
    if (g && note !== undefined && out.has(g.name)) out.note([g.name], note);
  }
  if (plan.actions.length === 0) {
    out.message('edge', '-->>', CALLER, '408 Request Timeout', { origin: preferSource(plan.actionsOrigin, branch.timers.noAnswerMs.origin) });
    return;
  }
  for (const a of plan.actions) {
    if (a.kind === 'announce') {
      out.message('edge', '-->>', CALLER, `${a.code} ${a.reason}`, { origin: a.origin });
    } else if (a.kind === 'redirect') {
      gatewayList(out, a.gateways, 'redirect', (g) => {
        const address = g.gateway?.address;
        const at = address ? hostPortText(address, false) : g.name;
        out.message('edge', '-->>', CALLER, `${a.code} → sip:${number}@${at}`, { origin: a.origin });
        out.message(CALLER, '->>', 'edge', `INVITE ${number}@${at}`, { origin: a.origin });
        if (out.has(g.name)) out.message('edge', '->>', g.name, `INVITE ${number}`, { origin: preferSource(g.gateway?.origin, a.origin) });
      }, a.origin);
    } else {
      gatewayList(out, a.gateways, 'relay', (g) => {
        if (out.has(g.name)) out.message('edge', '->>', g.name, `INVITE ${number}`, { origin: a.origin });
      }, a.origin);
    }
  }
}

function emergency(out: SequenceBuilder, plan: PlanOutbound): void {
  const { numbers, gateways } = plan.emergency;
  if (numbers.length === 0) return;
  out.open('opt', `emergency ${numbers.join(', ')}: ${gateways.length > 0 ? `straight to ${gateways.map((g) => g.name).join(', then ')}` : 'no gateway'}, never waits`);
  out.message(CALLER, '->>', 'edge', `INVITE ${numbers[0]!}`, { origin: preferSource(plan.emergency.origin, plan.origin) });
  gatewayList(out, gateways, 'emergency', (g) => {
    if (out.has(g.name)) out.message('edge', '->>', g.name, `INVITE ${numbers[0]!}`, { origin: preferSource(plan.emergency.gatewayOrigin, g.gateway?.origin) });
  }, plan.emergency.origin);
  out.close();
}

/**
 * A gateway list: one gateway as it is; several as the alternatives the edge goes
 * through in order (engines/plan/gateways.ts), ending with its own 503 when none is left.
 */
function gatewayList(out: SequenceBuilder, list: readonly PlanGatewayRef[], kind: 'relay' | 'redirect' | 'emergency', draw: (g: PlanGatewayRef) => void, origin: Origin): void {
  const [first, ...rest] = list;
  if (!first) return;
  if (rest.length === 0) return draw(first);
  // The plan's failover rule, in words: `no reply, 408, 486, 503 or 600`.
  const codes = gatewayFailover.nextOn.map(String);
  const replies = `no reply, ${codes.slice(0, -1).join(', ')} or ${codes[codes.length - 1]!}`;
  const skipsFull = kind !== 'emergency' || gatewayFailover.emergencySkipsFull;
  const why = kind === 'redirect' ? 'full or marked down' : skipsFull ? `full or marked down; or ${replies}` : `${replies}, or marked down`;
  out.open('alt', `${first.name} first`);
  draw(first);
  let previous = first.name;
  for (const g of rest) {
    out.next(`${previous} ${why}: ${g.name}`);
    draw(g);
    previous = g.name;
  }
  out.next('no gateway left');
  const r = proxyReplies.noGateway;
  out.message('edge', '-->>', CALLER, `${r.code} ${r.reason}`, { origin });
  out.close();
}

/** The local call the design shows: the first numbered group's, else the first extension's; none with `local-calls off`. */
function shownLocal(plan: PlanOutbound): PlanLocalRoute | undefined {
  const { mode, routes } = plan.local;
  if (mode === 'off') return undefined;
  const emergency = new Set(plan.emergency.numbers);
  const candidates = routes.filter((r) => !emergency.has(r.number));
  return candidates.find((r) => r.kind === 'group') ?? candidates[0];
}

/** A call to a number of the branch: rung by the edge like an incoming call, never through a gateway. */
function localCall(out: SequenceBuilder, plan: PlanOutbound, route: PlanLocalRoute): void {
  const always = plan.local.mode === 'always';
  // One number stands for every extension and group number of the branch.
  out.open('opt', `local call to ${route.number} (${route.kind} ${route.target}): ${always ? 'never upstream' : 'in survival'}, the edge rings it, no gateway`);
  out.message(CALLER, '->>', 'edge', `INVITE ${route.number}`, { origin: preferSource(plan.local.origin, route.origin) });
  if (!always) {
    out.note(['edge'], 'upstream as any call; no upstream answered: survival');
    for (const a of plan.actions) if (a.kind === 'announce') out.message('edge', '-->>', CALLER, `${a.code} ${a.reason}`, { origin: a.origin });
  }
  for (const step of route.written) ring(out, step);
  out.close();
}

function inbound(out: SequenceBuilder, plan: PlanInbound): void {
  const from = plan.from.map((f) => f.name).filter((g) => out.has(g));
  const first = from[0];
  if (first === undefined) return;
  out.open('opt', `incoming call from ${from.join(', ')}`);
  out.message(first, '->>', 'edge', 'INVITE number', { origin: preferSource(plan.fromOrigin, plan.origin) });
  if (plan.normalise.length > 0) out.note(['edge'], `normalise: ${rulesText(plan.normalise)}`);
  for (const label of extensionPatternLabels(plan)) out.note(['edge'], label);
  const dids = plan.routes.filter((r) => r.kind === 'did');
  // The chain's steps as written: the plan's ring steps split a serial group and lose the step's ring time.
  const chain = plan.routes.find((r) => r.kind === 'chain')?.written ?? [];
  if (dids.length > 0) {
    dids.forEach((did, i) => {
      const label = didLabel(plan, did);
      if (i === 0) out.open('alt', label);
      else out.next(label);
      for (const step of did.written) ring(out, step);
    });
    out.next('any other number: the ring chain');
  }
  chain.forEach((step, i) => {
    if (i > 0) out.note(['edge'], `no answer within ${formatMs(chain[i - 1]!.ringMs!)}: next step`);
    ring(out, step);
  });
  if (dids.length > 0) out.close();
  out.close();
}

/** One ring step as written: a phone, a parallel group (a `par` fork), or a serial group (one phone after another). */
function ring(out: SequenceBuilder, step: PlanWrittenStep): void {
  const group = step.group;
  const members = step.members.filter((m) => out.has(m));
  const invite = (phone: string, suffix = '') => {
    const extension = step.phones.find((p) => p.name === phone)?.extension;
    out.message('edge', '->>', phone, `INVITE ${extension ?? phone}${suffix}`, { origin: step.origin });
  };
  const ringMs = step.ringMs ?? group?.ringMs;
  if (!group || members.length < 2) {
    for (const m of members) invite(m, ringMs === undefined ? '' : ` (ring ${formatMs(ringMs)})`);
  } else if (group.mode === 'serial') {
    members.forEach((m, i) => {
      if (i > 0) out.note(['edge'], `no answer within ${formatMs(group.ringMs)}: next in ${group.name}`);
      invite(m, ` (ring ${formatMs(group.ringMs)})`);
    });
  } else {
    out.note(['edge'], `${group.name} rings in parallel for ${formatMs(ringMs ?? group.ringMs)}`);
    out.open('par', `to ${members[0]!}`);
    members.forEach((m, i) => {
      if (i > 0) out.next(`to ${m}`);
      invite(m);
    });
    out.close();
  }
}

/** The phones the chain's and the dids' written steps ring, each once, in order. */
function inboundPhones(plan: PlanInbound): string[] {
  const routes = [...plan.routes.filter((r) => r.kind === 'chain'), ...plan.routes.filter((r) => r.kind === 'did')];
  const phones: string[] = [];
  for (const step of routes.flatMap((r) => r.written)) {
    for (const p of step.phones) if (!phones.includes(p.name)) phones.push(p.name);
  }
  return phones;
}
