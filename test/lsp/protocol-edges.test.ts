// The protocol's edges, over raw stdio (no client library to smooth them over):
// requests before `initialize` get ServerNotInitialized (-32002) and notifications
// before it are dropped; a Content-Length one byte too large no longer swallows the
// next request, and each message lost to bad framing is answered with a parse error
// (-32700, id null); a document with thousands of errors is published capped at
// 1,000 diagnostics plus one SURV009.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureServerBuilt, serverBin, root, startServer, type LspServer } from './harness.js';

interface Frame {
  readonly id?: number | string | null;
  readonly method?: string;
  readonly params?: { uri?: string; diagnostics?: unknown[] };
  readonly result?: unknown;
  readonly error?: { code: number; message: string };
}

function frame(message: unknown, extra = 0): string {
  const body = JSON.stringify(message);
  return `Content-Length: ${Buffer.byteLength(body) + extra}\r\n\r\n${body}`;
}

/** The server on raw pipes: every frame it writes, parsed, and a bounded wait for one. */
class RawServer {
  readonly frames: Frame[] = [];
  private buffer = Buffer.alloc(0);
  private wakers: (() => void)[] = [];
  constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (;;) {
        const end = this.buffer.indexOf('\r\n\r\n');
        if (end === -1) return;
        const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.toString('latin1', 0, end))?.[1]);
        if (this.buffer.length < end + 4 + length) return;
        this.frames.push(JSON.parse(this.buffer.toString('utf8', end + 4, end + 4 + length)) as Frame);
        this.buffer = this.buffer.subarray(end + 4 + length);
        for (const wake of this.wakers.splice(0)) wake();
      }
    });
  }

  send(bytes: string): void {
    this.child.stdin.write(bytes);
  }

  waitFor(fits: (f: Frame) => boolean, what: string): Promise<Frame> {
    return new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.frames).slice(0, 2000)}`)), 10_000);
      const look = () => {
        const found = this.frames.find(fits);
        if (found) {
          clearTimeout(timer);
          done(found);
        } else {
          this.wakers.push(look);
        }
      };
      look();
    });
  }
}

async function rawServer(): Promise<RawServer> {
  await ensureServerBuilt();
  const child = spawn(process.execPath, [serverBin, '--stdio'], { cwd: root, stdio: 'pipe' });
  child.stdin.on('error', () => undefined);
  return new RawServer(child);
}

const initialize = (id: number) => frame({ jsonrpc: '2.0', id, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
const symbols = (id: number | string) => frame({ jsonrpc: '2.0', id, method: 'workspace/symbol', params: { query: '' } });

describe('before initialize', () => {
  let server: RawServer;
  beforeAll(async () => {
    server = await rawServer();
  });
  afterAll(() => {
    server.child.kill();
  });

  it('a request is answered -32002 (ServerNotInitialized), not null', async () => {
    server.send(frame({ jsonrpc: '2.0', id: 1, method: 'textDocument/hover', params: { textDocument: { uri: 'file:///a.surv' }, position: { line: 0, character: 0 } } }));
    const answer = await server.waitFor((f) => f.id === 1, 'the answer to the early hover');
    expect(answer.error).toEqual({ code: -32002, message: 'textDocument/hover: the server is not initialized (send initialize first)' });
    expect(answer.result).toBeUndefined();
  });

  it('a notification is dropped; after initialize the server works', async () => {
    server.send(frame({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: 'file:///early.surv', languageId: 'surv', version: 1, text: 'branch ;' } } }));
    server.send(initialize(2));
    const init = await server.waitFor((f) => f.id === 2, 'the initialize result');
    expect(init.error).toBeUndefined();
    server.send(frame({ jsonrpc: '2.0', method: 'initialized', params: {} }));
    server.send(frame({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: 'file:///late.surv', languageId: 'surv', version: 1, text: 'branch ;' } } }));
    await server.waitFor((f) => f.method === 'textDocument/publishDiagnostics' && f.params?.uri === 'file:///late.surv', 'the late document checked');
    server.send(symbols(3));
    await server.waitFor((f) => f.id === 3, 'a round trip');
    expect(server.frames.filter((f) => f.params?.uri === 'file:///early.surv')).toEqual([]);
  });
});

describe('bad framing after initialize', () => {
  let server: RawServer;
  beforeAll(async () => {
    server = await rawServer();
    server.send(initialize(1));
    await server.waitFor((f) => f.id === 1, 'the initialize result');
    server.send(frame({ jsonrpc: '2.0', method: 'initialized', params: {} }));
  });
  afterAll(() => {
    server.child.kill();
  });

  const parseErrors = () => server.frames.filter((f) => f.id === null && f.error?.code === -32700).length;

  it('a Content-Length one byte too large: the next request is still answered, the broken one gets -32700', async () => {
    const before = parseErrors();
    server.send(frame({ jsonrpc: '2.0', id: 'too-long', method: 'workspace/symbol', params: { query: '' } }, 1));
    server.send(symbols('next'));
    const next = await server.waitFor((f) => f.id === 'next', 'the request after the broken one');
    expect(next.result).toEqual([]);
    await server.waitFor(() => parseErrors() > before, 'the parse error');
    expect(server.frames.filter((f) => f.id === 'too-long')).toEqual([]);
    expect(server.frames.find((f) => f.id === null)?.error).toEqual({ code: -32700, message: 'malformed message skipped: a Content-Length larger than the message' });
  });

  it.each([
    ['a Content-Length over 64 MiB', 'Content-Length: 67108865\r\n\r\n', 'a Content-Length over 67108864 bytes'],
    ['a header without Content-Length', 'Content-Type: application/vscode-jsonrpc\r\n\r\n', 'a header without Content-Length'],
    ['a body that is not JSON', 'Content-Length: 5\r\n\r\n{abc}', 'a message that is not JSON'],
  ])('%s: -32700, and the next request is answered', async (_name, bytes, reason) => {
    const before = server.frames.length;
    server.send(bytes);
    server.send(symbols(`after ${reason}`));
    await server.waitFor((f) => f.id === `after ${reason}`, 'the next request');
    expect(server.frames.slice(before).filter((f) => f.id === null).map((f) => f.error?.message)).toEqual([`malformed message skipped: ${reason}`]);
  });
});

describe('diagnostics per document', () => {
  let server: LspServer;
  beforeAll(async () => {
    server = await startServer({ noWorkspace: true });
  });
  afterAll(async () => {
    expect(await server.shutdown()).toBe(0);
  });

  it('5,000 errors: exactly 1,000 published, then one SURV009 saying how many were left out', async () => {
    const diagnostics = await server.openAndWait('file:///tmp/surv-cap-test.surv', ';\n'.repeat(5000));
    expect(diagnostics).toHaveLength(1001);
    expect(diagnostics.slice(0, 1000).every((d) => d.code === 'SURV001')).toBe(true);
    expect(diagnostics[999]?.range.start.line).toBe(999);
    expect(diagnostics[1000]).toEqual({
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 3, code: 'SURV009', source: 'surv',
      message: '4000 more diagnostics not shown (the editor shows the first 1000; surv check lists them all)',
    });
  });
});
