// `surv trace`'s formatters on hand-made calls: the exact lines of the text report, the
// Markdown, the JSON document and the SARIF log, independent of the readers and the tracer
// (test/cli/trace.test.ts runs the whole command on captures).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import type * as sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import { startLine, type Msg } from '../../../engines/simulate/message.js';
import type { ObservedEntry, RuleFinding, TracedCall, TraceSummary } from '../../../engines/trace/index.js';
import { jsonFormatter, sarifFormatter, type TraceReportContext } from '../../../cli/src/format-trace-data.js';
import { Sources } from '../../../cli/src/format-timeline-location.js';
import { callHeader, formatCallMarkdown, formatCallText, formatSummaryText } from '../../../cli/src/format-trace-text.js';
import { jsonSafe } from '../../../cli/src/trace-output.js';

const root = join(import.meta.dirname, '../../..');
const design = 'branch alpha {\n  timers { no-answer 10s }\n  outbound from lan via cloud {\n    on timeout { redirect 302 to pstn }\n  }\n}\n';
const sources = new Sources([{ uri: 'site/a.surv', text: design }]);
const timerAt = design.indexOf('no-answer 10s');
const redirectAt = design.indexOf('redirect 302 to pstn');

function msg(over: Partial<Msg>): Msg {
  return {
    method: undefined, uri: undefined, status: undefined, reason: undefined, via: [], maxForwards: undefined, route: undefined,
    recordRoute: undefined, from: { uri: 'sip:100@10.1.0.10', tag: 'a' }, to: { uri: 'sip:0612345678@10.1.0.1' }, callId: 'c1@x',
    cseq: 1, cseqMethod: 'INVITE', contact: undefined, path: undefined, supported: undefined, expires: undefined, pai: undefined,
    privacy: undefined, ...over,
  };
}

function entry(atMs: number, from: string, to: string, m: Msg, frame: number, retransmission = 0): ObservedEntry {
  const summary = m.status === undefined ? m.method! : String(m.status);
  return {
    atMs, from, to, summary, method: m.cseqMethod, status: m.status, text: '', transaction: 'z9hG4bK1', call: 0,
    cause: retransmission > 0 ? `retransmission ${retransmission}` : '', message: m, timeUs: 1_700_000_000_000_000 + atMs * 1000,
    src: { address: '10.1.0.10', port: 5060 }, dst: { address: '10.1.0.1', port: 5060 }, transport: 'udp', frame, retransmission,
    scanned: {
      line: startLine(m), method: m.method, uri: m.uri, status: m.status, reason: m.reason, callId: m.callId, cseq: m.cseq, cseqMethod: m.cseqMethod,
      branch: 'z9hG4bK1', fromTag: m.from.tag, fromUser: /^sips?:([^@;]+)@/.exec(m.from.uri)?.[1], toTag: m.to.tag, contact: m.contact?.[0]?.uri, pai: m.pai, privacy: m.privacy, route: m.route,
    },
  };
}

const invite = msg({ method: 'INVITE', uri: 'sip:0612345678@10.9.0.1' });
const violation: RuleFinding = {
  code: 'SURV091', rule: 'no-diversion-after-reply', status: 'violation',
  message: 'upstream cloud answered 404 at 0.050s; the edge diverted to survival at 10.000s', origin: { kind: 'source', uri: 'site/a.surv', start: redirectAt, end: redirectAt + 20 },
};
const pass: RuleFinding = {
  code: 'SURV094', rule: 'post-dial-delay', status: 'pass', message: 'post-dial delay 0.050s (budget 15.000s)', origin: { kind: 'source', uri: 'site/a.surv', start: timerAt, end: timerAt + 13 },
};

const failed: TracedCall = {
  id: 2,
  callIds: ['c1@x'],
  startUs: 1_700_000_000_000_000,
  durationMs: 10_020,
  kind: 'outbound',
  caller: 'desk',
  dialled: '0612345678',
  outcome: 'failed',
  finalCode: 302,
  survival: true,
  survivalEntry: 3,
  detectionMs: undefined,
  postDialDelayMs: 10_000,
  participants: [
    { name: 'desk', kind: 'phone', endpoints: [{ address: '10.1.0.10', port: 5060 }] },
    { name: 'edge', kind: 'edge', endpoints: [{ address: '10.1.0.1', port: 5060 }] },
    { name: 'cloud', kind: 'upstream', endpoints: [{ address: '10.9.0.1', port: 5060 }] },
  ],
  entries: [
    entry(0, 'desk', 'edge', invite, 1),
    entry(1, 'edge', 'cloud', invite, 2),
    entry(50, 'cloud', 'edge', msg({ status: 404, reason: 'Not Found' }), 3),
    entry(10_000, 'edge', 'desk', msg({ status: 302, reason: 'Moved Temporarily', contact: [{ uri: 'sip:0612345678@10.1.0.3' }] }), 7),
    entry(10_020, 'desk', 'edge', msg({ method: 'ACK', uri: 'sip:0612345678@10.9.0.1', cseqMethod: 'ACK' }), 8, 1),
  ],
  dropped: 0,
  verdict: {
    status: 'violation', reason: undefined, branch: 'alpha', findings: [violation, pass], detectionMs: undefined, postDialDelayMs: 10_000,
    expected: [],
    rows: [
      { expected: '0.000s desk -> edge INVITE', observed: '0.000s desk -> edge INVITE', status: 'ok', deltaMs: 0 },
      { expected: '0.050s edge -> desk 404 Not Found', observed: undefined, status: 'missing', deltaMs: undefined },
      { expected: undefined, observed: '10.000s edge -> desk 302 Moved Temporarily', status: 'extra', deltaMs: undefined },
    ],
  },
};

const summary: TraceSummary = {
  messages: 12,
  calls: 2,
  byKind: { outbound: 1, emergency: 0, local: 0, inbound: 1, stranger: 0, register: 0, other: 0 },
  byOutcome: { answered: 1, failed: 1, cancelled: 0, 'no-final': 0, refused: 0, 'not-a-call': 0 },
  survivalActivations: 1,
  verdicts: { pass: 1, violation: 1, unjudged: 0 },
  postDialDelayMs: { p50: 120, p90: 10_000, p99: 10_000, max: 10_000, count: 2 },
  notices: [{ code: 'not-sip', count: 3, first: 'frame 4: UDP 10.1.0.10:5060 -> 10.1.0.1:5060 is not SIP' }],
};

const report: TraceReportContext = {
  toolVersion: '9.9.9', captures: ['caps/one.pcap'], live: false, design: 'site', sources, captureOf: () => 'caps/one.pcap',
};

describe('surv trace text', () => {
  it('writes the header, the ladder, the findings with their design lines and expected beside observed', () => {
    const text = formatCallText(failed, sources);
    const lines = text.split('\n');
    expect(lines[0]).toBe('#2 c1@x  outbound  desk -> 0612345678  failed 302  violation  (survival, post-dial 10.000s)');
    expect(lines.filter((l) => /^ {2}(pass|VIOLATION)/.test(l))).toEqual([
      '  VIOLATION SURV091 no-diversion-after-reply: upstream cloud answered 404 at 0.050s; the edge diverted to survival at 10.000s  (site/a.surv:4:18)',
      '  pass      SURV094 post-dial-delay: post-dial delay 0.050s (budget 15.000s)  (site/a.surv:2:12)',
    ]);
    expect(lines.slice(1, 6)).toEqual([
      '   0.000s  desk  -> edge   INVITE sip:0612345678@10.9.0.1',
      '   0.001s  edge  -> cloud  INVITE sip:0612345678@10.9.0.1',
      '   0.050s  cloud -> edge   404 Not Found',
      '  10.000s  edge  -> desk   302 Moved Temporarily  Contact: <sip:0612345678@10.1.0.3>',
      '  10.020s  desk  -> edge   ACK sip:0612345678@10.9.0.1                                retransmission 1',
    ]);
    const from = lines.indexOf('  expected (the design, given what the far side did) beside observed:');
    expect(lines.slice(from + 1, from + 5)).toEqual([
      '       design                            | capture                                    | seen - design',
      '       0.000s desk -> edge INVITE        | 0.000s desk -> edge INVITE                 | +0 ms',
      '    !! 0.050s edge -> desk 404 Not Found |                                            | missing in the capture',
      '    !!                                   | 10.000s edge -> desk 302 Moved Temporarily | not in the design',
    ]);
    expect(text.endsWith('\n\n')).toBe(true);
  });

  it('says "not judged" without a design, and never prints a control character off the wire', () => {
    const hostile: TracedCall = { ...failed, callIds: ['\u001b[31mred\u0007'], caller: 'a\u202eb', dialled: '1\r\n2', verdict: undefined };
    expect(callHeader(hostile)).toBe('#2 \\x1b[31mred\\x07  outbound  a\\u202eb -> 1\\r\\n2  failed 302  not judged  (survival, post-dial 10.000s)');
  });

  it('prints the summary table, without verdicts when nothing was judged', () => {
    expect(formatSummaryText(summary, true).split('\n')).toEqual([
      'summary',
      '  messages   12',
      '  calls      2 (outbound 1, inbound 1)',
      '  outcomes   answered 1, failed 1',
      '  survival   1 activation',
      '  verdicts   1 pass, 1 violation, 0 unjudged',
      '  post-dial  p50 0.120s  p90 10.000s  p99 10.000s  max 10.000s  (2 calls)',
      '  notices    not-sip 3',
      '  first not-sip: frame 4: UDP 10.1.0.10:5060 -> 10.1.0.1:5060 is not SIP',
      '',
    ]);
    expect(formatSummaryText({ ...summary, calls: 0, postDialDelayMs: undefined, notices: [] }, false)).not.toContain('verdicts');
  });
});

describe('surv trace md', () => {
  it('has a section per call with its Mermaid ladder, findings and expected beside observed, every string escaped', () => {
    const md = formatCallMarkdown({ ...failed, callIds: ['<script>|x'] }, sources);
    expect(md.split('\n').slice(0, 3)).toEqual([
      '## Call #2: outbound desk → 0612345678, failed 302, violation',
      '',
      'Call-ID: &#60;script&#62;&#124;x · started 2023-11-14T22:13:20.000Z · lasted 10.020s · 5 messages · survival activated · post-dial 10.000s',
    ]);
    expect(md).toContain('```mermaid\nsequenceDiagram\n');
    // Rendered, the entities read as the characters: `;` `:` `>`.
    expect(md).toContain('| violation | SURV091 | no-diversion-after-reply | upstream cloud answered 404 at 0.050s&#59; the edge diverted to survival at 10.000s | site/a.surv&#58;4&#58;18 |');
    expect(md).toContain('| missing | 0.050s edge -&#62; desk 404 Not Found |  |  |');
  });
});

describe('surv trace json', () => {
  it('is one document with a call per line, each finding located, and the summary', () => {
    const f = jsonFormatter(report);
    const text = f.head() + f.call(failed) + f.call({ ...failed, id: 3, verdict: undefined }) + f.tail(summary, [{ capture: 'x.pcap', message: 'not a capture' }]);
    const lines = text.split('\n');
    expect(lines[0]).toBe('{"tool":"surv","command":"trace","version":"9.9.9","captures":["caps/one.pcap"],"live":false,"design":"site","calls":[');
    expect(lines).toHaveLength(7);
    const doc = JSON.parse(text) as { calls: { id: number; capture: string; verdict: { findings: { location: unknown }[] } | null }[]; summary: TraceSummary; errors: unknown[] };
    expect(doc.calls.map((c) => c.id)).toEqual([2, 3]);
    expect(doc.calls[0]!.capture).toBe('caps/one.pcap');
    expect(doc.calls[0]!.verdict!.findings.map((x) => x.location)).toEqual([{ file: 'site/a.surv', line: 4, column: 18 }, { file: 'site/a.surv', line: 2, column: 12 }]);
    expect(doc.calls[1]!.verdict).toBeNull();
    expect(doc.summary).toEqual(summary);
    expect(doc.errors).toEqual([{ capture: 'x.pcap', message: 'not a capture' }]);
  });

  it('is valid with no call at all', () => {
    const f = jsonFormatter(report);
    expect(JSON.parse(f.head() + f.tail(summary, [])).calls).toEqual([]);
  });

  it('escapes what a terminal would act on and JSON.stringify leaves raw, keeping the same value', () => {
    const raw = JSON.stringify({ id: 'a\u202eb\u007fc\u0085' });
    expect(jsonSafe(raw)).toBe('{"id":"a\\u202eb\\u007fc\\u0085"}');
    expect(JSON.parse(jsonSafe(raw))).toEqual({ id: 'a\u202eb\u007fc\u0085' });
  });
});

describe('surv trace sarif', () => {
  const schema = JSON.parse(readFileSync(join(root, 'test/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8')) as object;
  const validate = new Ajv({ strict: false, validateFormats: false, allErrors: true }).compile(schema);

  it('has one result per violation at its design line, the capture frame related, and validates', () => {
    const f = sarifFormatter(report);
    const text = f.head() + f.call(failed) + f.call({ ...failed, id: 5 }) + f.tail(summary, []);
    const log = JSON.parse(text) as sarif.Log;
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const run = log.runs[0]!;
    expect(run.tool.driver.rules).toEqual([{ id: 'SURV091', name: 'no-diversion-after-reply', shortDescription: { text: 'Diverted to survival after the upstream replied' }, helpUri: 'docs/diagnostics.md#surv091' }]);
    expect(run.results).toHaveLength(2);
    expect(run.results![0]).toEqual({
      ruleId: 'SURV091',
      ruleIndex: 0,
      level: 'error',
      message: { text: 'call #2 (Call-ID c1@x): upstream cloud answered 404 at 0.050s; the edge diverted to survival at 10.000s' },
      locations: [{ physicalLocation: { artifactLocation: { uri: 'site/a.surv', uriBaseId: 'SRCROOT' }, region: { startLine: 4, startColumn: 18, endLine: 4, endColumn: 38 } } }],
      relatedLocations: [{ id: 0, physicalLocation: { artifactLocation: { uri: 'caps/one.pcap', uriBaseId: 'SRCROOT' } }, message: { text: 'call #2 (Call-ID c1@x), first message in frame 1 of caps/one.pcap' } }],
      properties: { call: 2, callIds: ['c1@x'], capture: 'caps/one.pcap', firstFrame: 1, lastFrame: 8, kind: 'outbound', outcome: 'failed', detectionMs: null, postDialDelayMs: 10_000 },
    });
    expect(run.artifacts!.map((a) => a.location!.uri)).toEqual(['site/a.surv', 'caps/one.pcap']);
    expect(run.invocations).toEqual([{ executionSuccessful: true }]);
  });

  it('validates with no violation, and reports an unreadable capture as a failed invocation', () => {
    const f = sarifFormatter(report);
    const log = JSON.parse(f.head() + f.call({ ...failed, verdict: undefined }) + f.tail(summary, [{ capture: 'bad.pcap', message: 'not a capture' }])) as sarif.Log;
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(log.runs[0]!.results).toEqual([]);
    expect(log.runs[0]!.invocations).toEqual([{ executionSuccessful: false, toolExecutionNotifications: [{ level: 'error', message: { text: 'bad.pcap: not a capture' } }] }]);
    expect(validate({ ...log, runs: [{ ...log.runs[0], results: [{ ruleId: 'X', level: 'fatal' }] }] })).toBe(false);
  });
});
