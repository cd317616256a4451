// Recognising and framing SIP in raw bytes: does a payload start like a SIP message, and
// where does a message end in a TCP byte stream (RFC 3261 section 18.3: the head up to
// the blank line, then Content-Length bytes of body; `l` is its compact form).

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;

/** The longest start line looked at; a request URI longer than this is not worth reading. */
const maxStartLine = 2048;

/** RFC 3261 token characters (a method is a token). */
const tokenChar = new Uint8Array(256);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~") tokenChar[c.charCodeAt(0)] = 1;

const sipVersion = [0x53, 0x49, 0x50, 0x2f, 0x32, 0x2e, 0x30]; // "SIP/2.0"

function isVersionAt(buf: Uint8Array, at: number): boolean {
  for (let i = 0; i < 7; i++) if (buf[at + i] !== sipVersion[i]) return false;
  return true;
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

/**
 * Whether bytes `buf[at..end)` start with a SIP start line: `SIP/2.0 NNN ...` or
 * `METHOD uri SIP/2.0`, ended by CRLF (or a bare LF). Returns 1 (yes), 0 (no) or -1
 * (cannot tell yet: the line is not complete within `end`).
 */
export function startsLikeSip(buf: Uint8Array, at: number, end: number): 1 | 0 | -1 {
  const limit = Math.min(end, at + maxStartLine);
  if (end - at >= 8 && isVersionAt(buf, at) && buf[at + 7] === SP) {
    if (end - at < 12) return -1;
    return isDigit(buf[at + 8]) && isDigit(buf[at + 9]) && isDigit(buf[at + 10]) && buf[at + 11] === SP ? 1 : 0;
  }
  let i = at;
  while (i < limit && tokenChar[buf[i] as number] === 1) i++;
  if (i === at) return 0;
  if (i === limit) return limit === end && end - at < maxStartLine ? -1 : 0;
  if (buf[i] !== SP) return 0;
  // The line must end in " SIP/2.0": find its end, then look back.
  let eol = i + 1;
  while (eol < limit && buf[eol] !== LF) eol++;
  if (eol === limit) return limit === end && end - at < maxStartLine ? -1 : 0;
  const lineEnd = buf[eol - 1] === CR ? eol - 1 : eol;
  if (lineEnd - 8 <= i) return 0;
  return buf[lineEnd - 8] === SP && isVersionAt(buf, lineEnd - 7) ? 1 : 0;
}

/** A payload that is only line ends (a CRLF keep-alive, RFC 5626) or nothing. */
export function isKeepAlive(buf: Uint8Array, at: number, end: number): boolean {
  for (let i = at; i < end; i++) {
    const c = buf[i];
    if (c !== CR && c !== LF) return false;
  }
  return true;
}

/**
 * The first offset in `[from, end)` where a line starts that is a SIP start line, or -1.
 * A stream picked up mid-message finds its footing here. `lineStart` says whether
 * `from` itself is the start of a line.
 */
export function findSipStart(buf: Buffer, from: number, end: number, lineStart: boolean): number {
  let pos = from;
  if (!lineStart) {
    const lf = buf.indexOf(LF, from);
    if (lf < 0 || lf >= end) return -1;
    pos = lf + 1;
  }
  while (pos < end) {
    const verdict = startsLikeSip(buf, pos, end);
    if (verdict === 1) return pos;
    if (verdict === -1) return -1;
    const lf = buf.indexOf(LF, pos);
    if (lf < 0 || lf >= end) return -1;
    pos = lf + 1;
  }
  return -1;
}

const headEnd = Buffer.from('\r\n\r\n', 'latin1');

const lengthHeader = /^(?:content-length|l)[ \t]*:[ \t]*(\d{1,9})[ \t]*\r?$/im;

/**
 * Where the SIP message starting at `buf[start]` (which starts like SIP) ends, or -1
 * when more bytes are needed. `buf` ends where the stream's bytes end.
 */
export function frameMessage(buf: Buffer, start: number): number {
  const head = buf.indexOf(headEnd, start);
  if (head < 0) return -1;
  // latin1: one character per byte, so the header block's text is cheap and its offsets are bytes.
  const match = lengthHeader.exec(buf.toString('latin1', start, head));
  // RFC 3261 18.3 makes Content-Length mandatory on a stream; without it, assume no body
  // (what Kamailio does) rather than lose the message.
  const body = match ? Number(match[1]) : 0;
  const messageEnd = head + 4 + body;
  return messageEnd <= buf.length ? messageEnd : -1;
}
