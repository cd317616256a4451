// Minimal SIP-over-UDP actors for the live tests: a phone, an upstream, a gateway, each
// on its own loopback address. They record every message with its arrival time.
import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';

export interface SipMessage {
  readonly at: number;
  readonly text: string;
  readonly status: number | undefined;
  readonly reason: string | undefined;
  readonly method: string | undefined;
  readonly uri: string | undefined;
  readonly from: { readonly address: string; readonly port: number };
}

/** The values of header `name` (case-insensitive, compact forms not handled: Kamailio writes long ones). */
export function headers(m: { text: string }, name: string): string[] {
  const out: string[] = [];
  for (const line of m.text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0 && line.slice(0, i).trim().toLowerCase() === name.toLowerCase()) out.push(line.slice(i + 1).trim());
  }
  return out;
}

export function header(m: { text: string }, name: string): string | undefined {
  return headers(m, name)[0];
}

function parse(text: string, at: number, from: { address: string; port: number }): SipMessage {
  const first = text.slice(0, text.indexOf('\r\n'));
  const reply = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(first);
  if (reply) return { at, text, status: Number(reply[1]), reason: reply[2], method: header({ text }, 'CSeq')?.split(/\s+/)[1], uri: undefined, from };
  const request = /^(\S+) (\S+) SIP\/2\.0$/.exec(first);
  return { at, text, status: undefined, reason: undefined, method: request?.[1], uri: request?.[2], from };
}

let counter = 0;
/** A Call-ID, branch or tag no other message of this process has. */
export const unique = (prefix: string) => `${prefix}${process.pid}x${++counter}`;

export class UdpActor {
  readonly received: SipMessage[] = [];
  /** Called for every request; the default does nothing (a silent actor). */
  onRequest: (m: SipMessage) => void = () => undefined;
  /** Called for every reply. */
  onReply: (m: SipMessage) => void = () => undefined;
  private waiters: { test: (m: SipMessage) => boolean; done: (m: SipMessage) => void }[] = [];

  private constructor(readonly name: string, readonly address: string, readonly port: number, private readonly socket: Socket, private readonly t0: () => number) {
    socket.on('message', (buffer, rinfo) => {
      const m = parse(buffer.toString('utf8'), this.t0(), { address: rinfo.address, port: rinfo.port });
      this.received.push(m);
      if (m.status === undefined) this.onRequest(m);
      else this.onReply(m);
      this.waiters = this.waiters.filter((w) => {
        if (!w.test(m)) return true;
        w.done(m);
        return false;
      });
    });
  }

  static bind(name: string, address: string, port: number, t0: () => number): Promise<UdpActor> {
    const socket = createSocket('udp4');
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, address, () => resolve(new UdpActor(name, address, port, socket, t0)));
    });
  }

  send(text: string, address: string, port: number): void {
    this.socket.send(Buffer.from(text, 'utf8'), port, address);
  }

  /** The first message (already received or still to come) that passes `test`. */
  waitFor(test: (m: SipMessage) => boolean, timeoutMs: number, what: string): Promise<SipMessage> {
    const seen = this.received.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no ${what} within ${timeoutMs} ms; got: ${this.received.map((m) => m.status ?? m.method).join(', ')}`)), timeoutMs);
      this.waiters.push({ test, done: (m) => { clearTimeout(timer); resolve(m); } });
    });
  }

  close(): void {
    this.socket.close();
  }

  /** Replies to a request with the same Via, From, To (plus a tag), Call-ID and CSeq. */
  reply(request: SipMessage, status: number, reason: string, extra: readonly string[] = [], tag = 'uas1'): void {
    const to = header(request, 'To') ?? '';
    const lines = [
      `SIP/2.0 ${status} ${reason}`,
      ...headers(request, 'Via').map((v) => `Via: ${v}`),
      ...headers(request, 'Record-Route').map((v) => `Record-Route: ${v}`).filter(() => status > 100 && status < 300),
      `From: ${header(request, 'From') ?? ''}`,
      `To: ${status === 100 || /;tag=/.test(to) ? to : `${to};tag=${tag}`}`,
      `Call-ID: ${header(request, 'Call-ID') ?? ''}`,
      `CSeq: ${header(request, 'CSeq') ?? ''}`,
      ...extra,
      'Content-Length: 0',
      '',
      '',
    ];
    this.send(lines.join('\r\n'), request.from.address, request.from.port);
  }
}

export interface Invite {
  readonly text: string;
  readonly branch: string;
  readonly callId: string;
  readonly uri: string;
}

/** An INVITE from `phone` (user `user`) to `uri`, sent to the edge as its outbound proxy. */
export function invite(phone: UdpActor, user: string, uri: string, callId = unique('call')): Invite {
  const branch = unique('z9hG4bK');
  const text = [
    `INVITE ${uri} SIP/2.0`,
    `Via: SIP/2.0/UDP ${phone.address}:${phone.port};branch=${branch};rport`,
    'Max-Forwards: 70',
    `From: <sip:${user}@${phone.address}>;tag=${unique('ft')}`,
    `To: <${uri}>`,
    `Call-ID: ${callId}`,
    'CSeq: 1 INVITE',
    `Contact: <sip:${user}@${phone.address}:${phone.port}>`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  return { text, branch, callId, uri };
}

/** The ACK for a non-2xx final reply: hop by hop, same branch as the INVITE. */
export function ackFor(sent: Invite, reply: SipMessage): string {
  return [
    `ACK ${sent.uri} SIP/2.0`,
    `Via: ${header({ text: sent.text }, 'Via') ?? ''}`,
    'Max-Forwards: 70',
    `From: ${header(reply, 'From') ?? ''}`,
    `To: ${header(reply, 'To') ?? ''}`,
    `Call-ID: ${sent.callId}`,
    'CSeq: 1 ACK',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** A REGISTER from `phone` for `user`, through the edge. */
export function register(phone: UdpActor, user: string, domain: string, expires = 300): { text: string; callId: string } {
  const callId = unique('reg');
  const text = [
    `REGISTER sip:${domain} SIP/2.0`,
    `Via: SIP/2.0/UDP ${phone.address}:${phone.port};branch=${unique('z9hG4bK')};rport`,
    'Max-Forwards: 70',
    `From: <sip:${user}@${domain}>;tag=${unique('ft')}`,
    `To: <sip:${user}@${domain}>`,
    `Call-ID: ${callId}`,
    'CSeq: 1 REGISTER',
    `Contact: <sip:${user}@${phone.address}:${phone.port}>`,
    `Expires: ${expires}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  return { text, callId };
}

/** The actors of fixtures/loopback.surv (live.test.ts, security.test.ts), each bound at its address. */
export interface LoopbackBranch {
  readonly phone: UdpActor;
  readonly desk2: UdpActor;
  readonly upstream: UdpActor;
  readonly gateway: UdpActor;
}

export async function bindLoopbackBranch(t0: () => number): Promise<LoopbackBranch> {
  return {
    phone: await UdpActor.bind('desk1', '127.0.1.10', 5061, t0),
    desk2: await UdpActor.bind('desk2', '127.0.1.11', 5061, t0),
    upstream: await UdpActor.bind('cloud', '127.0.0.2', 5080, t0),
    gateway: await UdpActor.bind('pstn', '127.0.0.3', 5090, t0),
  };
}

export function clock(): { t0: () => number; reset: () => void } {
  let start = performance.now();
  return { t0: () => performance.now() - start, reset: () => { start = performance.now(); } };
}
