// The routing plan's public face (see plan.ts).
export type * from './plan.js';
export { buildRoutingPlan, DEFAULT_RING_MS, sipHostPort, sourceRules } from './build.js';
export { inboundRouteFor, passes, rewriteNumber } from './decide.js';
export { proxyReplies, reasonOf, reasons, type ProxyReply } from './reasons.js';
