import type { Span } from './ast.js';

export interface DecodedString {
  readonly value: string;
  readonly terminated: boolean;
  readonly badEscapes: readonly Span[];
}

const escapes: Record<string, string> = { '"': '"', '\\': '\\', n: '\n', r: '\r', t: '\t' };

/**
 * Decodes a string token's image; `start` is the token's offset, so bad escapes
 * can be reported where they stand.
 */
export function decodeString(image: string, start: number): DecodedString {
  const terminated = image.length >= 2 && image.endsWith('"') && !isEscapedQuote(image);
  const body = image.slice(1, terminated ? -1 : undefined);
  let value = '';
  const badEscapes: Span[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch !== '\\') {
      value += ch;
      continue;
    }
    const next = body[i + 1];
    const decoded = next === undefined ? undefined : escapes[next];
    if (decoded === undefined) {
      const offset = start + 1 + i;
      badEscapes.push({ start: offset, end: offset + (next === undefined ? 1 : 2) });
      if (next !== undefined) value += next;
    } else {
      value += decoded;
    }
    i++;
  }
  return { value, terminated, badEscapes };
}

/** True when the final quote is the escaped one of `"abc\"` (so the string is open). */
function isEscapedQuote(image: string): boolean {
  let backslashes = 0;
  for (let i = image.length - 2; i >= 1 && image[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 1;
}

// One definition of the characters no text surv writes may carry, shared by the
// checker (SURV053), the exporter's sinks (engines/export/escape.ts) and the CLI's
// terminal sink, so check and export can never disagree about a string.

/** Why a character is unsafe: each kind is refused for its own reason. */
export type UnsafeKind = 'control' | 'line separator' | 'bidi' | 'invisible' | 'surrogate';

const c0Names = [
  'NULL', 'START OF HEADING', 'START OF TEXT', 'END OF TEXT', 'END OF TRANSMISSION', 'ENQUIRY', 'ACKNOWLEDGE', 'BELL',
  'BACKSPACE', 'CHARACTER TABULATION', 'LINE FEED', 'LINE TABULATION', 'FORM FEED', 'CARRIAGE RETURN', 'SHIFT OUT', 'SHIFT IN',
  'DATA LINK ESCAPE', 'DEVICE CONTROL ONE', 'DEVICE CONTROL TWO', 'DEVICE CONTROL THREE', 'DEVICE CONTROL FOUR',
  'NEGATIVE ACKNOWLEDGE', 'SYNCHRONOUS IDLE', 'END OF TRANSMISSION BLOCK', 'CANCEL', 'END OF MEDIUM', 'SUBSTITUTE', 'ESCAPE',
  'FILE SEPARATOR', 'GROUP SEPARATOR', 'RECORD SEPARATOR', 'UNIT SEPARATOR',
];

const c1Names = [
  'PADDING CHARACTER', 'HIGH OCTET PRESET', 'BREAK PERMITTED HERE', 'NO BREAK HERE', 'INDEX', 'NEXT LINE',
  'START OF SELECTED AREA', 'END OF SELECTED AREA', 'CHARACTER TABULATION SET', 'CHARACTER TABULATION WITH JUSTIFICATION',
  'LINE TABULATION SET', 'PARTIAL LINE FORWARD', 'PARTIAL LINE BACKWARD', 'REVERSE LINE FEED', 'SINGLE SHIFT TWO',
  'SINGLE SHIFT THREE', 'DEVICE CONTROL STRING', 'PRIVATE USE ONE', 'PRIVATE USE TWO', 'SET TRANSMIT STATE',
  'CANCEL CHARACTER', 'MESSAGE WAITING', 'START OF GUARDED AREA', 'END OF GUARDED AREA', 'START OF STRING',
  'SINGLE GRAPHIC CHARACTER INTRODUCER', 'SINGLE CHARACTER INTRODUCER', 'CONTROL SEQUENCE INTRODUCER', 'STRING TERMINATOR',
  'OPERATING SYSTEM COMMAND', 'PRIVACY MESSAGE', 'APPLICATION PROGRAM COMMAND',
];

/** The format characters refused besides the controls, with their Unicode names. */
const formatCharacters: ReadonlyMap<number, readonly [UnsafeKind, string]> = new Map([
  [0x2028, ['line separator', 'LINE SEPARATOR']],
  [0x2029, ['line separator', 'PARAGRAPH SEPARATOR']],
  [0x061c, ['bidi', 'ARABIC LETTER MARK']],
  [0x200e, ['bidi', 'LEFT-TO-RIGHT MARK']],
  [0x200f, ['bidi', 'RIGHT-TO-LEFT MARK']],
  [0x202a, ['bidi', 'LEFT-TO-RIGHT EMBEDDING']],
  [0x202b, ['bidi', 'RIGHT-TO-LEFT EMBEDDING']],
  [0x202c, ['bidi', 'POP DIRECTIONAL FORMATTING']],
  [0x202d, ['bidi', 'LEFT-TO-RIGHT OVERRIDE']],
  [0x202e, ['bidi', 'RIGHT-TO-LEFT OVERRIDE']],
  [0x2066, ['bidi', 'LEFT-TO-RIGHT ISOLATE']],
  [0x2067, ['bidi', 'RIGHT-TO-LEFT ISOLATE']],
  [0x2068, ['bidi', 'FIRST STRONG ISOLATE']],
  [0x2069, ['bidi', 'POP DIRECTIONAL ISOLATE']],
  [0x200b, ['invisible', 'ZERO WIDTH SPACE']],
  [0x200c, ['invisible', 'ZERO WIDTH NON-JOINER']],
  [0x200d, ['invisible', 'ZERO WIDTH JOINER']],
  [0x2060, ['invisible', 'WORD JOINER']],
  [0xfeff, ['invisible', 'ZERO WIDTH NO-BREAK SPACE']],
  [0x00ad, ['invisible', 'SOFT HYPHEN']],
  [0x180e, ['invisible', 'MONGOLIAN VOWEL SEPARATOR']],
]);

/**
 * Every unsafe character (global: for `replace`). A lone surrogate is in it because it
 * has no UTF-8 form: written to a file it would silently become U+FFFD.
 */
// eslint-disable-next-line no-control-regex
export const unsafeCharacters = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** True when `char` (one code point, or one lone surrogate) is an unsafe character. */
export function isUnsafeCharacter(char: string): boolean {
  unsafeCharacters.lastIndex = 0;
  const match = unsafeCharacters.exec(char);
  unsafeCharacters.lastIndex = 0;
  return match !== null && match[0] === char;
}

export interface UnsafeCharacter {
  /** Offset of the character in the text (UTF-16). */
  readonly index: number;
  readonly codePoint: number;
  readonly kind: UnsafeKind;
  /** `U+202E RIGHT-TO-LEFT OVERRIDE`. */
  readonly name: string;
}

/** `U+000D CARRIAGE RETURN` for an unsafe character's code point. */
export function characterName(codePoint: number): string {
  const hex = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  const name = codePoint < 0x20 ? c0Names[codePoint]
    : codePoint === 0x7f ? 'DELETE'
      : codePoint >= 0x80 && codePoint < 0xa0 ? c1Names[codePoint - 0x80]
        : codePoint >= 0xd800 && codePoint <= 0xdfff ? 'UNPAIRED SURROGATE'
          : formatCharacters.get(codePoint)?.[1];
  return name === undefined ? hex : `${hex} ${name}`;
}

function kindOf(codePoint: number): UnsafeKind {
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return 'surrogate';
  return formatCharacters.get(codePoint)?.[0] ?? 'control';
}

/** The first unsafe character of `text`, or undefined when there is none. */
export function firstUnsafeCharacter(text: string): UnsafeCharacter | undefined {
  unsafeCharacters.lastIndex = 0;
  const match = unsafeCharacters.exec(text);
  unsafeCharacters.lastIndex = 0;
  if (!match) return undefined;
  const codePoint = match[0].charCodeAt(0);
  return { index: match.index, codePoint, kind: kindOf(codePoint), name: characterName(codePoint) };
}

/** A reason phrase is 1 to this many characters (code points). */
export const maxTextLength = 128;

/** What is wrong with a text bound for SIP or a generated file, or undefined when nothing is. */
export type TextProblem =
  | { readonly code: 'SURV053'; readonly character: UnsafeCharacter; readonly message: string }
  | { readonly code: 'SURV063'; readonly length: number; readonly message: string };

const why: Record<UnsafeKind, string> = {
  control: 'it would break or inject into the SIP message',
  'line separator': 'it would break lines in kamailio.cfg, logs and editors',
  bidi: 'it would make the text display in another order than it is sent',
  invisible: 'it is invisible, so what is sent would differ from what is read',
  surrogate: 'it is no character at all and has no UTF-8 form',
};

const article: Record<UnsafeKind, string> = {
  control: 'a control character', 'line separator': 'a line separator', bidi: 'a bidirectional control',
  invisible: 'an invisible character', surrogate: 'an unpaired surrogate',
};

/**
 * Checks a text that reaches a SIP header or a generated file (a reason phrase):
 * `what` names it in the message (`the announcement text`).
 */
export function textProblem(text: string, what: string): TextProblem | undefined {
  const bad = firstUnsafeCharacter(text);
  if (bad) return { code: 'SURV053', character: bad, message: `${what} contains ${article[bad.kind]} (${bad.name}): ${why[bad.kind]}` };
  const length = [...text].length;
  if (length === 0) return { code: 'SURV063', length, message: `${what} is empty: a reason phrase needs 1 to ${maxTextLength} characters` };
  if (length > maxTextLength) return { code: 'SURV063', length, message: `${what} has ${length} characters: a reason phrase holds at most ${maxTextLength}` };
  return undefined;
}

// The bounds of what the exporter writes into kamailio.cfg (engines/export/escape.ts
// enforces them at the sink; validate/branch.ts reports them as SURV033), kept here so
// the two read the same numbers.

/** A surv name in kamailio.cfg (variables, log lines): at most this many characters. */
export const maxExportNameLength = 64;
/** A dialled number, extension or prefix: at most this many digits (a leading + aside). */
export const maxExportDigits = 32;
/** A duration Kamailio keeps in a 32-bit int of milliseconds. */
export const maxExportMs = 2_000_000_000;

/** The longest TLS file path the export writes into kamailio.cfg's tls parameters. */
export const maxTlsPathLength = 255;

/**
 * Why `path` cannot be a file of `tls { }` (undefined when it can): Kamailio reads it on
 * the router, so it is absolute; the export writes it into kamailio.cfg's tls parameters, and
 * a plain path (letters, digits and `. _ / + @ -`) needs no escaping there or in a shell.
 */
export function tlsPathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return `'${path}' is not an absolute path: Kamailio opens it on the router, so it starts with / (e.g. "/etc/kamailio/tls/cert.pem")`;
  const bad = /[^A-Za-z0-9._/+@-]/.exec(path);
  if (bad) return `contains ${JSON.stringify(bad[0])}: a TLS file path may hold letters, digits and . _ / + @ - only`;
  if (path.length > maxTlsPathLength) return `has ${path.length} characters: the export writes at most ${maxTlsPathLength}`;
  if (path.endsWith('/')) return `'${path}' is a folder: name the file`;
  return undefined;
}

/** A DNS name: labels of letters, digits and inner hyphens, 63 characters a label, 253 in all. */
export const dnsNamePattern = /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
