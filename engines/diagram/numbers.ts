// The number rules on the design ladder: what each gateway is sent and told, how a
// gateway's called number is normalised, and the did patterns' labels.
import { patternText } from '../../grammar/src/index.js';
import type { PlanGateway, PlanInbound, PlanInboundRoute, PlanRewrite } from '../plan/index.js';

/** `0… strip 1 prefix +34; +34… strip 3`. */
export function rulesText(rules: readonly PlanRewrite[]): string {
  return rules.map((r) => `${r.match}… ${[r.strip ? `strip ${r.strip}` : '', r.prefix ? `prefix ${r.prefix}` : ''].filter(Boolean).join(' ')}`).join('; ');
}

/** A gateway's own rules and presentation, for a note over it; undefined when it has neither. */
export function gatewayNumbersNote(g: PlanGateway): string | undefined {
  const parts: string[] = [];
  if (g.rewrite !== undefined) parts.push(`rewrite: ${g.rewrite.length > 0 ? rulesText(g.rewrite) : 'none'}`);
  const ids = g.callerIds.map((c) => `${patternText(c.number)}${c.extensions ? ` for ${patternText(c.extensions)}` : ''}${c.private ? ' (private)' : ''}`);
  if (ids.length > 0) parts.push(`caller-id (P-Asserted-Identity): ${ids.join(', ')}`);
  return parts.length > 0 ? `${g.name}: ${parts.join('; ')}` : undefined;
}

/** A did route's label: its number, or the pattern that selects it. */
export function didLabel(plan: PlanInbound, route: PlanInboundRoute): string {
  const pattern = plan.patterns.find((p) => p.routeId === route.id);
  return `did ${route.number ?? (pattern ? patternText(pattern.pattern) : '?')} to ${route.target ?? '?'}`;
}

/** The patterns whose last digits pick an extension, as labels (`did 9441231XX: extension 1XX`). */
export function extensionPatternLabels(plan: PlanInbound): string[] {
  return plan.patterns.filter((p) => p.extension !== undefined).map((p) => `did ${patternText(p.pattern)}: the extension ${patternText(p.extension!)} its last digits pick`);
}
