// Inbound did patterns in the explored space: one called number per pattern, the phones
// it rings (a pattern to a phone or group: its phones; an extension pattern: the first
// phone whose extension it fits).
import { patternFits as fits, type Branch } from '../../grammar/src/index.js';

/** A called number for each did pattern and who it rings (`target`: a phone or group name). */
export function didPatternCalls(branch: Branch): { readonly number: string; readonly target: string }[] {
  const out: { number: string; target: string }[] = [];
  for (const d of branch.inbound?.didPatterns ?? []) {
    if (d.target !== undefined) {
      out.push({ number: d.pattern.prefix + '0'.repeat(d.pattern.digits), target: d.target });
      continue;
    }
    const phone = branch.phones.find((p) => p.extension.value !== undefined && fits(d.extension!, p.extension.value));
    if (phone) out.push({ number: d.pattern.prefix + phone.extension.value!.slice(-d.pattern.digits), target: phone.name });
  }
  return out;
}

/** Whether a did pattern takes `number` (so it is not a free number). */
export function takenByPattern(branch: Branch, number: string): boolean {
  return (branch.inbound?.didPatterns ?? []).some((d) => fits(d.pattern, number));
}
