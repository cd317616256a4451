// Any text at all: analyze returns diagnostics without throwing, every range lies
// within its text (start <= end) and agrees with its offset, and the same input
// always gives the same output.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { analyze, parse } from '../../../grammar/src/index.js';
import { codeUnitString, fleet, tokenSoup } from './arbitraries.js';
import { analyzeChecked, diagnosticsJson } from './invariants.js';

const one = (text: string) => analyzeChecked([{ uri: 'fuzz.surv', text }]);

describe('analyze never throws and locates every diagnostic inside the text', () => {
  it('fc.string (printable ASCII, and ASCII with control characters)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (text) => { one(text); }), { numRuns: 300 });
    fc.assert(fc.property(fc.string({ unit: 'binary-ascii', maxLength: 400 }), (text) => { one(text); }), { numRuns: 200 });
  });

  it('full Unicode code points (fc.string unit binary)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => { one(text); }), { numRuns: 200 });
  });

  it('graphemes (fc.string unit grapheme)', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => { one(text); }), { numRuns: 150 });
  });

  it('any UTF-16 code units, lone surrogates included', () => {
    fc.assert(fc.property(codeUnitString, (text) => { one(text); }), { numRuns: 200 });
  });

  it('token soup: the language\'s keywords, literals and punctuation in any order', () => {
    fc.assert(fc.property(tokenSoup, (text) => { one(text); }), { numRuns: 400 });
  });

  it('near-valid fleets of several files with use, profiles, branches and scenarios', () => {
    fc.assert(fc.property(fleet, (files) => { analyzeChecked(files); }), { numRuns: 300 });
  });
});

describe('analysis is deterministic', () => {
  it('the same token soup twice gives identical diagnostics JSON and an identical model', () => {
    fc.assert(fc.property(tokenSoup, (text) => {
      const first = analyze([{ uri: 'd.surv', text }]);
      const second = analyze([{ uri: 'd.surv', text }]);
      return diagnosticsJson(first) === diagnosticsJson(second) && JSON.stringify(first.model) === JSON.stringify(second.model);
    }), { numRuns: 200 });
  });

  it('the same fleet twice gives identical diagnostics JSON and an identical model', () => {
    fc.assert(fc.property(fleet, (files) => {
      const first = analyze(files);
      const second = analyze(files);
      return diagnosticsJson(first) === diagnosticsJson(second) && JSON.stringify(first.model) === JSON.stringify(second.model);
    }), { numRuns: 200 });
  });

  it('reusing cached parse results changes nothing', () => {
    fc.assert(fc.property(fleet, (files) => {
      const fresh = analyze(files);
      const parsed = new Map(files.map((f) => [f.uri, parse(f.text, f.uri)]));
      const cached = analyze(files, { parsed });
      return diagnosticsJson(fresh) === diagnosticsJson(cached) && JSON.stringify(fresh.model) === JSON.stringify(cached.model);
    }), { numRuns: 100 });
  });

  it('diagnostics come sorted by uri, then offset', () => {
    fc.assert(fc.property(fleet, (files) => {
      const d = analyze(files).diagnostics;
      return d.every((x, i) => i === 0 || (() => {
        const prev = d[i - 1] as typeof x;
        return prev.uri < x.uri || (prev.uri === x.uri && prev.range.start.offset <= x.range.start.offset);
      })());
    }), { numRuns: 100 });
  });
});
