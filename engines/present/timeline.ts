// A simulation as a timeline of lines (virtual time, from -> to, the message, why it
// was sent), shared by `surv simulate` and the language server's surv/simulate. It reads
// the trace entries' parsed messages; it renders no SIP text and parses none.
import type { SimulationResult, TraceEntry } from '../simulate/index.js';
import { contactText, startLine } from '../simulate/message.js';
import { terminalText as t } from './terminal-text.js';

/** `10.000s`: virtual time, always to the millisecond, so columns line up. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)}s`;
}

/** The message in a few words: `INVITE sip:...`, `302 Moved Temporarily  Contact: <...>`. */
export function messageText(e: TraceEntry): string {
  const m = e.message;
  if (m.status === undefined) return `${m.method ?? e.summary} ${m.uri ?? ''}`.trim();
  const reply = startLine(m).slice('SIP/2.0 '.length);
  const contact = m.status >= 300 && m.status < 400 ? contactText(m) : undefined;
  return contact ? `${reply}  Contact: ${contact}` : reply;
}

/** A message that never arrived: the network lost it or the receiver refused the connection. */
export function isLost(e: TraceEntry): boolean {
  return e.lost === true;
}

interface Row {
  readonly time: string;
  readonly from: string;
  readonly to: string;
  readonly message: string;
  readonly cause: string;
}

/** Longer messages (a long Request-URI) are not padded, so one does not push every cause far right. */
const maxMessageWidth = 60;

function table(rows: readonly Row[], indent: string): string[] {
  const width = (pick: (r: Row) => string) => Math.max(0, ...rows.map((r) => pick(r).length));
  const time = width((r) => r.time);
  const from = width((r) => r.from);
  const to = width((r) => r.to);
  const message = Math.min(maxMessageWidth, width((r) => r.message));
  return rows.map((r) => {
    const line = `${indent}${r.time.padStart(time)}  ${r.from.padEnd(from)} -> ${r.to.padEnd(to)}  ${r.message.padEnd(message)}  ${r.cause}`;
    return line.trimEnd();
  });
}

function entryRows<E extends TraceEntry>(entries: readonly E[], text: (e: E) => string): { atMs: number; row: Row }[] {
  // Escaped before padding, so the columns count what is shown.
  return entries.map((e) => ({
    atMs: e.atMs,
    row: { time: seconds(e.atMs), from: t(e.from), to: t(e.to), message: t(`${text(e)}${isLost(e) ? '  (lost)' : ''}`), cause: t(e.cause) },
  }));
}

/** Any ladder's rows (a captured call's, the design's for it), as `timeline` writes a simulation's; `text` says what each message is. */
export function entryTable<E extends TraceEntry>(entries: readonly E[], indent = '  ', text: (e: E) => string = messageText): string[] {
  return table(entryRows(entries, text).map((r) => r.row), indent);
}

/**
 * The timeline rows: time, from -> to, message, cause, with probing decisions in time
 * order, every user string through `terminalText`. `surv simulate` indents them; the
 * language server's surv/simulate does not.
 */
export function timeline(result: SimulationResult, indent = '  '): string[] {
  const rows = entryRows(result.trace, messageText);
  // Probing decisions are not messages; they go after what was sent at the same instant.
  for (const m of result.marks) {
    const row: Row = { time: seconds(m.atMs), from: 'edge', to: t(m.actor), message: m.event === 'marked-down' ? '(marked down)' : '(marked up)', cause: t(m.cause) };
    const after = rows.findIndex((r) => r.atMs > m.atMs);
    rows.splice(after === -1 ? rows.length : after, 0, { atMs: m.atMs, row });
  }
  return table(rows.map((r) => r.row), indent);
}
