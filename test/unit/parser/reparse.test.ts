// `reparse` must give exactly what `parse` gives, whatever the edit: it only
// decides how much of the work to redo.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, reparse, type ParseResult } from '../../../grammar/src/index.js';

const examples = ['examples/bilbao.surv', 'examples/critical-branch.surv', 'examples/two-head-offices.surv', 'examples/petrol-stations/station-07.surv']
  .map((path) => ({ path, text: readFileSync(path, 'utf8') }));

/** What a caller can observe of a parse result. */
function observable(r: ParseResult) {
  return { ast: JSON.parse(JSON.stringify(r.ast)) as unknown, comments: r.comments, diagnostics: r.diagnostics, images: r.tokens.map((t) => `${t.startOffset}:${t.image}`) };
}

function edit(text: string, at: number, remove: number, insert: string): string {
  return text.slice(0, at) + insert + text.slice(at + remove);
}

describe('reparse', () => {
  it('gives what parse gives for an edit inside one branch, reusing the other declarations', () => {
    const { text } = examples[0] as { text: string };
    const previous = parse(text, 'b.surv');
    const scenarios = previous.ast.declarations.slice(1);
    const changed = text.replace('phone desk1 101', 'phone desk1 109');
    const result = reparse(previous, changed, 'b.surv');
    expect(observable(result)).toEqual(observable(parse(changed, 'b.surv')));
    // The scenarios after the branch are the same objects, not parsed again.
    expect(result.ast.declarations.slice(1)).toEqual(scenarios);
    expect(result.ast.declarations[1]).toBe(scenarios[0]);
  });

  it('shifts the declarations after an edit that changes the length', () => {
    const { text } = examples[0] as { text: string };
    const changed = text.replace('ring 20s', 'ring 120s  # longer');
    expect(observable(reparse(parse(text, 'b.surv'), changed, 'b.surv'))).toEqual(observable(parse(changed, 'b.surv')));
  });

  it('falls back to a full parse when the edit breaks the syntax, and gives its errors', () => {
    const { text } = examples[0] as { text: string };
    const changed = text.replace('phone desk1 101 at', 'phone desk1 101 ta');
    const result = reparse(parse(text, 'b.surv'), changed, 'b.surv');
    expect(result.diagnostics.length).toBeGreaterThan(0);
    expect(observable(result)).toEqual(observable(parse(changed, 'b.surv')));
  });

  it('agrees with parse for random edits anywhere in every example', () => {
    const alphabet = fc.constantFrom(' ', '\n', '{', '}', '1', 's', 'a', '#', '"', 'x', 'phone p 1 registered', '10.0.0.1', 'ring ');
    for (const { path, text } of examples) {
      fc.assert(fc.property(fc.nat(text.length), fc.nat(12), fc.array(alphabet, { maxLength: 4 }), (at, remove, parts) => {
        const changed = edit(text, at, remove, parts.join(''));
        const expected = observable(parse(changed, path));
        expect(observable(reparse(parse(text, path), changed, path))).toEqual(expected);
      }), { numRuns: 150 });
    }
  });
});
