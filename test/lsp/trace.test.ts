// `surv/trace` and `surv/traceLadder` over stdio, from the built server: a capture of
// two calls through an edge whose upstream is silent (test/support/trace-calls.ts),
// judged against the workspace's design: the calls, their verdicts, the design lines
// of their findings, the ladders; and the exact errors for what is not a capture.
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceAnswer, TraceLadderAnswer } from '../../protocol/src/index.js';
import { manyCalls, traceDesign, tracePackets, tracePcap, traceStartUs } from '../support/trace-calls.js';
import { errorOf, showRange, startServer, type LspServer } from './harness.js';

const invalidParams = -32602;


/** The range of the first `length` characters of `needle` in the design, as showRange prints it. */
function designRange(needle: string, length = needle.length): string {
  const start = traceDesign.indexOf(needle);
  if (start < 0) throw new Error(`"${needle}" is not in the design`);
  const position = (offset: number) => {
    const before = traceDesign.slice(0, offset).split('\n');
    return { line: before.length - 1, character: (before.at(-1) ?? '').length };
  };
  return showRange({ start: position(start), end: position(start + length) });
}

function writeCaptures(folder: string): void {
  writeFileSync(join(folder, 'calls.pcap'), tracePcap());
  writeFileSync(join(folder, 'notes.txt'), 'INVITE is not a capture\n');
  writeFileSync(join(folder, 'empty.pcap'), '');
  // Cut inside the last packet (call 2's last 200 OK): the reader says so and goes on.
  const whole = tracePcap();
  writeFileSync(join(folder, 'cut.pcap'), whole.subarray(0, whole.length - 10));
  mkdirSync(join(folder, 'folder.pcap'));
  symlinkSync('/dev/zero', join(folder, 'zero.pcap'));
  const made = spawnSync('mkfifo', [join(folder, 'pipe.pcap')]);
  if (made.status !== 0) throw new Error(`mkfifo: ${made.stderr.toString()}`);
}

describe('surv/trace against a design', () => {
  let server: LspServer;
  const trace = (params: unknown) => server.request<TraceAnswer>('surv/trace', params);
  const ladder = (params: unknown) => server.request<TraceLadderAnswer>('surv/traceLadder', params);

  beforeAll(async () => {
    server = await startServer({ files: { 'trace.surv': traceDesign }, prepare: writeCaptures });
  });

  afterAll(async () => {
    await server?.shutdown();
  });

  it('lists the calls with their verdicts, and each finding at its design line', async () => {
    const answer = await trace({ uri: server.uri('calls.pcap') });
    expect(answer.uri).toBe(server.uri('calls.pcap'));
    expect(answer.truncated).toBe(false);
    expect(answer.branches).toEqual(['capture-edge']);
    expect(answer.calls.map((c) => [c.id, c.callIds, c.startUs, c.kind, c.caller, c.dialled, c.outcome, c.finalCode, c.survival, c.status, c.branch, c.messages, c.dropped]))
      .toEqual([
        [1, ['call-1@127.0.2.10'], traceStartUs, 'outbound', 'desk1', '944000001', 'failed', 408, false, 'violation', 'capture-edge', 7, 0],
        [2, ['call-2@127.0.2.10'], traceStartUs + 10_000_000, 'outbound', 'desk1', '944000002', 'answered', 200, true, 'pass', 'capture-edge', 22, 0],
      ]);
    const [never, diverted] = answer.calls;
    expect(never?.detectionMs).toBeNull();
    expect(never?.postDialDelayMs).toBe(2002);
    expect(diverted?.detectionMs).toBe(2000);
    expect(diverted?.postDialDelayMs).toBe(2002);
    const violation = never?.findings.find((f) => f.status === 'violation');
    expect(violation && [violation.code, violation.rule, violation.uri]).toEqual(['SURV090', 'survival-on-silence', server.uri('trace.surv')]);
    // The rule comes from the timer that should have fired: `no-answer 2s`.
    expect(violation?.range && showRange(violation.range)).toBe(designRange('2s  ringing', 2));
    expect(diverted?.findings.filter((f) => f.status === 'violation')).toEqual([]);
    expect(answer.summary).toMatchObject({
      messages: tracePackets().length,
      calls: 2,
      survivalActivations: 1,
      verdicts: { pass: 1, violation: 1, unjudged: 0 },
      notices: [],
    });
  });

  it('draws the observed ladder of a call, and the expected one beside it for a violation', async () => {
    const violation = await ladder({ uri: server.uri('calls.pcap'), call: 1 });
    expect(violation.views.map((v) => [v.id, v.title, v.kind, v.branch])).toEqual([
      ['call:1:observed', 'call 1: as captured', 'observed', 'capture-edge'],
      ['call:1:expected', 'call 1: as designed', 'expected', 'capture-edge'],
    ]);
    for (const view of violation.views) {
      expect(view.mermaid.startsWith('sequenceDiagram\n')).toBe(true);
      expect(view.messages.map((m) => m.index)).toEqual(view.messages.map((_, i) => i));
    }
    const [observed, expected] = violation.views;
    expect(observed?.messages.map((m) => m.summary)).toEqual([
      'INVITE 944000001 (0.000s)', '100 Trying (0.001s)', 'INVITE 944000001 (0.002s)',
      '\u21bb INVITE 944000001 retransmission 1 (0.502s)', '\u21bb INVITE 944000001 retransmission 2 (1.502s)',
      '408 Request Timeout (2.002s)', 'ACK (2.004s)',
    ]);
    // The wire's own text, as captured.
    expect(observed?.messages[5]?.text?.startsWith('SIP/2.0 408 Request Timeout\r\nVia: SIP/2.0/UDP 127.0.2.10:5060;branch=z9hG4bK-desk-1-1')).toBe(true);
    expect(expected?.messages.slice(5, 7).map((m) => m.summary)).toEqual(['181 Survival Activated (2.000s)', '302 Moved Temporarily \u2192 sip:944000001@127.0.2.3 (2.000s)']);
    const pass = await ladder({ uri: server.uri('calls.pcap'), call: 2 });
    expect(pass.views.map((v) => v.kind)).toEqual(['observed']);
    expect(pass.views[0]?.messages.length).toBe(22);
    expect(pass.views[0]?.messages.slice(5, 7).map((m) => m.summary)).toEqual(['181 Survival Activated (2.002s)', '302 Moved Temporarily \u2192 sip:944000002@127.0.2.3 (2.003s)']);
  });

  it('refuses a call the capture does not have', async () => {
    expect(await errorOf(ladder({ uri: server.uri('calls.pcap'), call: 3 }))).toEqual({
      code: invalidParams, message: 'surv/traceLadder: the capture has no call 3',
    });
    expect(await errorOf(ladder({ uri: server.uri('calls.pcap'), call: 0 }))).toEqual({
      code: invalidParams, message: 'surv/traceLadder: params.call must be a call id (an integer from 1)',
    });
  });

  it('answers what is not a capture with the reader\'s located error, never the file\'s content', async () => {
    expect(await errorOf(trace({ uri: server.uri('notes.txt') }))).toEqual({
      code: invalidParams, message: `${join(server.folder, 'notes.txt')}: not a capture (it starts with 49 4e 56 49, not a pcap, pcapng or HEP header)`,
    });
    expect(await errorOf(trace({ uri: server.uri('empty.pcap') }))).toEqual({
      code: invalidParams, message: `${join(server.folder, 'empty.pcap')}: not a capture (the file is empty)`,
    });
    expect(await errorOf(trace({ uri: server.uri('pipe.pcap') }))).toEqual({
      code: invalidParams, message: `${join(server.folder, 'pipe.pcap')}: not a capture file (it is a FIFO)`,
    });
    expect(await errorOf(trace({ uri: server.uri('folder.pcap') }))).toEqual({
      code: invalidParams, message: `${join(server.folder, 'folder.pcap')}: not a capture file (it is a folder)`,
    });
    // Never opened: a device that never ends, even behind a link named like a capture.
    expect(await errorOf(trace({ uri: 'file:///dev/zero' }))).toEqual({ code: invalidParams, message: '/dev/zero: not a capture file (it is a character device)' });
    expect(await errorOf(trace({ uri: server.uri('zero.pcap') }))).toEqual({
      code: invalidParams, message: `${join(server.folder, 'zero.pcap')}: not a capture file (it is a character device)`,
    });
    expect(await errorOf(trace({ uri: server.uri('gone.pcap') }))).toEqual({
      code: invalidParams, message: `${join(server.folder, 'gone.pcap')}: cannot read it (ENOENT)`,
    });
    expect(await errorOf(trace({ uri: 'untitled:capture' }))).toEqual({ code: invalidParams, message: 'surv/trace: untitled:capture is not a file URI' });
    expect(await errorOf(trace({ uri: server.uri('calls.pcap'), design: server.uri('nothing.surv') }))).toEqual({
      code: invalidParams, message: `surv/trace: ${server.uri('nothing.surv')} is not a .surv document the server knows (open it, or put it in the workspace)`,
    });
  });

  it('passes on the reader\'s notices in the summary, and lists the calls before the damage', async () => {
    const answer = await trace({ uri: server.uri('cut.pcap') });
    // The last packet's record starts where a capture of all the others ends.
    const lastRecord = tracePcap(tracePackets().slice(0, -1)).length;
    expect(answer.summary.notices).toEqual([
      { code: 'truncated-packet', count: 1, first: `capture ends inside frame ${tracePackets().length} (byte offset ${lastRecord}); the rest is cut off` },
    ]);
    expect(answer.summary.messages).toBe(tracePackets().length - 1);
    expect(answer.calls.map((c) => [c.id, c.messages])).toEqual([[1, 7], [2, 21]]);
  });

  it('reads a capture again when it changes on disk', async () => {
    const path = join(server.folder, 'changing.pcap');
    writeFileSync(path, tracePcap());
    expect((await trace({ uri: server.uri('changing.pcap') })).calls.map((c) => c.id)).toEqual([1, 2]);
    // The second call only: another size, so not the cached trace.
    writeFileSync(path, tracePcap(tracePackets().filter((p) => p.text.includes('call-2@'))));
    const again = await trace({ uri: server.uri('changing.pcap') });
    expect(again.calls.map((c) => [c.id, c.dialled, c.status])).toEqual([[1, '944000002', 'pass']]);
  });
});

describe('surv/trace without a design', () => {
  let server: LspServer;

  beforeAll(async () => {
    server = await startServer({
      prepare: (folder) => {
        writeCaptures(folder);
        writeFileSync(join(folder, 'many.pcap'), tracePcap(manyCalls(2_001)));
      },
    });
  });

  afterAll(async () => {
    await server?.shutdown();
  });

  it('lists the calls unjudged, and says why', async () => {
    const answer = await server.request<TraceAnswer>('surv/trace', { uri: server.uri('calls.pcap') });
    expect(answer.branches).toEqual([]);
    const reason = 'no design: the workspace has no branch to judge the call against';
    expect(answer.calls.map((c) => [c.id, c.status, c.reason, c.branch, c.findings])).toEqual([[1, 'unjudged', reason, null, []], [2, 'unjudged', reason, null, []]]);
    // Without a design nothing is judged, so the summary counts no verdict at all.
    expect(answer.summary.verdicts).toEqual({ pass: 0, violation: 0, unjudged: 0 });
    // Nor is survival seen: which address is the edge, and which the gateway, is the design's to say.
    expect(answer.calls.map((c) => [c.survival, c.detectionMs, c.postDialDelayMs])).toEqual([[false, null, 2002], [false, null, 2002]]);
  });

  it('lists the first 2,000 calls of a bigger capture, says it is cut, and counts them all', async () => {
    const answer = await server.request<TraceAnswer>('surv/trace', { uri: server.uri('many.pcap') });
    expect(answer.truncated).toBe(true);
    expect(answer.calls.length).toBe(2_000);
    expect(answer.calls.at(-1)?.callIds).toEqual(['many-2000@127.0.2.10']);
    expect(answer.summary.calls).toBe(2_001);
    expect(answer.summary.messages).toBe(4_002);
    expect((await server.request<TraceLadderAnswer>('surv/traceLadder', { uri: server.uri('many.pcap'), call: 2_000 })).views.map((v) => v.kind)).toEqual(['observed']);
    expect(await errorOf(server.request('surv/traceLadder', { uri: server.uri('many.pcap'), call: 2_001 }))).toEqual({
      code: invalidParams, message: 'surv/traceLadder: the capture has no call 2001 (the list stops at 2000 calls)',
    });
  });
});
