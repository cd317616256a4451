// The server's stdin reader, in process: any split of the byte stream into chunks
// gives the same messages, and malformed pieces between valid messages lose only
// themselves.
import fc from 'fast-check';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Message } from 'vscode-languageserver/node.js';
import { ResyncingMessageReader } from '../../server/src/message-reader.js';

function frame(message: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
}

/** Feeds `bytes` in chunks cut at `cuts` and returns the messages read and the log. */
function read(bytes: Buffer, cuts: readonly number[] = [], dropped: string[] = []): { messages: Message[]; log: string[] } {
  const stream = new PassThrough();
  const log: string[] = [];
  const messages: Message[] = [];
  const reader = new ResyncingMessageReader(stream, (m) => log.push(m), (reason) => dropped.push(reason));
  reader.listen((m) => messages.push(m));
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const to of [...points, bytes.length]) {
    if (to > from) reader.onData(bytes.subarray(from, to));
    from = Math.max(from, to);
  }
  return { messages, log };
}

const messages = [
  { jsonrpc: '2.0', id: 1, method: 'initialize', params: { text: 'ünïcödé → 😀, "quoted", Content-Length: 5 in a string' } },
  { jsonrpc: '2.0', method: 'textDocument/didChange', params: { text: 'x\r\n\r\ny' } },
  { jsonrpc: '2.0', id: 'two', result: null },
];

const malformed = [
  'garbage',
  'garbage\r\n\r\n',
  'Content-Length: abc\r\n\r\n{"x":1}',
  'Bad header\r\n\r\n{}',
  'Content-Length: 3\r\n\r\n{"jsonrpc":"2.0"}',
  'Content-Length: 400\r\n\r\n{"jsonrpc":"2.0"}',
  'Content-Length: 5\r\n\r\n{abc}',
  'Content-Length: 2\r\n\r\n[]',
  '\u0000\u00ff\r\n',
];

describe('ResyncingMessageReader', () => {
  it('reads every message whatever the chunking', () => {
    const bytes = Buffer.concat(messages.map(frame));
    fc.assert(fc.property(fc.array(fc.nat(bytes.length), { maxLength: 40 }), (cuts) => {
      const { messages: read_, log } = read(bytes, cuts);
      expect(read_).toEqual(messages);
      expect(log).toEqual([]);
    }), { numRuns: 300 });
  });

  it('keeps other headers (Content-Type) and any header order', () => {
    const body = JSON.stringify(messages[0]);
    const bytes = Buffer.from(`Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    expect(read(bytes)).toEqual({ messages: [messages[0]], log: [] });
  });

  it('after any malformed piece, the valid messages that follow are all read', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.constantFrom(...malformed), fc.constantFrom(...messages)), { minLength: 1, maxLength: 6 }),
      fc.array(fc.nat(2000), { maxLength: 30 }),
      (pairs, cuts) => {
        const bytes = Buffer.concat(pairs.flatMap(([bad, good]) => [Buffer.from(bad, 'latin1'), frame(good)]));
        const { messages: got, log } = read(bytes, cuts);
        expect(got).toEqual(pairs.map(([, good]) => good));
        expect(log.length).toBeGreaterThan(0);
      },
    ), { numRuns: 300 });
  });

  it('a Content-Length too large by less than a header: the next message is read, the broken one reported once', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 16 }), fc.array(fc.nat(600), { maxLength: 20 }), (extra, cuts) => {
      const body = Buffer.from(JSON.stringify(messages[0]), 'utf8');
      const broken = Buffer.concat([Buffer.from(`Content-Length: ${body.length + extra}\r\n\r\n`, 'ascii'), body]);
      const dropped: string[] = [];
      const { messages: got } = read(Buffer.concat([broken, frame(messages[1]), frame(messages[2])]), cuts, dropped);
      expect(got).toEqual([messages[1], messages[2]]);
      expect(dropped).toEqual(['a Content-Length larger than the message']);
    }), { numRuns: 300 });
  });

  it('reports each message it drops, and only those', () => {
    const dropped: string[] = [];
    read(Buffer.concat([frame(messages[0]), Buffer.from('Content-Length: 5\r\n\r\n{abc}Content-Type: x\r\n\r\n'), frame(messages[1])]), [], dropped);
    expect(dropped).toEqual(['a message that is not JSON', 'a header without Content-Length']);
  });

  it('drops a long run of bytes that never becomes a header', () => {
    const junk = Buffer.alloc(200_000, 'a');
    const { messages: got, log } = read(Buffer.concat([junk, frame(messages[2])]), [1000, 70_000, 150_000]);
    expect(got).toEqual([messages[2]]);
    expect(log.join('\n')).toMatch(/not an LSP message/);
  });

  it('reads a 10 MB message in 64 KB chunks without copying it over and over', () => {
    const big = { jsonrpc: '2.0', method: 'big', params: { text: 'x'.repeat(10 * 1024 * 1024) } };
    const bytes = frame(big);
    const cuts = Array.from({ length: Math.ceil(bytes.length / 65_536) }, (_, i) => i * 65_536);
    const started = performance.now();
    const { messages: got } = read(bytes, cuts);
    expect(got).toHaveLength(1);
    expect((got[0] as unknown as { params: { text: string } }).params.text.length).toBe(10 * 1024 * 1024);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('reports the end of the stream as a close', async () => {
    const stream = new PassThrough();
    const reader = new ResyncingMessageReader(stream);
    const closed = new Promise<void>((done) => reader.onClose(() => done()));
    reader.listen(() => undefined);
    stream.end();
    stream.resume();
    await closed;
  });
});
