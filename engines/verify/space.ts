// The fault space verify explores for a branch: the kinds of call to place, and for
// each the actors it can reach with every state each can be in (docs/verify.md).
import ipaddr from 'ipaddr.js';
import type { ActorKind, ActorState, ActorStateName, Branch, ScenarioEvent, SendEvent, SentMethod } from '../../grammar/src/index.js';
import { sipHostPort } from '../plan/index.js';
import { didPatternCalls, takenByPattern } from './numbers.js';

/** One state an actor can be put in; `up` is the default, written as no state at all. */
export interface Choice {
  readonly state: ActorStateName;
  readonly code?: number;
  readonly delayMs?: number;
  readonly downForMs?: number;
  readonly upForMs?: number;
}

/** An actor whose states are varied, in the order the call is likely to reach it. */
export interface Dimension {
  readonly actor: string;
  readonly kind: ActorKind;
  readonly choices: readonly Choice[];
}

export type CallGroup = 'outbound' | 'emergency' | 'local' | 'inbound' | 'register' | 'stranger';

export interface CallKind {
  readonly group: CallGroup;
  readonly events: readonly ScenarioEvent[];
  readonly dimensions: readonly Dimension[];
  /** Actors the bound leaves out of the product, held at one representative state. */
  readonly held: readonly ActorState[];
}

const up: Choice = { state: 'up' };

/** Upstream states: each a different way a central PBX or the path to it fails. */
export function upstreamChoices(branch: Branch, probed: boolean): Choice[] {
  const { noAnswerMs, t1Ms } = branch.timers;
  const noAnswer = noAnswerMs.value;
  const below = noAnswer - t1Ms.value > 0 ? noAnswer - t1Ms.value : Math.floor(noAnswer / 2);
  const half = Math.max(1, Math.floor(noAnswer / 2));
  return [
    up,
    { state: 'silent' },
    { state: 'answers', code: 404 },
    { state: 'answers', code: 503 },
    { state: 'trying' },
    { state: 'slow', delayMs: below },
    { state: 'slow', delayMs: noAnswer + t1Ms.value },
    // Answering OPTIONS but not INVITEs only differs from silent when probes are sent.
    ...(probed ? [{ state: 'ignores-invite' as const }] : []),
    { state: 'flapping', downForMs: half, upForMs: half },
  ];
}

export const gatewayChoices: readonly Choice[] = [up, { state: 'busy' }, { state: 'full' }, { state: 'down' }];
/** `up` rings and answers after the simulator's ring time: the `answers` of the fault space. */
export const phoneChoices: readonly Choice[] = [up, { state: 'no-answer' }, { state: 'busy' }, { state: 'unregistered' }];

/** The state an actor left out by the bound keeps: the one that makes a call work hardest. */
const heldChoice: Record<ActorKind, Choice> = { upstream: { state: 'silent' }, gateway: up, phone: { state: 'no-answer' } };

export function actorState(actor: string, actorKind: ActorKind, c: Choice, fromMs = 0): ActorState {
  return {
    actor, actorKind, state: c.state, code: c.code, delayMs: c.delayMs, downForMs: c.downForMs, upForMs: c.upForMs,
    fromMs, untilMs: undefined, origin: { kind: 'default' },
  };
}

const unique = <T>(items: readonly T[]): T[] => [...new Set(items)];

/** Gateways the outbound policy sends calls to: survival targets and the emergency gateway. */
export function outboundGateways(branch: Branch): string[] {
  const out = branch.outbound;
  if (!out) return [];
  const survival = out.onTimeout.value.flatMap((a) => (a.kind === 'announce' ? [] : a.gateways));
  const emergency = out.emergency.value.length > 0 ? out.emergencyGateways.value : [];
  return unique([...emergency, ...survival]).filter((g) => branch.gateways.some((x) => x.name === g));
}

function survivalGateways(branch: Branch): string[] {
  const actions = branch.outbound?.onTimeout.value ?? [];
  return unique(actions.flatMap((a) => (a.kind === 'announce' ? [] : a.gateways))).filter((g) => branch.gateways.some((x) => x.name === g));
}

/** The phones a ring target (phone or group) reaches, in ring order. */
function phonesOf(branch: Branch, target: string): string[] {
  const group = branch.groups.find((g) => g.name === target);
  const names = group ? group.members.value : [target];
  return names.filter((n) => branch.phones.some((p) => p.name === n));
}

/** A number nobody in the branch answers to: not an extension, a DID or an emergency number. */
function freeNumber(branch: Branch, first: number): string {
  const taken = new Set([
    ...branch.phones.map((p) => p.extension.value ?? ''),
    ...(branch.inbound?.dids.map((d) => d.number) ?? []),
    ...(branch.outbound?.emergency.value ?? []),
  ]);
  let n = first;
  while (taken.has(String(n)) || takenByPattern(branch, String(n))) n++;
  return String(n);
}

/**
 * When probing has had time to mark every probed upstream of the chain down: the
 * `downAfter`-th probe (probes go out every `every` from start-up) times out then.
 */
export function probingSettledMs(branch: Branch): number | undefined {
  const via = branch.outbound?.via.value ?? [];
  const times = branch.upstreams.filter((u) => via.includes(u.name) && u.probe).map((u) => {
    const p = u.probe!;
    return p.everyMs.value * p.downAfter.value + p.timeoutMs.value;
  });
  if (times.length === 0) return undefined;
  return Math.ceil((Math.max(...times) + 1000) / 1000) * 1000;
}

function dims(branch: Branch, actors: readonly string[]): Dimension[] {
  const probed = new Set(branch.upstreams.filter((u) => u.probe).map((u) => u.name));
  const upstreams = new Set(branch.upstreams.map((u) => u.name));
  const gateways = new Set(branch.gateways.map((g) => g.name));
  return unique(actors).map((actor): Dimension => {
    if (upstreams.has(actor)) return { actor, kind: 'upstream', choices: upstreamChoices(branch, probed.has(actor)) };
    if (gateways.has(actor)) return { actor, kind: 'gateway', choices: gatewayChoices };
    return { actor, kind: 'phone', choices: phoneChoices };
  });
}

const productOf = (dimensions: readonly Dimension[]): number => dimensions.reduce((n, d) => n * d.choices.length, 1);

/**
 * Keeps a call's product of states within `max`: the actors last in reach order are
 * held at one state each (phones: no-answer, upstreams: silent, gateways: up) until it fits.
 */
function bounded(group: CallGroup, events: readonly ScenarioEvent[], all: readonly Dimension[], max: number): CallKind {
  const dimensions = [...all];
  const held: ActorState[] = [];
  while (dimensions.length > 0 && productOf(dimensions) > max) {
    const last = dimensions.pop()!;
    held.unshift(actorState(last.actor, last.kind, heldChoice[last.kind]));
  }
  return { group, events, dimensions, held: held.filter((s) => s.state !== 'up') };
}

/**
 * The local calls verify places: from `caller` to the first other phone's extension and
 * to the first group's number, whatever `local-calls` says (with `off` they may break SURV087).
 */
export function localCallKinds(branch: Branch, caller: string, via: readonly string[], max: number): CallKind[] {
  const emergency = new Set(branch.outbound?.emergency.value ?? []);
  const phone = branch.phones.find((p) => p.name !== caller && p.extension.value !== undefined && !emergency.has(p.extension.value));
  const group = branch.groups.find((g) => g.number.value !== undefined && !emergency.has(g.number.value));
  const targets = [
    ...(phone ? [{ number: phone.extension.value!, phones: [phone.name] }] : []),
    ...(group ? [{ number: group.number.value!, phones: phonesOf(branch, group.name) }] : []),
  ];
  return targets.map((t) => {
    const event: ScenarioEvent = { kind: 'call', caller, callerKind: 'phone', target: t.number, targetIsPhone: false, atMs: 0, origin: { kind: 'default' } };
    return bounded('local', [event], dims(branch, [...via, ...survivalGateways(branch), ...t.phones.filter((p) => p !== caller)]), max);
  });
}

/**
 * The calls verify places in `branch`, one per run: an ordinary outbound number from a
 * LAN phone (again once probing has settled, when the chain is probed), each emergency
 * number, a local call to another phone's extension and to a group's number, an inbound call from each inbound gateway to the ring chain and to each DID,
 * and a REGISTER.
 */
export function callKinds(branch: Branch, maxCombinations: number): CallKind[] {
  const kinds: CallKind[] = [];
  const out = branch.outbound;
  // A LAN phone with a fixed address places the outbound calls (any phone when none has one).
  const caller = branch.phones.find((p) => p.address.value !== undefined) ?? branch.phones[0];
  const call = (from: string, callerKind: ActorKind, target: string, atMs = 0): ScenarioEvent =>
    ({ kind: 'call', caller: from, callerKind, target, targetIsPhone: false, atMs, origin: { kind: 'default' } });
  if (out && caller) {
    const via = out.via.value.filter((n) => branch.upstreams.some((u) => u.name === n));
    const number = freeNumber(branch, 944000000);
    const outbound = dims(branch, [...via, ...survivalGateways(branch)]);
    kinds.push(bounded('outbound', [call(caller.name, 'phone', number)], outbound, maxCombinations));
    const settled = probingSettledMs(branch);
    if (settled !== undefined) kinds.push(bounded('outbound', [call(caller.name, 'phone', number, settled)], outbound, maxCombinations));
    for (const n of out.emergency.value) {
      kinds.push(bounded('emergency', [call(caller.name, 'phone', n)], dims(branch, [...outboundGateways(branch), ...via]), maxCombinations));
    }
    kinds.push(...localCallKinds(branch, caller.name, via, maxCombinations));
  }
  const inbound = branch.inbound;
  if (inbound) {
    const chain = inbound.chain.value.flatMap((s) => phonesOf(branch, s.target));
    const number = freeNumber(branch, 900000000);
    for (const gw of inbound.from.value.filter((g) => branch.gateways.some((x) => x.name === g))) {
      if (chain.length > 0) kinds.push(bounded('inbound', [call(gw, 'gateway', number)], dims(branch, chain), maxCombinations));
      for (const did of [...inbound.dids, ...didPatternCalls(branch)]) {
        kinds.push(bounded('inbound', [call(gw, 'gateway', did.number)], dims(branch, phonesOf(branch, did.target)), maxCombinations));
      }
    }
  }
  const registrant = branch.phones.find((p) => p.registered) ?? caller;
  const forward = branch.register.forward.value ?? out?.via.value[0];
  if (registrant && forward && branch.upstreams.some((u) => u.name === forward)) {
    kinds.push(bounded('register', [{ kind: 'register', phone: registrant.name, atMs: 0, origin: { kind: 'default' } }], dims(branch, [forward]), maxCombinations));
  }
  return kinds;
}

/** The product of a call's states: how many combinations exploring it covers. */
export function combinationsOf(kind: CallKind): number {
  return productOf(kind.dimensions);
}

function inside(branch: Branch, address: string): boolean {
  const ip = ipaddr.parse(address);
  return branch.lans.value.some((n) => {
    const net = ipaddr.parse(n.address);
    return net.kind() === ip.kind() && ip.match(net, n.prefix);
  });
}

/**
 * An address of the documentation ranges (RFC 5737, RFC 3849) that is in no LAN and is
 * no upstream or gateway of the branch: where verify's stranger sends from, and the
 * foreign host it aims at.
 */
function outsider(branch: Branch, family: 4 | 6, skip: ReadonlySet<string>): string {
  const taken = new Set([
    ...skip,
    ...branch.gateways.flatMap((g) => (g.address.value ? [g.address.value.address] : [])),
    ...branch.upstreams.flatMap((u) => (u.proxy.value ? [u.proxy.value.host] : [])),
  ]);
  for (let n = 9; ; n++) {
    const address = family === 4 ? `203.0.113.${n}` : `2001:db8:ffff::${n.toString(16)}`;
    if (!taken.has(address) && !inside(branch, address)) return address;
  }
}

/**
 * The requests from outside the trust model verify sends in `branch` (docs/verify.md,
 * SURV086), one per run: a stranger's INVITE with its Request-URI at each gateway, each
 * phone, each upstream, a foreign host and the edge itself (a dialled number and each
 * emergency number); a preloaded Route to each gateway, phone and the foreign host;
 * REGISTER, OPTIONS and MESSAGE; a BYE with a forged To-tag; and from each upstream what
 * the trust model forbids it (a gateway, a foreign host, a Route past the edge, REGISTER).
 */
export function strangerKinds(branch: Branch): SendEvent[] {
  const edge = branch.listens.value.find((l) => l.transport === 'udp') ?? branch.listens.value[0];
  if (!edge) return [];
  const family = edge.family;
  const from = outsider(branch, family, new Set());
  const foreign = outsider(branch, family, new Set([from]));
  const edgeHost = sipHostPort(edge.address, edge.port);
  const number = '0900123456';
  const send = (source: string, sourceKind: SendEvent['sourceKind'], address: string, method: SentMethod, uri: string, route: readonly string[] = [], toTag = false): SendEvent =>
    ({ kind: 'send', source, sourceKind, address, method, uri, route, toTag, atMs: 0, origin: { kind: 'default' } });
  const stranger = (method: SentMethod, uri: string, route: readonly string[] = [], toTag = false) => send('stranger', 'stranger', from, method, uri, route, toTag);
  const gateways = branch.gateways.flatMap((g) => (g.address.value ? [sipHostPort(g.address.value.address, g.address.value.port)] : []));
  const phones = branch.phones.flatMap((p) => (p.address.value ? [{ user: p.extension.value ?? p.name, host: sipHostPort(p.address.value.address, p.address.value.port) }] : []));
  const upstreams = branch.upstreams.flatMap((u) => (u.proxy.value ? [{ name: u.name, host: u.proxy.value.host, at: sipHostPort(u.proxy.value.host, u.proxy.value.port) }] : []));
  const foreignHost = sipHostPort(foreign, undefined);
  const self = `sip:${edgeHost};lr`;
  const emergency = branch.outbound?.emergency.value ?? [];
  const events: SendEvent[] = [
    ...gateways.map((g) => stranger('INVITE', `sip:${number}@${g}`)),
    ...phones.map((p) => stranger('INVITE', `sip:${p.user}@${p.host}`)),
    ...upstreams.map((u) => stranger('INVITE', `sip:${number}@${u.at}`)),
    stranger('INVITE', `sip:${number}@${foreignHost}`),
    stranger('INVITE', `sip:${number}@${edgeHost}`),
    ...emergency.map((n) => stranger('INVITE', `sip:${n}@${edgeHost}`)),
    ...[...gateways, ...phones.map((p) => p.host), foreignHost].map((h) => stranger('INVITE', `sip:${number}@${edgeHost}`, [self, `sip:${h};lr`])),
    stranger('REGISTER', `sip:${edgeHost}`),
    stranger('OPTIONS', `sip:${edgeHost}`),
    ...(phones[0] ? [stranger('MESSAGE', `sip:${phones[0].user}@${phones[0].host}`)] : [stranger('MESSAGE', `sip:${number}@${edgeHost}`)]),
    ...[...gateways, ...phones.map((p) => p.host)].slice(0, 2).map((h) => stranger('BYE', `sip:${number}@${h}`, [self], true)),
  ];
  for (const u of upstreams) {
    const at = (method: SentMethod, uri: string, route: readonly string[] = []) => send(u.name, 'upstream', u.host, method, uri, route);
    events.push(
      ...gateways.map((g) => at('INVITE', `sip:${number}@${g}`)),
      at('INVITE', `sip:${number}@${foreignHost}`),
      ...gateways.slice(0, 1).map((g) => at('INVITE', `sip:${number}@${edgeHost}`, [self, `sip:${g};lr`])),
      at('REGISTER', `sip:${edgeHost}`),
      at('MESSAGE', `sip:${number}@${foreignHost}`),
    );
  }
  return events;
}
