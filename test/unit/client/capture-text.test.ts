// The Capture Calls view's words (client/src/capture-text.ts): exact labels, and what
// a hostile capture can put in them (markup, control characters, bidi overrides,
// very long names) never reaching the view or the capture page as anything but text.
import { describe, expect, it } from 'vitest';
import {
  callDescription, callLabel, callTooltip, capturePage, escapeHtml, plain, summaryLine,
} from '../../../client/src/capture-text.js';
import type { TraceAnswer, TraceCallInfo } from '../../../protocol/src/index.js';

const call: TraceCallInfo = {
  id: 3, callIds: ['abc@127.0.2.10'], startUs: 0, durationMs: 2004, kind: 'outbound', caller: 'desk1', dialled: '944000001',
  outcome: 'failed', finalCode: 408, survival: false, messages: 7, dropped: 0, status: 'violation', reason: null, branch: 'capture-edge',
  findings: [
    { code: 'SURV090', rule: 'survival-on-silence', status: 'violation', message: 'the edge did not divert', uri: null, range: null },
    { code: 'SURV094', rule: 'post-dial-delay', status: 'pass', message: 'post-dial delay 2.002s', uri: null, range: null },
  ],
  detectionMs: null, postDialDelayMs: 2002,
};

const summary = (over: Partial<TraceAnswer['summary']> = {}): TraceAnswer['summary'] => ({
  messages: 15, calls: 2, byKind: {}, byOutcome: {}, survivalActivations: 1,
  verdicts: { pass: 1, violation: 1, unjudged: 0 }, postDialDelayMs: null, notices: [], ...over,
});

describe('capture call labels', () => {
  it('names a call, its outcome and post-dial delay, and lists its findings in the tooltip', () => {
    expect(callLabel(call)).toBe('#3 outbound desk1 \u2192 944000001');
    expect(callDescription(call)).toBe('failed 408, pdd 2.002 s');
    expect(callDescription({ ...call, finalCode: null, outcome: 'no-final', postDialDelayMs: null })).toBe('no-final');
    expect(callTooltip(call)).toBe([
      'Call 3: violation (branch capture-edge)',
      'Call-ID: abc@127.0.2.10',
      '7 messages, 2.004 s',
      '\u2717 SURV090 survival-on-silence: the edge did not divert',
      '\u2713 SURV094 post-dial-delay: post-dial delay 2.002s',
    ].join('\n'));
    expect(callTooltip({ ...call, status: 'unjudged', branch: null, findings: [], dropped: 3, detectionMs: 1999, reason: 'no branch owns 10.0.0.9' })).toBe([
      'Call 3: unjudged', 'Call-ID: abc@127.0.2.10', '7 messages (3 more not kept), 2.004 s', 'survival after 1.999 s', 'no branch owns 10.0.0.9',
    ].join('\n'));
  });

  it('turns control characters and bidi overrides into spaces, and cuts long text with an ellipsis', () => {
    expect(plain('a\u0000b\u001bc\r\nd\u202ee\u2066f\u0085g')).toBe('a b c  d e f g');
    expect(plain('x'.repeat(130))).toBe(`${'x'.repeat(119)}\u2026`);
    expect(callLabel({ ...call, caller: 'evil\u202e\nname', dialled: null })).toBe('#3 outbound evil  name \u2192 ?');
    expect(callTooltip({ ...call, callIds: ['a\nFAKE: line'], findings: [] }).split('\n')).toEqual([
      'Call 3: violation (branch capture-edge)', 'Call-ID: a FAKE: line', '7 messages, 2.004 s',
    ]);
  });
});

describe('capture summary line', () => {
  const answer = (over: Partial<TraceAnswer> = {}): TraceAnswer => ({ uri: 'file:///c.pcap', calls: [call, call], summary: summary(), truncated: false, branches: ['capture-edge'], ...over });

  it('counts the verdicts, and says when the list is cut, what the reader skipped, or that nothing was judged', () => {
    expect(summaryLine('calls.pcap', answer())).toBe('calls.pcap: 2 calls (1 pass, 1 violation, 0 unjudged)');
    expect(summaryLine('big.pcap', answer({ truncated: true, summary: summary({ calls: 2500, verdicts: { pass: 2000, violation: 2, unjudged: 498 } }) })))
      .toBe('big.pcap: 2500 calls (2000 pass, 2 violations, 498 unjudged), the first 2 listed');
    expect(summaryLine('cut.pcap', answer({ summary: summary({ calls: 1, notices: [{ code: 'tls', count: 2, first: 'x' }, { code: 'not-sip', count: 1, first: 'y' }] }) })))
      .toBe('cut.pcap: 1 call (1 pass, 1 violation, 0 unjudged), 3 notices');
    expect(summaryLine('calls.pcap', answer({ branches: [], summary: summary({ verdicts: { pass: 0, violation: 0, unjudged: 0 } }) })))
      .toBe('calls.pcap: 2 calls, not judged (no design in the workspace)');
  });
});

describe('the capture page', () => {
  it('is static escaped text: no script, nothing loaded', () => {
    const page = capturePage('<img src=x onerror=alert(1)>.pcap', ['notice: <script>alert("x")</script> & \'more\'']);
    expect(page).toContain('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'">');
    expect(page).toContain('<h1>&lt;img src=x onerror=alert(1)&gt;.pcap</h1>');
    expect(page).toContain('<p>notice: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;more&#39;</p>');
    expect(page).not.toMatch(/<script|<img/);
    expect(escapeHtml('<a href="x">&</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;');
  });
});
