// `surv verify` in the editor: when a document is saved (or `surv/verify` asks), its
// branches are verified and the violations become warnings (source `surv verify`),
// merged by the server into the diagnostics it publishes for each file.
//
// Verifying explores many scenario combinations, so it never runs in the keystroke
// path: it starts after the save notification has been handled, yields to the event
// loop between branches, and gives up as soon as the document changes. Results are
// dropped when a document they point into changes, and come back on the next save.
import { ErrorCodes, LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import {
  DiagnosticRelatedInformation, DiagnosticSeverity, type Diagnostic, type Range,
} from 'vscode-languageserver-types';
import type { Analysis, ast, Branch, Origin } from '../../../grammar/src/index.js';
import { verifyBranch, type VerifyOptions, type VerifyReport, type Violation } from '../../../engines/verify/index.js';
import { verifyRequest, type VerifyAnswer } from '../../../protocol/src/index.js';
import { spanToRange } from './convert.js';

const verifyMethod = verifyRequest.method;
export const verifySource = 'surv verify';

/** What a verify diagnostic carries in `data`, for the quick fix and for clients. */
export interface VerifyData {
  readonly code: string;
  readonly invariant: Violation['invariant'];
  readonly branch: string;
  /** The file that declares the branch: where the scenario belongs. */
  readonly file: string;
  /** A ready-to-paste `scenario` block that reproduces the violation. */
  readonly scenario: string;
}

export interface VerifyHost {
  analysis(): Analysis;
  documentVersion(uri: string): number | undefined;
  /** Publish again: the server merges `diagnostics()` into what it publishes. */
  republish(): void;
  log(message: string): void;
}

/** verifyBranch, or anything that answers like it (a worker thread would answer later). */
export type VerifyFunction = (branch: Branch, options?: VerifyOptions) => VerifyReport | Promise<VerifyReport>;

/** The findings of one branch, from one verification of the document declaring it. */
interface Entry {
  readonly owner: string;
  readonly branch: string;
  readonly diagnostics: readonly { readonly uri: string; readonly diagnostic: Diagnostic }[];
}

interface Run {
  cancelled: boolean;
}

/** Thrown out of a run that a newer edit made pointless. */
class Superseded extends Error {}

const nextTurn = (): Promise<void> => new Promise((done) => setImmediate(done));

function branchNode(analysis: Analysis, branch: Branch): ast.ContainerNode | undefined {
  return analysis.files.get(branch.uri)?.ast.declarations
    .find((d): d is ast.ContainerNode => d.kind === 'Branch' && d.name?.text === branch.name);
}

/** Errors inside the branch's block: verifying a model built around errors finds noise. */
function errorsIn(analysis: Analysis, branch: Branch): number {
  const node = branchNode(analysis, branch);
  if (!node) return 0;
  return analysis.diagnostics.filter((d) => d.severity === 'error' && d.uri === branch.uri
    && node.start <= d.range.start.offset && d.range.end.offset <= node.end).length;
}

function locate(analysis: Analysis, origin: Origin, branch: Branch): { uri: string; range: Range } {
  const at = origin.kind === 'source' ? origin : branch.origin;
  if (at.kind === 'source') {
    const file = analysis.files.get(at.uri);
    if (file) return { uri: at.uri, range: spanToRange(file, at) };
  }
  return { uri: branch.uri, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
}

/** A scenario on one line, for the related-information text (newlines and indentation folded). */
function oneLine(scenario: string): string {
  return scenario.trim().replace(/\s*\n\s*/g, '  ');
}

export function violationDiagnostic(analysis: Analysis, branch: Branch, report: VerifyReport, v: Violation): { uri: string; diagnostic: Diagnostic } {
  const target = locate(analysis, v.origin, branch);
  const home = locate(analysis, branch.origin, branch);
  const data: VerifyData = { code: v.code, invariant: v.invariant, branch: branch.name, file: branch.uri, scenario: v.scenario };
  return {
    uri: target.uri,
    diagnostic: {
      range: target.range,
      severity: DiagnosticSeverity.Warning,
      code: v.code,
      source: verifySource,
      message: v.message,
      relatedInformation: [DiagnosticRelatedInformation.create(
        { uri: home.uri, range: home.range },
        `reproduce it (${report.explored} combinations explored, ${report.bound}): ${oneLine(v.scenario)}`,
      )],
      data,
    },
  };
}

export class VerifyOnSave {
  private readonly entries = new Map<string, Entry>();
  private readonly runs = new Map<string, Run>();

  constructor(private readonly host: VerifyHost, private readonly verify: VerifyFunction = verifyBranch) {}

  /** After a save: verify in the background; failures go to the log. */
  saved(uri: string): void {
    this.run(uri, undefined).catch((error: unknown) => {
      if (error instanceof Superseded) return;
      this.host.log(`surv: verify of ${uri} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    });
  }

  /** `surv/verify` {uri, branch?}: verify now, publish, and answer with the reports. */
  async request(params: unknown): Promise<VerifyAnswer | ResponseError<void>> {
    const p = typeof params === 'object' && params !== null ? (params as Record<string, unknown>) : {};
    const uri = p['uri'];
    const branch = p['branch'];
    if (typeof uri !== 'string' || uri === '') return new ResponseError(ErrorCodes.InvalidParams, `${verifyMethod}: params.uri must be a document URI`);
    if (branch !== undefined && typeof branch !== 'string') return new ResponseError(ErrorCodes.InvalidParams, `${verifyMethod}: params.branch must be a branch name`);
    try {
      return await this.run(uri, branch);
    } catch (error) {
      if (error instanceof Superseded) return new ResponseError(LSPErrorCodes.ContentModified, `${verifyMethod}: ${uri} changed while it was being verified`);
      if (error instanceof ResponseError) return error as ResponseError<void>;
      this.host.log(`surv: verify of ${uri} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return new ResponseError(ErrorCodes.InternalError, `${verifyMethod}: internal error (the server log has the details)`);
    }
  }

  /** A document changed (or closed): its runs stop and findings that point into it go. */
  changed(uri: string): void {
    const run = this.runs.get(uri);
    if (run) run.cancelled = true;
    this.runs.delete(uri);
    let dropped = false;
    for (const [key, entry] of this.entries) {
      if (entry.owner === uri || entry.diagnostics.some((d) => d.uri === uri)) {
        this.entries.delete(key);
        dropped = true;
      }
    }
    if (dropped) this.host.republish();
  }

  /** The current findings by URI, to merge into the published diagnostics. */
  diagnostics(relatedInformation: boolean): Map<string, Diagnostic[]> {
    const out = new Map<string, Diagnostic[]>();
    for (const entry of this.entries.values()) {
      for (const { uri, diagnostic } of entry.diagnostics) {
        const copy = { ...diagnostic };
        if (!relatedInformation) delete copy.relatedInformation;
        const list = out.get(uri);
        if (list) list.push(copy);
        else out.set(uri, [copy]);
      }
    }
    return out;
  }

  private async run(uri: string, only: string | undefined): Promise<VerifyAnswer> {
    const previous = this.runs.get(uri);
    if (previous) previous.cancelled = true;
    const run: Run = { cancelled: false };
    this.runs.set(uri, run);
    const version = this.host.documentVersion(uri);
    const check = () => {
      if (run.cancelled || this.host.documentVersion(uri) !== version) throw new Superseded();
    };
    try {
      // Let the save notification finish and queued edits arrive first.
      await nextTurn();
      check();
      const analysis = this.host.analysis();
      if (!analysis.files.has(uri)) throw new ResponseError(ErrorCodes.InvalidParams, `${verifyMethod}: ${uri} is not a .surv document the server knows`);
      const branches = analysis.model.branches.filter((b) => b.uri === uri && (only === undefined || b.name === only));
      if (only !== undefined && branches.length === 0) throw new ResponseError(ErrorCodes.InvalidParams, `${verifyMethod}: ${uri} declares no branch '${only}'`);
      const found: { branch: Branch; report: VerifyReport }[] = [];
      const skipped: { branch: string; reason: string }[] = [];
      for (const branch of branches) {
        const errors = errorsIn(analysis, branch);
        if (errors > 0) {
          skipped.push({ branch: branch.name, reason: `${errors} error${errors === 1 ? '' : 's'} to fix first` });
          continue;
        }
        found.push({ branch, report: await this.verify(branch) });
        await nextTurn();
        check();
      }
      // Findings in another file are kept only while that file is as it was verified.
      const current = this.host.analysis();
      const unchanged = (target: string) => current.files.get(target)?.text === analysis.files.get(target)?.text;
      for (const [key, entry] of this.entries) {
        if (entry.owner === uri && (only === undefined || entry.branch === only)) this.entries.delete(key);
      }
      for (const { branch, report } of found) {
        const diagnostics = report.violations.map((v) => violationDiagnostic(analysis, branch, report, v)).filter((d) => unchanged(d.uri));
        this.entries.set(`${uri}\0${branch.name}`, { owner: uri, branch: branch.name, diagnostics });
      }
      this.host.republish();
      return {
        reports: found.map(({ branch, report }) => ({
          branch: report.branch,
          explored: report.explored,
          bound: report.bound,
          violations: report.violations.map((v) => {
            const target = locate(analysis, v.origin, branch);
            return { code: v.code, invariant: v.invariant, message: v.message, uri: target.uri, range: target.range, scenario: v.scenario };
          }),
        })),
        skipped,
      };
    } finally {
      if (this.runs.get(uri) === run) this.runs.delete(uri);
    }
  }
}
