// `surv trace` for machines: one JSON document, and SARIF 2.1.0 for code scanning. Both are
// written a call at a time as the tracer finishes calls (the head first, then each call,
// then the tail with the summary), so a capture of a million calls never sits in memory.
import type * as sarif from 'sarif';
import type { Origin } from '../../grammar/src/index.js';
import type { RuleFinding, TracedCall, TraceSummary } from '../../engines/trace/index.js';
import { artifactLocation, sarifSchemaUri } from './format-sarif.js';
import type { Sources } from './format-timeline-location.js';
import { ruleDescription, ruleHelpUri } from './rules.js';

/** What every streaming format is given besides the calls. */
export interface TraceReportContext {
  readonly toolVersion: string;
  /** The capture files as named on the command line, or `udp:ADDR:PORT` for --listen. */
  readonly captures: readonly string[];
  readonly live: boolean;
  /** The design path as given, when there is one. */
  readonly design: string | undefined;
  readonly sources: Sources | undefined;
  /** The capture a call was read from (its first message's file); undefined for a live feed. */
  readonly captureOf: (call: TracedCall) => string | undefined;
}

/** A capture that could not be read (or read to its end): reported in the document's tail too. */
export interface CaptureProblem {
  readonly capture: string;
  readonly message: string;
}

/** A streaming report: `head`, then `call` per finished call, then `tail`. */
export interface TraceFormatter {
  head(): string;
  call(call: TracedCall): string;
  tail(summary: TraceSummary, problems: readonly CaptureProblem[]): string;
}

// ---- JSON ---------------------------------------------------------------------------

interface JsonLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

function locate(origin: Origin | undefined, sources: Sources | undefined): JsonLocation | null {
  return (origin && sources?.locate(origin)) || null;
}

/** The call as the tracer gives it (engines/trace/types.ts), each finding with its design line as file, line, column. */
export function callJson(call: TracedCall, context: TraceReportContext): object {
  const verdict = call.verdict === undefined ? null : {
    ...call.verdict,
    findings: call.verdict.findings.map((f) => ({ ...f, location: locate(f.origin, context.sources) })),
  };
  return { ...call, capture: context.captureOf(call) ?? null, verdict };
}

/** Every field present, `null` when the tracer left it undefined, so readers see one shape. */
const nulls = (_key: string, value: unknown): unknown => (value === undefined ? null : value);

/**
 * One JSON document: `{tool, command, version, captures, design, calls: [...], summary,
 * errors}`, with one call per line so a reader of a partial file (a live session still
 * running) can still split it.
 */
export function jsonFormatter(context: TraceReportContext): TraceFormatter {
  let first = true;
  return {
    head: () => {
      const head = { tool: 'surv', command: 'trace', version: context.toolVersion, captures: context.captures, live: context.live, design: context.design ?? null };
      return `${JSON.stringify(head).slice(0, -1)},"calls":[\n`;
    },
    call: (call) => {
      const text = `${first ? '' : ',\n'}${JSON.stringify(callJson(call, context), nulls)}`;
      first = false;
      return text;
    },
    tail: (summary, problems) => `${first ? '' : '\n'}],\n"summary":${JSON.stringify(summary, nulls)},\n"errors":${JSON.stringify(problems)}}\n`,
  };
}

// ---- SARIF --------------------------------------------------------------------------

function region(origin: Origin, sources: Sources): sarif.Region | undefined {
  if (origin.kind !== 'source') return undefined;
  const start = sources.locate(origin);
  const end = sources.locate({ ...origin, start: origin.end });
  if (!start || !end) return undefined;
  return { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column };
}

/** SARIF's rule text: the diagnostics table's line when it has one, else the rule's name. */
function ruleText(f: RuleFinding): string {
  const known = ruleDescription(f.code);
  return known === `surv diagnostic ${f.code}` ? `surv trace rule ${f.rule}` : known;
}

/**
 * SARIF 2.1.0: one result per violation, its rule the finding's code (SURV090-SURV095),
 * its location the design line the rule comes from, and the capture (with the call's
 * first frame) as a related location and in `properties`. Results come before `tool`
 * in the text (JSON objects have no order) so they can be written as calls finish; rule
 * indexes count rules in the order they first appear. Capture errors become the
 * invocation's notifications and make it unsuccessful.
 */
export function sarifFormatter(context: TraceReportContext): TraceFormatter {
  const rules = new Map<string, sarif.ReportingDescriptor>();
  let first = true;
  const designFiles = new Set<string>();
  return {
    head: () => `{"$schema":${JSON.stringify(sarifSchemaUri)},"version":"2.1.0","runs":[{"columnKind":"utf16CodeUnits","results":[\n`,
    call: (call) => {
      const results = (call.verdict?.findings ?? []).filter((f) => f.status === 'violation').map((f) => {
        if (!rules.has(f.code)) rules.set(f.code, { id: f.code, name: f.rule, shortDescription: { text: ruleText(f) }, helpUri: ruleHelpUri(f.code) });
        return sarifResult(call, f, [...rules.keys()].indexOf(f.code), context, designFiles);
      });
      let text = '';
      for (const r of results) {
        text += `${first ? '' : ',\n'}${JSON.stringify(r)}`;
        first = false;
      }
      return text;
    },
    tail: (_summary, problems) => {
      const tool: sarif.Tool = { driver: { name: 'surv', version: context.toolVersion, rules: [...rules.values()] } };
      const artifacts: sarif.Artifact[] = [
        ...[...designFiles].map((f): sarif.Artifact => ({ location: artifactLocation(f), roles: ['analysisTarget'] })),
        ...(context.live ? [] : context.captures.map((c): sarif.Artifact => ({ location: artifactLocation(c), roles: ['analysisTarget'] }))),
      ];
      const invocation: sarif.Invocation = {
        executionSuccessful: problems.length === 0,
        ...(problems.length > 0
          ? { toolExecutionNotifications: problems.map((p): sarif.Notification => ({ level: 'error', message: { text: `${p.capture}: ${p.message}` } })) }
          : {}),
      };
      return `${first ? '' : '\n'}],"tool":${JSON.stringify(tool)},"artifacts":${JSON.stringify(artifacts)},"invocations":${JSON.stringify([invocation])}}]}\n`;
    },
  };
}

function sarifResult(call: TracedCall, f: RuleFinding, ruleIndex: number, context: TraceReportContext, designFiles: Set<string>): sarif.Result {
  const capture = context.captureOf(call);
  const firstFrame = call.entries[0]?.frame;
  const captureLocation: sarif.Location = {
    id: 0,
    ...(capture === undefined ? {} : { physicalLocation: { artifactLocation: artifactLocation(capture) } }),
    message: { text: `call #${call.id} (Call-ID ${call.callIds.join(', ')}), first message in frame ${firstFrame ?? '?'} of ${capture ?? context.captures.join(', ')}` },
  };
  const at = f.origin && context.sources ? region(f.origin, context.sources) : undefined;
  if (at && f.origin?.kind === 'source') designFiles.add(f.origin.uri);
  const design: sarif.Location | undefined = at && f.origin?.kind === 'source'
    ? { physicalLocation: { artifactLocation: artifactLocation(f.origin.uri), region: at } }
    : undefined;
  return {
    ruleId: f.code,
    ruleIndex,
    level: 'error',
    message: { text: `call #${call.id} (Call-ID ${call.callIds.join(', ')}): ${f.message}` },
    // A rule with no design line (a built-in default) is placed in the capture itself; a live feed has no file.
    ...(design ? { locations: [design] } : captureLocation.physicalLocation ? { locations: [{ physicalLocation: captureLocation.physicalLocation }] } : {}),
    relatedLocations: [captureLocation],
    properties: {
      call: call.id,
      callIds: [...call.callIds],
      capture: capture ?? null,
      firstFrame: firstFrame ?? null,
      lastFrame: call.entries.at(-1)?.frame ?? null,
      kind: call.kind,
      outcome: call.outcome,
      detectionMs: call.detectionMs ?? null,
      postDialDelayMs: call.postDialDelayMs ?? null,
    },
  };
}
