// The actors exchange messages in parsed form and the trace renders their text lazily
// (engines/simulate/trace.ts). This holds the two together: for every message of every
// shipped example scenario (and TCP, REGISTER and loss runs), the `sip` package's parse of
// the rendered text says what the receiving actor acted on (an entry's `message` is the
// very object the engine delivered), and what the timeline and the ladder show of it,
// read from those facts, is what the text says.
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeMessage } from '../../../engines/diagram/scenario.js';
import { messageText } from '../../../engines/present/timeline.js';
import { simSteps } from '../../../io/replay/compare.js';
import { contactOf } from '../../../io/replay/wire.js';
import { simulate, type SimulationResult, type TraceEntry } from '../../../engines/simulate/index.js';
import { contactText, startLine } from '../../../engines/simulate/message.js';
import { parse } from '../../../engines/simulate/sip.js';
import { callIdOf, contactsOf, reasonOf, TraceRecord } from '../../../engines/simulate/trace.js';
import { load, root, simulateText } from './helpers.js';

const fleet = readdirSync(resolve(root, 'examples/petrol-stations')).filter((f) => f.endsWith('.surv')).map((f) => `examples/petrol-stations/${f}`);
const sets: readonly (readonly string[])[] = [
  ['examples/bilbao.surv'], ['examples/two-head-offices.surv'], ['examples/critical-branch.surv'], ['examples/ipv6-branch.surv'], fleet,
];

const custom = `branch b {
  edge listen udp 10.1.0.1:5060, tcp 10.1.0.1:5070
  lan 10.1.0.0/24
  gateway pstn { address 10.10.1.3  kind bri  channels 2 }
  upstream cloud { proxy sip:pbx.example.com:5060;transport=tcp }
  upstream backup { proxy sip:pbx2.example.com:5080 }
  timers { no-answer 10s  ringing 30s  budget 40s }
  phone desk1 101 at 10.1.0.11
  phone dect 120 registered
  register { forward backup with path  keep local copy }
  outbound from lan via cloud, backup {
    on timeout { announce 181 "Survival Activated - please standby"  redirect 302 to pstn }
  }
  inbound from pstn { ring dect }
}
scenario "tcp" in b {
  desk1 calls 944000000
}
scenario "register" in b {
  dect registers
  desk1 registers at 1s
  backup silent from 1s
  pstn calls 944000120 at 20s
}
scenario "503" in b {
  cloud answers 503
  desk1 calls 944000000
}
scenario "loss" in b {
  network loss 30%
  seed 5
  cloud down
  desk1 calls 944000000
  dect registers at 2s
}
`;

function runs(): { name: string; result: SimulationResult }[] {
  const out: { name: string; result: SimulationResult }[] = [];
  for (const files of sets) {
    const model = load(files);
    for (const s of model.scenarios) out.push({ name: `${s.branch}: ${s.title}`, result: simulate(model.branches.find((b) => b.name === s.branch)!, s) });
  }
  for (const title of ['tcp', 'register', '503', 'loss']) out.push({ name: `custom: ${title}`, result: simulateText(custom, title) });
  return out;
}

/** A header's values from the text (the package cannot parse a bracketed IPv6 host in Via or Route URIs). */
function values(text: string, name: string): string[] {
  return text.split('\r\n').filter((l) => l.startsWith(`${name}: `)).flatMap((l) => l.slice(name.length + 2).split(/,\s*(?=<|SIP\/)/));
}

describe('simulate: the rendered text says what the actors acted on', () => {
  const all = runs();

  it('covers every kind of message', () => {
    const kinds = new Set(all.flatMap((r) => r.result.trace.map((t) => t.summary)));
    for (const k of ['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', '100', '180', '181', '200', '302', '404', '408', '487', '500']) expect(kinds).toContain(k);
    expect(all.some((r) => r.result.trace.some((t) => t.lost))).toBe(true);
  });

  it('method, status, reason, Via, CSeq, Call-ID, tags, Contact, Max-Forwards, Route, Record-Route, Path, Expires', () => {
    let checked = 0;
    for (const { name, result } of all) {
      for (const entry of result.trace) {
        expect(entry, name).toBeInstanceOf(TraceRecord);
        const m = entry.message;
        const p = parse(entry.text);
        const where = `${name} @${entry.atMs} ${entry.from}>${entry.to} ${entry.summary}`;
        expect(p.method, where).toBe(m.method);
        expect(p.uri, where).toBe(m.uri);
        expect(p.status, where).toBe(m.status);
        expect(p.status === undefined ? undefined : p.reason, where).toBe(m.reason);
        expect(values(entry.text, 'Via'), where).toEqual(m.via.map((v) => `SIP/2.0/${v.transport} ${v.sentBy};branch=${v.branch}${v.rport ? ';rport' : ''}`));
        expect(p.headers.cseq, where).toEqual({ seq: m.cseq, method: m.cseqMethod });
        expect(p.headers['call-id'], where).toBe(m.callId);
        expect([p.headers.from.uri, p.headers.from.params.tag, p.headers.to.uri, p.headers.to.params.tag], where).toEqual([m.from.uri, m.from.tag, m.to.uri, m.to.tag]);
        const contact = p.headers.contact;
        expect(Array.isArray(contact) ? contact.map((c) => [c.uri, c.params.expires]) : [], where).toEqual((m.contact ?? []).map((c) => [c.uri, c.expires === undefined ? undefined : String(c.expires)]));
        expect(p.headers['max-forwards'] === undefined ? undefined : Number(p.headers['max-forwards']), where).toBe(m.maxForwards);
        expect(values(entry.text, 'Route'), where).toEqual(m.route ?? []);
        expect(values(entry.text, 'Record-Route'), where).toEqual(m.recordRoute ?? []);
        expect(values(entry.text, 'Path'), where).toEqual(m.path ?? []);
        expect(p.headers.supported, where).toBe(m.supported);
        expect(p.headers.expires === undefined ? undefined : Number(p.headers.expires), where).toBe(m.expires);
        // The entry's own fields agree with the message.
        expect([entry.transaction, entry.method, entry.status], where).toEqual([m.via[0]!.branch, m.cseqMethod, m.status]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(350);
  });

  it('the text is rendered once and then the same string; JSON holds it as a plain field', () => {
    const { result } = all[0]!;
    const entry = result.trace[0]!;
    expect(entry.text).toBe(entry.text);
    const json = JSON.parse(JSON.stringify(entry)) as Record<string, unknown>;
    expect(json.text).toBe(entry.text);
    expect({ ...entry }.text).toBe(entry.text);
    expect(Object.keys(entry)).toEqual(['atMs', 'from', 'to', 'summary', 'method', 'status', 'text', 'transaction', 'call', 'cause', 'message']);
    expect({ ...entry }.message).toBe(entry.message);
  });

  it('what the readers take from the facts is what the rendered text says', () => {
    let checked = 0;
    for (const { name, result } of all) {
      const steps = simSteps(result.trace);
      const arrived = result.trace.filter((e) => e.lost !== true);
      arrived.forEach((entry, i) => expect(steps[i], name).toMatchObject({ contact: contactOf(entry.text), line: firstLine(entry.text) }));
      for (const entry of result.trace) {
        const where = `${name} @${entry.atMs} ${entry.from}>${entry.to} ${entry.summary}`;
        const m = entry.message;
        expect(startLine(m), where).toBe(firstLine(entry.text));
        expect(contactText(m), where).toBe(/^Contact: (.*)$/m.exec(entry.text)?.[1]);
        expect(messageText(entry), where).toBe(timelineTextFromText(entry));
        expect(describeMessage(entry), where).toBe(ladderTextFromText(entry));
        expect(callIdOf(entry), where).toBe(/^Call-ID: (\S+)/m.exec(entry.text)?.[1]);
        expect(reasonOf(entry), where).toBe(/^SIP\/2\.0 \d+ (.*)$/m.exec(entry.text)?.[1] ?? '');
        const contact = parse(entry.text).headers.contact;
        expect(contactsOf(entry), where).toEqual(Array.isArray(contact) ? contact.map((c) => c.uri) : []);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(350);
  });
});

const firstLine = (text: string): string => text.slice(0, text.indexOf('\r\n'));

// The readings of the rendered text that the timeline and the ladder used before they
// read the facts (cli/src/format-timeline.ts, engines/diagram/sip-text.ts):
// the references the facts are held to.
function timelineTextFromText(e: TraceEntry): string {
  const first = firstLine(e.text);
  if (e.status === undefined) {
    const [method, uri] = first.split(' ');
    return `${method ?? e.summary} ${uri ?? ''}`.trim();
  }
  const reply = first.replace(/^SIP\/2\.0\s+/, '');
  const contact = e.status >= 300 && e.status < 400 ? /^(?:Contact|m)\s*:\s*(.*)$/im.exec(e.text)?.[1] : undefined;
  return contact ? `${reply}  Contact: ${contact}` : reply;
}

function ladderTextFromText(e: TraceEntry): string {
  const first = firstLine(e.text);
  const reply = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(first);
  if (reply) {
    let text = `${reply[1]} ${reply[2]}`.trim();
    const contact = /^Contact: (.*)$/m.exec(e.text)?.[1];
    const uri = contact === undefined ? undefined : /<([^>]*)>/.exec(contact)?.[1];
    if (Number(reply[1]) >= 300 && Number(reply[1]) < 400 && uri !== undefined) text += ` → ${uri}`;
    if (e.method !== 'INVITE') text += ` (${e.method})`;
    return text;
  }
  const request = /^(\S+) (\S+) SIP\/2\.0$/.exec(first);
  const method = request?.[1] ?? e.summary;
  const user = request ? /^sips?:([^@;?]+)@/.exec(request[2]!)?.[1] ?? request[2] : undefined;
  return method === 'INVITE' && user !== undefined ? `INVITE ${user}` : method;
}
