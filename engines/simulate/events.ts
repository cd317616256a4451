// The simulator's survival events: the routing plan's event line (engines/plan/events.ts)
// with the virtual time and the call's Call-ID, the same text the exported proxy logs.
import { eventCallId, eventLine, simulatedTime, type EventValues, type SurvivalEventName } from '../plan/index.js';
import type { SurvivalEventEntry } from './types.js';

/** One event at `atMs`; `call` is the scenario call's index (-1 for probing), `callId` its Call-ID when it is a call's. */
export function survivalEvent(
  values: Omit<EventValues, 't' | 'call-id'>, atMs: number, call: number, callId: string | undefined,
): SurvivalEventEntry {
  const line = eventLine({ ...values, t: simulatedTime(atMs), ...(callId === undefined ? {} : { 'call-id': eventCallId(callId) }) });
  return { atMs, event: values.event as SurvivalEventName, upstream: values.upstream, call, line };
}
