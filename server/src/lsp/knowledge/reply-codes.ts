// SIP response codes and their reason phrases (RFC 3261 §21 unless noted), for
// completion details and hovers. Knowledge only: no .surv text is read here.

export interface ReplyCode {
  readonly code: number;
  readonly reason: string;
  /** Where the code is defined. */
  readonly source: string;
  /** One line on what it means for branch survival, where that helps. */
  readonly note?: string;
}

const rfc3261 = (section: string) => `RFC 3261 §${section}`;

const list: readonly ReplyCode[] = [
  { code: 100, reason: 'Trying', source: rfc3261('21.1.1'), note: 'hop-by-hop: the next hop got the INVITE; it stops retransmissions but proves nothing about the far end' },
  { code: 180, reason: 'Ringing', source: rfc3261('21.1.2'), note: 'the called party is being alerted' },
  { code: 181, reason: 'Call Is Being Forwarded', source: rfc3261('21.1.3'), note: 'the usual survival announcement: phones may show its reason phrase' },
  { code: 182, reason: 'Queued', source: rfc3261('21.1.4') },
  { code: 183, reason: 'Session Progress', source: rfc3261('21.1.5'), note: 'progress information, often with early media' },
  { code: 199, reason: 'Early Dialog Terminated', source: 'RFC 6228' },
  { code: 200, reason: 'OK', source: rfc3261('21.2.1') },
  { code: 202, reason: 'Accepted', source: 'RFC 6665 (was RFC 3265)' },
  { code: 300, reason: 'Multiple Choices', source: rfc3261('21.3.1') },
  { code: 301, reason: 'Moved Permanently', source: rfc3261('21.3.2'), note: 'a phone may cache the new address for good: avoid for survival' },
  { code: 302, reason: 'Moved Temporarily', source: rfc3261('21.3.3'), note: 'the interoperable choice for survival: the phone redials the Contact' },
  { code: 305, reason: 'Use Proxy', source: rfc3261('21.3.4') },
  { code: 380, reason: 'Alternative Service', source: rfc3261('21.3.5'), note: 'few phones act on it (surv accepts it with a warning)' },
  { code: 400, reason: 'Bad Request', source: rfc3261('21.4.1') },
  { code: 401, reason: 'Unauthorized', source: rfc3261('21.4.2') },
  { code: 402, reason: 'Payment Required', source: rfc3261('21.4.3') },
  { code: 403, reason: 'Forbidden', source: rfc3261('21.4.4') },
  { code: 404, reason: 'Not Found', source: rfc3261('21.4.5'), note: 'a live PBX rejecting the number: not an outage' },
  { code: 405, reason: 'Method Not Allowed', source: rfc3261('21.4.6') },
  { code: 406, reason: 'Not Acceptable', source: rfc3261('21.4.7') },
  { code: 407, reason: 'Proxy Authentication Required', source: rfc3261('21.4.8') },
  { code: 408, reason: 'Request Timeout', source: rfc3261('21.4.9'), note: 'also what tm generates locally when fr_timer / fr_inv_timer fires' },
  { code: 410, reason: 'Gone', source: rfc3261('21.4.10') },
  { code: 413, reason: 'Request Entity Too Large', source: rfc3261('21.4.11') },
  { code: 414, reason: 'Request-URI Too Long', source: rfc3261('21.4.12') },
  { code: 415, reason: 'Unsupported Media Type', source: rfc3261('21.4.13') },
  { code: 416, reason: 'Unsupported URI Scheme', source: rfc3261('21.4.14') },
  { code: 420, reason: 'Bad Extension', source: rfc3261('21.4.15') },
  { code: 421, reason: 'Extension Required', source: rfc3261('21.4.16') },
  { code: 422, reason: 'Session Interval Too Small', source: 'RFC 4028' },
  { code: 423, reason: 'Interval Too Brief', source: rfc3261('21.4.17') },
  { code: 480, reason: 'Temporarily Unavailable', source: rfc3261('21.4.18') },
  { code: 481, reason: 'Call/Transaction Does Not Exist', source: rfc3261('21.4.19') },
  { code: 482, reason: 'Loop Detected', source: rfc3261('21.4.20') },
  { code: 483, reason: 'Too Many Hops', source: rfc3261('21.4.21') },
  { code: 484, reason: 'Address Incomplete', source: rfc3261('21.4.22') },
  { code: 485, reason: 'Ambiguous', source: rfc3261('21.4.23') },
  { code: 486, reason: 'Busy Here', source: rfc3261('21.4.24'), note: 'the callee is busy: a reply, so never diverted to survival' },
  { code: 487, reason: 'Request Terminated', source: rfc3261('21.4.25'), note: 'the caller cancelled (CANCEL)' },
  { code: 488, reason: 'Not Acceptable Here', source: rfc3261('21.4.26') },
  { code: 491, reason: 'Request Pending', source: rfc3261('21.4.27') },
  { code: 493, reason: 'Undecipherable', source: rfc3261('21.4.28') },
  { code: 500, reason: 'Server Internal Error', source: rfc3261('21.5.1') },
  { code: 501, reason: 'Not Implemented', source: rfc3261('21.5.2') },
  { code: 502, reason: 'Bad Gateway', source: rfc3261('21.5.3') },
  { code: 503, reason: 'Service Unavailable', source: rfc3261('21.5.4'), note: 'the server is overloaded or its own trunks are down' },
  { code: 504, reason: 'Server Time-out', source: rfc3261('21.5.5') },
  { code: 505, reason: 'Version Not Supported', source: rfc3261('21.5.6') },
  { code: 513, reason: 'Message Too Large', source: rfc3261('21.5.7') },
  { code: 600, reason: 'Busy Everywhere', source: rfc3261('21.6.1') },
  { code: 603, reason: 'Decline', source: rfc3261('21.6.2') },
  { code: 604, reason: 'Does Not Exist Anywhere', source: rfc3261('21.6.3') },
  { code: 606, reason: 'Not Acceptable', source: rfc3261('21.6.4') },
];

export const replyCodes: ReadonlyMap<number, ReplyCode> = new Map(list.map((c) => [c.code, c]));

export interface ReplyClass {
  readonly digit: number;
  readonly name: string;
  readonly source: string;
}

export const replyClasses: ReadonlyMap<number, ReplyClass> = new Map([
  [1, { digit: 1, name: 'Provisional', source: rfc3261('21.1') }],
  [2, { digit: 2, name: 'Successful', source: rfc3261('21.2') }],
  [3, { digit: 3, name: 'Redirection', source: rfc3261('21.3') }],
  [4, { digit: 4, name: 'Request Failure', source: rfc3261('21.4') }],
  [5, { digit: 5, name: 'Server Failure', source: rfc3261('21.5') }],
  [6, { digit: 6, name: 'Global Failure', source: rfc3261('21.6') }],
]);

/** Codes of one class (`4` → 400..499), ascending. */
export function codesOfClass(digit: number): ReplyCode[] {
  return list.filter((c) => Math.floor(c.code / 100) === digit);
}

/** Every known code, ascending. */
export function allReplyCodes(): readonly ReplyCode[] {
  return list;
}

/** Markdown for a code (`181`) or a class (`4xx`); undefined when unknown. */
export function replyMarkdown(text: string): string | undefined {
  const cls = /^([1-9])xx$/.exec(text);
  if (cls) {
    const c = replyClasses.get(Number(cls[1]));
    if (!c) return undefined;
    // The codes that matter for survival first, then the rest in order.
    const codes = codesOfClass(c.digit);
    const examples = [...codes.filter((r) => r.note), ...codes.filter((r) => !r.note)].slice(0, 6).map((r) => `${r.code} ${r.reason}`).join(', ');
    return `**${text}** ${c.name} (${c.source})\n\nEvery final reply from ${c.digit}00 to ${c.digit}99${examples ? `, e.g. ${examples}` : ''}.`;
  }
  if (!/^\d{3}$/.test(text)) return undefined;
  const code = Number(text);
  const known = replyCodes.get(code);
  if (known) return `**${known.code} ${known.reason}** (${known.source})${known.note ? `\n\n${capitalise(known.note)}.` : ''}`;
  const c = replyClasses.get(Math.floor(code / 100));
  return c ? `**${code}**: an unregistered ${c.digit}xx code (${c.name}, ${c.source})` : undefined;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
