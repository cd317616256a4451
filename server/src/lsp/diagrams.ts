// The `surv/diagrams` request (docs/vscode.md, "Diagram preview"): the ladder
// diagrams of one document, as Mermaid source, with each message arrow tied to the
// policy line that caused it. The VS Code preview draws from it; any editor can.
//
// A document with errors gets no diagrams, only its first error: a model built
// around an error is a guess, and the preview keeps the last good diagram instead.
import { ErrorCodes, ResponseError } from 'vscode-languageserver';
import type { Range } from 'vscode-languageserver-types';
import { compareDiagnostics, type Analysis, type Origin } from '../../../grammar/src/index.js';
import { diagramsFor } from '../../../engines/diagram/index.js';
import { diagramsRequest, type DiagramsAnswer, type DiagramViewInfo } from '../../../protocol/src/index.js';
import { spanToRange, toRange } from './convert.js';

const diagramsMethod = diagramsRequest.method;

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
