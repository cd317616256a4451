// What the surv language server and its clients say to each other beyond LSP
// (docs/vscode.md, "Requests beyond LSP"): the request names with their params and
// results, and the client commands the server's code lenses invoke. The server
// registers its handlers with these (server/src/server.ts), the VS Code client sends
// them (client/src/), so a payload changes in one place and the type checker finds
// every side that must follow.
//
// Plain data and jsonrpc only: no engine, no `vscode`, nothing that runs, so the
// client bundle never pulls in the simulator and any editor's glue could import it.
import { RequestType } from 'vscode-jsonrpc';
import type { Range } from 'vscode-languageserver-types';

export type { Range };

/** The platforms `surv export --target` knows (engines/export/types.ts holds the exporter's list; a unit test holds them equal). */
export type ExportTarget = 'edgeos' | 'debian' | 'openwrt';

// ---------------------------------------------------------------------------------
// surv/scenarios

export interface ScenariosParams {
  readonly uri: string;
}

export interface ScenarioInfo {
  readonly title: string;
  readonly branch: string;
  /** `scenario "TITLE" in BRANCH`. */
  readonly range: Range;
  /** Each `expect` line of the scenario, as written. */
  readonly expectations: readonly { readonly range: Range; readonly text: string }[];
}

// ---------------------------------------------------------------------------------
// surv/simulate

export interface SimulateParams {
  readonly uri: string;
  readonly title: string;
  /** Needed only when two branches' scenarios in the document share the title. */
  readonly branch?: string;
  /** Replaces the scenario's own seed. */
  readonly seed?: number;
}

export interface SimulateVerdict {
  readonly status: 'pass' | 'fail' | 'unsupported';
  readonly message: string;
  /** The `expect` line; null when it is not written in this document. */
  readonly range: Range | null;
}

/** One call of the scenario, as the simulator saw it (docs/simulator.md). */
export interface SimulateCall {
  readonly call: number;
  readonly caller: string;
  readonly target: string;
  readonly startMs: number;
  /** Every final reply the caller got to its INVITEs, in order. */
  readonly finals: readonly { readonly code: number; readonly atMs: number }[];
  /** The last final reply the caller saw; absent when none came. */
  readonly finalCode?: number | undefined;
  /** Time from the caller's first INVITE to its first reply other than 100; absent when none came. */
  readonly postDialDelayMs?: number | undefined;
  /** The actors the call's INVITEs reached, in order (the caller first). */
  readonly path: readonly string[];
  readonly answered: boolean;
}

export interface SimulateAnswer {
  readonly scenario: string;
  readonly branch: string;
  readonly uri: string;
  /** True when no verdict failed. */
  readonly passed: boolean;
  readonly verdicts: readonly SimulateVerdict[];
  /** One line per message and probing decision: time, from -> to, message, cause. */
  readonly timeline: string;
  readonly calls: readonly SimulateCall[];
  readonly notes: readonly string[];
}

// ---------------------------------------------------------------------------------
// surv/verify

export interface VerifyParams {
  readonly uri: string;
  /** One branch of the document; all of them when absent. */
  readonly branch?: string;
}

export interface VerifyViolation {
  readonly code: string;
  readonly invariant: string;
  readonly message: string;
  readonly uri: string;
  readonly range: Range;
  /** A ready-to-paste `scenario` block that reproduces the violation. */
  readonly scenario: string;
}

export interface VerifyAnswer {
  readonly reports: readonly {
    readonly branch: string;
    readonly explored: number;
    readonly bound: string;
    readonly violations: readonly VerifyViolation[];
  }[];
  /** Branches not verified, and why (errors to fix first). */
  readonly skipped: readonly { readonly branch: string; readonly reason: string }[];
}

// ---------------------------------------------------------------------------------
// surv/diagrams

export interface DiagramsParams {
  readonly uri: string;
}

export interface DiagramMessageInfo {
  /** The message's place among the Mermaid source's message arrows (notes not counted). */
  readonly index: number;
  readonly summary: string;
  /** The full SIP text from the simulator's trace, when there is one. */
  readonly text: string | null;
  /** Where the setting that caused the message is written; null for a built-in default. */
  readonly uri: string | null;
  readonly range: Range | null;
}

export interface DiagramViewInfo {
  readonly id: string;
  readonly title: string;
  /** `observed` and `expected`: a captured call's ladders (`surv/traceLadder`). */
  readonly kind: 'design' | 'scenario' | 'observed' | 'expected';
  readonly branch: string;
  readonly mermaid: string;
  readonly messages: readonly DiagramMessageInfo[];
}

export interface DiagramsAnswer {
  /** The document version the diagrams were drawn from (null: not an open document). */
  readonly version: number | null;
  readonly views: readonly DiagramViewInfo[];
  /** The document's first error, when it has any (then `views` is empty). */
  readonly error?: { readonly message: string; readonly code: string; readonly range: Range };
}

// ---------------------------------------------------------------------------------
// surv/export and surv/exportBranches

export interface ExportParams {
  readonly uri: string;
  readonly target: ExportTarget;
  /** An absolute folder, replaced as a whole. */
  readonly out: string;
  /** One branch of the document; all of them when absent. */
  readonly branch?: string;
  readonly archive?: boolean;
}

export interface ExportAnswer {
  readonly bundles: readonly {
    readonly branch: string;
    /** Absolute folder of this branch's bundle. */
    readonly dir: string;
    /** Paths relative to `dir`. */
    readonly files: readonly string[];
    /** What the CLI prints as `surv: note:` (an approximation the target forces). */
    readonly notes: readonly string[];
  }[];
  readonly archive?: string;
}

export interface ExportBranchesParams {
  readonly uri: string;
}

// ---------------------------------------------------------------------------------
// surv/trace and surv/traceLadder (docs/trace.md, "In VS Code"): a capture's calls,
// judged against the workspace's design, and the ladder of one of them.

export interface TraceParams {
  /** The capture file's URI (pcap, pcapng or HEP). */
  readonly uri: string;
  /** Judge only against the branches of this .surv document; the whole workspace's when absent. */
  readonly design?: string;
}

export interface TraceFindingInfo {
  /** SURV090-SURV095. */
  readonly code: string;
  readonly rule: string;
  readonly status: 'pass' | 'violation';
  readonly message: string;
  /** The design line the rule comes from; null for a built-in default or a rule with no line. */
  readonly uri: string | null;
  readonly range: Range | null;
}

export type TraceVerdictStatus = 'pass' | 'violation' | 'unjudged';

export interface TraceCallInfo {
  /** 1-based, in the order calls were first seen: what `surv/traceLadder` takes. */
  readonly id: number;
  readonly callIds: readonly string[];
  /** Capture time of its first message, µs since the Unix epoch. */
  readonly startUs: number;
  readonly durationMs: number;
  /** `outbound`, `emergency`, `local`, `inbound`, `stranger`, `register` or `other`. */
  readonly kind: string;
  readonly caller: string | null;
  readonly dialled: string | null;
  /** `answered`, `failed`, `cancelled`, `no-final`, `refused` or `not-a-call`. */
  readonly outcome: string;
  readonly finalCode: number | null;
  /** The edge sent a survival message in this call. */
  readonly survival: boolean;
  /** Messages kept for the ladder, and those beyond the per-call cap (counted, not kept). */
  readonly messages: number;
  readonly dropped: number;
  readonly status: TraceVerdictStatus;
  /** Why the call is unjudged, when it is. */
  readonly reason: string | null;
  readonly branch: string | null;
  readonly findings: readonly TraceFindingInfo[];
  readonly detectionMs: number | null;
  readonly postDialDelayMs: number | null;
}

export interface TraceSummaryInfo {
  readonly messages: number;
  readonly calls: number;
  readonly byKind: Readonly<Record<string, number>>;
  readonly byOutcome: Readonly<Record<string, number>>;
  readonly survivalActivations: number;
  readonly verdicts: { readonly pass: number; readonly violation: number; readonly unjudged: number };
  readonly postDialDelayMs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number; readonly count: number } | null;
  /** What the reader skipped, counted by code, with the first message of each. */
  readonly notices: readonly { readonly code: string; readonly count: number; readonly first: string }[];
}

export interface TraceAnswer {
  readonly uri: string;
  /** The first calls of the capture, up to the server's cap (`truncated` says when there were more). */
  readonly calls: readonly TraceCallInfo[];
  /** Counts over every call of the capture, also those beyond the cap. */
  readonly summary: TraceSummaryInfo;
  readonly truncated: boolean;
  /** The branches the calls were judged against (empty: none in the workspace; every call is unjudged). */
  readonly branches: readonly string[];
}

export interface TraceLadderParams {
  readonly uri: string;
  readonly call: number;
  readonly design?: string;
}

export interface TraceLadderAnswer {
  /** The observed ladder first, then (for a violation) the ladder the design expected; kind `observed` / `expected`. */
  readonly views: readonly DiagramViewInfo[];
}

// ---------------------------------------------------------------------------------
// The requests. A bad request is answered with a ResponseError whose message says
// what is wrong, hence no typed error data (`void`).

export const scenariosRequest = new RequestType<ScenariosParams, ScenarioInfo[], void>('surv/scenarios');
export const simulateRequest = new RequestType<SimulateParams, SimulateAnswer, void>('surv/simulate');
export const verifyRequest = new RequestType<VerifyParams, VerifyAnswer, void>('surv/verify');
export const diagramsRequest = new RequestType<DiagramsParams, DiagramsAnswer, void>('surv/diagrams');
export const exportRequest = new RequestType<ExportParams, ExportAnswer, void>('surv/export');
/** The names of the branches the document defines, sorted. */
export const exportBranchesRequest = new RequestType<ExportBranchesParams, string[], void>('surv/exportBranches');
export const traceRequest = new RequestType<TraceParams, TraceAnswer, void>('surv/trace');
export const traceLadderRequest = new RequestType<TraceLadderParams, TraceLadderAnswer, void>('surv/traceLadder');

/** Every request above: the server must answer each (a test sends them all). */
export const survRequests = [
  scenariosRequest, simulateRequest, verifyRequest, diagramsRequest, exportRequest, exportBranchesRequest,
  traceRequest, traceLadderRequest,
] as const;

// ---------------------------------------------------------------------------------
// Client commands the server's code lenses carry (the client implements them).

/** ▶ Simulate above a scenario header. */
export const simulateScenarioCommand = 'surv.simulateScenario';
export interface SimulateScenarioArguments {
  readonly uri: string;
  readonly branch: string;
  readonly title: string;
}

/** Verify above a branch name. */
export const verifyBranchCommand = 'surv.verifyBranch';
export interface VerifyBranchArguments {
  readonly uri: string;
  readonly branch: string;
}
