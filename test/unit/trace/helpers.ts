// Captures made from the simulator: each message of a simulated run put on an imaginary
// wire at the addresses the design gives its devices, as a capture reader would yield it.
// The simulator is the design's own account of a call, so a capture of it must trace as a
// call that passes every rule; a capture edited to misbehave must not.
import type { Branch, Scenario } from '../../../grammar/src/index.js';
import { buildRoutingPlan } from '../../../engines/plan/index.js';
import type { SimulationResult, TraceEntry } from '../../../engines/simulate/index.js';
import { CallTracer, type CapturedSip, type Endpoint, type TracedCall, type TraceOptions } from '../../../engines/trace/index.js';

/** Where each named node of a simulation sits on the wire. */
export function endpointsOf(branch: Branch, scenario?: Scenario, extra: Readonly<Record<string, Endpoint>> = {}): Map<string, Endpoint> {
  const plan = buildRoutingPlan(branch);
  const at = new Map<string, Endpoint>(Object.entries(extra));
  const listen = plan.listens.find((l) => l.transport === 'udp') ?? plan.listens[0];
  if (listen) at.set('edge', { address: listen.address, port: listen.port });
  for (const p of plan.phones) if (p.address) at.set(p.name, { address: p.address.address, port: p.address.port });
  for (const g of plan.gateways) if (g.address) at.set(g.name, { address: g.address.address, port: g.address.port });
  // An upstream known by name gets an address of TEST-NET-2 (RFC 5737): nothing is sent, it only labels the capture.
  plan.upstreams.forEach((u, i) => {
    if (u.proxy) at.set(u.name, { address: /^[\d.]+$|:/.test(u.proxy.host) ? u.proxy.host : `198.51.100.${i + 1}`, port: u.proxy.port });
  });
  const stranger = scenario?.events.find((e) => e.kind === 'send' && e.sourceKind === 'stranger');
  if (stranger?.kind === 'send') at.set('stranger', { address: stranger.address, port: 5060 });
  return at;
}

/** The capture of a simulated run: every delivered message, at `startUs` plus its virtual time. */
export function captureOf(
  branch: Branch, result: SimulationResult, scenario?: Scenario, startUs = 1_765_000_000_000_000, keep: (e: TraceEntry) => boolean = () => true,
  extra: Readonly<Record<string, Endpoint>> = {},
): CapturedSip[] {
  const at = endpointsOf(branch, scenario, extra);
  const where = (name: string): Endpoint => {
    const e = at.get(name);
    if (!e) throw new Error(`no address for ${name}`);
    return e;
  };
  return result.trace.filter((e) => e.lost !== true && keep(e)).map((e, i) => ({
    timeUs: startUs + e.atMs * 1000, src: where(e.from), dst: where(e.to), transport: 'udp', text: e.text, frame: i + 1,
  }));
}

/** Every call of a capture, traced. */
export function traceOf(messages: readonly CapturedSip[], options: TraceOptions = {}): TracedCall[] {
  const tracer = new CallTracer(options);
  const calls = messages.flatMap((m) => [...tracer.push({ kind: 'sip', ...m })]);
  return [...calls, ...tracer.finish()].sort((a, b) => a.id - b.id);
}
