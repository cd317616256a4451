// Numbers both ways, decided from the plan's data: the called number each gateway is
// sent, the calling number it is told, and which inbound route a gateway's called number
// takes. The simulator's edge and the design ladder call these; the exporter writes the
// same rules as Kamailio routes (engines/export/cfg-numbers.ts).
import { patternFits, type NumberPattern } from '../../grammar/src/index.js';
import { sipHostPort } from './build.js';
import type { PlanDidPattern, PlanGateway, PlanInbound, PlanInboundRoute, PlanRewrite, RoutingPlan } from './plan.js';

/** The number after the first rule whose match fits, else the number unchanged. */
export function rewriteNumber(rules: readonly PlanRewrite[], number: string): string {
  for (const r of rules) {
    if (number.startsWith(r.match)) return r.prefix + number.slice(r.strip);
  }
  return number;
}

/**
 * The Request-URI user a gateway is sent for a dialled number: the gateway's own rules
 * when it has any, else the outbound block's. Emergency numbers are never rewritten.
 */
export function calledNumberFor(plan: RoutingPlan, gatewayName: string, dialled: string): string {
  if (plan.outbound?.emergency.numbers.includes(dialled)) return dialled;
  return rewriteNumber(numberRulesFor(plan, gatewayName), dialled);
}

/** The rules that make the number a gateway is sent: its own when it has any, else the outbound block's. */
export function numberRulesFor(plan: RoutingPlan, gatewayName: string): readonly PlanRewrite[] {
  const gateway = plan.gateways.find((g) => g.name === gatewayName);
  return gateway?.rewrite ?? plan.outbound?.rewrite ?? [];
}

/** Whether `number` is one of the numbers a pattern stands for: the checker's own test, so both agree. */
export const fits: (p: NumberPattern, number: string) => boolean = patternFits;

/** `p`'s Xs filled with the last digits of `number` (a pattern with no Xs is its prefix). */
export function fill(p: NumberPattern, number: string): string {
  return p.prefix + (p.digits === 0 ? '' : number.slice(-p.digits));
}

/** The calling number presented to a gateway. */
export interface PresentedId {
  readonly number: string;
  /** `Privacy: id`: the gateway withholds it from the called party. */
  readonly private: boolean;
}

/** What a gateway is told a caller's number is (the first `caller-id` that fits the caller's From user); undefined: nothing changes. */
export function callerIdFor(gateway: PlanGateway | undefined, caller: string): PresentedId | undefined {
  const rule = gateway?.callerIds.find((c) => c.extensions === undefined || fits(c.extensions, caller));
  return rule && { number: fill(rule.number, caller), private: rule.private };
}

/** The P-Asserted-Identity value for a presented number: a SIP URI at the edge's first listen address (RFC 3325 §9.1). */
export function assertedIdentity(plan: RoutingPlan, number: string): string {
  return `<sip:${number}@${sipHostPort(plan.listens[0]?.address ?? 'localhost', undefined)}>`;
}

/** How a gateway's call was matched. */
export interface InboundMatch {
  readonly route: PlanInboundRoute;
  /** The called number after the inbound normalisation. */
  readonly number: string;
  /** The did pattern that took it, if one did. */
  readonly pattern: PlanDidPattern | undefined;
  /** For `did PATTERN to EXTENSION-PATTERN`: the extension it picked. */
  readonly extension: string | undefined;
}

/**
 * The inbound route a gateway's call to `dialled` takes: normalised, then an exact did or
 * an extension, then the first did pattern that fits (its own route, or the extension its
 * last digits pick, which rings that extension's route if there is one), else the ring chain.
 */
export function inboundMatch(inbound: PlanInbound, dialled: string): InboundMatch {
  const number = rewriteNumber(inbound.normalise, dialled);
  const exact = (n: string) => inbound.routes.find((r) => r.kind !== 'chain' && r.number === n);
  const chain = inbound.routes[0]!;
  const direct = exact(number);
  if (direct) return { route: direct, number, pattern: undefined, extension: undefined };
  const pattern = inbound.patterns.find((p) => fits(p.pattern, number));
  if (!pattern) return { route: chain, number, pattern: undefined, extension: undefined };
  if (pattern.routeId !== undefined) return { route: inbound.routes[pattern.routeId] ?? chain, number, pattern, extension: undefined };
  const extension = fill(pattern.extension!, number);
  return { route: exact(extension) ?? chain, number, pattern, extension };
}
