// SIP over TCP for the replay's actors (RFC 3261 §18.3): a phone whose transport is tcp
// talks to Kamailio over connections instead of datagrams. It opens its own connection
// to Kamailio's tcp listen address, from its own loopback address, for what it sends;
// it listens on its own address:port for the connections Kamailio opens to reach it (an
// INVITE to `sip:101@127.0.23.10:5060;transport=tcp`). A reply goes back on the
// connection its request came on, as §18.2.2 asks. The byte stream is cut into
// messages by Content-Length.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** The largest SIP message the replay accepts over a stream (Kamailio's own default buffer is 64 KiB). */
export const maxStreamMessage = 65_536;

/** Cuts a SIP byte stream into messages: head up to the blank line, then Content-Length bytes of body. */
export class StreamFramer {
  private buffer = Buffer.alloc(0);

  /**
   * Adds `data` and returns every message now complete, in order. Throws on a head without a
   * usable Content-Length, with two that disagree, or on a message longer than maxStreamMessage
   * (the buffer never grows past it plus one segment).
   */
  push(data: Buffer): string[] {
    this.buffer = Buffer.concat([this.buffer, data]);
    const out: string[] = [];
    for (;;) {
      // Keepalive CRLFs between messages (RFC 5626 §3.5.1) carry no message.
      let start = 0;
      while (start + 1 < this.buffer.length && this.buffer[start] === 0x0d && this.buffer[start + 1] === 0x0a) start += 2;
      if (start > 0) this.buffer = this.buffer.subarray(start);
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end === -1) {
        if (this.buffer.length > maxStreamMessage) throw new Error(`a SIP message over TCP whose head exceeds ${maxStreamMessage} bytes`);
        return out;
      }
      const head = this.buffer.subarray(0, end).toString('utf8');
      const lengths = [...new Set([...head.matchAll(/^(?:content-length|l)[ \t]*:[ \t]*(\d+)[ \t]*$/gim)].map((m) => Number(m[1])))];
      // Over a stream the length is mandatory (§18.3, §20.14): without it the next message cannot be found.
      if (lengths.length === 0) throw new Error('a SIP message over TCP without Content-Length');
      if (lengths.length > 1) throw new Error('a SIP message over TCP with Content-Length headers that disagree');
      const total = end + 4 + lengths[0];
      if (total > maxStreamMessage) throw new Error(`a SIP message over TCP longer than ${maxStreamMessage} bytes`);
      if (this.buffer.length < total) return out;
      out.push(this.buffer.subarray(0, total).toString('utf8'));
      this.buffer = this.buffer.subarray(total);
    }
  }
}

/** What a TCP actor hears: one whole message, from the connection's remote address. */
export type StreamHandler = (text: string, remote: { readonly address: string; readonly port: number }, connection: Socket) => void;

/** One TCP actor's connections: the one it opened to Kamailio and those Kamailio opened to it. */
export class TcpActor {
  private server: Server | undefined;
  private own: Socket | undefined;
  private readonly accepted = new Set<Socket>();
  /** The connection each request came on, by Via branch and CSeq method: where its replies go. */
  private readonly replyRoute = new Map<string, Socket>();

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly edge: { readonly address: string; readonly port: number },
    private readonly onMessage: StreamHandler,
    private readonly onError: (error: string) => void,
  ) {}

  /** Listens on the actor's own address:port for Kamailio's connections. */
  async listen(): Promise<void> {
    const server = createServer((c) => {
      this.accepted.add(c);
      this.attach(c);
      c.on('close', () => this.accepted.delete(c));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
  }

  private attach(c: Socket): void {
    // Without it Nagle holds a second message written right after a first (an ACK, then the
    // INVITE following a 302) until the first's TCP ACK: about 40 ms on loopback, measured.
    c.setNoDelay(true);
    const framer = new StreamFramer();
    c.on('data', (data) => {
      let texts: string[];
      try {
        texts = framer.push(data);
      } catch (error) {
        this.onError(error instanceof Error ? error.message : String(error));
        c.destroy();
        return;
      }
      for (const text of texts) {
        const key = requestKey(text);
        if (key !== undefined) this.replyRoute.set(key, c);
        this.onMessage(text, { address: c.remoteAddress ?? '', port: c.remotePort ?? 0 }, c);
      }
    });
    // A reset by Kamailio at shutdown is not a finding.
    c.on('error', () => undefined);
  }

  /** Sends one message: a reply on its request's connection, anything else on the actor's own. */
  send(text: string): void {
    const key = replyKey(text);
    const back = key === undefined ? undefined : this.replyRoute.get(key);
    if (back && !back.destroyed) {
      back.write(text);
      return;
    }
    if (!this.own || this.own.destroyed) {
      const c = createConnection({ host: this.edge.address, port: this.edge.port, localAddress: this.host });
      this.attach(c);
      this.own = c;
    }
    this.own.write(text);
  }

  close(): void {
    this.own?.destroy();
    for (const c of this.accepted) c.destroy();
    this.accepted.clear();
    this.server?.close();
    this.server = undefined;
  }
}

const topVia = (text: string): string | undefined => /^(?:via|v)[ \t]*:[ \t]*[^\r\n]*?branch=([^;,\s]+)/im.exec(text)?.[1];
const cseqMethod = (text: string): string | undefined => /^cseq[ \t]*:[ \t]*\d+[ \t]+(\S+)/im.exec(text)?.[1];

/** A transaction's key (top Via branch and CSeq method): a request's own, or that of the request a reply answers. */
function transactionKey(text: string): string | undefined {
  const branch = topVia(text);
  return branch === undefined ? undefined : `${branch} ${cseqMethod(text) ?? ''}`;
}

const isReply = (text: string): boolean => text.startsWith('SIP/2.0 ');

/** A request's key; undefined for a reply. */
const requestKey = (text: string): string | undefined => (isReply(text) ? undefined : transactionKey(text));

/** The key of the request a reply answers; undefined for a request. */
const replyKey = (text: string): string | undefined => (isReply(text) ? transactionKey(text) : undefined);
