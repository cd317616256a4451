// The language-server test harness: the BUILT bin/surv-language-server.cjs runs as a
// separate process, as an editor starts it, and a real protocol client (vscode-jsonrpc
// over the child's stdin/stdout) talks to it. Nothing here sleeps for a fixed time:
// every wait is a promise on a message, bounded by a timeout that fails the test.
//
//   const server = await startServer({ examples: true });
//   const diagnostics = await server.openAndWait(server.uri('bilbao.surv'));
//   const hoverAt = requestAt(server, HoverRequest.method);
//   const hover = await hoverAt('branch <|>x {}');
//   await server.shutdown();
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  createProtocolConnection, DidChangeTextDocumentNotification, DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification, ExitNotification, InitializedNotification, InitializeRequest, LogMessageNotification,
  PublishDiagnosticsNotification, RegistrationRequest, ResponseError, ShutdownRequest, StreamMessageReader, StreamMessageWriter,
  type ClientCapabilities, type Diagnostic, type InitializeResult, type Position, type ProtocolConnection,
  type PublishDiagnosticsParams, type Range, type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node.js';
import { TextDocument } from 'vscode-languageserver-textdocument';

import { ensureBuilt, root } from '../support/built.js';

export { root };

/** The error a request was answered with (fails when it was answered normally). */
export async function errorOf(promise: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ResponseError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a ResponseError, got an answer');
}
export const serverBin = join(root, 'bin/surv-language-server.cjs');
export const examplesDir = join(root, 'examples');

/** Builds bin/surv-language-server.cjs when it is missing or older than its sources. */
export function ensureServerBuilt(): Promise<void> {
  return ensureBuilt('server', serverBin);
}

// ---------------------------------------------------------------------------------
// The server process.

export interface StartOptions {
  /** Copy examples/ (all of it) into the temporary workspace folder. */
  readonly examples?: boolean;
  /** More files of the workspace folder, path (relative to it) -> text. */
  readonly files?: Readonly<Record<string, string>>;
  /** Runs on the workspace folder before the server starts (FIFOs, symbolic links). */
  readonly prepare?: (folder: string) => void;
  /** No workspace folder at all (a single-file editor). */
  readonly noWorkspace?: boolean;
  readonly initializationOptions?: unknown;
  readonly capabilities?: ClientCapabilities;
  /** Bound on every wait for a message, in ms (default 15 s). */
  readonly timeoutMs?: number;
}

export interface WaitOptions {
  /** The document version the publication must carry. */
  readonly version?: number;
  /** Only publications received after this mark (see `mark()`). */
  readonly since?: number;
  /** Only a publication whose diagnostics satisfy this. */
  readonly match?: (diagnostics: Diagnostic[]) => boolean;
  readonly timeoutMs?: number;
}

export interface LspServer {
  readonly connection: ProtocolConnection;
  readonly child: ChildProcessWithoutNullStreams;
  readonly pid: number;
  /** The temporary workspace folder (removed by `shutdown`). */
  readonly folder: string;
  readonly initializeResult: InitializeResult;
  /** Every publishDiagnostics, in arrival order. */
  readonly publishes: readonly PublishDiagnosticsParams[];
  /** Everything the server wrote to stderr (its log). */
  stderr(): string;
  /** The file URI of a path inside the workspace folder. */
  uri(path: string): string;
  /** The client's copy of an open document (text and version). */
  document(uri: string): TextDocument | undefined;
  /** Opens a document (text defaults to the file on disk); resolves once sent. */
  open(uri: string, text?: string): Promise<TextDocument>;
  /**
   * A round trip: every publication the server made before reading this (say, the
   * rest of a check whose first file was awaited) has arrived when it resolves.
   */
  settle(): Promise<void>;
  /** Opens and waits for the diagnostics of the opened version (then settles). */
  openAndWait(uri: string, text?: string): Promise<Diagnostic[]>;
  /** A full-text change, or incremental edits; resolves to the new version once sent. */
  change(uri: string, change: string | readonly TextDocumentContentChangeEvent[]): Promise<number>;
  /** Changes and waits for the diagnostics of the new version (then settles). */
  changeAndWait(uri: string, change: string | readonly TextDocumentContentChangeEvent[]): Promise<Diagnostic[]>;
  close(uri: string): Promise<void>;
  /** A position in the publication log: pass as `since` to wait for later ones only. */
  mark(): number;
  /** The first publication (from `since`, default the start) for `uri` that fits. */
  diagnostics(uri: string, options?: WaitOptions): Promise<Diagnostic[]>;
  /** All publications for `uri`, oldest first. */
  publishesFor(uri: string): PublishDiagnosticsParams[];
  request<R>(method: string, params?: unknown): Promise<R>;
  notify(method: string, params?: unknown): Promise<void>;
  /** Raw bytes to the server's stdin (for malformed-message tests). */
  writeRaw(bytes: string | Buffer): Promise<void>;
  /** The child is still running. */
  alive(): boolean;
  /** The child's resident set size, from /proc/PID/status, in bytes. */
  rss(): number;
  /** shutdown + exit, then a kill if it has not gone; resolves to the exit code. */
  shutdown(): Promise<number | null>;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what()}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function makeFolder(options: StartOptions): string {
  const folder = mkdtempSync(join(tmpdir(), 'surv-lsp-'));
  if (options.examples) cpSync(examplesDir, folder, { recursive: true });
  for (const [path, text] of Object.entries(options.files ?? {})) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), text);
  }
  options.prepare?.(folder);
  return folder;
}

const defaultCapabilities: ClientCapabilities = {
  textDocument: {
    publishDiagnostics: { relatedInformation: true, versionSupport: true },
    synchronization: { dynamicRegistration: false, didSave: true },
  },
  workspace: { workspaceFolders: true },
};

export async function startServer(options: StartOptions = {}): Promise<LspServer> {
  await ensureServerBuilt();
  const timeoutMs = options.timeoutMs ?? 15_000;
  const folder = makeFolder(options);
  const child = spawn(process.execPath, [serverBin, '--stdio'], { cwd: root, stdio: 'pipe' });
  let log = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    log += chunk;
  });
  // A write to a dead server must fail the test that did it, not the whole run.
  child.stdin.on('error', () => undefined);
  let exited = false;
  let exitCode: number | null = null;
  const exitPromise = new Promise<number | null>((done) => {
    child.on('exit', (code) => {
      exited = true;
      exitCode = code;
      done(code);
    });
  });

  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const publishes: PublishDiagnosticsParams[] = [];
  const waiters = new Set<() => void>();
  connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
    publishes.push(params);
    for (const wake of [...waiters]) wake();
  });
  // The server's log messages join its stderr; registrations are accepted.
  connection.onNotification(LogMessageNotification.type, (params) => {
    log += `[logMessage] ${params.message}\n`;
  });
  connection.onRequest(RegistrationRequest.type, () => undefined);
  connection.onError(() => undefined);
  connection.listen();

  const workspaceUri = pathToFileURL(folder).toString();
  const initializeResult = await withTimeout(connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: options.noWorkspace ? null : workspaceUri,
    workspaceFolders: options.noWorkspace ? null : [{ uri: workspaceUri, name: 'workspace' }],
    capabilities: options.capabilities ?? defaultCapabilities,
    initializationOptions: options.initializationOptions,
  }), timeoutMs, () => `the initialize result (server log: ${log})`);
  await connection.sendNotification(InitializedNotification.type, {});

  const documents = new Map<string, TextDocument>();
  /** Versions keep rising across close and reopen, so a version names one text. */
  const lastVersion = new Map<string, number>();
  const nextVersion = (uri: string) => {
    const version = (lastVersion.get(uri) ?? 0) + 1;
    lastVersion.set(uri, version);
    return version;
  };

  const server: LspServer = {
    connection,
    child,
    pid: child.pid ?? -1,
    folder,
    initializeResult,
    publishes,
    stderr: () => log,
    uri: (path) => pathToFileURL(join(folder, path)).toString(),
    document: (uri) => documents.get(uri),

    async open(uri, text) {
      const content = text ?? readFileSync(fileURLToPath(uri), 'utf8');
      const document = TextDocument.create(uri, 'surv', nextVersion(uri), content);
      documents.set(uri, document);
      await connection.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: { uri, languageId: 'surv', version: document.version, text: content },
      });
      return document;
    },

    async settle() {
      // An unknown method: the server answers MethodNotFound, in order with its other messages.
      await server.request('surv-harness/settle').catch(() => undefined);
    },

    async openAndWait(uri, text) {
      const document = await server.open(uri, text);
      const diagnostics = await server.diagnostics(uri, { version: document.version });
      await server.settle();
      return diagnostics;
    },

    async change(uri, change) {
      const document = documents.get(uri);
      if (!document) throw new Error(`change of a document that is not open: ${uri}`);
      const contentChanges: TextDocumentContentChangeEvent[] = typeof change === 'string' ? [{ text: change }] : [...change];
      const version = nextVersion(uri);
      TextDocument.update(document, contentChanges, version);
      await connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges });
      return version;
    },

    async changeAndWait(uri, change) {
      const version = await server.change(uri, change);
      const diagnostics = await server.diagnostics(uri, { version });
      await server.settle();
      return diagnostics;
    },

    async close(uri) {
      documents.delete(uri);
      await connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    },

    mark: () => publishes.length,

    diagnostics(uri, wait = {}) {
      const fits = (p: PublishDiagnosticsParams) =>
        p.uri === uri && (wait.version === undefined || p.version === wait.version) && (!wait.match || wait.match(p.diagnostics));
      let scanned = wait.since ?? 0;
      let wake: (() => void) | undefined;
      const found = new Promise<Diagnostic[]>((done) => {
        const look = () => {
          for (; scanned < publishes.length; scanned++) {
            const p = publishes[scanned] as PublishDiagnosticsParams;
            if (fits(p)) {
              if (wake) waiters.delete(wake);
              done(p.diagnostics);
              return;
            }
          }
        };
        wake = look;
        waiters.add(look);
        look();
      });
      const describe = () => {
        const seen = server.publishesFor(uri).map((p) => `v${p.version ?? '-'}:${p.diagnostics.length}`).join(' ');
        return `diagnostics for ${uri}${wait.version !== undefined ? ` version ${wait.version}` : ''} (seen: ${seen || 'none'}; alive: ${!exited})`;
      };
      return withTimeout(found, wait.timeoutMs ?? timeoutMs, describe).finally(() => {
        if (wake) waiters.delete(wake);
      });
    },

    publishesFor: (uri) => publishes.filter((p) => p.uri === uri),

    request<R>(method: string, params?: unknown) {
      return withTimeout(connection.sendRequest(method, params) as Promise<R>, timeoutMs, () => `the answer to ${method}`);
    },

    notify: (method, params) => connection.sendNotification(method, params),

    writeRaw: (bytes) => new Promise<void>((done, fail) => {
      child.stdin.write(bytes, (error) => (error ? fail(error) : done()));
    }),

    alive: () => !exited,

    rss() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
      if (!kb) throw new Error(`no VmRSS in /proc/${child.pid}/status`);
      return Number(kb[1]) * 1024;
    },

    async shutdown() {
      try {
        if (!exited) {
          await withTimeout(connection.sendRequest(ShutdownRequest.type), 5_000, () => 'the shutdown answer').catch(() => undefined);
          await connection.sendNotification(ExitNotification.type).catch(() => undefined);
          const code = await withTimeout(exitPromise, 5_000, () => 'the server to exit').catch(() => undefined);
          if (code === undefined && !exited) {
            child.kill('SIGKILL');
            await exitPromise;
          }
        }
        return exitCode;
      } finally {
        connection.dispose();
        rmSync(folder, { recursive: true, force: true });
      }
    },
  };
  return server;
}

// ---------------------------------------------------------------------------------
// Curried helpers, so a feature test is a few lines.

export const cursor = '<|>';

/** `text` without its `<|>` marker, and the marker's position. */
export function locate(text: string): { text: string; position: Position } {
  const at = text.indexOf(cursor);
  const clean = at >= 0 ? text.slice(0, at) + text.slice(at + cursor.length) : text;
  const before = clean.slice(0, Math.max(0, at)).split('\n');
  return { text: clean, position: { line: before.length - 1, character: (before.at(-1) ?? '').length } };
}

let scratchCount = 0;

/**
 * Opens `text` as a scratch document of the workspace, waits until the server has
 * checked it, runs `work`, and closes it again (so scratch documents never meet in
 * one fleet).
 */
export async function withDocument<T>(
  server: LspServer,
  text: string,
  work: (uri: string, document: TextDocument) => Promise<T>,
  name = `scratch-${process.pid}-${++scratchCount}.surv`,
): Promise<T> {
  const uri = server.uri(name);
  const document = await server.open(uri, text);
  await server.diagnostics(uri, { version: document.version });
  await server.settle();
  try {
    return await work(uri, document);
  } finally {
    await server.close(uri);
  }
}

/**
 * A request at the `<|>` marker of a scratch document:
 *   const hoverAt = requestAt<Hover | null>(server, HoverRequest.method);
 *   const hover = await hoverAt('branch <|>office {}');
 * `extra` adds params (e.g. `{ context: { includeDeclaration: true } }`).
 */
export function requestAt<R>(server: LspServer, method: string, extra: Record<string, unknown> = {}) {
  return async (textWithCursor: string): Promise<{ result: R; uri: string; position: Position; text: string }> => {
    const { text, position } = locate(textWithCursor);
    return withDocument(server, text, async (uri) => {
      const result = await server.request<R>(method, { textDocument: { uri }, position, ...extra });
      return { result, uri, position, text };
    });
  };
}

/** A whole-document request (documentSymbol, foldingRange, formatting...) on a scratch document. */
export function requestOn<R>(server: LspServer, method: string, extra: (document: TextDocument) => Record<string, unknown> = () => ({})) {
  return async (text: string): Promise<{ result: R; uri: string; document: TextDocument }> =>
    withDocument(server, text, async (uri, document) => {
      const result = await server.request<R>(method, { textDocument: { uri }, ...extra(document) });
      return { result, uri, document };
    });
}

/** `line:character-line:character`, zero-based, for compact expectations. */
export function showRange(range: Range): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}

/** Diagnostics as `CODE@range` strings, sorted, for exact comparison. */
export function summarize(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => `${String(d.code)}@${showRange(d.range)}`).sort();
}

/** The diagnostics the server publishes for `text` opened as a scratch document: `CODE@range`. */
export function diagnosticsOf(server: LspServer) {
  return async (text: string): Promise<string[]> => {
    const uri = server.uri(`scratch-${process.pid}-${++scratchCount}.surv`);
    try {
      return summarize(await server.openAndWait(uri, text));
    } finally {
      await server.close(uri);
    }
  };
}

/** A range is well formed and (given the text) inside the document. */
export function isSaneRange(range: Range, text?: string): boolean {
  const ok = (p: Position) => Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.character >= 0;
  if (!ok(range.start) || !ok(range.end)) return false;
  const ordered = range.start.line < range.end.line || (range.start.line === range.end.line && range.start.character <= range.end.character);
  if (!ordered) return false;
  if (text === undefined) return true;
  const lines = text.split('\n');
  const inside = (p: Position) => p.line < lines.length || (p.line === lines.length && p.character === 0);
  return inside(range.start) && inside(range.end);
}
