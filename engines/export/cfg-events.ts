// Survival events in kamailio.cfg: the plan's one event line (engines/plan/events.ts),
// logged with xlog where the transition happens, and a counter per event from the
// statistics module (Debian's base kamailio package), read with kamcmd over ctl.
import type { CfgWriter } from './cfg-writer.js';
import { eventCounters, eventLine, type EventValues, type SurvivalEventName } from '../plan/index.js';
import { ExportError } from './types.js';

/** What Kamailio fills in at run time: its Unix time and the Call-ID without whitespace. */
const runtime = { t: '$TV(Sn)', 'call-id': '$(ci{s.rmws})' } as const;

/** The statistics variables, in a fixed order. */
export const counterNames: readonly string[] = Object.values(eventCounters);

/** `modparam("statistics", "variable", ...)`, one per counter. */
export function writeCounterParams(w: CfgWriter): void {
  w.comment('Survival counters: kamcmd stats.get_statistics survival_calls (README.txt, "CHECK AND TUNE").');
  for (const name of counterNames) w.line(`modparam("statistics", "variable", "${name}")`);
}

/**
 * The event's log line and its counter. `values` as the plan has them; `withCall`: the
 * line has the request's Call-ID (a call's event, not a probe's).
 */
export function writeEvent(w: CfgWriter, values: Omit<EventValues, 't' | 'call-id'>, withCall: boolean): void {
  // Before Kamailio 5.4 (no {s.rmws}): a Call-ID has no whitespace (RFC 3261 §25.1); one
  // that has some is logged as "-", so it still cannot add fields to the event line.
  const older = withCall && w.older.has('pv-s-rmws');
  if (older) w.lines(['$var(event_ci) = $ci;', 'if ($var(event_ci) =~ "[[:space:]]") { $var(event_ci) = "-"; }']);
  const callId = older ? '$var(event_ci)' : runtime['call-id'];
  const line = eventLine({ ...values, t: runtime.t, ...(withCall ? { 'call-id': callId } : {}) });
  // Names are validated identifiers: a quote or backslash here is a bug, not a value to escape.
  if (/["\\]/.test(line)) throw new ExportError(`internal: unsafe event line ${JSON.stringify(line)}`);
  w.line(`xlog("L_NOTICE", "${line}\\n");`);
  w.line(`update_stat("${counterOf(values.event)}", "+1");`);
}

function counterOf(event: SurvivalEventName): string {
  return eventCounters[event];
}
