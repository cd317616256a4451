// The tracer's grouping, naming and bounds, on hand-written messages: what a call is,
// which message repeats which, how long a call stays open, and that nothing it holds
// grows with the capture.
import { describe, expect, it } from 'vitest';
import { callDiagram } from '../../../engines/diagram/index.js';
import { callTimeline, expectedBeside } from '../../../engines/present/call-timeline.js';
import { CallTracer, type CapturedSip, type Endpoint } from '../../../engines/trace/index.js';
import { scan } from '../../../engines/trace/scan.js';
import { analyze } from '../../../grammar/src/index.js';
import { simulate } from '../../../engines/simulate/index.js';
import { load } from '../simulate/helpers.js';
import { captureOf, traceOf } from './helpers.js';

const phone: Endpoint = { address: '127.0.2.10', port: 5060 };
const edge: Endpoint = { address: '127.0.2.1', port: 5060 };
const cloud: Endpoint = { address: '127.0.2.2', port: 5060 };
const t0 = 1_765_000_000_000_000;

function invite(callId: string, opts: { branch?: string; uri?: string; compact?: boolean } = {}): string {
  const h = opts.compact
    ? [`INVITE ${opts.uri ?? 'sip:944000000@127.0.2.1'} SIP/2.0`, `v: SIP/2.0/UDP 127.0.2.10:5060;branch=${opts.branch ?? 'z9hG4bK1'}`, 'f: <sip:101@127.0.2.1>;tag=a', 't: <sip:944000000@127.0.2.1>', `i: ${callId}`, 'CSeq: 1 INVITE', 'm: <sip:101@127.0.2.10>', 'l: 0']
    : [`INVITE ${opts.uri ?? 'sip:944000000@127.0.2.1'} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.2.10:5060;branch=${opts.branch ?? 'z9hG4bK1'}`, 'From: <sip:101@127.0.2.1>;tag=a', 'To: <sip:944000000@127.0.2.1>', `Call-ID: ${callId}`, 'CSeq: 1 INVITE', 'Contact: <sip:101@127.0.2.10>', 'Content-Length: 0'];
  return `${h.join('\r\n')}\r\n\r\n`;
}

function reply(callId: string, code: string, tag?: string): string {
  return [`SIP/2.0 ${code}`, 'Via: SIP/2.0/UDP 127.0.2.10:5060;branch=z9hG4bK1', 'From: <sip:101@127.0.2.1>;tag=a', `To: <sip:944000000@127.0.2.1>${tag ? `;tag=${tag}` : ''}`, `Call-ID: ${callId}`, 'CSeq: 1 INVITE', 'Content-Length: 0', '', ''].join('\r\n');
}

const at = (ms: number, src: Endpoint, dst: Endpoint, text: string, frame: number): CapturedSip => ({ timeUs: t0 + ms * 1000, src, dst, transport: 'udp', text, frame });

describe('scan', () => {
  it('reads compact headers and the top Via branch', () => {
    const s = scan(invite('c1', { compact: true, branch: 'z9hG4bKx;rport' }));
    expect(s).toMatchObject({ method: 'INVITE', callId: 'c1', cseq: 1, cseqMethod: 'INVITE', branch: 'z9hG4bKx', fromTag: 'a', toTag: undefined, contact: 'sip:101@127.0.2.10' });
  });

  it('says why a text is no SIP message', () => {
    expect(scan('GET / HTTP/1.1\r\n\r\n')).toBe('no SIP start line');
    expect(scan('OPTIONS sip:a@b SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n')).toBe('no Call-ID');
    expect(scan('OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n')).toBe('no CSeq');
  });
});

describe('grouping', () => {
  it('groups by Call-ID, marks repeats on the same link, and without a design names addresses', () => {
    const calls = traceOf([
      at(0, phone, edge, invite('c1'), 1),
      at(500, phone, edge, invite('c1'), 2),
      at(10, phone, edge, invite('c2', { branch: 'z9hG4bK2' }), 3),
      at(600, edge, phone, reply('c1', '404 Not Found', 't1'), 4),
    ]);
    expect(calls.map((c) => [c.id, c.callIds, c.kind, c.outcome, c.entries.map((e) => `${e.frame} ${e.from}>${e.to} ${e.summary} r${e.retransmission}`)])).toEqual([
      [1, ['c1'], 'other', 'failed', ['1 127.0.2.10:5060>127.0.2.1:5060 INVITE r0', '2 127.0.2.10:5060>127.0.2.1:5060 INVITE r1', '4 127.0.2.1:5060>127.0.2.10:5060 404 r0']],
      [2, ['c2'], 'other', 'no-final', ['3 127.0.2.10:5060>127.0.2.1:5060 INVITE r0']],
    ]);
    expect(calls[0]!.verdict).toBeUndefined();
  });

  it('closes a call idle for idleMs of capture time, and ticks close it without a message', () => {
    const tracer = new CallTracer({ idleMs: 1000 });
    expect(tracer.push({ kind: 'sip', ...at(0, phone, edge, invite('c1'), 1) })).toEqual([]);
    expect(tracer.push({ kind: 'sip', ...at(999, phone, edge, invite('c2'), 2) })).toEqual([]);
    expect(tracer.push({ kind: 'sip', ...at(1001, phone, edge, invite('c3'), 3) }).map((c) => c.callIds[0])).toEqual(['c1']);
    expect(tracer.tick(t0 + 2500 * 1000).map((c) => c.callIds[0])).toEqual(['c2', 'c3']);
    expect(tracer.finish()).toEqual([]);
  });

  it('closes a call whose BYE was answered after lingerMs, not idleMs', () => {
    const bye = (code?: string) => (code === undefined
      ? invite('c1').replace('INVITE sip:944000000@127.0.2.1', 'BYE sip:944000000@127.0.2.1').replace('CSeq: 1 INVITE', 'CSeq: 2 BYE')
      : reply('c1', code, 't1').replace('CSeq: 1 INVITE', 'CSeq: 2 BYE'));
    const tracer = new CallTracer();
    tracer.push({ kind: 'sip', ...at(0, phone, edge, invite('c1'), 1) });
    tracer.push({ kind: 'sip', ...at(1, phone, edge, invite('c2'), 2) });
    tracer.push({ kind: 'sip', ...at(1000, phone, edge, bye(), 3) });
    tracer.push({ kind: 'sip', ...at(1001, edge, phone, bye('200 OK'), 4) });
    expect(tracer.tick(t0 + 6000 * 1000).map((c) => c.callIds[0])).toEqual([]);
    expect(tracer.tick(t0 + 6002 * 1000).map((c) => c.callIds[0])).toEqual(['c1']);
    expect(tracer.tick(t0 + 32_002 * 1000).map((c) => c.callIds[0])).toEqual(['c2']);
  });

  it('holds at most maxOpenCalls and maxEntriesPerCall, counting what it drops', () => {
    const tracer = new CallTracer({ maxOpenCalls: 2, maxEntriesPerCall: 2 });
    const closed = [1, 2, 3].flatMap((n) => tracer.push({ kind: 'sip', ...at(n, phone, edge, invite(`c${n}`), n) }));
    expect(closed.map((c) => c.callIds[0])).toEqual(['c1']);
    for (let i = 0; i < 5; i++) tracer.push({ kind: 'sip', ...at(10 + i, phone, edge, invite('c3'), 10 + i) });
    const rest = tracer.finish();
    expect(rest.map((c) => [c.callIds[0], c.entries.length, c.dropped])).toEqual([['c2', 1, 0], ['c3', 2, 4]]);
  });

  it('keeps three messages of a flood under one Call-ID and counts the rest', () => {
    const tracer = new CallTracer({ maxEntriesPerCall: 3 });
    for (let i = 0; i < 10_000; i++) tracer.push({ kind: 'sip', ...at(i, phone, edge, invite('flood', { branch: `z9hG4bKf${i}` }), i + 1) });
    const [call] = tracer.finish();
    expect([call!.entries.length, call!.dropped]).toEqual([3, 9997]);
  });

  it('keeps only the call asked for', () => {
    const calls = traceOf([at(0, phone, edge, invite('abc-1'), 1), at(1, phone, edge, invite('xyz-2'), 2)], { callId: 'xyz' });
    expect(calls.map((c) => c.callIds[0])).toEqual(['xyz-2']);
  });

  it('counts what is not SIP as notices, with the frame', () => {
    const tracer = new CallTracer();
    tracer.push({ kind: 'sip', ...at(0, phone, edge, 'hello', 7) });
    tracer.push({ kind: 'notice', code: 'tls', message: 'frame 9: TLS', frame: 9 });
    tracer.push({ kind: 'sip', ...at(1, phone, edge, 'nope', 8) });
    expect(tracer.summary().notices).toEqual([
      { code: 'not-sip', count: 2, first: 'frame 7: not a SIP message (no SIP start line)' },
      { code: 'tls', count: 1, first: 'frame 9: TLS' },
    ]);
  });
});

describe('naming from the design', () => {
  const model = load(['test/kamailio/fixtures/replay/outbound.surv']);
  const branch = model.branches[0]!;

  it('names the phone, the edge and the upstream, and places a stranger', () => {
    const stranger: Endpoint = { address: '127.0.3.9', port: 5062 };
    const calls = traceOf([
      at(0, phone, edge, invite('c1'), 1),
      at(1, edge, cloud, invite('c1', { branch: 'z9hG4bKe1', uri: 'sip:944000000@127.0.2.2' }), 2),
      at(5, stranger, edge, invite('c9', { branch: 'z9hG4bKs' }), 3),
    ], { branches: [branch] });
    expect(calls.map((c) => [c.kind, c.caller, c.participants.map((p) => `${p.name}:${p.kind}`)])).toEqual([
      ['outbound', 'desk1', ['desk1:phone', 'edge:edge', 'cloud:upstream']],
      ['stranger', '127.0.3.9:5062', ['127.0.3.9:5062:stranger', 'edge:edge']],
    ]);
  });
});

describe('a registered phone', () => {
  it('is placed where its REGISTER came from, and its call judged', () => {
    const text = `branch lab {
  edge listen udp 127.0.2.1:5060
  lan 127.0.2.8/29
  gateway pstn { address 127.0.2.3:5060  kind bri }
  upstream cloud { proxy sip:127.0.2.2:5060 }
  timers { no-answer 2s  ringing 3s }
  phone dect 120 registered
  register { forward cloud  keep local copy }
  outbound from lan via cloud {
    on timeout { announce 181 "Survival Activated"  redirect 302 to pstn }
  }
}
scenario "dect registers, then calls out" in lab {
  dect registers
  cloud silent from 1s
  dect calls 944000000 at 2s
}
`;
    const { model } = analyze([{ uri: 'lab.surv', text }], { symbols: false });
    const branch = model.branches[0]!;
    const scenario = model.scenarios[0]!;
    const capture = captureOf(branch, simulate(branch, scenario), scenario, t0, () => true, { dect: { address: '127.0.2.13', port: 5062 } });
    const calls = traceOf(capture, { branches: [branch] });
    expect(calls.map((c) => [c.kind, c.caller, c.participants.find((p) => p.name === 'dect')?.endpoints, c.verdict?.status])).toEqual([
      ['register', 'dect', [{ address: '127.0.2.13', port: 5062 }], 'unjudged'],
      ['outbound', 'dect', [{ address: '127.0.2.13', port: 5062 }], 'pass'],
    ]);
  });
});

describe('summary', () => {
  it('gives nearest-rank post-dial delay percentiles to the millisecond', () => {
    const messages: CapturedSip[] = [];
    for (let i = 1; i <= 100; i++) {
      messages.push(at(i * 1000, phone, edge, invite(`c${i}`), 2 * i - 1));
      messages.push(at(i * 1000 + i * 10, edge, phone, reply(`c${i}`, '180 Ringing', 't'), 2 * i));
    }
    const tracer = new CallTracer();
    for (const m of messages) tracer.push({ kind: 'sip', ...m });
    tracer.finish();
    const s = tracer.summary();
    expect(s.postDialDelayMs).toEqual({ p50: 500, p90: 900, p99: 990, max: 1000, count: 100 });
    expect(s).toMatchObject({ messages: 200, calls: 100, byOutcome: { 'no-final': 100 } });
  });
});

describe('renderers', () => {
  it('escape what the wire says before it reaches Mermaid or a terminal', () => {
    const hostile = 'x\u001b[31m<b>%%{init}%%\nend';
    const calls = traceOf([at(0, phone, edge, invite('c1', { uri: `sip:${encodeURIComponent(hostile)}@127.0.2.1` }).replace('Call-ID: c1', `Call-ID: ${hostile.replace('\n', '')}`), 1)]);
    const mermaid = callDiagram(calls[0]!).mermaid;
    expect(mermaid).not.toContain('\u001b');
    expect(mermaid).not.toContain('<b>');
    expect(mermaid.split('\n').filter((l) => /^\s*end\s*$/.test(l))).toEqual([]);
    expect(callTimeline(calls[0]!).join('\n')).not.toContain('\u001b');
    expect(expectedBeside([{ expected: 'a\u001b]0;x\u0007', observed: undefined, status: 'missing', deltaMs: undefined }]).join('\n').split('').filter((c) => c === '\u0007' || c === '\u001b')).toEqual([]);
  });

  it('draws a captured call with its retransmissions and times', () => {
    const calls = traceOf([at(0, phone, edge, invite('c1'), 1), at(500, phone, edge, invite('c1'), 2), at(600, edge, phone, reply('c1', '404 Not Found', 't1'), 3)]);
    expect(callDiagram(calls[0]!).mermaid.split('\n').slice(1)).toEqual([
      '  title call 1#58; 127.0.2.10#58;5060 calls 944000000',
      '  participant p_127_0_2_10_5060 as 127.0.2.10#58;5060',
      '  participant p_127_0_2_1_5060 as 127.0.2.1#58;5060',
      '  p_127_0_2_10_5060->>p_127_0_2_1_5060: INVITE 944000000 (0.000s)',
      '  p_127_0_2_10_5060-)p_127_0_2_1_5060: ↻ INVITE 944000000 retransmission 1 (0.500s)',
      '  p_127_0_2_1_5060-->>p_127_0_2_10_5060: 404 Not Found (0.600s)',
      '',
    ]);
    expect(callTimeline(calls[0]!)).toEqual([
      '  0.000s  127.0.2.10:5060 -> 127.0.2.1:5060   INVITE sip:944000000@127.0.2.1  frame 1',
      '  0.500s  127.0.2.10:5060 -> 127.0.2.1:5060   INVITE sip:944000000@127.0.2.1  frame 2, retransmission 1',
      '  0.600s  127.0.2.1:5060  -> 127.0.2.10:5060  404 Not Found                   frame 3',
    ]);
  });
});
