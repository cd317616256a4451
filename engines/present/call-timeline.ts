// A captured call as text (`surv trace`, the language server's hover of a call): its
// ladder in the timeline's columns, and for a violation the design's ladder beside the
// captured one, row by row, as `surv replay` shows simulator beside Kamailio. Every user
// string (names, Call-IDs, URIs from the wire) goes through terminalText.
import type { ExpectedRow, ObservedEntry, TracedCall } from '../trace/index.js';
import { terminalText as t } from './terminal-text.js';
import { entryTable } from './timeline.js';

/** A captured message in a few words, from its scanned header fields (`messageText`'s form). */
function observedText(e: ObservedEntry): string {
  const s = e.scanned;
  if (s.status === undefined) return `${s.method ?? e.summary} ${s.uri ?? ''}`.trim();
  const reply = `${s.status} ${s.reason ?? ''}`.trim();
  return s.status >= 300 && s.status < 400 && s.contact !== undefined ? `${reply}  Contact: <${s.contact}>` : reply;
}

/** The call's ladder: time, from -> to, message, its frame (`frame 14, retransmission 1`). */
export function callTimeline(call: TracedCall, indent = '  '): string[] {
  return entryTable(call.entries, indent, observedText);
}

const statusText: Readonly<Record<ExpectedRow['status'], string>> = {
  ok: '', late: 'late', early: 'early', missing: 'missing in the capture', extra: 'not in the design', reason: 'another reason phrase', numbers: 'other numbers',
};

/** For a violation: the design's messages beside the captured ones, `!!` on each that differs. */
export function expectedBeside(rows: readonly ExpectedRow[], indent = '  '): string[] {
  const left = Math.max(6, ...rows.map((r) => t(r.expected ?? '').length));
  const right = Math.max(8, ...rows.map((r) => t(r.observed ?? '').length));
  const head = `${indent}   ${'design'.padEnd(left)} | ${'capture'.padEnd(right)} | seen - design`;
  return [head, ...rows.map((r) => {
    const delta = r.deltaMs === undefined ? '' : `${r.deltaMs >= 0 ? '+' : ''}${Math.round(r.deltaMs)} ms`;
    const what = [delta, statusText[r.status]].filter((x) => x !== '').join(' ');
    return `${indent}${r.status === 'ok' ? '  ' : '!!'} ${t(r.expected ?? '').padEnd(left)} | ${t(r.observed ?? '').padEnd(right)} | ${what}`.trimEnd();
  })];
}
