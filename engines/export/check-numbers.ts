// The number rules' values, checked for the cfg before any route is written (plan.ts
// calls these; cfg-numbers.ts writes the routes).
import type { NumberPattern } from '../../grammar/src/index.js';
import type { PlanRewrite } from '../plan/index.js';
import { checkCode, checkNumber } from './escape.js';

/** A rewrite rule whose digits are safe in the cfg. */
export function checkRewrite(r: PlanRewrite, what: string): PlanRewrite {
  return {
    match: r.match === '' ? '' : checkNumber(r.match, `${what} match`),
    strip: checkCode(r.strip, 0, 32, `${what} strip`),
    prefix: r.prefix === '' ? '' : checkNumber(r.prefix, `${what} prefix`),
    origin: r.origin,
  };
}

/** A number pattern whose prefix is safe in the cfg (it may be empty: `XXX`) and whose Xs are few enough for a regex. */
export function checkPattern(p: NumberPattern, what: string): NumberPattern {
  return { prefix: p.prefix === '' ? '' : checkNumber(p.prefix, what), digits: checkCode(p.digits, 0, 15, `${what} Xs`) };
}
