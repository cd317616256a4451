// Shared helpers for the parser, model, property and golden suites.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { SurvDiagnostic } from '../../../grammar/src/index.js';

/** Absolute path of a file relative to the repository root. */
export const root = (relative: string): string => fileURLToPath(new URL(`../../../${relative}`, import.meta.url));

export const read = (relative: string): string => readFileSync(root(relative), 'utf8');

/** The good examples: examples/*.surv (each a complete design on its own). */
export function goodExampleFiles(): string[] {
  return readdirSync(root('examples')).filter((f) => f.endsWith('.surv')).sort().map((f) => `examples/${f}`);
}

/** The petrol-station fleet: every file of examples/petrol-stations. */
export function petrolFiles(): string[] {
  return readdirSync(root('examples/petrol-stations')).filter((f) => f.endsWith('.surv')).sort().map((f) => `examples/petrol-stations/${f}`);
}

/** The broken-on-purpose examples. */
export function brokenFiles(): string[] {
  return readdirSync(root('examples/broken')).filter((f) => f.endsWith('.surv')).sort().map((f) => `examples/broken/${f}`);
}

export function allExampleFiles(): string[] {
  return [...goodExampleFiles(), ...petrolFiles(), ...brokenFiles()];
}

/**
 * The span of the `occurrence`-th (0-based) appearance of `needle` in `text`.
 * Throws when it is not there, so a typo in a test fails loudly.
 */
export function spanOf(text: string, needle: string, occurrence = 0): { start: number; end: number } {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`'${needle}' (occurrence ${occurrence}) is not in the text`);
  }
  return { start: at, end: at + needle.length };
}

/** The span of `needle` searched for only after the first appearance of `after`. */
export function spanAfter(text: string, after: string, needle: string): { start: number; end: number } {
  const from = text.indexOf(after);
  if (from < 0) throw new Error(`'${after}' is not in the text`);
  const at = text.indexOf(needle, from);
  if (at < 0) throw new Error(`'${needle}' is not after '${after}'`);
  return { start: at, end: at + needle.length };
}

/** 1-based line and column of an offset, as editors and the CLI show them. */
export function lineCol(text: string, offset: number): [number, number] {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const col = offset - (before.lastIndexOf('\n') + 1) + 1;
  return [line, col];
}

/** Every range of a diagnostic (and of its related information) lies inside its text, start <= end. */
export function expectRangesWithin(diagnostics: readonly SurvDiagnostic[], texts: ReadonlyMap<string, string>): void {
  const check = (uri: string, range: SurvDiagnostic['range'], what: string) => {
    const text = texts.get(uri);
    expect(text, `${what}: unknown uri ${uri}`).toBeDefined();
    const length = (text as string).length;
    const { start, end } = range;
    const ok = start.offset >= 0 && end.offset <= length && start.offset <= end.offset
      && start.line >= 0 && start.character >= 0 && end.line >= 0 && end.character >= 0
      && (start.line < end.line || (start.line === end.line && start.character <= end.character));
    if (!ok) expect.fail(`${what} ${JSON.stringify(range)} is not within a text of length ${length}`);
  };
  for (const d of diagnostics) {
    check(d.uri, d.range, `${d.code} ${d.message}`);
    for (const r of d.related ?? []) check(r.location.uri, r.location.range, `related of ${d.code}`);
  }
}

/** Compact form of a diagnostic for assertions: [code, 1-based line, 1-based column]. */
export function located(d: SurvDiagnostic): [string, number, number] {
  return [d.code, d.range.start.line + 1, d.range.start.character + 1];
}
