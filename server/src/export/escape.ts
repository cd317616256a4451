// Every user string that reaches kamailio.cfg, a SIP header or a shell script passes
// through here. The parser already restricts most of them; these checks stand at the
// sink anyway, so a model built some other way (or a parser bug) cannot inject text.
// A value that fails is refused with ExportError, never silently altered.
import { ExportError } from './types.js';

/** surv names: an ASCII letter or `_`, then letters, digits, `_`, `-` (docs/language.md). */
const namePattern = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
/** Numbers are digits, optionally led by `+` (an empty prefix is allowed where noted). */
const numberPattern = /^\+?[0-9]{1,32}$/;
const ipv4Pattern = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$/;
const ipv6Pattern = /^[0-9A-Fa-f:.]{2,45}$/;
/** A DNS name: labels of letters, digits and inner hyphens. */
const hostnamePattern = /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

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
  if (!Number.isInteger(ms) || ms < 0 || ms > 2_000_000_000) throw new ExportError(`${what}: ${ms} ms is not a usable duration`);
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
 * A SIP reason phrase or other text put into a reply: printable characters only (no
 * CR, LF or other controls, so it cannot end the status line), at most 128 of them.
 */
export function checkReason(text: string, what: string): string {
  if (text.length === 0 || text.length > 128) throw new ExportError(`${what}: the text must have 1 to 128 characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(text)) throw new ExportError(`${what} ${JSON.stringify(text)} holds a control character (CR, LF, tab...)`);
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
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(text)) throw new ExportError(`${JSON.stringify(text)} cannot be written into kamailio.cfg: it holds a control character`);
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

/** One comment line's text: printable, no line breaks, shortened to `max` characters. */
export function commentText(text: string, max = 110): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
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
