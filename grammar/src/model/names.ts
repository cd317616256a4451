import { distance } from 'fastest-levenshtein';

/** The closest candidate to `name`, if it is close enough to be a likely typo. */
export function suggestion(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  // One edit for short names, two from four letters (`psnt` -> `pstn`), three at most.
  const limit = name.length <= 3 ? 1 : Math.min(3, Math.max(2, Math.floor(name.length / 3)));
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (d <= limit && (d < bestDistance || (d === bestDistance && best !== undefined && candidate < best))) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
