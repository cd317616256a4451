// The routing plan's public face (see plan.ts).
export type * from './plan.js';
export { buildRoutingPlan, DEFAULT_RING_MS, sipHostPort } from './build.js';
export { passes } from './decide.js';
export {
  assertedIdentity, calledNumberFor, callerIdFor, fill, fits, inboundMatch, numberRulesFor, rewriteNumber, type InboundMatch, type PresentedId,
} from './numbers.js';
export { chooseGateway, failsOver, gatewayFailover, gatewayFull, type GatewayChoice } from './gateways.js';
export { localRouteFor } from './local.js';
export { canonicalHost, inLan, sourceOf, type SourceClass } from './trust.js';
export { proxyReplies, reasonOf, reasons, type ProxyReply } from './reasons.js';
export { eventCallId, eventCounters, eventFields, eventLine, eventTag, noUpstream, simulatedTime, type EventField, type EventValues, type SurvivalEventName } from './events.js';
