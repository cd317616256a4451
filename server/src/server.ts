// The language server shell: the connection, the document store and one
// handler per LSP request. Every handler has the same three steps (find the
// document, get the workspace's current analysis, ask the feature module) inside
// `runSafe`, so no request can crash the server.
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionKind, DidChangeWatchedFilesNotification, FileChangeType, ResponseError, TextDocuments, TextDocumentSyncKind,
  type CancellationToken, type Connection, type InitializeParams, type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { codeActions } from './lsp/code-actions.js';
import { codeLenses } from './lsp/code-lens.js';
import { completion } from './lsp/completion.js';
import type { DocumentContext } from './lsp/context.js';
import { toDiagnostic } from './lsp/convert.js';
import { format } from './lsp/format.js';
import { hover } from './lsp/hover.js';
import { inlayHints } from './lsp/inlay-hints.js';
import { definition, documentHighlights, prepareRename, references, rename, RenameError } from './lsp/navigation.js';
import { semanticTokenLegend, semanticTokens } from './lsp/semantic-tokens.js';
import { foldingRanges, selectionRanges } from './lsp/structure.js';
import { listScenarios, simulateScenario } from './lsp/scenarios.js';
import { documentDiagrams } from './lsp/diagrams.js';
import { exportableBranches, exportDocument, type ExportSources } from './lsp/export.js';
import { documentSymbols, workspaceSymbols } from './lsp/symbols.js';
import { CaptureTraces } from './lsp/trace.js';
import { verifyQuickFixes } from './lsp/verify-fixes.js';
import { VerifyOnSave } from './lsp/verify-on-save.js';
import { VerifyWorker } from './lsp/verify-pool.js';
import { capDiagnostics } from './lsp/diagnostic-cap.js';
import { uriToPath, Workspace } from './lsp/workspace.js';
import type { SourceFile } from '../../grammar/src/index.js';
import { unreadSource } from '../../io/files/load.js';
import { Budget, isInside, readDesign, realPath } from '../../io/files/read.js';
import { findDesigns } from '../../io/files/walk.js';
import {
  diagramsRequest, exportBranchesRequest, exportRequest, scenariosRequest, simulateRequest, traceLadderRequest, traceRequest, verifyRequest,
} from '../../protocol/src/index.js';

export interface ServerOptions {
  /** Milliseconds to wait after an edit before checking; bursts of edits are coalesced either way. */
  readonly validationDelayMs?: number;
  /** The bundled verify worker (verify-pool.ts); without it, verify runs on the server's thread. */
  readonly verifyWorker?: string;
}

/** Client capabilities we adapt to, read once. */
interface ClientFlags {
  watchedFiles: boolean;
  relatedInformation: boolean;
}

const maxWorkspaceFiles = 5_000;

/**
 * A workspace file as the loader reads it: its text, or (a FIFO, a link to a device or
 * outside the roots, too large) an `unread` source the core reports at its start.
 */
function readWorkspaceFile(uri: string, roots: readonly string[], budget = new Budget()): SourceFile | undefined {
  const path = uriToPath(uri);
  if (path === undefined) return undefined;
  const outcome = readDesign(path, { roots, survOnly: true, budget });
  switch (outcome.kind) {
    case 'text': return { uri, text: outcome.text };
    case 'missing': return undefined;
    case 'refused': return unreadSource(uri, outcome.code, outcome.reason, true);
  }
}

/** What the entry point needs to know of a running server. */
export interface RunningServer {
  /** A `shutdown` request has been answered: ending now is a clean exit (code 0). */
  shutdownRequested(): boolean;
}

export function startServer(connection: Connection, options: ServerOptions = {}): RunningServer {
  const documents = new TextDocuments(TextDocument);
  /** Real paths of the workspace folders: the roots files are read from (docs/security.md). */
  const folderRoots: string[] = [];
  /** The workspace folders, and the folder of each open document outside them. */
  const roots = (): string[] => {
    const all = [...folderRoots];
    for (const uri of workspace.openUris()) {
      const path = uriToPath(uri);
      const folder = path === undefined ? undefined : realPath(dirname(path));
      if (folder !== undefined && !all.some((root) => isInside(folder, root))) all.push(folder);
    }
    return all;
  };
  const workspace = new Workspace({ roots });
  const flags: ClientFlags = { watchedFiles: false, relatedInformation: false };
  let validationDelayMs = options.validationDelayMs ?? 0;
  let pending: ReturnType<typeof setTimeout> | undefined;
  /** What was last published per URI, so unchanged files are not republished. */
  const published = new Map<string, string>();
  let shutdownRequested = false;

  function runSafe<T>(name: string, fallback: T, work: () => T, token?: CancellationToken): T | ResponseError<void> {
    if (token?.isCancellationRequested) return fallback;
    try {
      return work();
    } catch (error) {
      if (error instanceof RenameError) return new ResponseError(-32803, error.message);
      connection.console.error(`surv: ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return fallback;
    }
  }

  // `surv verify` runs after a save, off the keystroke path; its findings join each publication.
  const log = (message: string) => connection.console.error(message);
  const worker = options.verifyWorker !== undefined && VerifyWorker.available(options.verifyWorker) ? new VerifyWorker(options.verifyWorker, log) : undefined;
  if (options.verifyWorker !== undefined && !worker) log(`surv: ${options.verifyWorker} is missing; verify runs on the server's thread`);
  const verifier = new VerifyOnSave({
    analysis: () => workspace.analysis(),
    documentVersion: (uri) => workspace.documentVersion(uri),
    republish: () => scheduleValidation(),
    log,
  }, worker?.verify);

  function context(uri: string): DocumentContext | undefined {
    const analysis = workspace.analysis();
    const file = analysis.files.get(uri);
    return file ? { uri, file, analysis } : undefined;
  }

  /** Checks now and publishes every file whose diagnostics changed (a profile edit re-checks its branches). */
  function validate(): void {
    pending = undefined;
    if (shutdownRequested) return;
    const generation = workspace.version;
    const analysis = runSafe('validation', undefined, () => workspace.analysis());
    if (!analysis || analysis instanceof ResponseError) {
      publishFailure();
      return;
    }
    if (generation !== workspace.version) return;
    const byUri = new Map<string, ReturnType<typeof toDiagnostic>[]>();
    for (const uri of analysis.files.keys()) byUri.set(uri, []);
    for (const d of analysis.diagnostics) {
      const diagnostic = toDiagnostic(d);
      if (!flags.relatedInformation) delete diagnostic.relatedInformation;
      byUri.get(d.uri)?.push(diagnostic);
    }
    for (const [uri, found] of verifier.diagnostics(flags.relatedInformation)) byUri.get(uri)?.push(...found);
    for (const uri of published.keys()) if (!byUri.has(uri)) byUri.set(uri, []);
    for (const [uri, found] of byUri) {
      const diagnostics = capDiagnostics(found);
      const version = workspace.documentVersion(uri);
      const key = `${version ?? ''}\0${JSON.stringify(diagnostics)}`;
      if (published.get(uri) === key) continue;
      published.set(uri, key);
      if (diagnostics.length === 0 && !analysis.files.has(uri)) published.delete(uri);
      void connection.sendDiagnostics({ uri, diagnostics, ...(version !== undefined ? { version } : {}) });
    }
  }

  /**
   * The check itself failed (a bug in the core): say so on each open document, for
   * its current version, rather than leave the editor showing diagnostics of an
   * older text as if they were current.
   */
  function publishFailure(): void {
    for (const uri of workspace.openUris()) {
      const version = workspace.documentVersion(uri);
      const diagnostics = [{
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: 1 as const,
        source: 'surv',
        message: 'surv could not check this file: internal error (the server log has the details)',
      }];
      published.set(uri, `${version ?? ''}\0failure`);
      void connection.sendDiagnostics({ uri, diagnostics, ...(version !== undefined ? { version } : {}) });
    }
  }

  /** Latest edit wins: a burst of changes leads to one check, after the burst. */
  function scheduleValidation(): void {
    if (pending) clearTimeout(pending);
    pending = setTimeout(validate, validationDelayMs);
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    flags.watchedFiles = caps.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    flags.relatedInformation = caps.textDocument?.publishDiagnostics?.relatedInformation === true;
    const init = params.initializationOptions as { validationDelayMs?: unknown } | undefined;
    if (typeof init?.validationDelayMs === 'number' && init.validationDelayMs >= 0) validationDelayMs = init.validationDelayMs;
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    for (const folder of folders) {
      const path = uriToPath(folder);
      const real = path === undefined ? undefined : realPath(path);
      if (real !== undefined && !folderRoots.includes(real)) folderRoots.push(real);
    }
    // One budget for the whole scan: a workspace of huge files is read up to it, not into swap.
    const budget = new Budget();
    for (const folder of folders) {
      const path = uriToPath(folder);
      if (path === undefined || realPath(path) === undefined) continue;
      const walk = findDesigns(path, { join, maxFiles: maxWorkspaceFiles });
      if (walk.truncated) log(`surv: ${path}: the workspace scan stopped at its bounds (${maxWorkspaceFiles} files, or too many entries or levels)`);
      for (const file of walk.files) {
        const uri = pathToFileURL(file).toString();
        const read = readWorkspaceFile(uri, folderRoots, budget);
        if (read !== undefined) workspace.setDiskFile(uri, read);
      }
    }
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        completionProvider: { triggerCharacters: [' ', '{', '['], resolveProvider: false },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentHighlightProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        foldingRangeProvider: true,
        selectionRangeProvider: true,
        documentFormattingProvider: true,
        documentRangeFormattingProvider: true,
        semanticTokensProvider: { legend: semanticTokenLegend, full: true, range: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.Refactor] },
        inlayHintProvider: true,
        codeLensProvider: { resolveProvider: false },
      },
      serverInfo: { name: 'surv-language-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (flags.watchedFiles) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.surv' }] });
    }
    scheduleValidation();
  });

  documents.onDidOpen(({ document }) => {
    workspace.openDocument(document.uri, document.version, document.getText());
    scheduleValidation();
  });
  documents.onDidChangeContent(({ document }) => {
    workspace.openDocument(document.uri, document.version, document.getText());
    verifier.changed(document.uri);
    scheduleValidation();
  });
  documents.onDidSave(({ document }) => verifier.saved(document.uri));
  documents.onDidClose(({ document }) => {
    workspace.closeDocument(document.uri);
    verifier.changed(document.uri);
    // A closed file of the workspace is checked from disk again; any other is forgotten.
    if (workspace.hasDiskFile(document.uri)) workspace.setDiskFile(document.uri, readWorkspaceFile(document.uri, roots()));
    scheduleValidation();
  });

  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const change of changes) {
      if (!change.uri.endsWith('.surv') || workspace.isOpen(change.uri)) continue;
      workspace.setDiskFile(change.uri, change.type === FileChangeType.Deleted ? undefined : readWorkspaceFile(change.uri, roots()));
      verifier.changed(change.uri);
    }
    scheduleValidation();
  });

  connection.onCompletion((params, token) => runSafe('completion', { isIncomplete: false, items: [] }, () => {
    const ctx = context(params.textDocument.uri);
    return ctx ? completion(ctx, params.position) : { isIncomplete: false, items: [] };
  }, token));

  connection.onHover((params, token) => runSafe('hover', null, () => {
    const ctx = context(params.textDocument.uri);
    return ctx ? hover(ctx, params.position) : null;
  }, token));

  connection.onDefinition((params, token) => runSafe('definition', [], () => {
    const ctx = context(params.textDocument.uri);
    return ctx ? definition(ctx, params.position) : [];
  }, token));

  connection.onReferences((params, token) => runSafe('references', [], () => {
    const ctx = context(params.textDocument.uri);
    return ctx ? references(ctx, params.position, params.context.includeDeclaration) : [];
  }, token));

  connection.onDocumentHighlight((params, token) => runSafe('highlight', [], () => {
    const ctx = context(params.textDocument.uri);
    return ctx ? documentHighlights(ctx, params.position) : [];
  }, token));

  connection.onPrepareRename((params, token) => runSafe('prepareRename', null, () => {
    const ctx = context(params.textDocument.uri);
    return ctx ? prepareRename(ctx, params.position) : null;
  }, token));

  connection.onRenameRequest((params, token) => runSafe('rename', null, () => {
    const ctx = context(params.textDocument.uri);
    return ctx ? rename(ctx, params.position, params.newName) : null;
  }, token));

  connection.onDocumentSymbol((params, token) => runSafe('documentSymbol', [], () => {
    const ctx = context(params.textDocument.uri);
    return ctx ? documentSymbols(ctx) : [];
  }, token));

  connection.onWorkspaceSymbol((params, token) => runSafe('workspaceSymbol', [], () => workspaceSymbols(workspace.analysis(), params.query), token));

  connection.onFoldingRanges((params, token) => runSafe('foldingRange', [], () => {
    const ctx = context(params.textDocument.uri);
    return ctx ? foldingRanges(ctx) : [];
  }, token));

  connection.onSelectionRanges((params, token) => runSafe('selectionRange', [], () => {
    const ctx = context(params.textDocument.uri);
    return ctx ? selectionRanges(ctx, params.positions) : [];
  }, token));

  connection.onDocumentFormatting((params, token) => runSafe('formatting', [], () => {
    const ctx = context(params.textDocument.uri);
    return ctx ? format(ctx.file, params.options) : [];
  }, token));

  connection.onDocumentRangeFormatting((params, token) => runSafe('rangeFormatting', [], () => {
    const ctx = context(params.textDocument.uri);
    return ctx ? format(ctx.file, params.options, params.range) : [];
  }, token));

  connection.languages.semanticTokens.on((params, token) => runSafe('semanticTokens', { data: [] }, () => {
    const ctx = context(params.textDocument.uri);
    return ctx ? semanticTokens(ctx) : { data: [] };
  }, token));

  connection.onCodeAction((params, token) => runSafe('codeAction', [], () => {
    const ctx = context(params.textDocument.uri);
    return ctx ? [
      ...codeActions(ctx, params.range, params.context.diagnostics, params.context.only),
      ...verifyQuickFixes(ctx.analysis, params.context.diagnostics, params.context.only),
    ] : [];
  }, token));

  connection.languages.inlayHint.on((params, token) => runSafe('inlayHint', [], () => {
    const ctx = context(params.textDocument.uri);
    return ctx ? inlayHints(ctx, params.range) : [];
  }, token));

  connection.onCodeLens((params, token) => runSafe('codeLens', [], () => {
    const ctx = context(params.textDocument.uri);
    return ctx ? codeLenses(ctx) : [];
  }, token));

  // The scenario requests answer a ResponseError for bad params; this one is for a bug.
  // Params are typed by the protocol but come off the wire unchecked: each feature
  // takes them as `unknown` and validates them itself.
  const failed = (method: string) => new ResponseError<void>(-32603, `${method}: internal error (the server log has the details)`);
  connection.onRequest(scenariosRequest, (params: unknown, token) =>
    runSafe(scenariosRequest.method, failed(scenariosRequest.method), () => listScenarios(workspace.analysis(), params), token));
  connection.onRequest(simulateRequest, (params: unknown, token) =>
    runSafe(simulateRequest.method, failed(simulateRequest.method), () => simulateScenario(workspace.analysis(), params), token));
  connection.onRequest(verifyRequest, (params: unknown) => verifier.request(params));
  connection.onRequest(diagramsRequest, (params: unknown, token) =>
    runSafe(diagramsRequest.method, failed(diagramsRequest.method), () => documentDiagrams(workspace.analysis(), params, (uri) => workspace.documentVersion(uri)), token));

  const exportSources: ExportSources = { roots, held: (path) => workspace.textOf(pathToFileURL(path).toString()) };
  connection.onRequest(exportRequest, (params: unknown, token) =>
    runSafe(exportRequest.method, failed(exportRequest.method), () => exportDocument(exportSources, params), token));
  connection.onRequest(exportBranchesRequest, (params: unknown, token) =>
    runSafe(exportBranchesRequest.method, failed(exportBranchesRequest.method), () => exportableBranches(exportSources, params), token));

  // A capture is read asynchronously, so `runSafe`'s try cannot see its failures:
  // `settle` is its async twin (a throw or a rejection answers the internal error).
  const traces = new CaptureTraces({ analysis: () => workspace.analysis(), generation: () => workspace.version });
  const settle = async <T>(method: string, work: () => Promise<T | ResponseError<void>>, token: CancellationToken): Promise<T | ResponseError<void>> => {
    if (token.isCancellationRequested) return new ResponseError<void>(-32800, `${method}: cancelled`);
    try {
      return await work();
    } catch (error) {
      connection.console.error(`surv: ${method} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return failed(method);
    }
  };
  connection.onRequest(traceRequest, (params: unknown, token) =>
    settle(traceRequest.method, () => traces.trace(params), token));
  connection.onRequest(traceLadderRequest, (params: unknown, token) =>
    settle(traceLadderRequest.method, () => traces.ladder(params), token));

  connection.onShutdown(() => {
    // No diagnostics after shutdown: the client may already be tearing down.
    shutdownRequested = true;
    if (pending) clearTimeout(pending);
    pending = undefined;
    void worker?.close();
  });

  documents.listen(connection);
  connection.listen();
  return { shutdownRequested: () => shutdownRequested };
}
