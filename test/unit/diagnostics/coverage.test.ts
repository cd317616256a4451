// Keeps docs/diagnostics.md, the core and these tests in step: every code the core
// can emit is documented, and every documented code has at least one test here that
// asserts it (`code: 'SURVnnn'`, or `['SURVnnn', ...]` in a list of findings).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = (relative: string): string => fileURLToPath(new URL(`../../../${relative}`, import.meta.url));

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path, suffix) : name.endsWith(suffix) ? [path] : [];
  });
}

const doc = readFileSync(root('docs/diagnostics.md'), 'utf8');
const headings = [...doc.matchAll(/^### (SURV\d{3}): (.+)$/gm)].map((m) => ({ code: m[1] as string, title: m[2] as string }));
const documented = headings.map((h) => h.code);

const emitted = new Set(filesUnder(root('grammar/src'), '.ts')
  .flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/'(SURV\d{3})'/g)].map((m) => m[1] as string)));

const thisFile = fileURLToPath(import.meta.url);
const testSources = filesUnder(fileURLToPath(new URL('.', import.meta.url)), '.test.ts')
  .filter((f) => basename(f) !== basename(thisFile))
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');
const tested = new Set([...testSources.matchAll(/code: '(SURV\d{3})'|\['(SURV\d{3})',/g)].map((m) => (m[1] ?? m[2]) as string));

/** Every code of the core at the time these tests were written; none may disappear. */
const known = [
  'SURV001', 'SURV002', 'SURV003', 'SURV004', 'SURV005',
  'SURV010', 'SURV011', 'SURV012', 'SURV013', 'SURV014', 'SURV015', 'SURV016',
  'SURV020', 'SURV021', 'SURV022', 'SURV023', 'SURV024', 'SURV025', 'SURV026',
  'SURV030', 'SURV031', 'SURV032',
  'SURV040', 'SURV041', 'SURV042', 'SURV043', 'SURV044', 'SURV045', 'SURV046',
  'SURV050', 'SURV051', 'SURV052', 'SURV053', 'SURV054', 'SURV055', 'SURV056', 'SURV057', 'SURV058', 'SURV059',
  'SURV060', 'SURV061',
  'SURV070', 'SURV071', 'SURV072', 'SURV073', 'SURV074',
];

describe('docs/diagnostics.md', () => {
  it('documents each code once, in order, under an anchor-friendly heading', () => {
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual(documented);
    for (const { code, title } of headings) expect(title, code).toMatch(/^[a-z0-9][a-z0-9 ,'()/-]*$/i);
  });

  it('documents every code the core emits', () => {
    expect([...emitted].filter((c) => !documented.includes(c))).toEqual([]);
  });

  it('keeps every code ever documented (codes are never removed or reused)', () => {
    expect(known.filter((c) => !documented.includes(c))).toEqual([]);
  });

  it.each(documented)('%s states its severity', (code) => {
    const section = doc.slice(doc.indexOf(`### ${code}:`)).split(/^### /m)[1] ?? '';
    expect(section).toMatch(/\*\*Severity\*\*: (error|warning|error or warning|information)/);
  });
});

describe('every documented code has a test', () => {
  it.each(documented)('%s', (code) => {
    expect(tested.has(code), `no test in test/unit/diagnostics asserts code: '${code}'`).toBe(true);
  });
});
