// How the plan's data decides, for the back ends that interpret it (the simulator's edge,
// the design ladder). The exporter writes the same rules as Kamailio routes.
import type { ReplyPattern } from '../../grammar/src/index.js';
import type { PlanInbound, PlanInboundRoute, PlanRewrite } from './plan.js';

/** The number sent to a gateway in survival: the first rule whose match fits, else the number as dialled. */
export function rewriteNumber(rules: readonly PlanRewrite[], number: string): string {
  for (const r of rules) {
    if (number.startsWith(r.match)) return r.prefix + number.slice(r.strip);
  }
  return number;
}

/** Whether an upstream's final reply `status` reaches the caller (else it is treated like a timeout). */
export function passes(pass: 'all' | readonly ReplyPattern[], status: number): boolean {
  return pass === 'all' || pass.some((p) => ('code' in p ? p.code === status : Math.floor(status / 100) === p.class));
}

/** The inbound route a gateway's call to `number` takes: a did, else an extension, else the ring chain. */
export function inboundRouteFor(inbound: PlanInbound, number: string): PlanInboundRoute {
  return inbound.routes.find((r) => r.kind !== 'chain' && r.number === number) ?? inbound.routes[0]!;
}
