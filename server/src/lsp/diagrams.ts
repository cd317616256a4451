// The `surv/diagrams` request (docs/vscode.md, "Diagram preview"): the ladder
// diagrams of one document, as Mermaid source, with each message arrow tied to the
// policy line that caused it. The VS Code preview draws from it; any editor can.
//
// A document with errors gets no diagrams, only its first error: a model built
// around an error is a guess, and the preview keeps the last good diagram instead.
import { ErrorCodes, ResponseError } from 'vscode-languageserver';
import type { Range } from 'vscode-languageserver-types';
import { compareDiagnostics, type Analysis, type Origin } from '../../../grammar/src/index.js';
import { diagramsFor } from '../diagram/index.js';
import { spanToRange, toRange } from './convert.js';

export const diagramsMethod = 'surv/diagrams';

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
  readonly kind: 'design' | 'scenario';
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

function originLocation(analysis: Analysis, origin: Origin | undefined): { uri: string; range: Range } | undefined {
  if (!origin || origin.kind !== 'source') return undefined;
  const file = analysis.files.get(origin.uri);
  return file ? { uri: origin.uri, range: spanToRange(file, origin) } : undefined;
}

/** `surv/diagrams` {uri} -> DiagramsAnswer. */
export function documentDiagrams(analysis: Analysis, params: unknown, version: (uri: string) => number | undefined): DiagramsAnswer | ResponseError<void> {
  const uri = typeof params === 'object' && params !== null ? (params as Record<string, unknown>)['uri'] : undefined;
  if (typeof uri !== 'string' || uri === '') {
    return new ResponseError(ErrorCodes.InvalidParams, `${diagramsMethod}: params.uri must be a document URI`);
  }
  if (!analysis.files.has(uri)) {
    return new ResponseError(ErrorCodes.InvalidParams, `${diagramsMethod}: ${uri} is not a .surv document the server knows (open it, or put it in the workspace)`);
  }
  const documentVersion = version(uri) ?? null;
  const errors = analysis.diagnostics.filter((d) => d.uri === uri && d.severity === 'error');
  if (errors.length > 0) {
    const first = [...errors].sort(compareDiagnostics)[0];
    if (first) return { version: documentVersion, views: [], error: { message: first.message, code: first.code, range: toRange(first.range) } };
  }
  const views = diagramsFor(analysis.model, { uri }).map((view): DiagramViewInfo => ({
    id: view.id,
    title: view.title,
    kind: view.kind,
    branch: view.branch,
    mermaid: view.mermaid,
    messages: view.messages.map((m) => {
      const at = originLocation(analysis, m.origin);
      return { index: m.index, summary: m.summary, text: m.text ?? null, uri: at?.uri ?? null, range: at?.range ?? null };
    }),
  }));
  return { version: documentVersion, views };
}
