// The few facts of a SIP message the tracer groups, orders and judges by, read straight off
// the header lines: a capture holds millions of messages and the `sip` package parses
// about 28,000 a second, so the full parse (sip-text.ts) waits until a message is drawn.
// Compact header forms (RFC 3261 §7.3.3) are read too; a message without a start line,
// Call-ID or CSeq is no SIP message to the tracer.

export interface Scanned {
  /** The start line as sent. */
  readonly line: string;
  readonly method: string | undefined;
  readonly uri: string | undefined;
  readonly status: number | undefined;
  readonly reason: string | undefined;
  readonly callId: string;
  readonly cseq: number;
  readonly cseqMethod: string;
  /** The top Via's branch parameter ('' when none). */
  readonly branch: string;
  readonly fromTag: string | undefined;
  /** The user part of the From URI: a phone's own extension when it calls or registers. */
  readonly fromUser: string | undefined;
  readonly toTag: string | undefined;
  /** The first Contact's URI. */
  readonly contact: string | undefined;
  readonly pai: string | undefined;
  readonly privacy: string | undefined;
  /** A preloaded Route set (name-addr texts, top first), for a request. */
  readonly route: readonly string[] | undefined;
}

const requestLine = /^([A-Za-z]+) (\S+) SIP\/2\.0$/;
const statusLine = /^SIP\/2\.0 ([1-6]\d\d)(?: (.*))?$/;

/** Long names of the compact forms surv reads. */
const compact: Readonly<Record<string, string>> = { i: 'call-id', v: 'via', f: 'from', t: 'to', m: 'contact', l: 'content-length' };

const tagParam = /;\s*tag=([^;,>\s]+)/i;
const branchParam = /;\s*branch=([^;,>\s]+)/i;

function param(value: string, re: RegExp): string | undefined {
  // A tag sits after the URI's closing `>`, or after the URI when there are no brackets.
  const close = value.indexOf('>');
  const m = re.exec(close === -1 ? value : value.slice(close));
  return m?.[1];
}

function firstUri(value: string): string {
  const open = value.indexOf('<');
  if (open !== -1) {
    const close = value.indexOf('>', open);
    return value.slice(open + 1, close === -1 ? undefined : close);
  }
  return value.split(/[;,]/)[0]!.trim();
}

/** `text[from..from+word.length)` equals `word` (lower case letters, digits, '-') ignoring case. */
function sameName(text: string, from: number, word: string): boolean {
  for (let i = 0; i < word.length; i++) if ((text.charCodeAt(from + i) | 0x20) !== word.charCodeAt(i)) return false;
  return true;
}

/** By length, the names the scan reads (compact forms as their long names): no string is made for the others. */
const namesByLength: readonly (readonly string[])[] = [[], ['i', 'v', 'f', 't', 'm'], ['to'], ['via'], ['from', 'cseq'], ['route'], [], ['call-id', 'contact', 'privacy'],
  [], [], [], [], [], [], [], [], [], [], [], ['p-asserted-identity']];

/** The long name of a header line's name if it is one the scan reads; else undefined. */
function headerName(text: string, from: number, colon: number): string | undefined {
  let to = colon;
  while (to > from && (text.charCodeAt(to - 1) === 32 || text.charCodeAt(to - 1) === 9)) to--;
  const candidates = namesByLength[to - from];
  if (candidates === undefined) return undefined;
  for (const word of candidates) if (sameName(text, from, word)) return compact[word] ?? word;
  return undefined;
}

/** The scan of one message's text, or why it is not SIP. */
export function scan(text: string): Scanned | string {
  let headEnd = text.indexOf('\r\n\r\n');
  if (headEnd === -1) headEnd = text.length;
  let lineEnd = text.indexOf('\n');
  if (lineEnd === -1 || lineEnd > headEnd) lineEnd = headEnd;
  const first = text.slice(0, lineEnd > 0 && text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd);
  let method: string | undefined;
  let uri: string | undefined;
  let status: number | undefined;
  let reason: string | undefined;
  if (first.startsWith('SIP/2.0 ')) {
    const st = statusLine.exec(first);
    if (!st) return 'no SIP start line';
    status = Number(st[1]);
    reason = st[2] ?? '';
  } else {
    const req = requestLine.exec(first);
    if (!req) return 'no SIP start line';
    method = req[1]!.toUpperCase();
    uri = req[2];
  }
  let callId: string | undefined;
  let cseq: number | undefined;
  let cseqMethod: string | undefined;
  let branch: string | undefined;
  let fromTag: string | undefined;
  let fromUser: string | undefined;
  let toTag: string | undefined;
  let contact: string | undefined;
  let pai: string | undefined;
  let privacy: string | undefined;
  let route: string[] | undefined;
  let at = lineEnd + 1;
  while (at < headEnd) {
    let end = text.indexOf('\n', at);
    if (end === -1 || end > headEnd) end = headEnd;
    const colon = text.indexOf(':', at);
    const name = colon > at && colon < end ? headerName(text, at, colon) : undefined;
    if (name !== undefined) {
      const value = text.slice(colon + 1, end).trim();
      switch (name) {
        case 'call-id': callId ??= value; break;
        case 'cseq': {
          if (cseq !== undefined) break;
          const m = /^(\d{1,10})\s+([A-Za-z]+)$/.exec(value);
          if (m) {
            cseq = Number(m[1]);
            cseqMethod = m[2]!.toUpperCase();
          }
          break;
        }
        case 'via': branch ??= param(`>${value}`, branchParam) ?? ''; break;
        case 'from':
          if (fromTag === undefined) {
            fromTag = param(value, tagParam);
            fromUser = userOf(firstUri(value));
          }
          break;
        case 'to': toTag ??= param(value, tagParam); break;
        case 'contact': contact ??= firstUri(value); break;
        case 'p-asserted-identity': pai ??= value; break;
        case 'privacy': privacy ??= value; break;
        case 'route': (route ??= []).push(...value.split(/,(?![^<]*>)/).map((r) => r.trim()).filter((r) => r !== '')); break;
        default:
      }
    }
    at = end + 1;
  }
  if (callId === undefined || callId === '') return 'no Call-ID';
  if (cseq === undefined || cseqMethod === undefined) return 'no CSeq';
  return {
    line: first, method, uri, status, reason, callId, cseq, cseqMethod, branch: branch ?? '', fromTag, fromUser, toTag, contact, pai, privacy,
    route: method === undefined ? undefined : route,
  };
}

/** The user part of a SIP URI (`sip:944000000@host` -> `944000000`). */
export function userOf(uri: string | undefined): string | undefined {
  if (uri === undefined) return undefined;
  const m = /^sips?:([^@;?]+)@/i.exec(uri);
  return m?.[1];
}
