// What a replay refuses before it starts anything. Replay sends real SIP datagrams, so
// every device it talks to, and every address Kamailio may send to, must be on the
// loopback network 127.0.0.0/8: a design with a real PBX address must never make this
// machine send traffic there. The actors talk UDP, and TCP for phones (tcp.ts); TLS is
// not replayed; a real network cannot replay a seeded loss.
import type { Branch, Origin, Scenario } from '../../grammar/src/index.js';

/** A design or scenario replay cannot run, with where it is in the source. */
export class ReplayError extends Error {
  constructor(message: string, readonly origin: Origin | undefined) {
    super(message);
    this.name = 'ReplayError';
  }
}

/** With probing, the earliest a scenario event may be (Kamailio is ready about 0.15 s after it starts). */
export const probingFirstEventMs = 1000;

/** True for an IPv4 literal in 127.0.0.0/8. */
export function isLoopback(address: string): boolean {
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  return m !== null && m.slice(1).every((n) => Number(n) <= 255);
}

const notLoopback = (what: string, address: string) =>
  `${what} is at ${address}, not on 127.0.0.0/8: replay sends real SIP traffic and only ever to loopback addresses (move the design's devices to 127.x addresses to replay it)`;

/** Throws ReplayError for the first thing of `branch`/`scenario` replay cannot run. */
export function checkReplayable(branch: Branch, scenario: Scenario): void {
  const listens = branch.listens.value;
  for (const l of listens) {
    if (!isLoopback(l.address)) throw new ReplayError(notLoopback('the edge', l.address), l.origin);
    if (l.transport === 'tls') throw new ReplayError('the edge listens on tls: replay plays the actors over UDP and TCP only', l.origin);
  }
  if (listens.length === 0) throw new ReplayError('the edge has no listen address', branch.origin);
  // Replay knows Kamailio is ready when it answers an OPTIONS datagram.
  if (!listens.some((l) => l.transport === 'udp')) throw new ReplayError('the edge listens on no udp address: replay needs one (it asks Kamailio over UDP whether it is ready)', branch.listens.origin);
  for (const u of branch.upstreams) {
    const p = u.proxy.value;
    if (!p) throw new ReplayError(`upstream ${u.name} has no proxy address`, u.origin);
    if (!isLoopback(p.host)) throw new ReplayError(notLoopback(`upstream ${u.name}`, p.host), u.proxy.origin);
    if (u.transport.value !== 'udp') throw new ReplayError(`upstream ${u.name} uses ${u.transport.value}: replay plays upstreams and gateways over UDP only (phones over UDP or TCP)`, u.transport.origin);
  }
  for (const g of branch.gateways) {
    const a = g.address.value;
    if (!a) throw new ReplayError(`gateway ${g.name} has no address`, g.origin);
    if (!isLoopback(a.address)) throw new ReplayError(notLoopback(`gateway ${g.name}`, a.address), g.address.origin);
    if (g.transport.value !== 'udp') throw new ReplayError(`gateway ${g.name} uses ${g.transport.value}: replay plays upstreams and gateways over UDP only (phones over UDP or TCP)`, g.transport.origin);
  }
  const active = new Set(scenario.events.map((e) => (e.kind === 'call' ? e.caller : e.kind === 'register' ? e.phone : e.source)));
  for (const p of branch.phones) {
    const a = p.address.value;
    if (a && !isLoopback(a.address)) throw new ReplayError(notLoopback(`phone ${p.name}`, a.address), p.address.origin);
    if (p.transport.value === 'tls') throw new ReplayError(`phone ${p.name} speaks tls: replay plays the phones over UDP and TCP only`, p.transport.origin);
    // A registered phone has no address of its own to bind; it is only a problem when it acts.
    if (!a && active.has(p.name)) {
      throw new ReplayError(`phone ${p.name} is registered (no fixed address): replay needs the phones a scenario uses at 127.x addresses`, p.origin);
    }
  }
  const strangers = [...new Set(scenario.events.flatMap((e) => (e.kind === 'send' && e.sourceKind === 'stranger' ? [e.address] : [])))];
  for (const e of scenario.events) {
    if (e.kind === 'send' && e.sourceKind === 'stranger' && !isLoopback(e.address)) throw new ReplayError(notLoopback('the stranger', e.address), e.origin);
  }
  if (strangers.length > 1) {
    const second = scenario.events.find((e) => e.kind === 'send' && e.sourceKind === 'stranger' && e.address === strangers[1]);
    throw new ReplayError(`the scenario has strangers at ${strangers.join(' and ')}: replay plays one stranger per scenario`, second?.origin);
  }
  // dispatcher's probe grid counts from Kamailio's start-up, so with probing the
  // scenario's time 0 is that start-up, before Kamailio can take a call.
  if (branch.upstreams.some((u) => u.probe !== undefined)) {
    const early = scenario.events.find((e) => e.atMs < probingFirstEventMs);
    if (early) {
      throw new ReplayError(`with probing, time 0 is Kamailio's start-up (dispatcher's probe grid counts from it), which cannot take a request yet: start the scenario's events at ${probingFirstEventMs / 1000}s or later`, early.origin);
    }
  }
  if (scenario.lossPercent > 0) {
    throw new ReplayError(`scenario "${scenario.title}" has network loss ${scenario.lossPercent}%: a real network cannot replay the simulator's seeded losses`, scenario.origin);
  }
}
