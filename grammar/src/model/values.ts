// Literal values -> typed values. Each conversion reports its own problem at the
// literal; the reporter drops repeats, so a profile used by 300 branches is judged
// once, where it is written.
import ipaddr from 'ipaddr.js';
import sip from 'sip';
import type { Span, Value } from '../ast.js';
import { textProblem, tlsPathProblem } from '../strings.js';
import type { Reporter } from './reporter.js';
import type { GatewayKindName, HostPort, Network, NumberPattern, PlatformName, SipTarget, TransportName } from './types.js';

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function describe(v: Value): string {
  const what: Record<Value['type'], string> = {
    name: 'name', keyword: 'keyword', number: 'number', duration: 'duration', address: 'address',
    uri: 'SIP URI', string: 'string', class: 'reply class', percent: 'percentage', pattern: 'number pattern',
  };
  return `${what[v.type]} '${v.text}'`;
}

function sub(v: Value, from: number, to: number): Span {
  return { start: v.start + from, end: v.start + to };
}

export class Values {
  /**
   * Conversions report against `uri`, the file the literals are written in; `at`
   * gives the converter for another file (sharing the cache).
   */
  constructor(
    private readonly reporter: Reporter,
    private readonly uri: string,
    /** SIP URI parses (the costly ones), by text, when they reported nothing. */
    private readonly parsed = new Map<string, unknown>(),
  ) {}

  at(uri: string): Values {
    return uri === this.uri ? this : new Values(this.reporter, uri, this.parsed);
  }

  /**
   * Remembers a clean result by its text: a fleet repeats the same profile URIs in
   * every branch.
   * A result that reported something is not remembered, so its report is made
   * again wherever the same text stands.
   */
  private byText<T>(key: string, convert: () => T): T {
    if (this.parsed.has(key)) return this.parsed.get(key) as T;
    const before = this.reporter.count;
    const result = convert();
    if (this.reporter.count === before) this.parsed.set(key, result);
    return result;
  }

  private invalid(v: Value, message: string, code = 'SURV026', span: Span = v, replacements?: string[]): undefined {
    this.reporter.error(code, message, this.uri, span, replacements ? { data: { replacements } } : undefined);
    return undefined;
  }

  durationMs(v: Value | undefined): number | undefined {
    if (!v) return undefined;
    if (v.type === 'number' && /^\d+$/.test(v.text)) {
      return this.invalid(v, `'${v.text}' needs a unit: ${v.text}s or ${v.text}ms`, 'SURV025', v, [`${v.text}s`, `${v.text}ms`]);
    }
    if (v.type !== 'duration') return this.invalid(v, `expected a duration such as 10s, found ${describe(v)}`, 'SURV025');
    const match = /^(\d+)([A-Za-z][A-Za-z0-9_]*)$/.exec(v.text);
    const unit = match?.[2] ?? '';
    // Own keys only: `60toString` must not find Object.prototype.toString.
    const factor = Object.hasOwn(units, unit) ? units[unit] : undefined;
    if (!match || factor === undefined) {
      return this.invalid(v, `unknown unit '${unit}' in '${v.text}': use ms, s, m or h`, 'SURV025');
    }
    return Number(match[1]) * factor;
  }

  /** A whole number in [min, max]. */
  integer(v: Value | undefined, what: string, min: number, max: number): number | undefined {
    if (!v) return undefined;
    if (v.type !== 'number' || !/^\d+$/.test(v.text)) return this.invalid(v, `expected ${what} (a whole number), found ${describe(v)}`);
    const n = Number(v.text);
    if (n < min || n > max) return this.invalid(v, `${what} must be between ${min} and ${max}, not ${v.text}`);
    return n;
  }

  /** A count of a `limits` block: a whole number in [min, max]. */
  limitCount(v: Value | undefined, what: string, min: number, max: number): number | undefined {
    if (!v) return undefined;
    if (v.type !== 'number' || !/^\d+$/.test(v.text)) return this.invalid(v, `expected ${what} (a whole number), found ${describe(v)}`, 'SURV062');
    const n = Number(v.text);
    if (n < min || n > max) return this.invalid(v, `${what} must be between ${min} and ${max}, not ${v.text}`, 'SURV062');
    return n;
  }

  /** A duration of a `limits` block, in whole seconds within [minS, maxS]: Kamailio takes seconds there. */
  limitSeconds(v: Value | undefined, what: string, minS: number, maxS: number): number | undefined {
    const ms = this.durationMs(v);
    if (!v || ms === undefined) return undefined;
    if (ms % 1000 !== 0 || ms < minS * 1000 || ms > maxS * 1000) {
      return this.invalid(v, `${what} must be whole seconds from ${formatSeconds(minS)} to ${formatSeconds(maxS)}, not ${v.text}`, 'SURV062');
    }
    return ms / 1000;
  }

  /** A dialable number or extension kept as text (`091` stays `091`). */
  digits(v: Value | undefined, what: string): string | undefined {
    if (!v) return undefined;
    if (v.type !== 'number') return this.invalid(v, `expected ${what} (digits, optionally led by +), found ${describe(v)}`, 'SURV061');
    return v.text;
  }

  /** A number, or digits then Xs (`9441231XX`), each X any digit. */
  numberPattern(v: Value | undefined, what: string): NumberPattern | undefined {
    if (!v) return undefined;
    if (v.type === 'pattern') {
      const x = v.text.indexOf('X');
      return { prefix: v.text.slice(0, x), digits: v.text.length - x };
    }
    if (v.type !== 'number') return this.invalid(v, `expected ${what} (digits, optionally led by +, with Xs at the end for any digits), found ${describe(v)}`, 'SURV061');
    return { prefix: v.text, digits: 0 };
  }

  /** A SIP reply code 100-699. */
  replyCode(v: Value | undefined): number | undefined {
    return this.integer(v, 'a SIP reply code', 100, 699);
  }

  transport(v: Value | undefined): TransportName | undefined {
    if (!v) return undefined;
    if (v.text === 'udp' || v.text === 'tcp' || v.text === 'tls') return v.text;
    return this.invalid(v, `expected a transport (udp, tcp or tls), found ${describe(v)}`);
  }

  /** A file of `tls { }`: a quoted absolute path the export writes as it is. */
  tlsPath(v: Value | undefined, what: string): string | undefined {
    if (!v) return undefined;
    if (v.type !== 'string') return this.invalid(v, `expected the ${what} file as a quoted absolute path such as "/etc/kamailio/tls/${what}.pem", found ${describe(v)}`, 'SURV018');
    const problem = tlsPathProblem(v.text);
    return problem === undefined ? v.text : this.invalid(v, `the ${what} file ${problem}`, 'SURV018');
  }

  platform(v: Value | undefined): PlatformName | undefined {
    if (!v) return undefined;
    if (v.text === 'edgeos' || v.text === 'debian' || v.text === 'openwrt') return v.text;
    return this.invalid(v, `expected a router platform (edgeos, debian or openwrt), found ${describe(v)}`);
  }

  /** A POSIX login name: it goes into an Ansible inventory and an ssh command line as it is. */
  loginName(v: Value | undefined): string | undefined {
    if (!v) return undefined;
    if (v.type === 'name' && /^[a-z_][a-z0-9_-]{0,31}$/.test(v.text)) return v.text;
    return this.invalid(v, `expected an SSH user name (lower-case letters, digits, '_' and '-', at most 32, not starting with a digit or '-'), found ${describe(v)}`);
  }

  gatewayKind(v: Value | undefined): GatewayKindName | undefined {
    if (!v) return undefined;
    if (v.text === 'bri' || v.text === 'pri' || v.text === 'fxo' || v.text === 'trunk') return v.text;
    return this.invalid(v, `expected a gateway kind (bri, pri, fxo or trunk), found ${describe(v)}`);
  }

  percent(v: Value | undefined): number | undefined {
    if (!v) return undefined;
    if (v.type !== 'percent') return this.invalid(v, `expected a percentage such as 5%, found ${describe(v)}`);
    const n = Number(v.text.slice(0, -1));
    if (n > 100) return this.invalid(v, `a loss rate cannot exceed 100%, not ${v.text}`);
    return n;
  }

  /** An IP address with an optional port (`10.0.0.1:5060`, `[2001:db8::1]:5060`, `2001:db8::1`). */
  hostPort(v: Value | undefined, defaultPort: number): HostPort | undefined {
    if (!v) return undefined;
    if (v.type !== 'address') return this.invalid(v, `expected an IP address, found ${describe(v)}`, 'SURV020');
    if (v.text.includes('/')) {
      const slash = v.text.indexOf('/');
      return this.invalid(v, 'a prefix length is not allowed here: this is one host, not a network', 'SURV020', v, [v.text.slice(0, slash)]);
    }
    let host = v.text;
    let portText: string | undefined;
    let portAt = 0;
    if (host.startsWith('[')) {
      const close = host.indexOf(']');
      portText = host.length > close + 1 ? host.slice(close + 2) : undefined;
      portAt = close + 2;
      host = host.slice(1, close);
    } else if (!host.includes('::') && host.split(':').length === 2) {
      const colon = host.indexOf(':');
      portText = host.slice(colon + 1);
      portAt = colon + 1;
      host = host.slice(0, colon);
    }
    const hostAt = v.text.startsWith('[') ? 1 : 0;
    const ip = this.ip(v, host, hostAt);
    if (!ip || this.special(ip, sub(v, hostAt, hostAt + host.length))) return undefined;
    let port = defaultPort;
    if (portText !== undefined) {
      port = Number(portText);
      if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
        return this.invalid(v, `port ${portText} is out of range (1-65535)`, 'SURV023', sub(v, portAt, portAt + portText.length));
      }
    }
    return { address: ip.address, family: ip.family, port };
  }

  private ip(v: Value, text: string, at: number): { address: string; family: 4 | 6; parsed: ipaddr.IPv4 | ipaddr.IPv6 } | undefined {
    const span = sub(v, at, at + text.length);
    if (text.includes(':')) {
      if (!ipaddr.IPv6.isValid(text)) return this.invalid(v, `'${text}' is not an IPv6 address`, 'SURV020', span);
      // ipaddr.js takes any form of IPv4 (hex, octal) after the last colon: only dotted decimal passes here.
      const embedded = text.includes('.') ? text.slice(text.lastIndexOf(':') + 1) : undefined;
      if (embedded !== undefined) {
        const problem = ipv4Problem(embedded);
        if (problem === 'leading-zero') return this.leadingZero(v, text, span);
        if (problem) return this.invalid(v, `'${text}' is not an IPv6 address: the IPv4 part after the last ':' must be four decimal parts 0-255`, 'SURV020', span);
      }
      const parsed = ipaddr.IPv6.parse(text);
      return { address: parsed.toString(), family: 6, parsed };
    }
    const problem = ipv4Problem(text);
    if (problem === 'leading-zero') return this.leadingZero(v, text, span);
    if (problem) return this.invalid(v, `'${text}' is not an IPv4 address: ${problem}`, 'SURV020', span);
    // Built from the decimal parts: ipaddr.IPv4.parse would read a leading zero as octal.
    const parsed = new ipaddr.IPv4(text.split('.').map(Number));
    return { address: parsed.toString(), family: 4, parsed };
  }

  private leadingZero(v: Value, text: string, span: Span): undefined {
    const fixed = withoutLeadingZeros(text);
    return this.invalid(v, `address ${text} has an octet with a leading zero; write ${fixed} (surv never reads octets as octal)`, 'SURV027', span, [fixed]);
  }

  /** Refuses an address that is not one host a SIP message can be sent to or from. */
  private special(ip: { address: string; parsed: ipaddr.IPv4 | ipaddr.IPv6 }, span: Span): boolean {
    const kind = specialKind(ip.parsed);
    if (!kind) return false;
    this.reporter.error('SURV028', `${ip.address} is ${specialText(ip.address, kind)}, not one host: write the host's own address`, this.uri, span);
    return true;
  }

  /** A network in CIDR form; host bits set is a warning with the corrected network. */
  network(v: Value | undefined): Omit<Network, 'origin'> | undefined {
    if (!v) return undefined;
    if (v.type !== 'address') return this.invalid(v, `expected a network such as 10.0.0.0/24, found ${describe(v)}`, 'SURV020');
    const slash = v.text.indexOf('/');
    if (slash < 0 || v.text.startsWith('[')) {
      const suggested = `${v.text.replace(/^\[|\].*$/g, '')}/${v.text.includes(':') ? 64 : 24}`;
      return this.invalid(v, `'${v.text}' needs a prefix length, such as ${suggested}`, 'SURV021', v, [suggested]);
    }
    const host = v.text.slice(0, slash);
    const ip = this.ip(v, host, 0);
    if (!ip) return undefined;
    const prefixText = v.text.slice(slash + 1);
    const prefix = Number(prefixText);
    const max = ip.family === 4 ? 32 : 128;
    if (!/^\d+$/.test(prefixText) || prefix > max) {
      return this.invalid(v, `prefix length /${prefixText} is out of range for IPv${ip.family} (0-${max})`, 'SURV021', sub(v, slash, v.text.length));
    }
    if (prefix === 0) {
      return this.invalid(v, `LAN ${v.text} covers every IPv${ip.family} address: the edge would trust every source as a phone of this branch; write the network the phones are in`, 'SURV029');
    }
    const networkAddress = networkOf(ip.parsed, prefix);
    // Refused only when the whole network lies in special space: 0.0.0.0/1 starts at 0.0.0.0 but is mostly hosts.
    const cidr = `${networkAddress}/${prefix}`;
    const last = ip.family === 4 ? ipaddr.IPv4.broadcastAddressFromCIDR(cidr) : ipaddr.IPv6.broadcastAddressFromCIDR(cidr);
    const kind = specialKind(last) ? specialKind(ipaddr.parse(networkAddress)) : undefined;
    if (kind) {
      const what = kind === 'multicast' ? 'a multicast network' : kind === 'broadcast' ? 'the broadcast address' : 'in the unspecified ("this network") range';
      return this.invalid(v, `LAN ${v.text} is ${what}: no phone sends from there; write the network the phones are in`, 'SURV028');
    }
    if (networkAddress !== ip.address) {
      const fixed = `${networkAddress}/${prefix}`;
      this.reporter.warning('SURV022', `host bits are set in '${v.text}': the network is ${fixed}`, this.uri, v, { data: { replacements: [fixed] } });
    }
    return { cidr: `${networkAddress}/${prefix}`, address: networkAddress, prefix, family: ip.family };
  }

  /** A SIP URI parsed by the `sip` package, plus our stricter checks. */
  sipUri(v: Value | undefined): SipTarget | undefined {
    if (!v) return undefined;
    return this.byText(`u ${v.type} ${v.text}`, () => {
      if (v.type !== 'uri') return this.invalid(v, `expected a SIP URI such as sip:pbx.example.com:5060, found ${describe(v)}`, 'SURV024');
      const host = uriHost(v.text);
      const hostSpan = host ? sub(v, host.at, host.at + host.text.length) : v;
      if (host) {
        const dotted = host.text.includes(':') ? (host.text.includes('.') ? host.text.slice(host.text.lastIndexOf(':') + 1) : undefined)
          : /^[\d.]+$/.test(host.text) ? host.text : undefined;
        // Same rule and code as every other address, so `sip:010.0.0.1` is not read as 8.0.0.1 either.
        if (dotted !== undefined && ipv4Problem(dotted) === 'leading-zero') return this.leadingZero(v, host.text, hostSpan);
      }
      const target = parseSipUri(v.text);
      if (typeof target === 'string') return this.invalid(v, `'${v.text}' is not a valid SIP URI: ${target}`, 'SURV024');
      if (ipaddr.isValid(target.host)) {
        const ip = ipaddr.parse(target.host);
        const kind = specialKind(ip);
        if (kind) {
          this.reporter.error('SURV028', `${target.host} is ${specialText(target.host, kind)}, not one host: write the host's own address`, this.uri, hostSpan);
          return undefined;
        }
      }
      return target;
    });
  }

  /** A string bound for a SIP header (a reason phrase): no control characters. */
  headerText(v: { readonly text: string } & Span, what: string): string | undefined {
    // The exporter refuses by the same rule (textProblem), so a clean check means it exports.
    const problem = textProblem(v.text, what);
    if (problem) {
      this.reporter.error(problem.code, problem.message, this.uri, v);
      return undefined;
    }
    return v.text;
  }
}

function formatSeconds(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/**
 * What is wrong with a dotted IPv4 text, or undefined when it is four decimal parts
 * 0-255 without leading zeros. ipaddr.js alone would take `10.1`, `0x0a.0.0.1` and
 * read `010` as octal 8.
 */
function ipv4Problem(text: string): string | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return 'an IPv4 address has four parts';
  if (!parts.every((p) => /^\d+$/.test(p) && Number(p) <= 255)) return 'each part must be 0-255';
  if (parts.some((p) => /^0\d/.test(p))) return 'leading-zero';
  return undefined;
}

/** `010.010.001.003` → `10.10.1.3`; in an IPv6 text only the IPv4 part after the last `:` changes. */
function withoutLeadingZeros(text: string): string {
  const colon = text.lastIndexOf(':');
  const v4 = text.slice(colon + 1).split('.').map((p) => String(Number(p))).join('.');
  return text.slice(0, colon + 1) + v4;
}

export type SpecialAddress = 'unspecified' | 'broadcast' | 'multicast';

/** Addresses that are not one host: unspecified (0.0.0.0/8, ::), broadcast, multicast (IPv4-mapped too). */
export function specialKind(ip: ipaddr.IPv4 | ipaddr.IPv6): SpecialAddress | undefined {
  if (ip.kind() === 'ipv6') {
    const v6 = ip as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) return specialKind(v6.toIPv4Address());
    const range = v6.range();
    return range === 'unspecified' || range === 'multicast' ? range : undefined;
  }
  const range = (ip as ipaddr.IPv4).range();
  return range === 'unspecified' || range === 'broadcast' || range === 'multicast' ? range : undefined;
}

function specialText(address: string, kind: SpecialAddress): string {
  if (kind === 'multicast') return 'a multicast address';
  if (kind === 'broadcast') return 'the broadcast address';
  return address === '0.0.0.0' || address === '::' ? 'the unspecified address' : 'in the unspecified range 0.0.0.0/8 ("this network")';
}

/** The network address of `ip/prefix` (host bits cleared), from the parsed bytes. */
function networkOf(ip: ipaddr.IPv4 | ipaddr.IPv6, prefix: number): string {
  if (ip.kind() === 'ipv4') {
    const mask = ipaddr.IPv4.subnetMaskFromPrefixLength(prefix);
    return new ipaddr.IPv4((ip as ipaddr.IPv4).octets.map((o, i) => o & (mask.octets[i] ?? 0))).toString();
  }
  const mask = ipaddr.IPv6.subnetMaskFromPrefixLength(prefix);
  return new ipaddr.IPv6((ip as ipaddr.IPv6).parts.map((p, i) => p & (mask.parts[i] ?? 0))).toString();
}

interface ParsedSipUri {
  schema: string;
  user?: string;
  host: string;
  port?: number | null;
  params: Record<string, string | null | undefined>;
}

/** The host of a `sip:`/`sips:` URI text (brackets of an IPv6 host left out) and its offset. */
function uriHost(text: string): { text: string; at: number } | undefined {
  const scheme = /^sips?:/i.exec(text);
  if (!scheme) return undefined;
  let at = scheme[0].length;
  const userEnd = text.indexOf('@', at);
  const paramStart = text.slice(at).search(/[;?]/);
  if (userEnd >= 0 && (paramStart < 0 || userEnd < at + paramStart)) at = userEnd + 1;
  if (text[at] === '[') {
    const close = text.indexOf(']', at);
    return close < 0 ? undefined : { text: text.slice(at + 1, close), at: at + 1 };
  }
  const end = text.slice(at).search(/[:;?]/);
  return { text: end < 0 ? text.slice(at) : text.slice(at, at + end), at };
}

/** Parses a SIP URI; returns a reason string when it is not acceptable. */
export function parseSipUri(text: string): SipTarget | string {
  // The sip package does not understand bracketed IPv6 hosts: swap in a placeholder.
  const v6 = /\[([0-9A-Fa-f:.]+)\]/.exec(text);
  const forParser = v6 ? text.replace(v6[0], 'ipv6.invalid') : text;
  let parsed: ParsedSipUri | undefined;
  try {
    parsed = (sip as unknown as { parseUri(s: string): ParsedSipUri | undefined }).parseUri(forParser);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !parsed.host) return 'it must look like sip:[user@]host[:port][;params]';
  let host = parsed.host;
  if (v6) {
    if (!ipaddr.IPv6.isValid(v6[1] ?? '')) return `'${v6[1] ?? ''}' is not an IPv6 address`;
    host = ipaddr.IPv6.parse(v6[1] ?? '').toString();
  } else if (/^[\d.]+$/.test(host) && !ipaddr.IPv4.isValidFourPartDecimal(host)) {
    return `'${host}' is not an IPv4 address`;
  } else if (!/^[\d.]+$/.test(host) && /(^|\.)(\d+|0x[0-9a-f]*)$/i.test(host)) {
    // No top-level domain is numeric: the resolver would read `0x7f.1` as the address 127.0.0.1.
    return `'${host}' is not an IPv4 address: write four decimal parts 0-255`;
  } else if (!/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(host)) {
    return `'${host}' is not a valid host name`;
  }
  // The sip package gives NaN (not undefined) for a URI without a port.
  const port = typeof parsed.port === 'number' && Number.isFinite(parsed.port) ? parsed.port : undefined;
  if (port !== undefined && (port < 1 || port > 65535)) return `port ${port} is out of range (1-65535)`;
  const transportParam = parsed.params['transport'];
  if (transportParam !== undefined && transportParam !== 'udp' && transportParam !== 'tcp' && transportParam !== 'tls') {
    return `transport=${String(transportParam)} is not udp, tcp or tls`;
  }
  const secure = parsed.schema === 'sips';
  return {
    uri: text, user: parsed.user, host, secure,
    port: port ?? (secure || transportParam === 'tls' ? 5061 : 5060),
    transportParam: transportParam ?? undefined,
  };
}
