// The words of every reply the edge proxy makes itself: one table, read by the
// simulator's edge (and its actors) and written into kamailio.cfg by the exporter, so
// both say the same words.

/** Reason phrases for the replies made from a code alone (tm's, the actors', the inbound end). */
export const reasons: Readonly<Record<number, string>> = {
  100: 'Trying', 180: 'Ringing', 181: 'Call Is Being Forwarded', 183: 'Session Progress', 200: 'OK',
  302: 'Moved Temporarily', 380: 'Alternative Service', 403: 'Forbidden', 404: 'Not Found', 408: 'Request Timeout',
  477: 'Unfortunately error on sending to next hop occurred',
  480: 'Temporarily Unavailable', 486: 'Busy Here', 487: 'Request Terminated', 500: 'Server Internal Error',
  503: 'Service Unavailable', 603: 'Decline',
};

/** The words for `code`, with a class-wide fallback for a code the table does not hold. */
export function reasonOf(code: number): string {
  return reasons[code] ?? (code < 200 ? 'Progress' : code < 300 ? 'OK' : 'Error');
}

export interface ProxyReply {
  readonly code: number;
  readonly reason: string;
}

/**
 * The replies the edge makes for a decision of its own, with words of its own where the
 * code's usual phrase would not say why (docs/security.md names them to the user).
 */
export const proxyReplies = {
  /** A request from outside the trust model (never to an ACK). */
  outsideTrust: { code: 403, reason: 'Forbidden' },
  /** A Route set leading past this proxy, whoever sent it. */
  preloadedRoute: { code: 403, reason: 'Preloaded Route Refused' },
  /** A REGISTER from a gateway or an upstream. */
  registerNotFromLan: { code: 403, reason: 'Not From This Branch' },
  /** A request to somewhere its source may not send (a gateway, a foreign host). */
  relayingDenied: { code: 403, reason: 'Relaying Denied' },
  /** OPTIONS to the proxy itself: a keepalive. */
  keepalive: { code: 200, reason: 'OK' },
  /** An in-dialog request for a dialog the proxy does not know. */
  noDialog: { code: 404, reason: 'Not Here' },
  /** An upstream's request for a number with no registration in the local copy. */
  notRegistered: { code: 404, reason: 'Not Found' },
  /** A gateway's call with no inbound route (or a route with nothing to ring). */
  noInboundRoute: { code: 404, reason: 'No Inbound Route' },
  /** A call from the LAN with no outbound policy; a REGISTER with nowhere to go. */
  noRoute: { code: 500, reason: 'No Route' },
  /** Another request from the LAN when no upstream is usable. */
  noUpstream: { code: 480, reason: reasonOf(480) },
  /** No upstream answered and no survival action made a final reply. */
  noSurvival: { code: 408, reason: reasonOf(408) },
  /**
   * Every gateway of a list (survival relay or redirect, emergency) is full, marked down or
   * failed. 503 as RFC 3398 maps ISDN cause 34 (no circuit available); made by the edge
   * itself, so tm's remap_503_500 (which rewrites relayed 503s only) leaves it alone.
   */
  noGateway: { code: 503, reason: 'No Gateway Available' },
  /** Every inbound step ended without a final reply worth passing on. */
  nobodyAnswered: { code: 480, reason: reasonOf(480) },
  /**
   * A 503 from the next hop, never relayed (RFC 3261 §16.7 step 6): tm's
   * `remap_503_500` builds a 500 of its own with the words of the 503
   * (`error_text(503)` in t_reply.c's relay_reply), measured on the wire.
   */
  remapped503: { code: 500, reason: reasonOf(503) },
} as const satisfies Readonly<Record<string, ProxyReply>>;
