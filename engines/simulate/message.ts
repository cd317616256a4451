// SIP messages as the actors exchange them: already in parsed form, holding exactly the
// fields the simulator acts on. Their text is rendered with the `sip` package's
// `stringify` only when someone reads it (trace.ts), so a replay costs no string work;
// test/unit/simulate/fidelity.test.ts parses every rendered message back and checks it
// says what the receiving actor acted on.
import { nameAddr, stringify, type SipMessage } from './sip.js';

export type Transport = 'UDP' | 'TCP' | 'TLS';

export interface Via {
  readonly transport: Transport;
  /** `host:port`, an IPv6 host bracketed. */
  readonly sentBy: string;
  readonly branch: string;
  readonly rport: boolean;
}

/** A To, From or Contact value. */
export interface NameAddr {
  readonly uri: string;
  readonly name?: string;
  readonly tag?: string;
  /** Contact `;expires=` (REGISTER). */
  readonly expires?: number;
}

export interface Msg {
  /** Requests: the method and Request-URI. */
  readonly method: string | undefined;
  readonly uri: string | undefined;
  /** Replies: the code and reason phrase. */
  readonly status: number | undefined;
  readonly reason: string | undefined;
  readonly via: readonly Via[];
  readonly maxForwards: number | undefined;
  /** Name-addr texts, top first. */
  readonly route: readonly string[] | undefined;
  readonly recordRoute: readonly string[] | undefined;
  readonly from: NameAddr;
  readonly to: NameAddr;
  readonly callId: string;
  readonly cseq: number;
  readonly cseqMethod: string;
  readonly contact: readonly NameAddr[] | undefined;
  /** REGISTER: Path (name-addr texts), Supported, Expires. */
  readonly path: readonly string[] | undefined;
  readonly supported: string | undefined;
  readonly expires: number | undefined;
  /** P-Asserted-Identity (name-addr text) and Privacy: the calling number the edge presents to a gateway (RFC 3325). */
  readonly pai: string | undefined;
  readonly privacy: string | undefined;
}

/** The headers every message has; the optional ones default to absent. */
export interface Parts {
  readonly via: readonly Via[];
  readonly maxForwards?: number;
  readonly route?: readonly string[];
  readonly recordRoute?: readonly string[];
  readonly from: NameAddr;
  readonly to: NameAddr;
  readonly callId: string;
  readonly cseq: number;
  readonly cseqMethod: string;
  readonly contact?: readonly NameAddr[];
  readonly path?: readonly string[];
  readonly supported?: string;
  readonly expires?: number;
  readonly pai?: string;
  readonly privacy?: string;
}

// One object shape for every message (same keys, same order), so property reads stay monomorphic.
function build(method: string | undefined, uri: string | undefined, status: number | undefined, reason: string | undefined, p: Parts): Msg {
  return {
    method, uri, status, reason, via: p.via, maxForwards: p.maxForwards, route: p.route, recordRoute: p.recordRoute,
    from: p.from, to: p.to, callId: p.callId, cseq: p.cseq, cseqMethod: p.cseqMethod, contact: p.contact,
    path: p.path, supported: p.supported, expires: p.expires, pai: p.pai, privacy: p.privacy,
  };
}

export function request(method: string, uri: string, parts: Parts): Msg {
  return build(method, uri, undefined, undefined, parts);
}

export function response(status: number, reason: string, parts: Parts): Msg {
  return build(undefined, undefined, status, reason, parts);
}

/** `addr` with a To-tag (replaces none: a To that has one keeps it). */
export function tagged(addr: NameAddr, tag: string): NameAddr {
  return addr.tag !== undefined ? addr : { uri: addr.uri, name: addr.name, tag, expires: addr.expires };
}

function formatNameAddr(a: NameAddr): string {
  return nameAddr(a.uri, { tag: a.tag, expires: a.expires === undefined ? undefined : String(a.expires) }, a.name);
}

/** The Contact header's value as the message's text holds it; undefined without one. */
export function contactText(m: Msg): string | undefined {
  return m.contact?.map(formatNameAddr).join(', ');
}

/**
 * The request line or status line, without its CRLF, as the `sip` package's `stringify`
 * writes it for every message `request` and `response` build (fidelity.test.ts holds the
 * two together), so a reader of the first line needs no rendering.
 */
export function startLine(m: Msg): string {
  return m.status !== undefined ? `SIP/2.0 ${m.status} ${m.reason ?? ''}` : `${m.method ?? ''} ${m.uri ?? ''} SIP/2.0`;
}

/** The message in the `sip` package's form. Header order: as a real UA writes them. */
function toPackage(m: Msg): SipMessage {
  const headers: Record<string, unknown> = {};
  headers.via = m.via.map((v) => ({ version: '2.0', protocol: v.transport, host: v.sentBy, params: v.rport ? { branch: v.branch, rport: null } : { branch: v.branch } }));
  const isRequest = m.status === undefined;
  if (m.maxForwards !== undefined) headers['max-forwards'] = m.maxForwards;
  if (m.route) headers.route = m.route.join(', ');
  if (isRequest && m.recordRoute) headers['record-route'] = m.recordRoute.join(', ');
  headers.from = formatNameAddr(m.from);
  headers.to = formatNameAddr(m.to);
  headers['call-id'] = m.callId;
  headers.cseq = { seq: m.cseq, method: m.cseqMethod };
  if (!isRequest && m.recordRoute) headers['record-route'] = m.recordRoute.join(', ');
  if (m.contact) headers.contact = contactText(m);
  if (m.path) headers.path = m.path.join(', ');
  if (m.supported !== undefined) headers.supported = m.supported;
  if (m.expires !== undefined) headers.expires = String(m.expires);
  // Last, where Kamailio's append_hf puts them.
  if (m.pai !== undefined) headers['p-asserted-identity'] = m.pai;
  if (m.privacy !== undefined) headers.privacy = m.privacy;
  return isRequest ? { method: m.method, uri: m.uri, headers } : { status: m.status, reason: m.reason, headers };
}

/** The SIP text of a message, as the `sip` package writes it. */
export function render(m: Msg): string {
  return stringify(toPackage(m));
}
