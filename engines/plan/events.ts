// Survival events: one structured line per survival transition, the same text from the
// simulator's result and from the exported proxy's log (xlog). Target-neutral: the
// field list and its order live here; each back end supplies the run-time values (the
// simulator its virtual time and the call's Call-ID, the exporter the pseudo-variables
// Kamailio fills in), so the two cannot drift apart (docs/export.md, "Survival events").

/** What happened. */
export type SurvivalEventName =
  /** A call from the LAN found no upstream (every one timed out, sent only 100 Trying, failed or was marked down): the survival actions run. */
  | 'survival-start'
  /** Probing marked an upstream down (dispatcher's dst-down). */
  | 'upstream-down'
  /** Probing found an upstream answering again (dispatcher's dst-up); calls go back after any holdoff. */
  | 'upstream-up'
  /** A call from a phone of the branch to a number of the branch is rung by the edge itself (local-calls), never a gateway. */
  | 'local-call'
  /** Survival relays a call to a gateway of its list (each gateway tried: a failover logs the next). */
  | 'survival-relay'
  /** Survival redirects the phone to a gateway of its list (the 3xx's Contact). */
  | 'survival-redirect';

/**
 * Every field a line may have, in the one order they are written. `call-id`, the one
 * value that comes from the network, is last: it runs to the end of the line, so a
 * Call-ID holding `=` cannot pass for another field.
 */
export const eventFields = ['branch', 'event', 'direction', 'upstream', 'gateway', 't', 'call-id'] as const;
export type EventField = (typeof eventFields)[number];

/** Every line starts with this word, so `grep surv-event` finds them among Kamailio's own. */
export const eventTag = 'surv-event';

/**
 * A Call-ID as an event shows it: without whitespace (space, tab, CR, LF), so a folded
 * or odd Call-ID can neither split the line nor start a new one. The exporter does the
 * same with Kamailio's `{s.rmws}` transformation.
 */
export function eventCallId(callId: string): string {
  return callId.replace(/[ \t\r\n]/g, '');
}

/**
 * The values of one event: `branch` and `event` always, the rest when the event has
 * them. Names come from the model (branch, upstream and gateway names are validated identifiers,
 * `[A-Za-z_][A-Za-z0-9_-]*`), `call-id` already through `eventCallId` (or its cfg
 * counterpart), `t` in seconds: the simulator's virtual time since the scenario started
 * (`12.000`), the proxy's Unix time (`$TV(Sn)`, `1765103400.123456`).
 */
export type EventValues = Readonly<Partial<Record<EventField, string>>> & { readonly branch: string; readonly event: SurvivalEventName };

/** `surv-event branch=bilbao event=survival-start direction=outbound upstream=cloud call-id=... t=10.000` */
export function eventLine(values: EventValues): string {
  return [eventTag, ...eventFields.flatMap((k) => (values[k] === undefined ? [] : [`${k}=${values[k]}`]))].join(' ');
}

/** The upstream of `survival-start` when the call tried none (every one marked down). */
export const noUpstream = 'none';

/** An event's time in the simulator: seconds since the scenario started, to the ms. */
export function simulatedTime(atMs: number): string {
  return (atMs / 1000).toFixed(3);
}

/**
 * Counters the exported proxy keeps (statistics module, read with
 * `kamcmd stats.get_statistics NAME`): one per event, counted where its line is logged.
 * The simulator's result holds the events themselves; counting them gives the same.
 */
export const eventCounters: Readonly<Record<SurvivalEventName, string>> = {
  'survival-start': 'survival_calls',
  'upstream-down': 'upstream_down',
  'upstream-up': 'upstream_up',
  'local-call': 'local_calls',
  'survival-relay': 'gateway_relays',
  'survival-redirect': 'gateway_redirects',
};
