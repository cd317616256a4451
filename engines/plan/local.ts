// Local calls (`local-calls`): a LAN phone's call to a number of the branch itself (a
// phone's extension or a group's number) is rung by the edge, with the inbound ring
// steps, instead of leaving through a gateway. Built here, decided by localRouteFor,
// which the simulator's edge, the exporter's cfg and verify all follow.
import type { Branch } from '../../grammar/src/index.js';
import { ringSteps, writtenStep } from './steps.js';
import type { PlanLocal, PlanLocalRoute, PlanPhone, RoutingPlan } from './plan.js';

export function buildLocal(b: Branch, phones: readonly PlanPhone[]): PlanLocal {
  const o = b.outbound;
  const routes: PlanLocalRoute[] = [];
  // An emergency number keeps precedence (one equal to an extension is SURV034): never a local route.
  const taken = new Set<string>(o?.emergency.value ?? []);
  const add = (number: string | undefined, kind: PlanLocalRoute['kind'], target: string, origin: PlanLocalRoute['origin']): void => {
    // The first owner of a number keeps it (SURV016 reports the others).
    if (number === undefined || taken.has(number)) return;
    taken.add(number);
    const written = [writtenStep(b, phones, target, undefined, origin, [])];
    routes.push({ number, kind, target, steps: written.flatMap(ringSteps), written, origin });
  };
  for (const p of b.phones) add(p.extension.value, 'phone', p.name, p.origin);
  for (const g of b.groups) add(g.number.value, 'group', g.name, g.origin);
  return { mode: o?.localCalls.value ?? 'survival', origin: o?.localCalls.origin ?? b.origin, routes };
}

/**
 * The local route of a LAN phone's call to `dialled`, or undefined when the call is no
 * local call: `local-calls off`, no outbound policy, or a number that is no extension or
 * group number of the branch (emergency numbers never have a route: buildLocal).
 */
export function localRouteFor(plan: RoutingPlan, dialled: string): PlanLocalRoute | undefined {
  const out = plan.outbound;
  if (!out || out.local.mode === 'off') return undefined;
  return out.local.routes.find((r) => r.number === dialled);
}
