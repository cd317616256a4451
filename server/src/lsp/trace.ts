// The `surv/trace` and `surv/traceLadder` requests (docs/trace.md, "In VS Code"): a
// capture file read with io/capture, its SIP messages grouped into calls and judged
// against the workspace's design by engines/trace, and the ladder of one call.
//
// The capture is read once per request and the result kept in a small cache, keyed by
// the capture's URI, its size and mtime, and the workspace's generation, so clicking
// through the calls of a capture does not read it again, and an edited design or a
// rewritten capture is judged afresh. Memory stays bounded: at most `maxCalls` calls of
// at most `maxEntriesPerCall` messages each per capture, and `maxCaptures` captures.
import { stat } from 'node:fs/promises';
import { ErrorCodes, ResponseError } from 'vscode-languageserver';
import type { Range } from 'vscode-languageserver-types';
import type { Analysis, Branch, Origin } from '../../../grammar/src/index.js';
import { callDiagram } from '../../../engines/diagram/index.js';
import { CallTracer, type TracedCall, type TraceSummary } from '../../../engines/trace/index.js';
import { CaptureError, readCapture } from '../../../io/capture/index.js';
import { kindOf } from '../../../io/files/read.js';
import {
  traceLadderRequest, traceRequest,
  type DiagramViewInfo, type TraceAnswer, type TraceCallInfo, type TraceFindingInfo, type TraceLadderAnswer, type TraceSummaryInfo,
} from '../../../protocol/src/index.js';
import { spanToRange } from './convert.js';
import { uriToPath } from './workspace.js';

/** Calls kept per capture: a list longer than this is no use in a tree, and the summary still counts them all. */
export const maxCalls = 2_000;
/** Messages kept per call (the tracer counts the rest as `dropped`): a ladder longer than this is unreadable anyway. */
export const maxEntriesPerCall = 400;
/** Captures whose trace is kept for their ladders. */
export const maxCaptures = 4;

interface Traced {
  readonly key: string;
  readonly calls: readonly TracedCall[];
  readonly summary: TraceSummary;
  readonly truncated: boolean;
  readonly branches: readonly string[];
}

/** What a handler needs of the server: the current analysis and its generation. */
export interface TraceSources {
  readonly analysis: () => Analysis;
  readonly generation: () => number;
}

type Failure = ResponseError<void>;

function invalid(message: string): Failure {
  return new ResponseError(ErrorCodes.InvalidParams, message);
}

function record(params: unknown): Record<string, unknown> {
  return typeof params === 'object' && params !== null ? (params as Record<string, unknown>) : {};
}

function location(analysis: Analysis, origin: Origin | undefined): { uri: string; range: Range } | undefined {
  if (!origin || origin.kind !== 'source') return undefined;
  const file = analysis.files.get(origin.uri);
  return file ? { uri: origin.uri, range: spanToRange(file, origin) } : undefined;
}

export class CaptureTraces {
  /** Most recently used last. */
  private readonly cache = new Map<string, Traced>();

  constructor(private readonly sources: TraceSources) {}

  /** `surv/trace` {uri, design?} -> TraceAnswer. */
  async trace(params: unknown): Promise<TraceAnswer | Failure> {
    const method = traceRequest.method;
    const target = this.target(method, params);
    if (target instanceof ResponseError) return target;
    const analysis = this.sources.analysis();
    const traced = await this.traced(target, analysis);
    if (traced instanceof ResponseError) return traced;
    return {
      uri: target.uri,
      calls: traced.calls.map((call) => callInfo(analysis, call)),
      summary: summaryInfo(traced.summary),
      truncated: traced.truncated,
      branches: traced.branches,
    };
  }

  /** `surv/traceLadder` {uri, call, design?} -> TraceLadderAnswer. */
  async ladder(params: unknown): Promise<TraceLadderAnswer | Failure> {
    const method = traceLadderRequest.method;
    const target = this.target(method, params);
    if (target instanceof ResponseError) return target;
    const id = record(params)['call'];
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 1) return invalid(`${method}: params.call must be a call id (an integer from 1)`);
    const analysis = this.sources.analysis();
    const traced = await this.traced(target, analysis);
    if (traced instanceof ResponseError) return traced;
    const call = traced.calls.find((c) => c.id === id);
    if (!call) {
      const beyond = traced.truncated && id > maxCalls ? ` (the list stops at ${maxCalls} calls)` : '';
      return invalid(`${method}: the capture has no call ${id}${beyond}`);
    }
    return { views: ladderViews(analysis, call) };
  }

  private target(method: string, params: unknown): { uri: string; path: string; design: string | undefined } | Failure {
    const p = record(params);
    const uri = p['uri'];
    if (typeof uri !== 'string' || uri === '') return invalid(`${method}: params.uri must be the URI of a capture file`);
    const path = uriToPath(uri);
    if (path === undefined) return invalid(`${method}: ${uri} is not a file URI`);
    const design = p['design'];
    if (design !== undefined && typeof design !== 'string') return invalid(`${method}: params.design must be a .surv document URI`);
    if (design !== undefined && !this.sources.analysis().files.has(design)) {
      return invalid(`${method}: ${design} is not a .surv document the server knows (open it, or put it in the workspace)`);
    }
    return { uri, path, design };
  }

  private async traced(target: { uri: string; path: string; design: string | undefined }, analysis: Analysis): Promise<Traced | Failure> {
    let size: number;
    let mtime: number;
    try {
      const stats = await stat(target.path);
      // A FIFO or a device would never end; a folder is no capture.
      if (!stats.isFile()) return invalid(`${target.path}: not a capture file (it is ${kindOf(stats)})`);
      size = stats.size;
      mtime = stats.mtimeMs;
    } catch (error) {
      return invalid(`${target.path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const key = `${size}\0${mtime}\0${this.sources.generation()}\0${target.design ?? ''}`;
    const cacheKey = target.uri;
    const cached = this.cache.get(cacheKey);
    if (cached?.key === key) {
      this.cache.delete(cacheKey);
      this.cache.set(cacheKey, cached);
      return cached;
    }
    const branches: readonly Branch[] = analysis.model.branches.filter((b) => target.design === undefined || b.uri === target.design);
    const tracer = new CallTracer({ branches, maxEntriesPerCall });
    const calls: TracedCall[] = [];
    let truncated = false;
    const keep = (finished: readonly TracedCall[]) => {
      for (const call of finished) {
        if (calls.length < maxCalls) calls.push(call);
        else truncated = true;
      }
    };
    try {
      for await (const item of readCapture(target.path)) keep(tracer.push(item));
      keep(tracer.finish());
    } catch (error) {
      // The reader's message names the file and the offset or frame; never the file's bytes.
      if (error instanceof CaptureError) return invalid(error.message);
      throw error;
    }
    calls.sort((a, b) => a.id - b.id);
    const traced: Traced = { key, calls, summary: tracer.summary(), truncated, branches: branches.map((b) => b.name) };
    this.cache.delete(cacheKey);
    this.cache.set(cacheKey, traced);
    while (this.cache.size > maxCaptures) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
    return traced;
  }
}

function callInfo(analysis: Analysis, call: TracedCall): TraceCallInfo {
  const verdict = call.verdict;
  const findings = (verdict?.findings ?? []).map((f): TraceFindingInfo => {
    const at = location(analysis, f.origin);
    return { code: f.code, rule: f.rule, status: f.status, message: f.message, uri: at?.uri ?? null, range: at?.range ?? null };
  });
  return {
    id: call.id,
    callIds: call.callIds,
    startUs: call.startUs,
    durationMs: call.durationMs,
    kind: call.kind,
    caller: call.caller ?? null,
    dialled: call.dialled ?? null,
    outcome: call.outcome,
    finalCode: call.finalCode ?? null,
    survival: call.survival,
    messages: call.entries.length,
    dropped: call.dropped,
    status: verdict?.status ?? 'unjudged',
    reason: verdict ? (verdict.reason ?? null) : 'no design: the workspace has no branch to judge the call against',
    branch: verdict?.branch ?? null,
    findings,
    detectionMs: call.detectionMs ?? null,
    postDialDelayMs: call.postDialDelayMs ?? null,
  };
}

function summaryInfo(summary: TraceSummary): TraceSummaryInfo {
  return { ...summary, postDialDelayMs: summary.postDialDelayMs ?? null };
}

/** The observed ladder, then the expected one for a violation (the tracer keeps it only then). */
function ladderViews(analysis: Analysis, call: TracedCall): DiagramViewInfo[] {
  const kinds: ('observed' | 'expected')[] = call.verdict?.expected !== undefined ? ['observed', 'expected'] : ['observed'];
  const branch = call.verdict?.branch ?? '(no design)';
  return kinds.map((kind): DiagramViewInfo => {
    const built = callDiagram(call, { view: kind });
    return {
      id: `call:${call.id}:${kind}`,
      title: kind === 'observed' ? `call ${call.id}: as captured` : `call ${call.id}: as designed`,
      kind,
      branch,
      mermaid: built.mermaid,
      messages: built.messages.map((m) => {
        const at = location(analysis, m.origin);
        return { index: m.index, summary: m.summary, text: m.text ?? null, uri: at?.uri ?? null, range: at?.range ?? null };
      }),
    };
  });
}
