// Literal values -> typed values. Each conversion reports its own problem at the
// literal; the reporter drops repeats, so a profile used by 300 branches is judged
// once, where it is written.
import ipaddr from 'ipaddr.js';
import sip from 'sip';
import type { Span, Value } from '../ast.js';
import { controlCharacters } from '../strings.js';
import type { Reporter } from '../validate/reporter.js';
import type { GatewayKindName, HostPort, Network, SipTarget, TransportName } from './types.js';

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function describe(v: Value): string {
  const what: Record<Value['type'], string> = {
    name: 'name', keyword: 'keyword', number: 'number', duration: 'duration', address: 'address',
    uri: 'SIP URI', string: 'string', class: 'reply class', percent: 'percentage',
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
    const factor = units[unit];
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

  /** A dialable number or extension kept as text (`091` stays `091`). */
  digits(v: Value | undefined, what: string): string | undefined {
    if (!v) return undefined;
    if (v.type !== 'number') return this.invalid(v, `expected ${what} (digits, optionally led by +), found ${describe(v)}`, 'SURV061');
    return v.text;
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
    const ip = this.ip(v, host, v.text.startsWith('[') ? 1 : 0);
    if (!ip) return undefined;
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
      const parsed = ipaddr.IPv6.parse(text);
      return { address: parsed.toString(), family: 6, parsed };
    }
    // Only dotted-quad decimal: ipaddr.js would also take `10.1` or octal forms.
    const parts = text.split('.');
    if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) {
      const why = parts.length !== 4 ? 'an IPv4 address has four parts' : 'each part must be 0-255';
      return this.invalid(v, `'${text}' is not an IPv4 address: ${why}`, 'SURV020', span);
    }
    const parsed = ipaddr.IPv4.parse(text);
    return { address: parsed.toString(), family: 4, parsed };
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
    const networkAddress = networkOf(ip.parsed, prefix);
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
      const target = parseSipUri(v.text);
      if (typeof target === 'string') return this.invalid(v, `'${v.text}' is not a valid SIP URI: ${target}`, 'SURV024');
      return target;
    });
  }

  /** A string bound for a SIP header (a reason phrase): no control characters. */
  headerText(v: { readonly text: string } & Span, what: string): string | undefined {
    // RFC 3261's Reason-Phrase allows HTAB; every other control character is refused.
    const bad = controlCharacters.exec(v.text.replace(/\t/g, ' '));
    if (bad) {
      const code = bad[0].charCodeAt(0);
      const name = code === 13 ? 'CR' : code === 10 ? 'LF' : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
      this.reporter.error('SURV053', `${what} contains a control character (${name}): it would break or inject into the SIP message`, this.uri, v);
      return undefined;
    }
    return v.text;
  }
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
