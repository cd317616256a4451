// The words of the Capture Calls view and the capture page (capture.ts), apart from
// `vscode` so they are unit-tested as they are. A capture is other people's traffic: a
// caller name, a Call-ID or a reader's notice may hold control characters, bidi
// overrides or markup; everything that becomes a label goes through `plain`, and the
// page's HTML through `escapeHtml` as well.
import type { TraceAnswer, TraceCallInfo } from '../../protocol/src/index.js';

/** Control characters out, and a bound: a label is one short line whatever the capture holds. */
export function plain(text: string, max = 120): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, ' ');
  return clean.length > max ? `${clean.slice(0, max - 1)}\u2026` : clean;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

/** `#3 outbound desk → 0612345678`. */
export function callLabel(call: TraceCallInfo): string {
  return plain(`#${call.id} ${call.kind} ${call.caller ?? '?'} \u2192 ${call.dialled ?? '?'}`);
}

/** `failed 302, pdd 10.012 s`. */
export function callDescription(call: TraceCallInfo): string {
  const outcome = call.finalCode !== null ? `${call.outcome} ${call.finalCode}` : call.outcome;
  return call.postDialDelayMs !== null ? `${outcome}, pdd ${seconds(call.postDialDelayMs)}` : outcome;
}

/** Plain text (a MarkdownString would render what the capture wrote). */
export function callTooltip(call: TraceCallInfo): string {
  const lines = [
    `Call ${call.id}: ${call.status}${call.branch !== null ? ` (branch ${call.branch})` : ''}`,
    `Call-ID: ${call.callIds.join(', ')}`,
    `${call.messages} messages${call.dropped > 0 ? ` (${call.dropped} more not kept)` : ''}, ${seconds(call.durationMs)}`,
  ];
  if (call.detectionMs !== null) lines.push(`survival after ${seconds(call.detectionMs)}`);
  if (call.reason !== null) lines.push(call.reason);
  for (const f of call.findings) lines.push(`${f.status === 'pass' ? '\u2713' : '\u2717'} ${f.code} ${f.rule}: ${f.message}`);
  return lines.map((line) => plain(line, 400)).join('\n');
}

/**
 * `capture.pcap: 12 calls (9 pass, 2 violations, 1 unjudged), 2 notices`; without a
 * design nothing is judged: `capture.pcap: 12 calls, not judged (no design in the workspace)`.
 */
export function summaryLine(name: string, answer: TraceAnswer): string {
  const s = answer.summary;
  const v = s.verdicts;
  const notices = s.notices.reduce((n, x) => n + x.count, 0);
  const calls = `${plain(name, 80)}: ${s.calls} call${s.calls === 1 ? '' : 's'}`;
  const parts = answer.branches.length === 0
    ? [`${calls}, not judged (no design in the workspace)`]
    : [`${calls} (${v.pass} pass, ${v.violation} violation${v.violation === 1 ? '' : 's'}, ${v.unjudged} unjudged)`];
  if (answer.truncated) parts.push(`the first ${answer.calls.length} listed`);
  if (notices > 0) parts.push(`${notices} notice${notices === 1 ? '' : 's'}`);
  return parts.join(', ');
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** No script, nothing loaded: every value escaped text. */
export function capturePage(name: string, lines: readonly string[]): string {
  const body = lines.map((line) => `<p>${escapeHtml(plain(line, 600))}</p>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'">
<title>${escapeHtml(plain(name, 80))}</title>
</head>
<body>
<h1>${escapeHtml(plain(name, 80))}</h1>
${body}
</body>
</html>`;
}
