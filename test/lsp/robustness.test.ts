// The server must outlive anything a client (or a broken pipe) sends it: malformed
// JSON-RPC, unknown methods, documents it never saw, floods of edits, a 10 MB file,
// random text. Each case ends by checking that it still answers.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic, TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol';
import { analyze } from '../../grammar/src/index.js';
import { generateFleet } from '../../bench/fleet.js';
import { examplesDir, startServer, summarize, type LspServer } from './harness.js';

const bilbaoText = readFileSync(join(examplesDir, 'bilbao.surv'), 'utf8');
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** What the core itself says of `text` alone, as `CODE@range`. */
function expectedFor(uri: string, text: string): string[] {
  return summarize(analyze([{ uri, text }]).diagnostics.map((d) => ({ code: d.code, range: d.range, message: d.message }) as Diagnostic));
}

/** A request that needs a working analysis of the workspace (which has a branch) and must be answered. */
async function answers(server: LspServer, workspaceHasBranches = true, query = ''): Promise<void> {
  const symbols = await server.request<unknown[]>('workspace/symbol', { query });
  expect(Array.isArray(symbols)).toBe(true);
  if (workspaceHasBranches) expect(symbols.length).toBeGreaterThan(0);
  expect(server.alive()).toBe(true);
}

function frame(body: string): string {
  return `Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`;
}

describe('malformed JSON-RPC on stdin', () => {
  let server: LspServer;
  beforeAll(async () => {
    server = await startServer({ files: { 'a.surv': bilbaoText } });
    await answers(server);
  });
  afterAll(async () => {
    expect(await server.shutdown()).toBe(0);
  });

  const notification = JSON.stringify({ jsonrpc: '2.0', method: 'surv/nothing' });
  it.each([
    ['garbage bytes glued to the next header', 'garbage \u0000\u00ff bytes'],
    ['garbage lines of their own', 'garbage\r\nmore garbage\r\n\r\n'],
    ['a non-numeric Content-Length', `Content-Length: twelve\r\n\r\n${notification}`],
    ['a header line without a colon', `Content-Length 12\r\n\r\n${notification}`],
    ['no Content-Length at all', `Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n${notification}`],
    ['a Content-Length too small', `Content-Length: 10\r\n\r\n${notification}`],
    ['a Content-Length too large', `Content-Length: ${notification.length + 500}\r\n\r\n${notification}`],
    ['an absurd Content-Length', `Content-Length: 99999999999999\r\n\r\n${notification}`],
    ['a body that is not JSON', frame('{"jsonrpc": "2.0", "id": 99, "method": ')],
    ['a body that is JSON but not an object', frame('[1, 2, 3]')],
    ['a body that is JSON but not JSON-RPC', frame('{"hello": "world"}')],
    ['a request with params of the wrong shape', frame(JSON.stringify({ jsonrpc: '2.0', id: 'bad-params', method: 'textDocument/hover', params: 42 }))],
    ['a didChange for a document never opened', frame(JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/didChange', params: { textDocument: { uri: 'file:///x.surv', version: 3 }, contentChanges: [{ text: 'x' }] } }))],
    ['a didOpen without text', frame(JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: 'file:///y.surv' } } }))],
  ])('%s: skipped, and the next request is answered', async (_name, bytes) => {
    await server.writeRaw(bytes);
    await answers(server);
    await answers(server);
  });

  it('a malformed message split over many writes, then a valid one in pieces', async () => {
    const bad = 'Content-Length: x\r\n\r\n{"jsonrpc":';
    for (const piece of bad.match(/.{1,3}/gs) ?? []) await server.writeRaw(piece);
    const good = frame(JSON.stringify({ jsonrpc: '2.0', id: 'pieces', method: 'workspace/symbol', params: { query: 'bilbao' } }));
    let answered = false;
    // The answer to a raw request arrives as an unmatched response: watch stdout for it.
    const seen = new Promise<void>((done) => {
      const listener = (chunk: Buffer) => {
        if (chunk.toString('utf8').includes('"id":"pieces"')) {
          answered = true;
          server.child.stdout.off('data', listener);
          done();
        }
      };
      server.child.stdout.on('data', listener);
    });
    for (const piece of good.match(/.{1,5}/gs) ?? []) await server.writeRaw(piece);
    await seen;
    expect(answered).toBe(true);
    await answers(server);
  });

  it('says what it skipped on stderr', () => {
    expect(server.stderr()).toMatch(/skipped a header without a usable Content-Length/);
    expect(server.stderr()).toMatch(/skipped a message that is not JSON/);
    expect(server.stderr()).toMatch(/shorter than its Content-Length/);
  });
});

describe('protocol misuse', () => {
  let server: LspServer;
  beforeAll(async () => {
    server = await startServer({ examples: true });
  });
  afterAll(async () => {
    expect(await server.shutdown()).toBe(0);
  });

  it('an unknown request is answered MethodNotFound; an unknown notification is ignored', async () => {
    await expect(server.request('surv/unknown', { a: 1 })).rejects.toMatchObject({ code: -32601 });
    await expect(server.request('textDocument/unknownFeature', {})).rejects.toMatchObject({ code: -32601 });
    await server.notify('surv/unknownNotification', { b: 2 });
    await server.notify('$/unknownDollar', {});
    await answers(server);
  });

  it('requests for documents never opened answer empty or null', async () => {
    const doc = { textDocument: { uri: 'file:///nowhere/never-opened.surv' } };
    const position = { line: 0, character: 0 };
    const range = { start: position, end: position };
    const options = { tabSize: 2, insertSpaces: true };
    expect(await server.request('textDocument/completion', { ...doc, position })).toEqual({ isIncomplete: false, items: [] });
    expect(await server.request('textDocument/hover', { ...doc, position })).toBeNull();
    expect(await server.request('textDocument/definition', { ...doc, position })).toEqual([]);
    expect(await server.request('textDocument/references', { ...doc, position, context: { includeDeclaration: true } })).toEqual([]);
    expect(await server.request('textDocument/documentHighlight', { ...doc, position })).toEqual([]);
    expect(await server.request('textDocument/prepareRename', { ...doc, position })).toBeNull();
    expect(await server.request('textDocument/rename', { ...doc, position, newName: 'x' })).toBeNull();
    expect(await server.request('textDocument/documentSymbol', doc)).toEqual([]);
    expect(await server.request('textDocument/foldingRange', doc)).toEqual([]);
    expect(await server.request('textDocument/selectionRange', { ...doc, positions: [position] })).toEqual([]);
    expect(await server.request('textDocument/formatting', { ...doc, options })).toEqual([]);
    expect(await server.request('textDocument/rangeFormatting', { ...doc, range, options })).toEqual([]);
    expect(await server.request('textDocument/semanticTokens/full', doc)).toEqual({ data: [] });
    expect(await server.request('textDocument/codeAction', { ...doc, range, context: { diagnostics: [] } })).toEqual([]);
    expect(await server.request('textDocument/inlayHint', { ...doc, range })).toEqual([]);
  });

  it('positions far outside an open document are answered, not failed', async () => {
    const uri = server.uri('bilbao.surv');
    await server.openAndWait(uri);
    for (const position of [{ line: 10_000, character: 0 }, { line: 0, character: 10_000 }, { line: 2 ** 31 - 1, character: 2 ** 31 - 1 }]) {
      await server.request('textDocument/completion', { textDocument: { uri }, position });
      await server.request('textDocument/hover', { textDocument: { uri }, position });
      await server.request('textDocument/definition', { textDocument: { uri }, position });
      await server.request('textDocument/selectionRange', { textDocument: { uri }, positions: [position] });
    }
    await answers(server);
    await server.close(uri);
  });
});

describe('floods and large documents', () => {
  it('10,000 rapid incremental edits: alive, the final diagnostics are those of the final text, memory bounded', async () => {
    const server = await startServer({ files: {} });
    try {
      const uri = server.uri('flood.surv');
      const document = await server.open(uri, bilbaoText);
      const rssBefore = server.rss();
      // Deterministic edits all over the text: type a character, delete one, replace a word.
      let seed = 42;
      const random = (n: number) => {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        return seed % n;
      };
      let last = document.version;
      for (let i = 0; i < 10_000; i++) {
        const length = document.getText().length;
        const at = document.positionAt(random(length));
        const to = document.positionAt(Math.min(length, document.offsetAt(at) + random(3)));
        const edit: TextDocumentContentChangeEvent = { range: { start: at, end: to }, text: ['x', '', ' ', '\n', '{', '}', '10s', 'phone'][random(8)] as string };
        last = await server.change(uri, [edit]);
      }
      const final = await server.diagnostics(uri, { version: last, timeoutMs: 60_000 });
      const text = server.document(uri)?.getText() ?? '';
      expect(summarize(final)).toEqual(expectedFor(uri, text));
      await answers(server, false);
      const rssAfterEdits = server.rss();
      await server.close(uri);
      await answers(server, false);
      const rssAfterClose = server.rss();
      console.log(`RSS: ${mb(rssBefore)} before, ${mb(rssAfterEdits)} after 10,000 edits, ${mb(rssAfterClose)} after closing`);
      expect(rssAfterClose).toBeLessThan(500 * 1024 * 1024);
    } finally {
      await server.shutdown();
    }
  }, 120_000);

  it('a 10 MB document: diagnostics are published, the server stays alive and answers', async () => {
    const server = await startServer({ files: {}, timeoutMs: 120_000 });
    try {
      const files = generateFleet(8000);
      const text = [files[0]?.text ?? '', ...files.slice(1).map((f) => f.text.replace('use "profile.surv"\n', ''))].join('\n').slice(0, 10 * 1024 * 1024);
      expect(Buffer.byteLength(text)).toBeGreaterThanOrEqual(10 * 1024 * 1024 - 1);
      const uri = server.uri('huge.surv');
      const started = Date.now();
      const diagnostics = await server.openAndWait(uri, text);
      const seconds = (Date.now() - started) / 1000;
      // Cut at 10 MB, the last branch is incomplete: at least one syntax error, at the end.
      expect(diagnostics.length).toBeGreaterThan(0);
      const lines = text.split('\n').length;
      expect(diagnostics.every((d) => d.range.start.line > lines - 100)).toBe(true);
      const hover = await server.request('textDocument/hover', { textDocument: { uri }, position: { line: 10, character: 4 } });
      expect(hover === null || typeof hover === 'object').toBe(true);
      await answers(server, true, 'site-1000');
      const rss = server.rss();
      await server.close(uri);
      await answers(server, false);
      console.log(`10 MB document: diagnostics after ${seconds.toFixed(1)} s; RSS ${mb(rss)} while open, ${mb(server.rss())} after closing`);
      expect(server.alive()).toBe(true);
    } finally {
      await server.shutdown();
    }
  }, 180_000);
});

describe('random text', () => {
  let server: LspServer;
  beforeAll(async () => {
    server = await startServer({ examples: true });
  });
  afterAll(async () => {
    expect(await server.shutdown()).toBe(0);
    expect(server.stderr()).not.toMatch(/failed:/);
  });

  const words = ['branch', 'profile', 'uses', 'use', 'scenario', 'in', 'phone', 'gateway', 'upstream', 'group', 'lan', 'edge', 'listen', 'udp',
    'timers', 'no-answer', 'outbound', 'inbound', 'from', 'via', 'on', 'timeout', 'redirect', 'to', 'ring', 'then', 'expect', 'gets', 'at',
    '{', '}', '[', ']', ',', '"', '"text"', '#', '\n', ' ', '10s', '500ms', '302', '10.0.0.1', '10.0.0.0/24', '[2001:db8::1]:5060',
    'sip:pbx.example.com', 'pstn', 'cloud', 'desk', '\u0000', '\uFFFD', '\r\n', '\t', '\u00e9'];
  const survish = fc.array(fc.constantFrom(...words), { maxLength: 300 }).map((parts) => parts.join(' '));
  const mangled = fc.tuple(fc.nat(bilbaoText.length), fc.nat(200), fc.string({ maxLength: 50, unit: 'binary' }))
    .map(([at, cut, insert]) => bilbaoText.slice(0, at) + insert + bilbaoText.slice(at + cut));
  const anyText = fc.oneof(survish, mangled, fc.string({ maxLength: 2000, unit: 'binary' }));

  it('never dies: each random text is checked (its own version published) and requests on it answer', async () => {
    const uri = server.uri('random.surv');
    await server.open(uri, '');
    await fc.assert(fc.asyncProperty(anyText, fc.nat(), async (text, seed) => {
      const diagnostics = await server.changeAndWait(uri, text);
      for (const d of diagnostics) expect(d.range.start.line).toBeLessThanOrEqual(text.split(/\r\n|\r|\n/).length);
      const lines = text.split('\n');
      const line = seed % lines.length;
      const position = { line, character: seed % ((lines[line]?.length ?? 0) + 1) };
      const doc = { textDocument: { uri } };
      await server.request('textDocument/completion', { ...doc, position });
      await server.request('textDocument/hover', { ...doc, position });
      await server.request('textDocument/definition', { ...doc, position });
      await server.request('textDocument/documentSymbol', doc);
      await server.request('textDocument/semanticTokens/full', doc);
      await server.request('textDocument/formatting', { ...doc, options: { tabSize: 2, insertSpaces: true } });
      await server.request('textDocument/foldingRange', doc);
      expect(server.alive()).toBe(true);
    }), { numRuns: 40, seed: 20261126 });
    await answers(server);
  }, 120_000);
});

describe('the end of the connection', () => {
  it('stdin closed without shutdown: the server exits (code 1) instead of lingering', async () => {
    const server = await startServer({ files: {} });
    const exited = new Promise<number | null>((done) => server.child.on('exit', (code) => done(code)));
    server.child.stdin.end();
    expect(await exited).toBe(1);
    await server.shutdown();
  });
});
