// The ring steps of the plan, shared by the inbound routes (build.ts) and the local
// calls (local.ts): a phone or group as written, and the steps the edge rings for it.
import type { Branch, Group, Origin } from '../../grammar/src/index.js';
import type { PlanPhone, PlanRingStep, PlanWrittenStep } from './plan.js';

/** The ring time of a phone rung on its own (a did or extension to a phone): tm's default fr_inv_timer in surv. */
export const DEFAULT_RING_MS = 20_000;

export interface Unknown { readonly name: string; readonly origin: Origin }

/** The step that rings `target` (a phone or a group) as written; members naming no phone go to `unknown`. */
export function writtenStep(b: Branch, phones: readonly PlanPhone[], target: string, ringMs: number | undefined, origin: Origin, unknown: Unknown[]): PlanWrittenStep {
  const group: Group | undefined = b.groups.find((g) => g.name === target);
  const members = group ? group.members.value : [target];
  const found: PlanPhone[] = [];
  for (const m of members) {
    const p = phones.find((x) => x.name === m);
    if (p) found.push(p);
    else unknown.push({ name: m, origin });
  }
  const g = group && { name: group.name, mode: group.mode.value, ringMs: group.ringMs.value };
  return { target, group: g, members, phones: found, ringMs, origin };
}

/**
 * The ring steps the edge runs for a written step: a serial group is one step per member,
 * each for the group's time; any other step rings its phones together, for the time written
 * on a chain step when it stays one step, else the group's, else the default.
 */
export function ringSteps(w: PlanWrittenStep): PlanRingStep[] {
  const group = w.group && { name: w.group.name, mode: w.group.mode };
  const st: PlanRingStep[] = w.group?.mode === 'serial'
    ? w.phones.map((p) => ({ target: w.target, group, phones: [p], ringMs: w.group!.ringMs, origin: w.origin }))
    : [{ target: w.target, group, phones: w.phones, ringMs: w.group?.ringMs ?? DEFAULT_RING_MS, origin: w.origin }];
  return w.ringMs !== undefined && st.length === 1 ? [{ ...st[0]!, ringMs: w.ringMs }] : st;
}
