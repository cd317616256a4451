// `npm run bench` part 2: the language server as an editor uses it. The built
// bin/surv-language-server.cjs runs as a child process and a protocol client talks
// to it over stdio, on one generated 5,000-line file (100 branches). Measured:
// didChange -> publishDiagnostics of that version, completion and hover round trips.
// Beside them, in this process: surv's check of the same text, and
// vscode-json-languageservice validating a JSON document of the same size, the
// yardstick for "as fast as the language servers editors ship with".
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  CompletionRequest, createProtocolConnection, DidChangeTextDocumentNotification, DidOpenTextDocumentNotification,
  ExitNotification, HoverRequest, InitializedNotification, InitializeRequest, PublishDiagnosticsNotification, ShutdownRequest,
  StreamMessageReader, StreamMessageWriter, type Position, type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type * as JsonLanguageService from 'vscode-json-languageservice';
import { analyze } from '../grammar/src/index.js';
import { generateFleet } from './fleet.js';
import { printTable, type Row, type Timing } from './measure.js';

/**
 * vscode-json-languageservice's `main` is a UMD build that esbuild cannot bundle (its
 * requires are inside a factory): load it from node_modules at run time instead.
 */
function loadJsonLanguageService(): typeof JsonLanguageService {
  const load = createRequire(join(process.cwd(), 'package.json'));
  return load('vscode-json-languageservice') as typeof JsonLanguageService;
}

const warmup = 20;
const iterations = 60;

function timing(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { median: at(0.5), p95: at(0.95), samples };
}

async function measureAsync(run: (i: number) => Promise<void>): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await run(i);
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    await run(warmup + i);
    samples.push(performance.now() - started);
  }
  return timing(samples);
}

function measureSync(run: (i: number) => void): Timing {
  for (let i = 0; i < warmup; i++) run(i);
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    run(warmup + i);
    samples.push(performance.now() - started);
  }
  return timing(samples);
}

/** One file: the fleet's profile and branches, without `use` lines, at least `lines` long. */
export function benchFile(lines = 5000): string {
  const files = generateFleet(Math.ceil(lines / 48));
  const parts = [files[0]?.text ?? '', ...files.slice(1).map((f) => f.text.replace('use "profile.surv"\n', ''))];
  let text = '';
  for (const part of parts) {
    text += `${part}\n`;
    if (text.split('\n').length >= lines) break;
  }
  return text;
}

/** A JSON document of about `bytes` bytes, shaped like configuration (nested objects, arrays, strings, numbers). */
export function jsonOfSize(bytes: number): string {
  const branch = (i: number) => {
    const net = `10.${100 + (i >> 8)}.${i & 255}`;
    return {
      name: `site-${i}`, uses: 'site', edge: [`udp ${net}.1:5060`, `tcp ${net}.1:5060`], lan: `${net}.0/24`,
      gateway: { name: 'pstn', address: `${net}.3`, kind: 'bri', channels: 4 },
      phones: [100, 101, 102, 103, 104].map((n, k) => ({ name: `phone${k}`, extension: n, address: `${net}.${10 + k}` })),
      groups: [{ name: 'front', strategy: 'parallel', members: ['phone0', 'phone1', 'phone2'], ringSeconds: 20 }],
      outbound: { from: 'lan', via: ['cloud', 'backup'], onTimeout: [{ announce: 181, text: 'Survival Activated - please standby' }, { redirect: 302, to: 'pstn' }], pass: ['4xx', '5xx', '6xx'], emergency: ['112', '091', '062'] },
      inbound: { from: 'pstn', ring: 'front', forSeconds: 20, then: 'office', did: { [`9440${String(i).padStart(5, '0')}`]: 'phone4' } },
      scenarios: [{ name: `cloud silent ${i}`, steps: ['cloud silent', 'desk1 calls 944000000', 'expect desk1 gets 181 at 12s'] }],
    };
  };
  const make = (n: number) => JSON.stringify({ fleet: Array.from({ length: n }, (_, i) => branch(i)) }, null, 2);
  const perBranch = Buffer.byteLength(make(10)) / 10;
  return make(Math.max(1, Math.round(bytes / perBranch)));
}

export async function runLspBench(serverBin = 'bin/surv-language-server.cjs'): Promise<Row[]> {
  const text = benchFile();
  const bytes = Buffer.byteLength(text);
  const lineCount = text.split('\n').length;
  const uri = 'file:///bench/fleet-in-one.surv';
  const clean = analyze([{ uri, text }]);
  if (clean.diagnostics.length > 0) throw new Error(`benchmark file is not clean: ${clean.diagnostics[0]?.message ?? ''}`);

  const child = spawn(process.execPath, [serverBin, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiting = new Map<number, (p: PublishDiagnosticsParams) => void>();
  connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
    if (p.uri === uri && p.version !== undefined) waiting.get(p.version)?.(p);
  });
  connection.listen();
  try {
    await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, workspaceFolders: null, capabilities: {} });
    await connection.sendNotification(InitializedNotification.type, {});

    const document = TextDocument.create(uri, 'surv', 1, text);
    const published = (version: number) => new Promise<PublishDiagnosticsParams>((done) => waiting.set(version, done));
    const opened = published(1);
    await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'surv', version: 1, text } });
    await opened;

    // One character typed and taken back, in the middle of the file: `phone desk1 101` <-> `phone desk1 109`.
    const middle = text.indexOf('phone desk1 101', Math.floor(text.length / 2)) + 'phone desk1 10'.length;
    const digit = { start: document.positionAt(middle), end: document.positionAt(middle + 1) };
    let version = 1;
    let lastDiagnostics = -1;
    const diagnostics = await measureAsync(async (i) => {
      version++;
      const done = published(version);
      await connection.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version }, contentChanges: [{ range: digit, text: i % 2 === 0 ? '9' : '1' }],
      });
      lastDiagnostics = (await done).diagnostics.length;
      waiting.delete(version);
    });
    if (lastDiagnostics !== 0) throw new Error(`the benchmark edit made the file unclean (${lastDiagnostics} diagnostics)`);

    // Completion at the start of a statement in a branch body; hover on a phone name.
    const statement: Position = document.positionAt(text.indexOf('  phone desk2', Math.floor(text.length / 2)) + 2);
    const name: Position = document.positionAt(text.indexOf('ring front for', Math.floor(text.length / 2)) + 'ring fr'.length);
    let items = 0;
    const completion = await measureAsync(async () => {
      const result = await connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: statement });
      items = Array.isArray(result) ? result.length : (result?.items.length ?? 0);
    });
    const hover = await measureAsync(async () => {
      await connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: name });
    });

    // In process: our check of the same text (a fresh parse each time, as after an edit).
    const surv = measureSync((i) => {
      analyze([{ uri, text: i % 2 === 0 ? text : `${text} ` }]);
    });
    // In process: JSON of the same size, parse + validation without a schema.
    const json = jsonOfSize(bytes);
    const jsonService = loadJsonLanguageService().getLanguageService({});
    const jsonDocs = [TextDocument.create('file:///bench/a.json', 'json', 1, json), TextDocument.create('file:///bench/b.json', 'json', 1, `${json} `)];
    let jsonProblems = -1;
    const jsonTiming = await measureAsync(async (i) => {
      const doc = jsonDocs[i % 2] as TextDocument;
      jsonProblems = (await jsonService.doValidation(doc, jsonService.parseJSONDocument(doc))).length;
    });
    if (jsonProblems !== 0) throw new Error(`the JSON yardstick has ${jsonProblems} problems`);

    const ms = (t: number) => `${t.toFixed(1)} ms`;
    const rows: Row[] = [
      { name: `one file: ${lineCount} lines, ${(bytes / 1024).toFixed(0)} KB, ${clean.model.branches.length} branches`, value: '', target: '' },
      { name: 'didChange -> publishDiagnostics over stdio (median)', value: ms(diagnostics.median), target: '< 25 ms', ok: diagnostics.median < 25 },
      { name: 'didChange -> publishDiagnostics p95', value: ms(diagnostics.p95), target: '' },
      { name: `completion over stdio (median; ${items} items)`, value: ms(completion.median), target: '< 10 ms', ok: completion.median < 10 },
      { name: 'completion p95', value: ms(completion.p95), target: '' },
      { name: 'hover over stdio (median)', value: ms(hover.median), target: '' },
      { name: 'hover p95', value: ms(hover.p95), target: '' },
      { name: 'surv check of the same text, in process (median)', value: ms(surv.median), target: '' },
      { name: `JSON validation, ${(Buffer.byteLength(json) / 1024).toFixed(0)} KB, in process (median)`, value: ms(jsonTiming.median), target: '' },
      { name: 'ratio surv in process / JSON in process', value: (surv.median / jsonTiming.median).toFixed(2), target: '<= 1', ok: surv.median <= jsonTiming.median },
      { name: 'ratio surv over stdio / JSON in process', value: (diagnostics.median / jsonTiming.median).toFixed(2), target: '<= 1', ok: diagnostics.median <= jsonTiming.median },
    ];
    printTable('language server (stdio)', rows);
    return rows;
  } finally {
    await Promise.race([connection.sendRequest(ShutdownRequest.type), new Promise((done) => setTimeout(done, 2000))]).catch(() => undefined);
    await connection.sendNotification(ExitNotification.type).catch(() => undefined);
    const exited = new Promise((done) => child.once('exit', done));
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    if (child.exitCode === null) await exited;
    clearTimeout(timer);
    connection.dispose();
  }
}
