// Block checks of the number rules (docs/language.md: `rewrite`, `caller-id`, did
// patterns): X counts that must agree (SURV047), rules that can never apply because an
// earlier one takes every number they would (SURV048 for dids and caller-ids, SURV067
// for rewrite rules). Values themselves are converted (and reported) by Values.
import type * as ast from '../ast.js';
import { patternCovers, patternText } from '../model/numbers.js';
import type { NumberPattern } from '../model/types.js';
import type { Values } from '../model/values.js';
import type { Reporter } from './reporter.js';

/** The pattern a number or number-pattern literal stands for; other literals were reported by Values. */
function asPattern(v: ast.Value | undefined): NumberPattern | undefined {
  if (v?.type === 'number') return { prefix: v.text, digits: 0 };
  if (v?.type !== 'pattern') return undefined;
  const x = v.text.indexOf('X');
  return { prefix: v.text.slice(0, x), digits: v.text.length - x };
}

const xs = (n: number) => `${n} X${n === 1 ? '' : 's'}`;

/** Rewrite rules after one whose `match` already takes every number they match. */
export function checkRewriteOrder(rules: readonly ast.RewriteNode[], uri: string, reporter: Reporter): void {
  const earlier: { readonly match: string; readonly node: ast.RewriteNode }[] = [];
  for (const rule of rules) {
    const matchProp = rule.properties.find((p) => p.key === 'match');
    if (matchProp && matchProp.value?.type !== 'number') continue;
    const match = matchProp?.value?.text ?? '';
    const first = earlier.find((e) => match.startsWith(e.match));
    if (first) {
      const why = first.match === '' ? 'has no match, so it takes every number' : `matches ${first.match}, so it takes every number this one matches`;
      reporter.warning('SURV067', `this rewrite rule never applies: the rule before it ${why}`, uri, matchProp?.value ?? { start: rule.start, end: rule.start + 'rewrite'.length }, {
        related: [{ uri, span: { start: first.node.start, end: first.node.start + 'rewrite'.length }, message: 'the rule that applies first' }],
      });
    }
    earlier.push({ match, node: rule });
  }
}

/** `caller-id` lines of one gateway block: Xs filled one for one, none shadowed by an earlier line. */
export function checkCallerIds(lines: readonly ast.CallerIdNode[], uri: string, values: Values, reporter: Reporter): void {
  const earlier: { readonly extensions: NumberPattern | undefined; readonly node: ast.CallerIdNode }[] = [];
  for (const line of lines) {
    const number = values.numberPattern(line.number, 'a calling number');
    const extensions = line.extensions ? values.numberPattern(line.extensions, 'an extension') : undefined;
    if (!number || (line.extensions && !extensions)) continue;
    if (number.digits > 0 && !extensions) {
      reporter.error('SURV047', `caller-id ${patternText(number)} has ${xs(number.digits)} but no 'for' pattern whose last digits fill them: say e.g. 'for 1${'X'.repeat(number.digits)}'`, uri, line.number ?? line);
      continue;
    }
    if (extensions && number.digits > 0 && number.digits !== extensions.digits) {
      reporter.error('SURV047', `caller-id ${patternText(number)} has ${xs(number.digits)} but 'for ${patternText(extensions)}' has ${xs(extensions.digits)}: the caller's last digits fill the Xs one for one`, uri, line.extensions ?? line);
      continue;
    }
    const first = earlier.find((e) => e.extensions === undefined || (extensions !== undefined && patternCovers(e.extensions, extensions)));
    if (first) {
      const why = first.extensions === undefined ? 'is for every caller' : `is for ${patternText(first.extensions)}, which takes every caller this one is for`;
      reporter.warning('SURV048', `this caller-id never applies: an earlier one ${why}`, uri, { start: line.start, end: line.start + 'caller-id'.length }, {
        related: [{ uri, span: { start: first.node.start, end: first.node.start + 'caller-id'.length }, message: 'the caller-id that applies first' }],
      });
    }
    earlier.push({ extensions, node: line });
  }
}

/** The inbound rewrite rules' order; did patterns: an extension pattern takes a DID pattern with as many Xs, none shadowed by an earlier pattern. */
export function checkInboundNumbers(node: ast.InboundNode, uri: string, reporter: Reporter): void {
  checkRewriteOrder(node.items.filter((i): i is ast.RewriteNode => i.kind === 'Rewrite'), uri, reporter);
  const earlier: { readonly pattern: NumberPattern; readonly node: ast.DidNode }[] = [];
  for (const item of node.items) {
    if (item.kind !== 'Did') continue;
    const number = asPattern(item.number);
    const target = item.target?.type === 'pattern' ? asPattern(item.target) : undefined;
    if (target && item.target && number && number.digits === 0) {
      reporter.error('SURV047', `'to ${patternText(target)}' picks the extension from the called number's last digits, so the did needs as many Xs: write e.g. 'did ${number.prefix.slice(0, Math.max(0, number.prefix.length - target.digits))}${'X'.repeat(target.digits)}'`, uri, item.target);
      continue;
    }
    if (target && item.target && number && number.digits !== target.digits) {
      reporter.error('SURV047', `did ${patternText(number)} has ${xs(number.digits)} but 'to ${patternText(target)}' has ${xs(target.digits)}: the called number's last digits fill the Xs one for one`, uri, item.target);
      continue;
    }
    if (!number || number.digits === 0) continue;
    const first = earlier.find((e) => patternCovers(e.pattern, number));
    if (first && item.number) {
      reporter.warning('SURV048', `did ${patternText(number)} never applies: the earlier did ${patternText(first.pattern)} takes every number it would`, uri, item.number, {
        related: [{ uri, span: first.node.number ?? first.node, message: 'the did that applies first' }],
      });
    }
    earlier.push({ pattern: number, node: item });
  }
}
