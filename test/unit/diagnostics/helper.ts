// Expect-helpers for diagnostics, in the manner of Langium's `expectError` and
// rust-analyzer's `check`: the source text carries markers around the exact range a
// diagnostic must cover, the markers are stripped, the text is analysed, and the
// diagnostic is compared field by field.
//
//   «...»  the range of the diagnostic under test (exactly one pair)
//   ‹...›  ranges of its related information, in order (optional)
//
//   expectDiagnostic(edit(BASE, 'via cloud', 'via «clowd»'), {
//     code: 'SURV010', severity: 'error', message: "no upstream named 'clowd'; did you mean 'cloud'?",
//   });
//
// By default the diagnostic must also be the only one: every other diagnostic fails
// the test unless its code is listed in `others`, so cascades are seen.
import { expect } from 'vitest';
import { analyze, type Analysis, type Range, type Severity, type SurvDiagnostic } from '../../../grammar/src/index.js';

export const OPEN = '«';
export const CLOSE = '»';
export const RELATED_OPEN = '‹';
export const RELATED_CLOSE = '›';

/** The URI used for single-file tests. */
export const URI = '/fleet/test.surv';

/** Files of a multi-file test: URI -> (marked) text. */
export type Files = Readonly<Record<string, string>>;

interface MarkedSpan {
  readonly start: number;
  readonly end: number;
}

export interface Stripped {
  readonly text: string;
  readonly ranges: readonly MarkedSpan[];
  readonly related: readonly MarkedSpan[];
}

/** Removes the markers and says where they stood (offsets in the stripped text). */
export function strip(marked: string): Stripped {
  let text = '';
  const ranges: MarkedSpan[] = [];
  const related: MarkedSpan[] = [];
  let open: number | undefined;
  let relatedOpen: number | undefined;
  for (const ch of marked) {
    if (ch === OPEN) {
      if (open !== undefined) throw new Error(`nested ${OPEN} in test text`);
      open = text.length;
    } else if (ch === CLOSE) {
      if (open === undefined) throw new Error(`${CLOSE} without ${OPEN} in test text`);
      ranges.push({ start: open, end: text.length });
      open = undefined;
    } else if (ch === RELATED_OPEN) {
      if (relatedOpen !== undefined) throw new Error(`nested ${RELATED_OPEN} in test text`);
      relatedOpen = text.length;
    } else if (ch === RELATED_CLOSE) {
      if (relatedOpen === undefined) throw new Error(`${RELATED_CLOSE} without ${RELATED_OPEN} in test text`);
      related.push({ start: relatedOpen, end: text.length });
      relatedOpen = undefined;
    } else {
      text += ch;
    }
  }
  if (open !== undefined || relatedOpen !== undefined) throw new Error('unclosed marker in test text');
  return { text, ranges, related };
}

/** Zero-based line/character of an offset, computed independently of the core's LineIndex. */
export function rangeOf(text: string, span: MarkedSpan): Range {
  const position = (offset: number) => {
    const before = text.slice(0, offset);
    const line = before.split('\n').length - 1;
    return { line, character: offset - (before.lastIndexOf('\n') + 1), offset };
  };
  return { start: position(span.start), end: position(span.end) };
}

/**
 * Replaces the one occurrence of `find` in `text` by `replacement`. Throws when
 * `find` is absent or ambiguous, so a stale test fails loudly instead of testing
 * the unchanged base.
 */
export function edit(text: string, find: string, replacement: string): string {
  const at = text.indexOf(find);
  if (at < 0) throw new Error(`edit: '${find}' is not in the text`);
  if (text.indexOf(find, at + 1) >= 0) throw new Error(`edit: '${find}' occurs more than once`);
  return text.slice(0, at) + replacement + text.slice(at + find.length);
}

/** Applies several edits in order. */
export function edits(text: string, ...pairs: readonly (readonly [string, string])[]): string {
  return pairs.reduce((t, [find, replacement]) => edit(t, find, replacement), text);
}

/** Analyses plain (unmarked) text or files. */
export function check(input: string | Files): Analysis {
  const files = typeof input === 'string' ? { [URI]: input } : input;
  return analyze(Object.entries(files).map(([uri, text]) => ({ uri, text: strip(text).text })));
}

/** One line per diagnostic, for readable failures. */
export function render(analysis: Analysis): string {
  if (analysis.diagnostics.length === 0) return '(no diagnostics)';
  return analysis.diagnostics.map((d) => {
    const text = analysis.files.get(d.uri)?.text.slice(d.range.start.offset, d.range.end.offset) ?? '';
    return `${d.uri}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity} ${d.code} ${JSON.stringify(text)}: ${d.message}`;
  }).join('\n');
}

export interface ExpectedDiagnostic {
  readonly code: string;
  readonly severity?: Severity;
  /** The exact message. */
  readonly message?: string;
  /** Compared with toEqual (so every key must be listed). */
  readonly data?: Record<string, unknown>;
  /** Expected `tags`; `[]` asserts there are none. */
  readonly tags?: readonly string[];
  /**
   * Messages of the related information, in order; their ranges are the ‹...›
   * markers, in file order then text order. `[]` asserts there is none.
   */
  readonly related?: readonly string[];
  /** Other codes allowed to appear anywhere (default: none). */
  readonly others?: readonly string[];
}

interface Marked {
  readonly uri: string;
  readonly span: MarkedSpan;
  readonly text: string;
}

function markers(files: Files): { main: Marked; related: Marked[] } {
  const mains: Marked[] = [];
  const related: Marked[] = [];
  for (const [uri, marked] of Object.entries(files)) {
    const s = strip(marked);
    for (const span of s.ranges) mains.push({ uri, span, text: s.text });
    for (const span of s.related) related.push({ uri, span, text: s.text });
  }
  if (mains.length !== 1) throw new Error(`mark exactly one range with ${OPEN}...${CLOSE} (found ${mains.length})`);
  return { main: mains[0] as Marked, related };
}

function describeRange(text: string, range: Range): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character} ${JSON.stringify(text.slice(range.start.offset, range.end.offset))}`;
}

/**
 * Asserts that the text (or the set of files) has exactly one diagnostic with
 * `expected.code`, at the range marked «...», with the expected severity, message,
 * data, tags and related information; and no diagnostic of another code except
 * those listed in `expected.others`. Returns the diagnostic.
 */
export function expectDiagnostic(input: string | Files, expected: ExpectedDiagnostic): SurvDiagnostic {
  const files = typeof input === 'string' ? { [URI]: input } : input;
  const { main, related } = markers(files);
  const analysis = check(files);
  const all = render(analysis);
  const ofCode = analysis.diagnostics.filter((d) => d.code === expected.code);
  expect(ofCode.length, `expected exactly one ${expected.code}; got:\n${all}`).toBe(1);
  const d = ofCode[0] as SurvDiagnostic;

  const expectedRange = rangeOf(main.text, main.span);
  const actualText = analysis.files.get(d.uri)?.text ?? '';
  expect({ uri: d.uri, range: describeRange(actualText, d.range) }, `range of ${expected.code}; all diagnostics:\n${all}`)
    .toEqual({ uri: main.uri, range: describeRange(main.text, expectedRange) });
  expect(d.range).toEqual(expectedRange);

  if (expected.severity !== undefined) expect(d.severity, `severity of ${expected.code}`).toBe(expected.severity);
  if (expected.message !== undefined) expect(d.message, `message of ${expected.code}`).toBe(expected.message);
  if (expected.data !== undefined) expect(d.data, `data of ${expected.code}`).toEqual(expected.data);
  if (expected.tags !== undefined) expect(d.tags ?? [], `tags of ${expected.code}`).toEqual(expected.tags);
  if (expected.related !== undefined) {
    expect(related.length, `mark each related location with ${RELATED_OPEN}...${RELATED_CLOSE}`).toBe(expected.related.length);
    const want = expected.related.map((message, i) => {
      const r = related[i] as Marked;
      return { message, uri: r.uri, range: describeRange(r.text, rangeOf(r.text, r.span)) };
    });
    const got = (d.related ?? []).map((r) => ({
      message: r.message, uri: r.location.uri, range: describeRange(analysis.files.get(r.location.uri)?.text ?? '', r.location.range),
    }));
    expect(got, `related information of ${expected.code}`).toEqual(want);
  }

  const allowed = new Set([expected.code, ...(expected.others ?? [])]);
  const unexpected = analysis.diagnostics.filter((x) => !allowed.has(x.code));
  expect(unexpected.length, `no other diagnostics expected besides ${[...allowed].join(', ')}; got:\n${all}`).toBe(0);
  return d;
}

/** Asserts that the text (or the files) analyse without any diagnostic at all. */
export function expectNoDiagnostics(input: string | Files): Analysis {
  const analysis = check(input);
  expect(analysis.diagnostics.length, `expected no diagnostics; got:\n${render(analysis)}`).toBe(0);
  return analysis;
}

/** Asserts there is no diagnostic of `code` (others may exist). */
export function expectNoDiagnostic(input: string | Files, code: string): Analysis {
  const analysis = check(input);
  const found = analysis.diagnostics.filter((d) => d.code === code);
  expect(found.length, `expected no ${code}; got:\n${render(analysis)}`).toBe(0);
  return analysis;
}

// ---------------------------------------------------------------------------
// A correct base design, so each test states only what it breaks.
// ---------------------------------------------------------------------------

/** A complete, correct branch (the bilbao seed design): no diagnostics at all. */
export const BASE = `branch bilbao {
  edge listen udp 10.222.237.1:5060
  lan 10.222.237.0/24
  gateway pstn { address 10.10.1.3  kind bri  channels 2 }
  upstream cloud { proxy sip:pbx.example.com:5060 }
  timers { no-answer 10s  ringing 60s  budget 15s }
  phone reception 100 at 10.222.237.10
  phone desk1 101 at 10.222.237.11
  group front parallel [reception, desk1] ring 20s
  register { forward cloud with path }
  outbound from lan via cloud {
    on timeout { announce 181 "Survival Activated - please standby"  redirect 302 to pstn }
    emergency 112, 091 direct to pstn
  }
  inbound from pstn { ring front then ring reception }
}
`;

/** The base branch plus a scenario whose body is `body` (a correct one by default). */
export function withScenario(body = 'cloud silent\n  desk1 calls 944000000', title = 'outage', branch = 'bilbao', base = BASE): string {
  return `${base}
scenario "${title}" in ${branch} {
  ${body}
}
`;
}

/**
 * A profile that carries the whole policy, and a second branch using it, for
 * profile and fleet tests. `PROFILE` + `stationBranch(n)` is correct.
 */
export const PROFILE = `profile station {
  gateway pstn { kind fxo }
  upstream cloud { proxy sip:pbx.example.com:5060 }
  timers { no-answer 8s  ringing 60s  budget 15s }
  register { forward cloud with path }
  outbound from lan via cloud {
    on timeout { announce 181 "Survival Activated - please standby"  redirect 302 to pstn }
    emergency 112 direct to pstn
  }
  inbound from pstn { ring shop }
}
`;

/** A station branch using profile `station`, on LAN 10.60.n.0/24. */
export function stationBranch(n: number, extra = ''): string {
  return `branch station-${String(n).padStart(2, '0')} uses station {
  edge listen udp 10.60.${n}.1:5060
  lan 10.60.${n}.0/24
  gateway pstn { address 10.60.${n}.3 }
  phone shop 100 at 10.60.${n}.10${extra ? `\n  ${extra}` : ''}
}
`;
}
