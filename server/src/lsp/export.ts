// `surv/export` (docs/vscode.md): the editor's "Export Bundle..." runs `surv export`
// on a document, through the same code as the CLI (export/select.ts, write.ts), so the
// bundle is the same byte for byte. The policy is the document's current text (open
// or on disk) plus the files it `use`s, analysed on its own as the CLI would: errors
// elsewhere in the workspace do not block it. A policy with errors is refused and
// nothing is written; the bundle folder is replaced as a whole or not at all.
// `surv/exportBranches` lists the branches a document would export, for the picker.
import { isAbsolute, join, posix, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCodes, LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import packageJson from '../../../package.json' with { type: 'json' };
import { analyze, type Analysis, type SourceFile } from '../../../grammar/src/index.js';
import { ExportError, targets, type Target } from '../../../engines/export/index.js';
import { checkOutput, writeBundleDir } from '../../../io/write-bundle.js';
import { buildSelection, selectBranches } from '../../../engines/export/select.js';
import { followUses, unreadSource } from '../../../io/files/load.js';
import { Budget, readDesign } from '../../../io/files/read.js';
import { exportRequest, type ExportAnswer } from '../../../protocol/src/index.js';

const exportMethod = exportRequest.method;

/** The `surv` version written into bundles: the CLI's, so both give the same files. */
const toolVersion: string = packageJson.version;

interface ExportParams {
  readonly path: string;
  readonly branch: string | undefined;
  readonly target: Target;
  readonly out: string;
  readonly archive: boolean;
}

/** Where the server gets texts: its own (open documents, workspace files read), then the disk under the loader's rules. */
export interface ExportSources {
  /** Real paths of the folders files may be read from. */
  readonly roots: () => readonly string[];
  /** The text the server holds for a path, if any. */
  readonly held: (path: string) => string | undefined;
}

function invalid(message: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, `${exportMethod}: ${message}`);
}

function failed(message: string): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestFailed, message);
}

function record(params: unknown): Record<string, unknown> | undefined {
  return typeof params === 'object' && params !== null && !Array.isArray(params) ? (params as Record<string, unknown>) : undefined;
}

/** A file URI as the CLI would name the file: a POSIX path. */
function pathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    const path = fileURLToPath(uri);
    return sep === '\\' ? path.replaceAll('\\', '/') : path;
  } catch {
    return undefined;
  }
}

function documentPath(params: unknown): string | ResponseError<void> {
  const uri = record(params)?.['uri'];
  if (typeof uri !== 'string' || uri === '') return invalid('params.uri must be a document URI');
  return pathOf(uri) ?? invalid(`${uri} is not a file on disk (only a saved .surv file can be exported)`);
}

function readParams(params: unknown): ExportParams | ResponseError<void> {
  const p = record(params);
  const path = documentPath(params);
  if (path instanceof ResponseError) return path;
  const { branch, target, out, archive } = p ?? {};
  if (branch !== undefined && (typeof branch !== 'string' || branch === '')) return invalid('params.branch must be a branch name when given');
  if (typeof target !== 'string' || !(targets as readonly string[]).includes(target)) return invalid(`params.target must be one of ${targets.join(', ')}`);
  if (typeof out !== 'string' || !isAbsolute(out)) return invalid('params.out must be an absolute folder path');
  if (archive !== undefined && typeof archive !== 'boolean') return invalid('params.archive must be true or false when given');
  return { path, branch, target: target as Target, out, archive: archive === true };
}

/** The document and every file reached through `use`, as loadFiles would give them, from the editor's texts. */
function load(path: string, sources: ExportSources): Analysis | undefined {
  const roots = sources.roots();
  const budget = new Budget();
  let own: SourceFile;
  const held = sources.held(path);
  if (held !== undefined) own = { uri: path, text: held };
  else {
    const outcome = readDesign(path, { roots, survOnly: true, budget });
    if (outcome.kind === 'missing') return undefined;
    own = outcome.kind === 'text' ? { uri: path, text: outcome.text } : unreadSource(path, outcome.code, outcome.reason, true);
  }
  const loaded = followUses([own], { roots, budget, pathOf: (p) => p, held: (p) => sources.held(p) });
  return analyze(loaded.sources, { parsed: loaded.parsed, symbols: false });
}

function unknownDocument(path: string): ResponseError<void> {
  return invalid(`${path} cannot be read`);
}

/** `surv/exportBranches` {uri} -> the names of the branches the document defines, sorted. */
export function exportableBranches(sources: ExportSources, params: unknown): string[] | ResponseError<void> {
  const path = documentPath(params);
  if (path instanceof ResponseError) return path;
  const analysis = load(path, sources);
  if (!analysis) return unknownDocument(path);
  return analysis.model.branches.filter((b) => b.uri === path).map((b) => b.name).sort();
}

/** `surv/export` {uri, branch?, target, out, archive?} -> ExportAnswer; nothing written unless it all succeeds. */
export function exportDocument(sources: ExportSources, params: unknown): ExportAnswer | ResponseError<void> {
  const p = readParams(params);
  if (p instanceof ResponseError) return p;
  try {
    checkOutput(p.out, p.archive);
  } catch (error) {
    if (error instanceof ExportError) return failed(error.message);
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    return failed(`cannot write '${p.out}': ${code ?? (error instanceof Error ? error.message : String(error))}`);
  }
  const analysis = load(p.path, sources);
  if (!analysis) return unknownDocument(p.path);
  const shown = posix.basename(p.path);
  const first = analysis.diagnostics.find((d) => d.severity === 'error');
  if (first) {
    const errors = analysis.diagnostics.filter((d) => d.severity === 'error').length;
    const name = posix.relative(posix.dirname(p.path), first.uri) || shown;
    const more = errors > 1 ? ` (and ${errors - 1} more error${errors > 2 ? 's' : ''})` : '';
    return failed(`${name}:${first.range.start.line + 1}: error ${first.code}: ${first.message}${more}: the policy has errors, nothing exported`);
  }
  const selection = selectBranches(analysis, p.path, false, p.branch, shown);
  if (typeof selection === 'string') return invalid(selection);

  let result;
  try {
    result = buildSelection(analysis, selection, { target: p.target, toolVersion });
  } catch (error) {
    if (error instanceof ExportError) return failed(`${error.where ? `${error.where}: ` : ''}error: ${error.message}: the export refuses this policy, nothing exported`);
    throw error;
  }
  let written;
  try {
    written = writeBundleDir(p.out, result.files, p.archive);
  } catch (error) {
    if (error instanceof ExportError) return failed(error.message);
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    return failed(`cannot write '${p.out}': ${code ?? (error instanceof Error ? error.message : String(error))}`);
  }
  return {
    bundles: result.bundles.map((b) => ({
      branch: b.branch,
      dir: selection.fleet ? join(p.out, b.branch) : p.out,
      files: b.files.map((f) => f.path),
      notes: b.warnings,
    })),
    ...(written.archivePath !== undefined ? { archive: written.archivePath } : {}),
  };
}
