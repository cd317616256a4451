// SURV088: a call the edge sends down a list of gateways (the survival relay, emergency
// numbers) never fails while a gateway of its list is up (docs/verify.md). Not a
// redirect: the phone places that call, and a busy gateway's 486 ends it. Verify places each call
// alone, so a gateway that is up has a free channel: the edge must reach it, skipping a
// full or marked-down gateway and failing over on no reply, 408, 486, 503 or 600
// (engines/plan/gateways.ts). The edge from before gateway lists (first gateway only,
// SimulateOptions.gatewayLists `first-only`) breaks it, which is how the test shows it can fail.
import { formatMs, type ActorState, type Branch, type Origin, type Scenario } from '../../grammar/src/index.js';
import { reasonOf } from '../simulate/trace.js';
import type { CallResult, TraceEntry } from '../simulate/types.js';

function stateAt(states: readonly ActorState[], actor: string, t: number): ActorState['state'] {
  let found: ActorState['state'] = 'up';
  for (const s of states) if (s.actor === actor && s.fromMs <= t && (s.untilMs === undefined || t < s.untilMs)) found = s.state;
  return found;
}

export function checkGatewayList(
  branch: Branch, scenario: Scenario, call: CallResult, trace: readonly TraceEntry[], label: string, emergency: boolean,
  add: (message: string, origin: Origin) => void,
): void {
  const out = branch.outbound;
  const action = out?.onTimeout.value.find((a) => a.kind === 'relay');
  const list = emergency ? out?.emergencyGateways.value ?? [] : action?.gateways ?? [];
  // Only a call that went to survival (or an emergency call) is the list's to carry.
  if (list.length === 0 || call.answered || call.finalCode === undefined || call.finalCode < 400) return;
  if (!emergency && !trace.some((t) => t.from === 'edge' && /survival: relay/.test(t.cause))) return;
  const up = list.filter((g) => stateAt(scenario.states, g, call.startMs) === 'up');
  if (up.length === 0) return;
  const last = [...trace].reverse().find((t) => t.to === call.caller && t.status !== undefined && t.status >= 400);
  const got = last ? `${last.status!}${reasonOf(last) ? ` ${reasonOf(last)}` : ''} at ${formatMs(last.atMs)}` : String(call.finalCode);
  const what = emergency ? 'its emergency list' : 'its relay list';
  // The list as written, else (the default emergency list) the emergency line.
  const where = [emergency ? out?.emergencyGateways.origin : action?.origin, out?.emergency.origin].find((o): o is Origin => o?.kind === 'source') ?? branch.origin;
  add(`${label} gets ${got} while ${up.join(', ')}, of ${what} ${list.join(', ')}, ${up.length === 1 ? 'is' : 'are'} up with a free channel`, where);
}
