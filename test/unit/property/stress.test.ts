// Large and pathological inputs complete without throwing or overflowing the stack.
// Times are measured and printed, never asserted: timing targets belong to the
// benchmarks (bench/), not to unit tests on a shared machine.
import { describe, expect, it } from 'vitest';
import { randomBytes } from './arbitraries.js';
import { analyzeChecked } from './invariants.js';

function timed<T>(label: string, run: () => T): T {
  const start = performance.now();
  const result = run();
  console.log(`[stress] ${label}: ${(performance.now() - start).toFixed(0)} ms`);
  return result;
}

describe('1 MB of random bytes', () => {
  const bytes = randomBytes(1 << 20, 20240601);

  it.each(['latin1', 'utf8'] as const)('decoded as %s: analysis completes', (encoding) => {
    const text = bytes.toString(encoding);
    const analysis = timed(`1 MB random ${encoding} (${text.length} chars)`, () => analyzeChecked([{ uri: 'random.surv', text }]));
    expect(analysis.diagnostics.length).toBeGreaterThan(0);
  });
});

describe('deep nesting', () => {
  const cases: [string, string][] = [
    ['10,000 opening braces', '{'.repeat(10_000)],
    ['10,000 nested braces', `${'{'.repeat(10_000)}${'}'.repeat(10_000)}`],
    ['10,000 nested `branch a {` openings', 'branch a {'.repeat(10_000)],
    ['10,000 nested `branch a {` with their closing braces', `${'branch a {'.repeat(10_000)}${'}'.repeat(10_000)}`],
    ['10,000 nested gateway blocks in a branch', `branch a { ${'gateway g { '.repeat(10_000)}${'}'.repeat(10_001)}`],
    ['10,000 opening brackets', `branch a { group g parallel ${'['.repeat(10_000)} }`],
    ['10,000 nested `on timeout {`', `branch a { outbound from lan via c { ${'on timeout { '.repeat(10_000)} } }`],
    ['10,000 scenario openings', 'scenario "s" in a {'.repeat(10_000)],
  ];

  it.each(cases)('%s: completes without throwing', (label, text) => {
    // analyzeChecked fails the test if analyze (and so parse) throws, a RangeError included.
    const analysis = timed(label, () => analyzeChecked([{ uri: 'deep.surv', text }]));
    expect(analysis.diagnostics.length).toBeGreaterThan(0);
  });
});

describe('long flat inputs', () => {
  it('a branch with 5,000 phones and a 5,000-member group', () => {
    const phones = Array.from({ length: 5_000 }, (_, i) => `  phone p${i} ${1000 + i} at 10.${(i >> 8) & 255}.${i & 255}.1`).join('\n');
    const members = Array.from({ length: 5_000 }, (_, i) => `p${i}`).join(', ');
    const text = `branch big {\n  edge listen udp 10.0.0.1\n  lan 10.0.0.0/8\n${phones}\n  group all parallel [${members}]\n}\n`;
    const analysis = timed('5,000 phones', () => analyzeChecked([{ uri: 'big.surv', text }]));
    expect(analysis.model.branches[0]?.phones).toHaveLength(5_000);
    expect(analysis.model.branches[0]?.groups[0]?.members.value).toHaveLength(5_000);
  });

  it('one line of 200,000 characters inside a string and a comment', () => {
    const long = 'x'.repeat(200_000);
    timed('long string and comment', () => analyzeChecked([{ uri: 'long.surv', text: `use "${long}"\n# ${long}\nuse "${long}` }]));
  });
});
