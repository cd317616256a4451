// `surv simulate` text output: per scenario a timeline (virtual time, from -> to, the
// message, why it was sent), then the calls' results and a verdict per expectation.
import type { Scenario } from '../../../grammar/src/index.js';
import type { SimulationResult, TraceEntry } from '../simulate/index.js';
import type { Sources } from './format-timeline-location.js';
import { terminalText as t } from './terminal-text.js';

/** `10.000s`: virtual time, always to the millisecond, so columns line up. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)}s`;
}

/** The message in a few words: `INVITE sip:...`, `302 Moved Temporarily  Contact: <...>`. */
export function messageText(t: TraceEntry): string {
  const first = t.text.slice(0, t.text.indexOf('\r\n') === -1 ? undefined : t.text.indexOf('\r\n'));
  if (t.status === undefined) {
    const [method, uri] = first.split(' ');
    return `${method ?? t.summary} ${uri ?? ''}`.trim();
  }
  const reply = first.replace(/^SIP\/2\.0\s+/, '');
  if (t.status >= 300 && t.status < 400) {
    const contact = /^(?:Contact|m)\s*:\s*(.*)$/im.exec(t.text)?.[1];
    if (contact) return `${reply}  Contact: ${contact}`;
  }
  return reply;
}

/** A message the network dropped (`network loss`): sent, never received. */
export function isLost(t: TraceEntry): boolean {
  return t.lost === true;
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

/**
 * The timeline rows: time, from -> to, message, cause, with probing decisions in time
 * order. `surv simulate` indents them; the language server's surv/simulate does not.
 */
export function timeline(result: SimulationResult, indent = '  '): string[] {
  // Escaped before padding, so the columns count what is shown.
  const rows: { atMs: number; row: Row }[] = result.trace.map((e) => ({
    atMs: e.atMs,
    row: { time: seconds(e.atMs), from: t(e.from), to: t(e.to), message: t(`${messageText(e)}${isLost(e) ? '  (lost)' : ''}`), cause: t(e.cause) },
  }));
  // Probing decisions are not messages; they go after what was sent at the same instant.
  for (const m of result.marks) {
    const row: Row = { time: seconds(m.atMs), from: 'edge', to: t(m.actor), message: m.event === 'marked-down' ? '(marked down)' : '(marked up)', cause: t(m.cause) };
    const after = rows.findIndex((r) => r.atMs > m.atMs);
    rows.splice(after === -1 ? rows.length : after, 0, { atMs: m.atMs, row });
  }
  return table(rows.map((r) => r.row), indent);
}

function outcome(c: SimulationResult['calls'][number]): string {
  if (c.finals.length === 0) return 'no final reply';
  const finals = c.finals.map((f) => `${f.code} at ${seconds(f.atMs)}`).join(', ');
  return `${c.answered ? 'answered' : `failed (${c.finalCode ?? '?'})`}; finals ${finals}`;
}

const verdictWord = { pass: 'PASS', fail: 'FAIL', unsupported: 'SKIP' } as const;

/** The text report of one simulated scenario; every user string in it through `terminalText`. */
export function formatScenario(scenario: Scenario, result: SimulationResult, sources: Sources): string {
  const out: string[] = [];
  const where = sources.position(scenario.origin, scenario.uri);
  const network = scenario.lossPercent > 0 ? `; network loss ${scenario.lossPercent}%, seed ${scenario.seed}` : '';
  out.push(`scenario "${t(scenario.title)}" in ${t(result.branch)} (${t(where)})${network}`);
  out.push(...timeline(result));
  if (result.calls.length > 0) {
    out.push('  calls');
    for (const c of result.calls) {
      const pdd = c.postDialDelayMs === undefined ? 'no post-dial delay (no reply but 100)' : `post-dial delay ${seconds(c.postDialDelayMs)}`;
      out.push(`    #${c.call + 1} ${t(c.caller)} calls ${t(c.target)} at ${seconds(c.startMs)}: ${outcome(c)}; ${pdd}; path ${t(c.path.join(' > '))}`);
    }
  }
  if (result.registrations.length > 0) {
    out.push('  registrations');
    for (const r of result.registrations) out.push(`    ${t(r.phone)} registers at ${seconds(r.atMs)}: ${r.code ?? 'no final reply'} (${t(r.via)})`);
  }
  for (const note of result.notes) out.push(`  note: ${t(note)}`);
  if (result.verdicts.length > 0) {
    out.push('  expectations');
    for (const v of result.verdicts) {
      out.push(`    ${verdictWord[v.status]}  ${t(sources.position(v.origin, scenario.uri))}  ${t(sources.text(v.origin))}: ${t(v.message)}`);
    }
  }
  return `${out.join('\n')}\n`;
}

/** `3 scenarios, 7 expectations: 6 passed, 1 failed`. */
export function formatTotals(results: readonly SimulationResult[]): string {
  const verdicts = results.flatMap((r) => r.verdicts);
  const n = (status: string) => verdicts.filter((v) => v.status === status).length;
  const skipped = n('unsupported') > 0 ? `, ${n('unsupported')} not checked` : '';
  const plural = (k: number, word: string) => `${k} ${word}${k === 1 ? '' : 's'}`;
  return `${plural(results.length, 'scenario')}, ${plural(verdicts.length, 'expectation')}: ${n('pass')} passed, ${n('fail')} failed${skipped}\n`;
}
