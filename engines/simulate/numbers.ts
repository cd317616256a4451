// The trace's words for the number decisions of the plan (engines/plan/numbers.ts).
import { patternText } from '../../grammar/src/index.js';
import type { InboundMatch } from '../plan/index.js';

/** How a gateway's call to `dialled` was matched: `: +34944123102 normalised to 944123102: did 9441231XX picks 102`. */
export function inboundCause(dialled: string, m: InboundMatch): string {
  const parts: string[] = [];
  if (m.number !== dialled) parts.push(`${dialled} normalised to ${m.number}`);
  if (m.pattern && m.extension !== undefined) {
    const nobody = m.route.kind === 'chain' ? ', which no phone has: the ring chain' : '';
    parts.push(`did ${patternText(m.pattern.pattern)} picks ${m.extension}${nobody}`);
  } else if (m.pattern) {
    parts.push(`did ${patternText(m.pattern.pattern)}`);
  }
  else if (m.route.kind === 'did') parts.push(`did ${m.route.number ?? ''}`);
  return parts.map((p) => `: ${p}`).join('');
}
