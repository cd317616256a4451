// surv's documented defaults (docs/language.md). A value taken from here has
// origin `default` in the model, so hovers and diagnostics can say so.
import type { GatewayKindName } from './types.js';

export const defaults = {
  timers: {
    /** Kamailio's own fr_timer default is 30 s; nobody waits 30 s of silence. */
    noAnswerMs: 10_000,
    /** Kamailio's fr_inv_timer default. */
    ringingMs: 120_000,
    t1Ms: 500,
    t2Ms: 4_000,
    budgetMs: 20_000,
  },
  probe: { everyMs: 15_000, timeoutMs: 2_000, downAfter: 2, upAfter: 3, holdoffMs: 0 },
  groupRingMs: 20_000,
  /** Kamailio pike and ratelimit figures that no office of phones reaches, but a scanner does. */
  limits: {
    perSource: { count: 30, windowS: 2 },
    outside: { count: 200, windowS: 1 },
    maxExpiresS: 3600,
    maxContacts: 5,
  },
  lossPercent: 0,
  seed: 1,
} as const;

/** Channels per gateway kind when not given (one BRI line = 2 B channels, E1 PRI = 30). */
export const defaultChannels: Record<GatewayKindName, number | undefined> = { bri: 2, pri: 30, fxo: 1, trunk: undefined };
