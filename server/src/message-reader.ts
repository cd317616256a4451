// Reads LSP messages (`Content-Length: N\r\n\r\n` + N bytes of JSON) from a stream,
// and, unlike vscode-jsonrpc's StreamMessageReader, recovers from malformed input.
//
// vscode-jsonrpc's reader reports a bad header (no Content-Length, a non-numeric
// one, a header line without ':') as an error and returns, leaving the body in its
// buffer; the next header is then read glued to that body and is bad too, and so on
// for every later message: the server stays alive but never answers again. A wrong
// Content-Length has the same effect (too small) or swallows the messages after it
// (too large). This reader instead skips to the next header it can read:
//
// - garbage before a header (on the same line or on lines of its own) is dropped;
// - a header block without a usable Content-Length is dropped;
// - a body that is not JSON, or not a JSON object, is dropped; when it is a JSON
//   object followed by more bytes (a Content-Length too large: the extra bytes are
//   the start of the next message), reading resumes right after the object, so the
//   next message is not swallowed;
// - a declared body that contains the start of another message is cut there. This
//   is safe: `Content-Length: <digits>` followed by a raw CR cannot occur inside
//   valid JSON (letters only appear inside strings, and a string cannot hold a raw
//   CR), so a body holding it is certainly malformed.
//
// What was skipped is reported through `log` (the server's stderr), and each message
// lost is reported through `dropped`, which the server answers with a JSON-RPC parse
// error (-32700, id null) so a client is not left waiting in silence.
//
// `InitializeGate` (below) answers requests sent before `initialize` as LSP requires.
import type { Readable } from 'node:stream';
import {
  AbstractMessageReader, ErrorCodes, Message, type DataCallback, type Disposable, type MessageReader, type ResponseMessage,
} from 'vscode-languageserver/node.js';

/** A header line announcing a message: only ever at a message start, never in JSON. */
const messageStart = /Content-Length:[ \t]*(\d+)[ \t]*\r\n/gi;
const headerEnd = Buffer.from('\r\n\r\n', 'latin1');
/** Bytes kept while looking for a header end; a header is never this long. */
const maxHeaderBytes = 64 * 1024;
/** A larger Content-Length is refused: no document an editor sends is near it, and reading one would hold it all in memory. */
export const maxBodyBytes = 64 * 1024 * 1024;
/** How far back a scan of new body bytes starts, so a header split across chunks is seen. */
const scanOverlap = 64;

export class ResyncingMessageReader extends AbstractMessageReader {
  private chunks: Buffer[] = [];
  private total = 0;
  /** Length of the body being read, or -1 while reading a header. */
  private expected = -1;
  /** Body bytes already scanned for the start of another message. */
  private scanned = 0;
  private callback: DataCallback | undefined;

  constructor(
    private readonly readable: Readable,
    private readonly log: (message: string) => void = () => undefined,
    private readonly dropped: (reason: string) => void = () => undefined,
  ) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    const onData = (data: Buffer | string) => this.onData(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    const onError = (error: Error) => this.fireError(error);
    const onClose = () => this.fireClose();
    this.readable.on('data', onData);
    this.readable.on('error', onError);
    this.readable.on('end', onClose);
    this.readable.on('close', onClose);
    return {
      dispose: () => {
        this.readable.off('data', onData);
        this.readable.off('error', onError);
        this.readable.off('end', onClose);
        this.readable.off('close', onClose);
        this.callback = undefined;
      },
    };
  }

  /** Feeds bytes (the stream's data events call this; tests may call it directly). */
  onData(data: Buffer): void {
    this.chunks.push(data);
    this.total += data.length;
    try {
      while (this.expected === -1 ? this.readHeader() : this.readBody());
    } catch (error) {
      // Nothing above should throw; if it does, start afresh rather than go deaf.
      this.log(`surv-language-server: message reader reset after ${String(error)}`);
      this.drop(this.total);
      this.expected = -1;
    }
  }

  /** Buffered bytes `from` to `to`, copying only the chunks they span. */
  private range(from: number, to: number): Buffer {
    const parts: Buffer[] = [];
    let offset = 0;
    for (const chunk of this.chunks) {
      const next = offset + chunk.length;
      if (next > from && offset < to) parts.push(chunk.subarray(Math.max(0, from - offset), Math.min(chunk.length, to - offset)));
      if (next >= to) break;
      offset = next;
    }
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
  }

  private drop(count: number): void {
    let left = count;
    while (left > 0 && this.chunks.length > 0) {
      const first = this.chunks[0] as Buffer;
      if (first.length <= left) {
        left -= first.length;
        this.chunks.shift();
      } else {
        this.chunks[0] = first.subarray(left);
        left = 0;
      }
    }
    this.total = Math.max(0, this.total - count);
  }

  /** Reads one header block; false when more bytes are needed. */
  private readHeader(): boolean {
    if (this.total === 0) return false;
    const buffered = this.range(0, Math.min(this.total, maxHeaderBytes));
    const end = buffered.indexOf(headerEnd);
    if (end === -1) {
      if (this.total > maxHeaderBytes) {
        this.log(`surv-language-server: skipped ${this.total - scanOverlap} bytes that are not an LSP message`);
        this.drop(this.total - scanOverlap);
      }
      return false;
    }
    const block = buffered.toString('latin1', 0, end + 2);
    let length = -1;
    let at = -1;
    messageStart.lastIndex = 0;
    for (let m = messageStart.exec(block); m; m = messageStart.exec(block)) {
      length = Number(m[1]);
      at = m.index;
    }
    this.drop(end + headerEnd.length);
    if (at === -1 || !(length <= maxBodyBytes)) {
      this.log(`surv-language-server: skipped a header without a usable Content-Length: ${JSON.stringify(block.slice(0, 200))}`);
      this.dropped(at === -1 ? 'a header without Content-Length' : `a Content-Length over ${maxBodyBytes} bytes`);
      return true;
    }
    const garbage = block.slice(0, at).replace(/(^|\r\n)[A-Za-z][A-Za-z0-9-]*:[^\r\n]*(?=\r\n)/g, '');
    if (garbage.trim() !== '') this.log(`surv-language-server: skipped bytes before a message: ${JSON.stringify(garbage.slice(0, 200))}`);
    this.expected = length;
    this.scanned = 0;
    return true;
  }

  /** Reads the body announced by the last header; false when more bytes are needed. */
  private readBody(): boolean {
    const available = Math.min(this.total, this.expected);
    // Another message starting inside this body means its Content-Length was wrong.
    if (available > this.scanned) {
      const from = Math.max(0, this.scanned - scanOverlap);
      const text = this.range(from, available).toString('latin1');
      messageStart.lastIndex = 0;
      const m = messageStart.exec(text);
      if (m) {
        const cut = from + m.index;
        this.log(`surv-language-server: a message was shorter than its Content-Length ${this.expected}; skipped its ${cut} bytes`);
        this.drop(cut);
        this.expected = -1;
        this.dropped('a message shorter than its Content-Length');
        return true;
      }
      this.scanned = available;
    }
    if (this.total < this.expected) return false;
    const body = this.range(0, this.expected).toString('utf8');
    let message: unknown;
    try {
      message = JSON.parse(body);
    } catch (error) {
      const object = leadingObject(body);
      if (object !== undefined) {
        const used = Buffer.byteLength(object);
        this.log(`surv-language-server: a message was longer than its JSON (Content-Length ${this.expected}, JSON ${used} bytes); read on after the JSON`);
        this.drop(used);
        this.expected = -1;
        this.dropped('a Content-Length larger than the message');
        return true;
      }
      this.drop(this.expected);
      this.expected = -1;
      this.log(`surv-language-server: skipped a message that is not JSON (${error instanceof Error ? error.message : String(error)}): ${JSON.stringify(body.slice(0, 200))}`);
      this.dropped('a message that is not JSON');
      return true;
    }
    this.drop(this.expected);
    this.expected = -1;
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      this.log(`surv-language-server: skipped a message that is not a JSON object: ${JSON.stringify(body.slice(0, 200))}`);
      this.dropped('a message that is not a JSON object');
      return true;
    }
    this.callback?.(message as Message);
    return true;
  }
}

/**
 * The JSON object at the start of `body` when more bytes follow it, else undefined.
 * Only the brackets outside strings are counted: enough to find where a well-formed
 * object ends, and the result is parsed to be sure.
 */
function leadingObject(body: string): string | undefined {
  if (!body.startsWith('{')) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) {
        const head = body.slice(0, i + 1);
        if (i + 1 === body.length) return undefined;
        try {
          const value: unknown = JSON.parse(head);
          return typeof value === 'object' && value !== null && !Array.isArray(value) ? head : undefined;
        } catch {
          return undefined;
        }
      }
    }
  }
  return undefined;
}

/**
 * Until the `initialize` request has arrived, answers every other request with
 * ServerNotInitialized (-32002) and drops every notification but `exit` (LSP 3.17,
 * "initialize"). vscode-languageserver would otherwise run the handlers on a server
 * that has no workspace yet and answer `null`.
 */
export class InitializeGate extends AbstractMessageReader {
  private initialized = false;

  constructor(private readonly inner: MessageReader, private readonly reply: (message: ResponseMessage) => void) {
    super();
    inner.onError((error) => this.fireError(error));
    inner.onClose(() => this.fireClose());
    inner.onPartialMessage((info) => this.firePartialMessage(info));
  }

  listen(callback: DataCallback): Disposable {
    return this.inner.listen((message) => {
      if (this.initialized) {
        callback(message);
      } else if (Message.isRequest(message)) {
        if (message.method === 'initialize') {
          this.initialized = true;
          callback(message);
        } else {
          this.reply({ jsonrpc: '2.0', id: message.id, error: { code: ErrorCodes.ServerNotInitialized, message: `${message.method}: the server is not initialized (send initialize first)` } });
        }
      } else if (Message.isNotification(message) && message.method === 'exit') {
        callback(message);
      }
    });
  }

  override dispose(): void {
    this.inner.dispose();
    super.dispose();
  }
}
