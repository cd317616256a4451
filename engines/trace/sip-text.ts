// SIP text -> the simulator's parsed messages: what crossed a real wire (a replay's
// sockets, a capture) read with the `sip` package into the fields the simulator's actors
// act on and its renderers draw, so a message seen and a message simulated are one type.
import type { Msg, NameAddr, Transport, Via } from '../simulate/message.js';
import { parse, type Aor } from '../simulate/sip.js';

/** The values of header `name` in `text` (long names: Kamailio and the `sip` package write those). */
export function headerValues(text: string, name: string): string[] {
  const out: string[] = [];
  const end = text.indexOf('\r\n\r\n');
  const head = end === -1 ? text : text.slice(0, end);
  const wanted = name.toLowerCase();
  for (const line of head.split('\r\n').slice(1)) {
    const i = line.indexOf(':');
    if (i > 0 && line.slice(0, i).trim().toLowerCase() === wanted) out.push(line.slice(i + 1).trim());
  }
  return out;
}

/** Splits a header value at the commas between its entries (not those inside <> or quotes). */
export function splitEntries(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '<') depth++;
    else if (!quoted && c === '>') depth--;
    else if (!quoted && depth === 0 && c === ',') {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = value.slice(start).trim();
  if (last !== '') out.push(last);
  return out;
}

/** Every entry of a name-addr list header (Route, Record-Route, Path), top first; undefined when absent. */
function entries(text: string, name: string): string[] | undefined {
  const values = headerValues(text, name).flatMap(splitEntries);
  return values.length > 0 ? values : undefined;
}

const transports: readonly string[] = ['UDP', 'TCP', 'TLS'];

/**
 * A Via as the actors hold it. The simulator's Via keeps only the branch and a bare
 * `rport`; whatever else Kamailio wrote (`received`, `rport=PORT`) rides in `sentBy`, so a
 * reply echoes the Via as it came (parameter order aside).
 */
function via(v: { protocol: string; host: string; port?: number; params: Record<string, string | null | undefined> }): Via {
  const protocol = v.protocol.toUpperCase();
  if (!transports.includes(protocol)) throw new Error(`unsupported Via transport ${v.protocol}`);
  let extra = '';
  for (const [k, value] of Object.entries(v.params)) {
    if (k === 'branch' || value === undefined) continue;
    extra += `;${k}${value === null ? '' : `=${value}`}`;
  }
  return { transport: protocol as Transport, sentBy: `${v.host}${v.port ? `:${v.port}` : ''}${extra}`, branch: String(v.params['branch'] ?? ''), rport: false };
}

function unquote(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const trimmed = name.trim().replace(/^"(.*)"$/, '$1');
  return trimmed === '' ? undefined : trimmed;
}

function nameAddr(a: Aor): NameAddr {
  const tag = a.params['tag'];
  const expires = a.params['expires'];
  return {
    uri: a.uri, name: unquote(a.name),
    ...(typeof tag === 'string' ? { tag } : {}),
    ...(typeof expires === 'string' ? { expires: Number(expires) } : {}),
  };
}

/** Parses one datagram into the simulator's message form. Throws on text that is not SIP. */
export function fromWire(text: string): Msg {
  const p = parse(text);
  const h = p.headers;
  const num = (name: string): number | undefined => {
    const v = headerValues(text, name)[0];
    return v === undefined || !/^\d+$/.test(v) ? undefined : Number(v);
  };
  const contact = Array.isArray(h.contact) ? h.contact.map(nameAddr) : undefined;
  return {
    method: p.status === undefined ? p.method : undefined,
    uri: p.status === undefined ? p.uri : undefined,
    status: p.status,
    reason: p.status === undefined ? undefined : p.reason,
    via: h.via.map(via),
    maxForwards: num('Max-Forwards'),
    route: entries(text, 'Route'),
    recordRoute: entries(text, 'Record-Route'),
    from: nameAddr(h.from),
    to: nameAddr(h.to),
    callId: h['call-id'],
    cseq: Number(h.cseq.seq),
    cseqMethod: h.cseq.method,
    contact: contact && contact.length > 0 ? contact : undefined,
    path: entries(text, 'Path'),
    supported: headerValues(text, 'Supported')[0],
    expires: num('Expires'),
    pai: headerValues(text, 'P-Asserted-Identity')[0],
    privacy: headerValues(text, 'Privacy')[0],
  };
}

/** The first Contact URI of a message's text (`<sip:...>` unwrapped), for the comparison. */
export function contactOf(text: string): string | undefined {
  const first = headerValues(text, 'Contact').flatMap(splitEntries)[0];
  if (first === undefined) return undefined;
  const m = /<([^>]*)>/.exec(first);
  return m ? m[1] : first.split(';')[0]!.trim();
}
