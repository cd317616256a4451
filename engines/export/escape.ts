// Every user string that reaches kamailio.cfg, a SIP header or a shell script passes
// through here. The parser already restricts most of them; these checks stand at the
// sink anyway, so a model built some other way (or a parser bug) cannot inject text.
// A value that fails is refused with ExportError, never silently altered.
import {
  dnsNamePattern, firstUnsafeCharacter, maxExportDigits, maxExportMs, maxExportNameLength, textProblem, unsafeCharacters,
} from '../../grammar/src/strings.js';
import { ExportError } from './types.js';

/** surv names: an ASCII letter or `_`, then letters, digits, `_`, `-` (docs/language.md). */
const namePattern = new RegExp(`^[A-Za-z_][A-Za-z0-9_-]{0,${maxExportNameLength - 1}}$`);
/** Numbers are digits, optionally led by `+` (an empty prefix is allowed where noted). */
const numberPattern = new RegExp(`^\\+?[0-9]{1,${maxExportDigits}}$`);
const ipv4Pattern = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$/;
const ipv6Pattern = /^[0-9A-Fa-f:.]{2,45}$/;
const hostnamePattern = dnsNamePattern;

export function checkName(value: string, what: string): string {
  if (!namePattern.test(value)) throw new ExportError(`${what} ${JSON.stringify(value)} is not a valid surv name`);
  return value;
}

export function checkNumber(value: string, what: string): string {
  if (!numberPattern.test(value)) throw new ExportError(`${what} ${JSON.stringify(value)} is not a number (digits, optionally led by +)`);
  return value;
}

/** A rewrite prefix or match: a number, or nothing. */
export function checkDigitsOrEmpty(value: string, what: string): string {
  return value === '' ? value : checkNumber(value, what);
}

export function checkCode(code: number, low: number, high: number, what: string): number {
  if (!Number.isInteger(code) || code < low || code > high) throw new ExportError(`${what} ${code} is outside ${low}-${high}`);
  return code;
}

export function checkPort(port: number, what: string): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ExportError(`${what}: port ${port} is outside 1-65535`);
  return port;
}

/** A non-negative whole number of milliseconds that fits Kamailio's 32-bit ints. */
export function checkMs(ms: number, what: string): number {
  if (!Number.isInteger(ms) || ms < 0 || ms > maxExportMs) throw new ExportError(`${what}: ${ms} ms is not a usable duration`);
  return ms;
}

/** An IP address as the model writes it (canonical, IPv6 without brackets). */
export function checkIp(address: string, what: string): string {
  if (ipv4Pattern.test(address)) return address;
  if (address.includes(':') && ipv6Pattern.test(address)) return address;
  throw new ExportError(`${what}: ${JSON.stringify(address)} is not an IP address`);
}

/** A host for a SIP URI: an IP address or a DNS name. */
export function checkHost(host: string, what: string): string {
  if (ipv4Pattern.test(host) || hostnamePattern.test(host)) return host;
  if (host.includes(':') && ipv6Pattern.test(host)) return host;
  throw new ExportError(`${what}: ${JSON.stringify(host)} is not a host name or IP address`);
}

/** `host` or `[v6]`, then `:port` unless it is `omitPort`. */
export function hostPort(host: string, port: number | undefined, omitPort = 5060): string {
  const h = host.includes(':') ? `[${host}]` : host;
  return port === undefined || port === omitPort ? h : `${h}:${port}`;
}

/**
 * A SIP reason phrase or other text put into a reply: 1 to 128 characters, none of them
 * a control, line separator, bidi or invisible one. The checker applies the same rule
 * (SURV053, SURV063), so a design that checks clean never fails here.
 */
export function checkReason(text: string, what: string): string {
  const problem = textProblem(text, what);
  if (problem) throw new ExportError(problem.message);
  return text;
}

/**
 * A double-quoted string literal of kamailio.cfg. The cfg lexer turns `\\` and `\"`
 * back into one character; every other character is kept as it is (UTF-8 included).
 * Control characters are refused: they would reach SIP as CR/LF.
 *
 * The literal must only be used where Kamailio does NOT read it as a pseudo-variable
 * format (a custom cfg var's default value, a modparam): a `$` there is plain text.
 */
export function cfgString(text: string): string {
  const bad = firstUnsafeCharacter(text);
  if (bad) throw new ExportError(`${JSON.stringify(text)} cannot be written into kamailio.cfg: it holds ${bad.name}`);
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * A string literal that Kamailio parses as a format with pseudo-variables (xlog,
 * t_reply, append_to_reply...). Only text made by the exporter goes here; it must not
 * hold `$`, `\`, quotes or controls, so nothing in it can be read as a variable.
 */
export function cfgFormat(text: string): string {
  if (/[^\u0020-\u007e]|["\\$]/.test(text)) throw new ExportError(`internal: unsafe text for a cfg format: ${JSON.stringify(text)}`);
  return `"${text}"`;
}

/**
 * One comment line's text, shortened to `max` characters: line breaks and tabs become
 * spaces; any other unsafe character (ESC, bidi, zero-width) becomes a visible `\u202e`,
 * so a file name cannot reorder or hide what a reader of kamailio.cfg sees.
 */
export function commentText(text: string, max = 110): string {
  const flat = text
    .replace(unsafeCharacters, (c) => (/^[\t\n\v\f\r\u0085\u2028\u2029]$/.test(c) ? ' ' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))
    .replace(/\s+/g, ' ')
    .trim();
  // By code point, so the cut never leaves half a surrogate pair.
  const chars = [...flat];
  return chars.length > max ? `${chars.slice(0, max - 3).join('')}...` : flat;
}

/**
 * One line of a plain-text file (README.txt): every value in it is checked already, so
 * this is the last guard. Any unsafe character (grammar/src/strings.ts) becomes a visible
 * `\u202e`, so no line can hide, reorder or split what the reader sees.
 */
export function plainLine(text: string): string {
  return text.replace(unsafeCharacters, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** POSIX shell single quoting: nothing inside is expanded. */
export function shellQuote(text: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000]/.test(text)) throw new ExportError('a NUL character cannot be passed to the shell');
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A name for a Kamailio custom cfg variable, made of a prefix and a surv name. */
export function cfgVarName(prefix: string, name: string): string {
  const tail = checkName(name, 'name').toLowerCase().replace(/-/g, '_');
  return `${prefix}${tail}`;
}
