import type { Span } from '../ast.js';
import type { DiagnosticData, RelatedInformation, Severity, SurvDiagnostic } from '../diagnostic.js';
import type { LineIndex } from '../line-index.js';
import type { Origin } from './types.js';

export interface ReportOptions {
  readonly related?: readonly { readonly uri: string; readonly span: Span; readonly message: string }[];
  readonly data?: DiagnosticData;
  readonly unnecessary?: boolean;
}

/**
 * Collects semantic diagnostics. Checks call `report` and never throw; offsets
 * become line/column here, once, through each file's line index.
 */
export class Reporter {
  private readonly out: SurvDiagnostic[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly lines: ReadonlyMap<string, LineIndex>) {}

  /** How many findings were reported (repeats included): lets a caller see whether a step reported. */
  count = 0;

  report(severity: Severity, code: string, message: string, uri: string, span: Span, options: ReportOptions = {}): void {
    this.count++;
    // A profile shared by many branches must not repeat the same finding per branch.
    const key = `${uri}\0${span.start}\0${span.end}\0${code}\0${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const index = this.lines.get(uri);
    if (!index) return;
    const related: RelatedInformation[] | undefined = options.related?.flatMap((r) => {
      const relatedIndex = this.lines.get(r.uri);
      return relatedIndex ? [{ location: { uri: r.uri, range: relatedIndex.range(r.span) }, message: r.message }] : [];
    });
    this.out.push({
      code, severity, message, uri, range: index.range(span),
      ...(related && related.length > 0 ? { related } : {}),
      ...(options.data ? { data: options.data } : {}),
      ...(options.unnecessary ? { tags: ['unnecessary' as const] } : {}),
    });
  }

  error(code: string, message: string, uri: string, span: Span, options?: ReportOptions): void {
    this.report('error', code, message, uri, span, options);
  }

  warning(code: string, message: string, uri: string, span: Span, options?: ReportOptions): void {
    this.report('warning', code, message, uri, span, options);
  }

  diagnostics(): SurvDiagnostic[] {
    return this.out;
  }
}

export function sourceOrigin(uri: string, span: Span): Origin {
  return { kind: 'source', uri, start: span.start, end: span.end };
}

export const defaultOrigin: Origin = { kind: 'default' };

/** The block a branch was declared in, for locating its findings. */
export interface BranchSite {
  readonly name: string;
  readonly uri: string;
  readonly span: Span;
  readonly nameSpan: Span;
}

/**
 * Reports a branch's finding where the user can act on it: at the offending text
 * when it is inside the branch block, else (a profile's value, a default) at the
 * branch's name with the source as related information.
 */
export class BranchReporter {
  constructor(private readonly reporter: Reporter, readonly site: BranchSite) {}

  at(severity: Severity, code: string, message: string, where: Origin | { readonly uri: string; readonly span: Span }, options: ReportOptions = {}): void {
    const site = this.site;
    const located = 'span' in where ? where : where.kind === 'source' ? { uri: where.uri, span: { start: where.start, end: where.end } } : undefined;
    if (located && located.uri === site.uri && located.span.start >= site.span.start && located.span.end <= site.span.end) {
      this.reporter.report(severity, code, message, located.uri, located.span, options);
      return;
    }
    const related = [...(options.related ?? [])];
    if (located && !related.some((r) => r.uri === located.uri && r.span.start === located.span.start && r.span.end === located.span.end)) {
      related.push({ uri: located.uri, span: located.span, message: 'set here' });
    }
    const suffix = located ? ` (in branch '${site.name}')` : ` (in branch '${site.name}', by default)`;
    // Replacements were meant for the value's own text, not for the branch name.
    const data = options.data ? Object.fromEntries(Object.entries(options.data).filter(([k]) => k !== 'replacements')) : undefined;
    this.reporter.report(severity, code, `${message}${suffix}`, site.uri, site.nameSpan, { ...options, related, ...(data ? { data } : {}) });
  }
}
