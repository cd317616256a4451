// The `limits` block parses to a Limits node whose properties are flattened like
// `probe options`: `per-source N per D` is two properties (the count, then the window).
import { describe, expect, it } from 'vitest';
import { parse, type ast } from '../../../grammar/src/index.js';
import { spanOf } from './helpers.js';

const TEXT = `profile p {
  limits { per-source 30 per 2s  outside 200 per 1s  max-expires 1h  max-contacts 5 }
}
branch b uses p {
  limits {
    max-contacts 8
  }
}
`;

function limitsOf(text: string, index = 0): ast.LimitsNode | undefined {
  const container = parse(text, 'l.surv').ast.declarations[index];
  if (!container || container.kind === 'Scenario') return undefined;
  return container.settings.find((s): s is ast.LimitsNode => s.kind === 'Limits');
}

describe('limits block', () => {
  it('parses every limit, the windows as their own properties', () => {
    const result = parse(TEXT, 'l.surv');
    expect(result.diagnostics).toEqual([]);
    const limits = limitsOf(TEXT);
    expect(limits?.properties.map((p) => [p.key, p.value?.type, p.value?.text])).toEqual([
      ['per-source', 'number', '30'], ['per-source-window', 'duration', '2s'],
      ['outside', 'number', '200'], ['outside-window', 'duration', '1s'],
      ['max-expires', 'duration', '1h'], ['max-contacts', 'number', '5'],
    ]);
  });

  it('spans: the block, each key and each statement', () => {
    const limits = limitsOf(TEXT);
    expect(limits && { start: limits.start, end: limits.end }).toEqual(spanOf(TEXT, 'limits { per-source 30 per 2s  outside 200 per 1s  max-expires 1h  max-contacts 5 }'));
    const [perSource, window] = limits?.properties ?? [];
    expect(perSource?.keySpan).toEqual(spanOf(TEXT, 'per-source'));
    expect(perSource && { start: perSource.start, end: perSource.end }).toEqual(spanOf(TEXT, 'per-source 30'));
    expect(window?.keySpan).toEqual(spanOf(TEXT, 'per', 1));
    expect(window && { start: window.start, end: window.end }).toEqual(spanOf(TEXT, 'per 2s'));
  });

  it('sits in a branch as in a profile, on several lines', () => {
    expect(limitsOf(TEXT, 1)?.properties.map((p) => [p.key, p.value?.text])).toEqual([['max-contacts', '8']]);
  });

  it('a missing closing brace before the next setting is forgiven; the block is kept', () => {
    const text = 'branch b {\n  limits { max-contacts 2\n  lan 10.0.0.0/24\n}\n';
    const result = parse(text, 'l.surv');
    expect(result.diagnostics.map((d) => d.message)).toEqual(["expected '}' to close limits"]);
    expect(limitsOf(text)?.properties.map((p) => p.key)).toEqual(['max-contacts']);
  });

  it('its words are keywords, not names', () => {
    const result = parse('limits per-source per outside max-expires max-contacts', 'k.surv');
    expect(result.tokens.map((t) => t.tokenType.name)).toEqual(['kw_limits', 'kw_per-source', 'kw_per', 'kw_outside', 'kw_max-expires', 'kw_max-contacts']);
  });
});
