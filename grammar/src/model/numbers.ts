// Numbers both ways (docs/language.md: gateway `rewrite` and `caller-id`, inbound
// `rewrite` and did patterns): the resolved rules, built from the merged AST. Kept apart
// from build.ts so the number rules read as one piece.
import type * as ast from '../ast.js';
import type { Src } from './merge.js';
import { sourceOrigin } from './reporter.js';
import type { CallerIdRule, NumberPattern, RewriteRule } from './types.js';
import type { Values } from './values.js';

/** `rewrite { match  strip  prefix }` blocks, first match wins (the outbound block's shape). */
export function rewriteRules(values: Values, srcs: readonly Src<ast.RewriteNode>[]): RewriteRule[] {
  const rules: RewriteRule[] = [];
  for (const r of srcs) {
    const v = values.at(r.uri);
    const props = new Map(r.node.properties.map((p) => [p.key, p]));
    const match = props.get('match');
    const strip = props.get('strip');
    const prefix = props.get('prefix');
    rules.push({
      match: (match ? v.digits(match.value, 'a number prefix') : undefined) ?? '',
      strip: (strip ? v.integer(strip.value, 'a digit count', 0, 32) : undefined) ?? 0,
      prefix: (prefix ? v.digits(prefix.value, 'a number prefix') : undefined) ?? '',
      origin: sourceOrigin(r.uri, r.node),
    });
  }
  return rules;
}

/** The gateway's `caller-id` lines; a line whose number or extensions do not convert is left out. */
export function callerIdRules(values: Values, src: Src<ast.GatewayNode>): CallerIdRule[] {
  const v = values.at(src.uri);
  const rules: CallerIdRule[] = [];
  for (const c of src.node.callerIds) {
    const number = v.numberPattern(c.number, 'a calling number');
    const extensions = c.extensions ? v.numberPattern(c.extensions, 'an extension') : undefined;
    if (!number || (c.extensions && !extensions)) continue;
    rules.push({ number, extensions, private: c.private !== undefined, origin: sourceOrigin(src.uri, c) });
  }
  return rules;
}

/** Whether `number` is one of the numbers `p` stands for. */
export function patternFits(p: NumberPattern, number: string): boolean {
  if (number.length !== p.prefix.length + p.digits || !number.startsWith(p.prefix)) return false;
  for (let i = p.prefix.length; i < number.length; i++) {
    const c = number.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Whether every number of `inner` is also one of `outer` (so `inner`, written after it, never applies). */
export function patternCovers(outer: NumberPattern, inner: NumberPattern): boolean {
  return outer.prefix.length + outer.digits === inner.prefix.length + inner.digits && inner.prefix.startsWith(outer.prefix);
}

/** `9441231XX` as written. */
export function patternText(p: NumberPattern): string {
  return p.prefix + 'X'.repeat(p.digits);
}
