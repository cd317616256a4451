// A captured call as a ladder (`surv trace`): the same look as a scenario's (arrows, open
// heads for retransmissions, the survival phase tinted, times on every label), drawn
// from what the wire showed; or, for a violation, the design's ladder for the same call
// (the simulator's, fed with what the far side did). Participants are named from the
// design and labelled with the addresses they were seen at.
import type { TraceEntry } from '../simulate/index.js';
import { endpointText, type ObservedEntry, type Participant, type TracedCall } from '../trace/index.js';
import { describeMessage, seconds, type BuiltDiagram } from './scenario.js';
import { SequenceBuilder, SURVIVAL_TINT, type Arrow } from './sequence.js';
import { uriUser } from './sip-text.js';

export interface CallDiagramOptions {
  readonly autonumber?: boolean;
  /** `observed` (default): what the capture shows; `expected`: what the design says, for a violation. */
  readonly view?: 'observed' | 'expected';
}

function title(call: TracedCall, view: 'observed' | 'expected'): string {
  const who = call.caller !== undefined ? `${call.caller}${call.dialled !== undefined ? ` calls ${call.dialled}` : ''}` : call.callIds[0] ?? '';
  return `call ${call.id}: ${who}${view === 'expected' ? ' (as designed)' : ''}`;
}

function participantLabel(p: Participant | undefined, name: string): string[] {
  if (p === undefined) return [name];
  const where = p.endpoints.map(endpointText).filter((t) => t !== name);
  const head = p.kind === 'edge' ? 'edge proxy' : name;
  return where.length === 0 ? [head] : [head, where.slice(0, 2).join(', ') + (where.length > 2 ? ` +${where.length - 2}` : '')];
}

function repeatOf(e: TraceEntry): number | undefined {
  const n = /retransmission (\d+)/.exec(e.cause)?.[1];
  return n === undefined ? undefined : Number(n);
}

function arrowOf(e: TraceEntry): Arrow {
  const reply = e.status !== undefined;
  if (e.lost === true) return reply ? '--x' : '-x';
  if (repeatOf(e) !== undefined) return reply ? '--)' : '-)';
  return reply ? '-->>' : '->>';
}

/** A captured message as `describeMessage` says a simulated one, from its scanned header fields. */
function describeObserved(e: ObservedEntry): string {
  const s = e.scanned;
  if (s.status !== undefined) {
    let text = `${s.status} ${s.reason ?? ''}`.trim();
    if (s.status >= 300 && s.status < 400 && s.contact !== undefined) text += ` → ${s.contact}`;
    if (s.cseqMethod !== 'INVITE') text += ` (${s.cseqMethod})`;
    return text;
  }
  const method = s.method ?? e.summary;
  return method === 'INVITE' && s.uri !== undefined ? `INVITE ${uriUser(s.uri)}` : method;
}

function labelOf(e: TraceEntry, describe: (e: TraceEntry) => string): string {
  const n = repeatOf(e);
  const time = `(${seconds(e.atMs)})`;
  return n === undefined ? `${describe(e)} ${time}` : `↻ ${describe(e)} retransmission ${n} ${time}`;
}

/** The ladder of a traced call: what was seen, or (for a violation) what the design says. */
export function callDiagram(call: TracedCall, options: CallDiagramOptions = {}): BuiltDiagram {
  const view = options.view ?? 'observed';
  const entries: readonly TraceEntry[] = view === 'expected' ? (call.verdict?.expected ?? []) : call.entries;
  const out = new SequenceBuilder(title(call, view), options.autonumber ?? false);
  const byName = new Map(call.participants.map((p) => [p.name, p]));
  const names = view === 'observed' ? call.participants.map((p) => p.name) : [...new Set(entries.flatMap((e) => [e.from, e.to]))];
  for (const name of names) out.participant(name, participantLabel(byName.get(name), name));
  const everyone = out.participants;

  const verdict = call.verdict;
  if (verdict !== undefined && view === 'observed') {
    const bad = verdict.findings.filter((f) => f.status === 'violation');
    if (bad.length > 0) out.note(everyone, bad.map((f) => `${f.code} ${f.message}`));
    else if (verdict.status === 'unjudged' && verdict.reason !== undefined) out.note(everyone, `not judged: ${verdict.reason}`);
  }
  if (call.dropped > 0 && view === 'observed') out.note(everyone, `${call.dropped} more messages not kept`);

  const survivalAt = view === 'observed'
    ? call.survivalEntry
    : (() => {
      const i = entries.findIndex((e) => /;\s*survival: /.test(e.cause));
      return i < 0 ? undefined : i;
    })();
  entries.forEach((e, i) => {
    if (i === survivalAt) {
      out.tint(SURVIVAL_TINT);
      out.note(everyone, 'survival');
    }
    const label = view === 'observed' ? labelOf(e, () => describeObserved(e as ObservedEntry)) : labelOf(e, describeMessage);
    out.message(e.from, arrowOf(e), e.to, label, { text: e.text, atMs: e.atMs, cause: e.cause });
  });
  if (survivalAt !== undefined) out.close();
  return { mermaid: out.toString(), messages: out.messages };
}
