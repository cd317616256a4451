// Mutations of the shipped examples (delete, insert, swap, duplicate, replace random
// tokens) never make analysis throw, and every diagnostic stays inside its text.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { parse } from '../../../grammar/src/index.js';
import { goodExampleFiles, brokenFiles, petrolFiles, read } from '../parser/helpers.js';
import { KEYWORDS, LITERALS, PUNCTUATION } from './arbitraries.js';
import { analyzeChecked } from './invariants.js';

type Mutation =
  | { op: 'delete'; at: number }
  | { op: 'insert'; at: number; piece: string }
  | { op: 'replace'; at: number; piece: string }
  | { op: 'swap'; at: number; with: number }
  | { op: 'duplicate'; at: number };

const piece = fc.constantFrom(...KEYWORDS, ...LITERALS, ...PUNCTUATION);
const index = fc.nat();
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  index.map((at) => ({ op: 'delete' as const, at })),
  fc.tuple(index, piece).map(([at, p]) => ({ op: 'insert' as const, at, piece: p })),
  fc.tuple(index, piece).map(([at, p]) => ({ op: 'replace' as const, at, piece: p })),
  fc.tuple(index, index).map(([at, w]) => ({ op: 'swap' as const, at, with: w })),
  index.map((at) => ({ op: 'duplicate' as const, at })),
);
const mutations = fc.array(mutation, { minLength: 1, maxLength: 8 });
const separator = fc.constantFrom(' ', '\n');

/** The token texts of a file (comments and whitespace dropped: they only separate tokens). */
function tokensOf(text: string): string[] {
  return parse(text).tokens.map((t) => t.image);
}

function apply(tokens: readonly string[], list: readonly Mutation[]): string[] {
  const out = [...tokens];
  for (const m of list) {
    const at = out.length === 0 ? 0 : m.at % out.length;
    switch (m.op) {
      case 'delete': out.splice(at, 1); break;
      case 'insert': out.splice(at, 0, m.piece); break;
      case 'replace': out.splice(at, 1, m.piece); break;
      case 'duplicate': if (out[at] !== undefined) out.splice(at, 0, out[at] as string); break;
      case 'swap': {
        const other = out.length === 0 ? 0 : m.with % out.length;
        const a = out[at];
        const b = out[other];
        if (a !== undefined && b !== undefined) { out[at] = b; out[other] = a; }
        break;
      }
    }
  }
  return out;
}

describe('mutated examples', () => {
  const files = [...goodExampleFiles(), ...brokenFiles()];

  it.each(files)('%s', (file) => {
    const tokens = tokensOf(read(file));
    fc.assert(fc.property(mutations, separator, (list, sep) => {
      const text = apply(tokens, list).join(sep);
      analyzeChecked([{ uri: 'mutated.surv', text }]);
    }), { numRuns: 60 });
  });

  it('the petrol-station fleet with its shared profile mutated', () => {
    const [profile, ...stations] = petrolFiles();
    const tokens = tokensOf(read(profile as string));
    const others = stations.slice(0, 8).map((f) => ({ uri: f.replace('examples/', ''), text: read(f) }));
    fc.assert(fc.property(mutations, (list) => {
      analyzeChecked([{ uri: 'petrol-stations/profile.surv', text: apply(tokens, list).join('\n') }, ...others]);
    }), { numRuns: 80 });
  });

  it('a station mutated, analysed with its profile', () => {
    const [profile, station] = petrolFiles().filter((f) => f.endsWith('profile.surv') || f.endsWith('station-07.surv'));
    const tokens = tokensOf(read(station as string));
    fc.assert(fc.property(mutations, (list) => {
      analyzeChecked([
        { uri: 'petrol-stations/profile.surv', text: read(profile as string) },
        { uri: 'petrol-stations/station-07.surv', text: apply(tokens, list).join(' ') },
      ]);
    }), { numRuns: 80 });
  });
});
