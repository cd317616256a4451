// What must hold for ANY input: analyze returns (never throws), every diagnostic is
// well-formed and located inside its own text, positions agree with offsets, and
// the model is plain data.
import { expect } from 'vitest';
import { analyze, type Analysis, type Position, type SourceFile } from '../../../grammar/src/index.js';

const SEVERITIES = new Set(['error', 'warning', 'information', 'hint']);

/** Line starts of a text (every offset just after a \n), computed independently of the core. */
const lineStartsCache = new WeakMap<object, number[]>();
function lineStarts(text: string, key: object): number[] {
  let starts = lineStartsCache.get(key);
  if (!starts) {
    starts = [0];
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
    lineStartsCache.set(key, starts);
  }
  return starts;
}

/** The 0-based line and UTF-16 column of `offset`. */
function expectedPosition(starts: readonly number[], offset: number): Position {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((starts[mid] as number) <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low, character: offset - (starts[low] as number), offset };
}

function checkPosition(position: Position, text: string, starts: readonly number[], what: string): void {
  if (!(Number.isInteger(position.offset) && position.offset >= 0 && position.offset <= text.length)) {
    expect.fail(`${what}: offset ${position.offset} outside a text of length ${text.length}`);
  }
  const expected = expectedPosition(starts, position.offset);
  if (position.line !== expected.line || position.character !== expected.character) {
    expect.fail(`${what}: ${JSON.stringify(position)} does not match its offset (expected ${JSON.stringify(expected)})`);
  }
}

/** Analyses `sources` and checks every invariant; returns the analysis. */
export function analyzeChecked(sources: readonly SourceFile[]): Analysis {
  let analysis: Analysis;
  try {
    analysis = analyze(sources);
  } catch (error) {
    expect.fail(`analyze threw: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  }
  const texts = new Map(sources.map((s) => [s.uri, s]));
  const checkRange = (uri: string, range: { start: Position; end: Position }, what: string) => {
    const source = texts.get(uri);
    if (source === undefined) expect.fail(`${what}: unknown uri ${uri}`);
    const starts = lineStarts(source.text, source);
    checkPosition(range.start, source.text, starts, `${what} start`);
    checkPosition(range.end, source.text, starts, `${what} end`);
    if (range.start.offset > range.end.offset) expect.fail(`${what}: start ${range.start.offset} > end ${range.end.offset}`);
  };
  for (const d of analysis.diagnostics) {
    const what = `${d.code} '${d.message}'`;
    if (!/^SURV\d{3}$/.test(d.code)) expect.fail(`bad code ${d.code}`);
    if (!SEVERITIES.has(d.severity)) expect.fail(`${what}: bad severity ${d.severity}`);
    if (typeof d.message !== 'string' || d.message.length === 0) expect.fail(`${what}: empty message`);
    checkRange(d.uri, d.range, what);
    for (const r of d.related ?? []) checkRange(r.location.uri, r.location.range, `related of ${what}`);
  }
  // The model is plain data, serialisable as is.
  expect(() => JSON.stringify(analysis.model)).not.toThrow();
  return analysis;
}

/** The diagnostics of an analysis as stable JSON. */
export function diagnosticsJson(analysis: Analysis): string {
  return JSON.stringify(analysis.diagnostics);
}
