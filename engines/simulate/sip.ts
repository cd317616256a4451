// SIP message text, written and parsed with the `sip` package (typed here: the package
// ships no types). Name-addr headers (To, From, Contact, Record-Route, Route, Path) are
// given to `stringify` as ready text, because the package writes an empty display name
// as a stray space.
import sipPackage from 'sip';

export interface Via {
  version?: string;
  protocol: string;
  host: string;
  port?: number;
  params: Record<string, string | null | undefined>;
}

export interface Aor {
  name?: string;
  uri: string;
  params: Record<string, string | null | undefined>;
}

export interface SipMessage {
  method?: string;
  uri?: string;
  status?: number;
  reason?: string;
  version?: string;
  headers: Record<string, unknown>;
  content?: string;
}

/** A message as parsed by the `sip` package, with the headers the simulator reads. */
export interface ParsedMessage extends SipMessage {
  headers: {
    via: Via[];
    to: Aor;
    from: Aor;
    'call-id': string;
    cseq: { seq: number; method: string };
    contact?: Aor[] | '*';
    'record-route'?: { name?: string; uri: unknown; params: Record<string, string> }[];
    'max-forwards'?: string;
    [name: string]: unknown;
  };
}

interface SipCodec {
  stringify(m: SipMessage): string;
  parse(text: string): ParsedMessage | undefined;
}

const codec = sipPackage as unknown as SipCodec;

export function stringify(m: SipMessage): string {
  return codec.stringify(m);
}

export function parse(text: string): ParsedMessage {
  const m = codec.parse(text);
  if (!m) throw new Error(`simulator: unparsable SIP message:\n${text}`);
  return m;
}

function params(p: Record<string, string | null | undefined>): string {
  let s = '';
  for (const [k, v] of Object.entries(p)) if (v !== undefined) s += `;${k}${v === null ? '' : `=${v}`}`;
  return s;
}

/** `"Name" <uri>;params`, or `<uri>;params` without a name. */
export function nameAddr(uri: string, p: Record<string, string | null | undefined> = {}, name?: string): string {
  return `${name ? `"${name}" ` : ''}<${uri}>${params(p)}`;
}

/** `host` with IPv6 brackets, and `:port` unless it is 5060: the plan's own, so a URI is written one way. */
export { sipHostPort as hostPort } from '../plan/index.js';

/** The user part of a SIP URI (without parsing bracketed IPv6 hosts, which the package cannot). */
export function uriUser(uri: string): string | undefined {
  // What /^sips?:([^@;>]+)@/ matches, without a regex (it runs for every INVITE).
  const start = uri.startsWith('sip:') ? 4 : uri.startsWith('sips:') ? 5 : -1;
  if (start < 0) return undefined;
  for (let i = start; i < uri.length; i++) {
    const c = uri.charCodeAt(i);
    if (c === 64 /* @ */) return i > start ? uri.slice(start, i) : undefined;
    if (c === 59 /* ; */ || c === 62 /* > */) return undefined;
  }
  return undefined;
}

/** The host part of a SIP URI (IPv6 without brackets). */
export function uriHost(uri: string): string {
  const m = /^sips?:(?:[^@;>]+@)?(\[[^\]]+\]|[^:;>?]+)/.exec(uri);
  return (m?.[1] ?? '').replace(/^\[|\]$/g, '');
}
