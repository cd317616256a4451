// The fuzzer's language-server phase: the built server over stdio in a workspace that
// holds hostile files (a symlink to /dev/zero, a FIFO, symlink loops), fed a sample of the
// inputs as didOpen / didChange edits, each followed by one feature request at a random
// position. It must answer every request, publish for every batch, log no failed
// feature, keep its memory bounded and exit 0 after shutdown.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection, DidChangeTextDocumentNotification, DidCloseTextDocumentNotification, DidOpenTextDocumentNotification,
  DidSaveTextDocumentNotification, ExitNotification, InitializedNotification, InitializeRequest, LogMessageNotification,
  PublishDiagnosticsNotification, RegistrationRequest, ShutdownRequest, StreamMessageReader, StreamMessageWriter,
  type PublishDiagnosticsParams, type Range,
} from 'vscode-languageserver-protocol/node.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { hangBudgetMs, type Findings } from './fuzz-findings.js';
import { makeInput, prng, type FuzzInput, type Seed } from './fuzz-mutate.js';

export interface LspPhaseOptions {
  readonly count: number;
  readonly of: number;
  readonly seed: number;
  readonly seeds: readonly Seed[];
  readonly bin: string;
  readonly findings: Findings;
}

export interface LspPhaseResult {
  edits: number;
  documents: number;
  requests: number;
  slowestMs: number;
  slowestCpuMs: number;
  initializeMs: number;
  peakRssMb: number;
  maxDiagnostics: number;
  exitCode: number | null;
}

/** `initialize`'s budget; an edit's is hangBudgetMs of the document's size. */
const hangMs = 1000;
// Generous: only silence is a hang here; a slow answer is judged by the server's CPU time below.
const answerTimeoutMs = 120_000;
const batch = 50;
/** The server's resident memory may not pass this (the issue saw 5 GB). */
const rssBoundMb = 1024;

class Timeout extends Error {}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, fail) => { timer = setTimeout(() => fail(new Timeout(`${what}: no answer in ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * CPU time of the server's main thread, in ms (Linux, clock ticks of 10 ms). A slow answer
 * counts as a hang only when the server spent the time working, not waiting for a core
 * on a machine shared with other work.
 */
function mainThreadCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** A workspace like a cloned hostile repository: the examples, plus files that must not be read. */
function hostileWorkspace(): string {
  const folder = mkdtempSync(join(tmpdir(), 'surv-fuzz-lsp-'));
  cpSync('examples', join(folder, 'examples'), { recursive: true });
  cpSync('test/kamailio/fixtures', join(folder, 'test/kamailio/fixtures'), { recursive: true });
  symlinkSync('/dev/zero', join(folder, 'zero.surv'));
  spawnSync('mkfifo', [join(folder, 'fifo.surv')]);
  symlinkSync('.', join(folder, 'loop1'));
  symlinkSync('.', join(folder, 'loop2'));
  symlinkSync('self.surv', join(folder, 'self.surv'));
  symlinkSync('/etc/hostname', join(folder, 'outside.surv'));
  return folder;
}

const positionRequests = [
  'textDocument/hover', 'textDocument/completion', 'textDocument/definition', 'textDocument/references',
  'textDocument/documentHighlight', 'textDocument/prepareRename',
] as const;
const documentRequests = [
  'textDocument/documentSymbol', 'textDocument/foldingRange', 'textDocument/formatting', 'textDocument/semanticTokens/full',
  'textDocument/codeLens', 'textDocument/inlayHint', 'textDocument/codeAction', 'textDocument/selectionRange', 'surv/scenarios', 'surv/diagrams',
] as const;

export async function runLspPhase(options: LspPhaseOptions): Promise<LspPhaseResult> {
  const result: LspPhaseResult = { edits: 0, documents: 0, requests: 0, slowestMs: 0, slowestCpuMs: 0, initializeMs: 0, peakRssMb: 0, maxDiagnostics: 0, exitCode: null };
  if (options.count === 0) return result;
  const folder = hostileWorkspace();
  const child = spawn(process.execPath, [options.bin, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const pid = child.pid ?? 0;
  let log = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => { log = (log + chunk).slice(-20_000); });
  child.stdin.on('error', () => undefined);
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  let alive = true;
  void exited.then(() => { alive = false; });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const published = new Map<string, PublishDiagnosticsParams>();
  let publishWaiters: (() => void)[] = [];
  connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
    published.set(p.uri, p);
    result.maxDiagnostics = Math.max(result.maxDiagnostics, p.diagnostics.length);
    const waiters = publishWaiters;
    publishWaiters = [];
    for (const wake of waiters) wake();
  });
  let current: FuzzInput | undefined;
  /** After shutdown, a verify cut short logs `failed: verify worker stopped`: the shutdown, not a crash. */
  let shuttingDown = false;
  connection.onNotification(LogMessageNotification.type, (p) => {
    // runSafe logs `surv: FEATURE failed: STACK` when a feature threw: a crash the client never sees.
    if (!shuttingDown && / failed: /.test(p.message)) options.findings.add({ kind: 'crash', phase: 'lsp', stage: 'logMessage', message: p.message, index: current?.index }, current);
  });
  connection.onRequest(RegistrationRequest.type, () => undefined);
  connection.onError(() => undefined);
  connection.listen();

  const fail = (kind: 'crash' | 'hang' | 'memory', stage: string, message: string) =>
    options.findings.add({ kind, phase: 'lsp', stage, message, index: current?.index }, current, { serverLog: log.slice(-4000) });

  try {
    const rootUri = pathToFileURL(folder).toString();
    const t0 = performance.now();
    await within(connection.sendRequest(InitializeRequest.type, {
      processId: process.pid, rootUri, workspaceFolders: [{ uri: rootUri, name: 'hostile' }],
      capabilities: { textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true }, synchronization: { didSave: true } }, workspace: { workspaceFolders: true } },
    }), answerTimeoutMs, 'initialize');
    result.initializeMs = performance.now() - t0;
    const initCpu = mainThreadCpuMs(pid) ?? result.initializeMs;
    if (result.initializeMs > hangMs && initCpu > hangMs) fail('hang', 'initialize', `initialize took ${result.initializeMs.toFixed(0)} ms (${initCpu} ms of CPU since the start)`);
    await connection.sendNotification(InitializedNotification.type, {});

    const open = new Map<string, TextDocument>();
    const versions = new Map<string, number>();
    const rng = prng(options.seed ^ 0x15b);
    for (let k = 0; k < options.count && alive; k++) {
      const index = Math.floor((k * options.of) / options.count) + 1;
      current = makeInput(options.seeds, options.seed, Math.min(index, options.of - 1));
      const uri = pathToFileURL(join(folder, current.seed.uri)).toString();
      const text = Buffer.from(current.bytes).toString('utf8');
      const version = (versions.get(uri) ?? 0) + 1;
      versions.set(uri, version);
      let doc = open.get(uri);
      if (!doc) {
        doc = TextDocument.create(uri, 'surv', version, text);
        await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'surv', version, text } });
        result.documents++;
      } else if (rng() < 0.6) {
        doc = TextDocument.update(doc, [{ text }], version);
        await connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
      } else {
        // An edit as typed: a random range of the current text replaced by a piece of the input.
        const a = Math.floor(rng() * (doc.getText().length + 1));
        const b = Math.min(doc.getText().length, a + Math.floor(rng() * 40));
        const from = Math.floor(rng() * (text.length + 1));
        const piece = text.slice(from, from + Math.floor(rng() * 60));
        const range: Range = { start: doc.positionAt(a), end: doc.positionAt(b) };
        doc = TextDocument.update(doc, [{ range, text: piece }], version);
        await connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ range, text: piece }] });
      }
      open.set(uri, doc);
      result.edits++;
      if (k % 97 === 0) await connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri } });

      const position = doc.positionAt(Math.floor(rng() * (doc.getText().length + 1)));
      const method = rng() < 0.5 ? positionRequests[Math.floor(rng() * positionRequests.length)] as string : documentRequests[Math.floor(rng() * documentRequests.length)] as string;
      const params = method.startsWith('surv/') ? { uri }
        : method === 'textDocument/formatting' ? { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } }
          : method === 'textDocument/inlayHint' || method === 'textDocument/codeAction'
            ? { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: doc.positionAt(doc.getText().length) }, context: { diagnostics: [] } }
            : method === 'textDocument/selectionRange' ? { textDocument: { uri }, positions: [position] }
              : method === 'textDocument/references' ? { textDocument: { uri }, position, context: { includeDeclaration: true } }
                : { textDocument: { uri }, position };
      const t = performance.now();
      const c0 = mainThreadCpuMs(pid);
      try {
        await within(connection.sendRequest(method, params), answerTimeoutMs, method);
      } catch (error) {
        // A ResponseError is an answer (a bad position, a document with errors); only silence is a failure.
        if (error instanceof Timeout) fail('hang', method, error.message);
      }
      const ms = performance.now() - t;
      const c1 = mainThreadCpuMs(pid);
      // The server validates the edit before it answers: the time is the edit's and the request's.
      const cpu = c0 !== undefined && c1 !== undefined ? c1 - c0 : ms;
      result.requests++;
      result.slowestMs = Math.max(result.slowestMs, ms);
      result.slowestCpuMs = Math.max(result.slowestCpuMs, cpu);
      const budget = hangBudgetMs(Buffer.byteLength(doc.getText()));
      if (ms > budget && cpu > budget) fail('hang', method, `${method} after an edit took ${ms.toFixed(0)} ms (${cpu.toFixed(0)} ms of the server's CPU)`);

      if ((k + 1) % batch === 0 || k === options.count - 1) {
        // The batch's last edit is published (the server coalesces the ones before it).
        const last = doc;
        const t1 = performance.now();
        const c1 = mainThreadCpuMs(pid);
        try {
          await within(new Promise<void>((done) => {
            const check = () => (published.get(last.uri)?.version === last.version ? done() : publishWaiters.push(check));
            check();
          }), answerTimeoutMs, 'publishDiagnostics');
        } catch (error) {
          fail('hang', 'publishDiagnostics', error instanceof Error ? error.message : String(error));
        }
        const waited = performance.now() - t1;
        const worked = (mainThreadCpuMs(pid) ?? 0) - (c1 ?? 0);
        const budgetLast = hangBudgetMs(Buffer.byteLength(last.getText()));
        if (waited > budgetLast && worked > budgetLast) fail('hang', 'publishDiagnostics', `diagnostics of version ${last.version} after ${waited.toFixed(0)} ms (${worked} ms of CPU)`);
        const rss = rssMb(pid);
        result.peakRssMb = Math.max(result.peakRssMb, rss);
        if (rss > rssBoundMb) fail('memory', 'batch', `resident memory ${rss.toFixed(0)} MB`);
        // Closing keeps a handful open, as an editor's tabs.
        if (open.size > 6) {
          for (const closing of [...open.keys()].slice(0, open.size - 3)) {
            await connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: closing } });
            open.delete(closing);
          }
        }
      }
    }
    if (!alive) fail('crash', 'process', `the server exited mid-run (log: ${log.slice(-2000)})`);
    current = undefined;
    shuttingDown = true;
    await within(connection.sendRequest(ShutdownRequest.type), answerTimeoutMs, 'shutdown');
    await connection.sendNotification(ExitNotification.type);
    result.exitCode = await within(exited, answerTimeoutMs, 'exit');
    if (result.exitCode !== 0) fail('crash', 'exit', `exit code ${result.exitCode} after shutdown`);
  } catch (error) {
    fail(error instanceof Timeout ? 'hang' : 'crash', 'protocol', error instanceof Error ? error.message : String(error));
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    connection.dispose();
    rmSync(folder, { recursive: true, force: true });
  }
  return result;
}
