// `surv trace` as text for a terminal (the default) and as a Markdown report: a call at a
// time, as the tracer finishes it, then the summary. Every string that came off the wire
// (Call-IDs, user parts, reason phrases) or from a design goes through `terminalText` or
// `escapeMarkdown`; the ladders come from the shared renderers, which escape their own.
import type { Origin } from '../../grammar/src/index.js';
import { escapeMarkdown } from '../../engines/diagram/index.js';
import { callTimeline, expectedBeside } from '../../engines/present/call-timeline.js';
import { seconds } from '../../engines/present/timeline.js';
import type { CallOutcome, RuleFinding, TracedCall, TraceSummary } from '../../engines/trace/index.js';
import type { Sources } from './format-timeline-location.js';
import { terminalText as t } from './terminal-text.js';
import { callMermaid, expectedMermaid } from './trace-render.js';

/** Where a finding's design line is, as `file:line:col`; undefined for a built-in default or no design line. */
export function findingPosition(origin: Origin | undefined, sources: Sources | undefined): string | undefined {
  if (origin === undefined || sources === undefined) return undefined;
  const at = sources.locate(origin);
  return at ? `${at.file}:${at.line}:${at.column}` : undefined;
}

/** `pass`, `violation`, `unjudged`, or `not judged` without a design. */
function verdictWord(call: TracedCall): string {
  return call.verdict?.status ?? 'not judged';
}

function outcomeText(call: TracedCall): string {
  return call.finalCode === undefined ? call.outcome : `${call.outcome} ${call.finalCode}`;
}

/** The call's numbers, with or without a design: `detection 10.012s, post-dial 10.015s`. */
function numbers(call: TracedCall): string[] {
  const parts: string[] = [];
  if (call.detectionMs !== undefined) parts.push(`detection ${seconds(call.detectionMs)}`);
  if (call.postDialDelayMs !== undefined) parts.push(`post-dial ${seconds(call.postDialDelayMs)}`);
  return parts;
}

/**
 * The call's header line: `#3 CALL-ID  outbound  desk -> 0612345678  failed 404  pass`,
 * then `survival` and the verdict's numbers when there are any.
 */
export function callHeader(call: TracedCall): string {
  const who = `${t(call.caller ?? '?')} -> ${t(call.dialled ?? '?')}`;
  const extra = [...(call.survival ? ['survival'] : []), ...numbers(call)];
  const head = `#${call.id} ${call.callIds.map(t).join(' + ')}  ${call.kind}  ${who}  ${outcomeText(call)}  ${verdictWord(call)}`;
  return extra.length > 0 ? `${head}  (${extra.join(', ')})` : head;
}

function findingLine(f: RuleFinding, sources: Sources | undefined): string {
  const where = findingPosition(f.origin, sources);
  return `${f.status === 'pass' ? 'pass     ' : 'VIOLATION'} ${f.code} ${f.rule}: ${t(f.message)}${where === undefined ? '' : `  (${t(where)})`}`;
}

function deltaText(ms: number | undefined): string {
  return ms === undefined ? '' : ` ${ms >= 0 ? '+' : ''}${Math.round(ms)}ms`;
}

/** One call for the terminal: header, ladder, findings, and for a violation the expected ladder beside the observed. */
export function formatCallText(call: TracedCall, sources: Sources | undefined): string {
  const lines = [callHeader(call)];
  if (call.verdict?.status === 'unjudged' && call.verdict.reason !== undefined) lines.push(`  unjudged: ${t(call.verdict.reason)}`);
  lines.push(...callTimeline(call, '  '));
  if (call.dropped > 0) lines.push(`  ... ${call.dropped} more message${call.dropped === 1 ? '' : 's'} not kept`);
  for (const f of call.verdict?.findings ?? []) lines.push(`  ${findingLine(f, sources)}`);
  const rows = call.verdict?.status === 'violation' ? call.verdict.rows : undefined;
  if (rows && rows.length > 0) lines.push('  expected (the design, given what the far side did) beside observed:', ...expectedBeside(rows, '    '));
  return `${lines.join('\n')}\n\n`;
}

/** `answered 2, failed 1`: the non-zero counts, in the record's order. */
function counts<K extends string>(record: Readonly<Record<K, number>>): string {
  const parts = (Object.entries(record) as [K, number][]).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function pddText(summary: TraceSummary): string {
  const p = summary.postDialDelayMs;
  if (p === undefined) return 'none';
  return `p50 ${seconds(p.p50)}  p90 ${seconds(p.p90)}  p99 ${seconds(p.p99)}  max ${seconds(p.max)}  (${plural(p.count, 'call')})`;
}

/** The summary table for the terminal. `judged` is false without a design: no verdict row. */
export function formatSummaryText(summary: TraceSummary, judged: boolean): string {
  const rows: [string, string][] = [
    ['messages', String(summary.messages)],
    ['calls', summary.calls === 0 ? '0' : `${summary.calls} (${counts(summary.byKind)})`],
    ['outcomes', counts(summary.byOutcome)],
    ['survival', plural(summary.survivalActivations, 'activation')],
  ];
  if (judged) {
    const v = summary.verdicts;
    rows.push(['verdicts', `${v.pass} pass, ${plural(v.violation, 'violation')}, ${v.unjudged} unjudged`]);
  }
  rows.push(['post-dial', pddText(summary)]);
  rows.push(['notices', summary.notices.length === 0 ? 'none' : summary.notices.map((n) => `${t(n.code)} ${n.count}`).join(', ')]);
  const lines = ['summary', ...rows.map(([k, v]) => `  ${k.padEnd(10)} ${v}`)];
  for (const n of summary.notices) lines.push(`  first ${t(n.code)}: ${t(n.first)}`);
  return `${lines.join('\n')}\n`;
}

// ---- Markdown ----------------------------------------------------------------------

const md = escapeMarkdown;

/** A table cell: Markdown-escaped, and no `|` or line break to end the cell early. */
function cell(text: string): string {
  return md(text).replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

export function formatMarkdownHead(captures: readonly string[], design: string | undefined): string {
  const of = captures.length > 0 ? captures.map(md).join(', ') : 'a live HEP feed';
  return `# surv trace of ${of}\n\n${design === undefined ? 'No design given: calls are drawn, not judged.' : `Judged against the design in ${md(design)}.`}\n\n`;
}

/** A section per call: what happened, its ladder as Mermaid, its findings, expected beside observed for a violation. */
export function formatCallMarkdown(call: TracedCall, sources: Sources | undefined): string {
  // surv's own words go as they are; what came off the wire or from a design is escaped.
  const title = `Call #${call.id}: ${call.kind} ${md(call.caller ?? '?')} → ${md(call.dialled ?? '?')}, ${outcomeText(call)}, ${verdictWord(call)}`;
  const facts = [
    `Call-ID: ${call.callIds.map(md).join(', ')}`,
    `started ${new Date(Math.floor(call.startUs / 1000)).toISOString()}`,
    `lasted ${seconds(call.durationMs)}`,
    `${plural(call.entries.length + call.dropped, 'message')}`,
    ...(call.survival ? ['survival activated'] : []),
    ...numbers(call),
  ];
  const parts = [`## ${title}\n`, `${facts.join(' · ')}\n`];
  if (call.verdict?.status === 'unjudged' && call.verdict.reason !== undefined) parts.push(`Not judged: ${md(call.verdict.reason)}\n`);
  parts.push(`\`\`\`mermaid\n${callMermaid(call)}\`\`\`\n`);
  const findings = call.verdict?.findings ?? [];
  if (findings.length > 0) {
    parts.push([
      '| status | code | rule | finding | design |',
      '|---|---|---|---|---|',
      ...findings.map((f) => `| ${f.status} | ${f.code} | ${f.rule} | ${cell(f.message)} | ${cell(findingPosition(f.origin, sources) ?? '')} |`),
    ].join('\n') + '\n');
  }
  const rows = call.verdict?.status === 'violation' ? call.verdict.rows : undefined;
  if (rows && rows.length > 0) {
    parts.push([
      'Expected (the design, given what the far side did) beside observed:\n',
      '| | expected | observed | delta |',
      '|---|---|---|---|',
      ...rows.map((r) => `| ${r.status} | ${cell(r.expected ?? '')} | ${cell(r.observed ?? '')} | ${deltaText(r.deltaMs).trim()} |`),
    ].join('\n') + '\n');
  }
  const expected = expectedMermaid(call);
  if (expected !== undefined) parts.push(`The design's ladder for this call:\n\n\`\`\`mermaid\n${expected}\`\`\`\n`);
  return `${parts.join('\n')}\n`;
}

export function formatSummaryMarkdown(summary: TraceSummary, judged: boolean): string {
  const rows: [string, string][] = [
    ['messages', String(summary.messages)],
    ['calls', String(summary.calls)],
    ...(Object.entries(summary.byKind) as [string, number][]).filter(([, n]) => n > 0).map(([k, n]): [string, string] => [`calls: ${k}`, String(n)]),
    ...(Object.entries(summary.byOutcome) as [CallOutcome, number][]).filter(([, n]) => n > 0).map(([k, n]): [string, string] => [`outcome: ${k}`, String(n)]),
    ['survival activations', String(summary.survivalActivations)],
  ];
  if (judged) rows.push(['pass', String(summary.verdicts.pass)], ['violation', String(summary.verdicts.violation)], ['unjudged', String(summary.verdicts.unjudged)]);
  const p = summary.postDialDelayMs;
  if (p) rows.push(['post-dial delay p50', seconds(p.p50)], ['post-dial delay p90', seconds(p.p90)], ['post-dial delay p99', seconds(p.p99)], ['post-dial delay max', seconds(p.max)]);
  for (const n of summary.notices) rows.push([`notice: ${n.code}`, `${n.count} (first: ${n.first})`]);
  return ['## Summary\n', '| | |', '|---|---|', ...rows.map(([k, v]) => `| ${cell(k)} | ${cell(v)} |`)].join('\n') + '\n';
}
