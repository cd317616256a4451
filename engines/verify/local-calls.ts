// SURV087: a call between two phones of the branch never takes a gateway channel
// (docs/verify.md). Which calls are local, and the check; space.ts places them (a
// phone's extension, a group's number) with every state of the actors they reach.
import { formatMs, type Branch, type Origin, type ScenarioEvent } from '../../grammar/src/index.js';
import type { CallResult, TraceEntry } from '../simulate/types.js';

/** Whether a scenario's call is one between two phones of the branch: to a phone, an extension or a group's number (never an emergency number). */
export function isLocalCall(branch: Branch, e: ScenarioEvent): boolean {
  if (e.kind !== 'call' || e.callerKind !== 'phone') return false;
  if (e.targetIsPhone) return true;
  if (branch.outbound?.emergency.value.includes(e.target)) return false;
  return branch.phones.some((p) => p.extension.value === e.target) || branch.groups.some((g) => g.number.value === e.target);
}

/** The first INVITE of the call that reaches a gateway, if any: a local call must have none. */
export function checkLocalCall(
  branch: Branch, call: CallResult, trace: readonly TraceEntry[], label: string,
  add: (message: string, origin: Origin) => void,
): void {
  const gateways = new Set(branch.gateways.map((g) => g.name));
  const hit = trace.find((t) => t.status === undefined && t.summary === 'INVITE' && gateways.has(t.to) && t.atMs >= call.startMs);
  if (!hit) return;
  const out = branch.outbound;
  const where = [out?.localCalls.origin, out?.onTimeout.origin].find((o): o is Origin => o?.kind === 'source') ?? branch.origin;
  add(`${label} is a call between two phones of the branch, and it takes a channel of gateway ${hit.to}: ${hit.from === 'edge' ? 'the edge' : hit.from} sends it the INVITE at ${formatMs(hit.atMs)}`, where);
}
