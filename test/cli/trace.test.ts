// `surv trace` as users run it: the built CLI on small captures written here (the calls of
// test/support/trace-calls.ts, and hostile or broken files), every format, the exit
// codes, every bad capture with its message, and --listen receiving HEP over loopback
// (this file's range: 127.0.31.x).
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import type * as sarif from 'sarif';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ethernet, ipv4, link, pcap, PROTO_TCP, PROTO_UDP, sipRequest, tcp, udp } from '../support/capture-writer.js';
import { encodeHep3 } from '../support/hep-encode.js';
import { traceDesign, tracePackets, tracePcap } from '../support/trace-calls.js';
import { ensureBuilt, fixture, lines, root, surv, survBin } from './helpers.js';

const files = fixture({
  'trace.surv': traceDesign,
  'broken.surv': traceDesign.replace('redirect 302 to pstn', 'redirect 302 to psnt'),
  'fleet/trace.surv': traceDesign,
  'empty-design/none.surv': '# no branch here\n',
});
const dir = files.dir;
const write = (name: string, bytes: Uint8Array) => writeFileSync(join(dir, name), bytes);

const ns = (ms: number) => BigInt(Date.UTC(2026, 11, 7, 12, 0, 0)) * 1_000_000n + BigInt(ms) * 1_000_000n;

/** One UDP datagram as an Ethernet frame of a pcap. */
function udpFrame(atMs: number, src: string, dst: string, text: string) {
  return { timeNs: ns(atMs), data: ethernet(ipv4(src, dst, PROTO_UDP, udp(5060, 5060, text))) };
}

/** A request whose Call-ID and From user try to drive the terminal: clear the screen, set the title, reverse the text. */
const hostileCallId = 'evil\u001b[2J\u001b]0;pwned\u0007@x';
const hostile = sipRequest('INVITE', 'sip:944\u202e1@127.0.2.1', { callId: hostileCallId, cseq: 1, from: 'me\u001b[31m' });

const schema = JSON.parse(readFileSync(join(root, 'test/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8')) as object;
const validate = new Ajv({ strict: false, validateFormats: false, allErrors: true }).compile(schema);

beforeAll(async () => {
  await ensureBuilt();
  write('calls.pcap', tracePcap());
  write('hostile.pcap', pcap([udpFrame(0, '127.0.2.10', '127.0.2.1', hostile)], { link: link.ETHERNET }));
  // A TLS ClientHello on 5061: encrypted SIP, nothing surv can read.
  const hello = Uint8Array.of(0x16, 0x03, 0x01, 0x00, 0x2f, 0x01, 0x00, 0x00, 0x2b, 0x03, 0x03, ...new Array<number>(40).fill(7));
  write('tls.pcap', pcap([{ timeNs: ns(0), data: ethernet(ipv4('127.0.2.10', '127.0.2.1', PROTO_TCP, tcp(40000, 5061, 1, hello))) }], { link: link.ETHERNET }));
  write('garbage.pcap', new TextEncoder().encode('GARBAGE, not a capture at all'));
  write('empty.pcap', new Uint8Array(0));
  write('short.pcap', tracePcap().subarray(0, 10));
  const unknownLink = Buffer.from(pcap([], { link: link.ETHERNET }));
  unknownLink.writeUInt32LE(999, 20);
  write('link.pcap', unknownLink);
  // Cut inside the last frame (tcpdump killed mid-write): what was read is traced.
  const whole = tracePcap();
  write('cut.pcap', whole.subarray(0, whole.length - 20));
  write('sparse.pcap', new Uint8Array(0));
  truncateSync(join(dir, 'sparse.pcap'), 2 * 1024 ** 3);
  spawnSync('mkfifo', [join(dir, 'fifo')]);
});
afterAll(files.cleanup);

const trace = (...args: string[]) => surv(['trace', ...args], dir);

describe('surv trace, text', () => {
  it('draws each call without a design and judges nothing (exit 0)', () => {
    const run = trace('calls.pcap');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = lines(run.stdout);
    expect(out.filter((l) => l.startsWith('#'))).toEqual([
      '#1 call-1@127.0.2.10  other  127.0.2.10:5060 -> 944000001  failed 408  not judged  (post-dial 2.002s)',
      '#2 call-2@127.0.2.10  other  127.0.2.10:5060 -> 944000002  answered 200  not judged  (post-dial 2.002s)',
    ]);
    expect(out.slice(out.indexOf('summary'))).toEqual([
      'summary',
      '  messages   29',
      '  calls      2 (other 2)',
      '  outcomes   answered 1, failed 1',
      '  survival   0 activations',
      '  post-dial  p50 2.002s  p90 2.002s  p99 2.002s  max 2.002s  (2 calls)',
      '  notices    none',
    ]);
    expect(out.some((l) => /^ {2}(pass|VIOLATION) /.test(l))).toBe(false);
  });

  it('judges each call with --design: the never-diverted call violates the design at its design line (exit 1)', () => {
    const run = trace('calls.pcap', '--design', 'trace.surv');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    const out = lines(run.stdout);
    expect(out.filter((l) => l.startsWith('#'))).toEqual([
      '#1 call-1@127.0.2.10  outbound  desk1 -> 944000001  failed 408  violation  (post-dial 2.002s)',
      '#2 call-2@127.0.2.10  outbound  desk1 -> 944000002  answered 200  pass  (survival, detection 2.000s, post-dial 2.002s)',
    ]);
    const first = out.slice(0, out.indexOf(out.find((l) => l.startsWith('#2'))!));
    expect(first).toContainEqual(expect.stringMatching(/^ {2}VIOLATION SURV090 survival-on-silence: .*the edge did not.* {2}\(trace\.surv:7:22\)$/));
    expect(first).toContain('  expected (the design, given what the far side did) beside observed:');
    expect(out).toContain('  verdicts   1 pass, 1 violation, 0 unjudged');
    expect(out.find((l) => l.startsWith('  survival'))).toBe('  survival   1 activation');
  });

  it('keeps only the call asked for with --call (a Call-ID prefix)', () => {
    const run = trace('calls.pcap', '--call', 'call-2');
    expect(run.status).toBe(0);
    expect(lines(run.stdout).filter((l) => l.startsWith('#'))).toEqual([
      '#1 call-2@127.0.2.10  other  127.0.2.10:5060 -> 944000002  answered 200  not judged  (post-dial 2.002s)',
    ]);
    expect(run.stdout).toContain('  calls      1 (other 1)\n');
  });

  it('says so when --call matches nothing (exit 2)', () => {
    const run = trace('calls.pcap', '--call', 'nobody');
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("surv: trace: no call with a Call-ID starting 'nobody'\n");
  });

  it('never lets a Call-ID, user part or URI off the wire drive the terminal', () => {
    const run = trace('hostile.pcap');
    expect(run.status).toBe(0);
    expect(run.stdout.replaceAll('\n', '')).not.toMatch(/[\p{Cc}\u202e]/u);
    expect(lines(run.stdout)[0]).toBe('#1 evil\\x1b[2J\\x1b]0;pwned\\x07@x  other  127.0.2.10:5060 -> 944\\u202e1  no-final  not judged');
  });

  it('writes the report to --out through a temporary file, and says where', () => {
    const run = trace('calls.pcap', '--out', 'reports/calls.txt');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('wrote reports/calls.txt\n');
    expect(readFileSync(join(dir, 'reports/calls.txt'), 'utf8')).toBe(trace('calls.pcap').stdout);
    expect(readdirSync(join(dir, 'reports'))).toEqual(['calls.txt']);
  });
});

describe('surv trace, bad captures: a located message, exit 2, never file content', () => {
  const cases: [string, string][] = [
    ['garbage.pcap', 'not a capture (it starts with 47 41 52 42, not a pcap, pcapng or HEP header)'],
    ['empty.pcap', 'not a capture (the file is empty)'],
    ['short.pcap', 'the pcap header is cut off (10 of its 24 bytes)'],
    ['link.pcap', 'link type 999 (unknown) is not one surv reads; it reads Ethernet, Linux cooked v1/v2, raw IP and loopback (pcap header, byte offset 20)'],
    ['sparse.pcap', 'not a capture (it starts with 00 00 00 00, not a pcap, pcapng or HEP header)'],
    ['missing.pcap', 'no such file'],
    ['.', 'not a regular file (a folder); surv reads capture files'],
    ['fifo', 'not a regular file (a FIFO); surv reads capture files'],
    ['/dev/zero', 'not a regular file (a character device); surv reads capture files'],
  ];
  it.each(cases)('%s', (name, message) => {
    const run = trace(name);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`surv: trace: ${name}: ${message}\n`);
    expect(run.stdout).toBe('');
  });

  it('goes on with the next capture after a bad one, and still exits 2', () => {
    const run = trace('garbage.pcap', 'calls.pcap');
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('surv: trace: garbage.pcap: not a capture (it starts with 47 41 52 42, not a pcap, pcapng or HEP header)\n');
    expect(lines(run.stdout).filter((l) => l.startsWith('#'))).toHaveLength(2);
  });

  it('reads a capture cut inside its last frame up to the cut, and counts the cut as a notice', () => {
    const run = trace('cut.pcap');
    expect(run.status).toBe(0);
    expect(lines(run.stdout).filter((l) => l.startsWith('#'))).toHaveLength(2);
    expect(run.stdout).toContain('  messages   28\n');
    expect(run.stdout).toMatch(/\n {2}notices {4}truncated-packet 1\n {2}first truncated-packet: capture ends inside frame 29 \(byte offset \d+\); the rest is cut off\n$/);
  });

  it('finds no SIP in a TLS capture: the notice, and exit 2', () => {
    const run = trace('tls.pcap');
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("surv: trace: no SIP message in 'tls.pcap' (see the notices)\n");
    expect(run.stdout).toMatch(/\n {2}notices {4}tls 1\n {2}first tls: .*5061.*\n$/);
  });

  it('takes a folder as the design', () => {
    const run = trace('calls.pcap', '--design', 'fleet');
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('\n  verdicts   1 pass, 1 violation, 0 unjudged\n');
  });

  it('refuses a design with no branch to judge against (exit 2)', () => {
    const run = trace('calls.pcap', '--design', 'empty-design');
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("surv: 'empty-design' has no branch to judge the calls against\n");
    expect(run.stdout).toBe('');
  });

  it('refuses a design with errors as surv simulate does (exit 1), before reading any capture', () => {
    const run = trace('calls.pcap', '--design', 'broken.surv');
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("broken.surv:10:69: error SURV010: no gateway named 'psnt'; did you mean 'pstn'?\n");
    expect(run.stderr).toBe('1 error in 1 file\n');
  });
});

describe('surv trace, usage (exit 2)', () => {
  it.each([
    [[], 'surv: give one or more capture files (pcap, pcapng, HEP), or --listen udp:ADDRESS:PORT\n'],
    [['calls.pcap', '--listen', 'udp:127.0.31.1:0'], 'surv: give capture files or --listen, not both\n'],
    [['--listen', 'udp:127.0.31.1:0', '--format', 'svg', '--out', 'x'], 'surv: --listen cannot write svg: svg is rendered in headless Chromium, which a live session would hold open for as long as it runs; use --format mmd --out DIR and render those files later\n'],
    [['calls.pcap', '--format', 'svg'], 'surv: svg writes one file per call: give --out DIR\n'],
  ])('%j', (args, message) => {
    const run = trace(...args);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(message);
    expect(run.stdout).toBe('');
  });

  it('refuses a --listen that is not udp:ADDRESS:PORT', () => {
    const run = trace('--listen', 'tcp:127.0.31.1:9060');
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("surv: option '-l, --listen <udp:address:port>' argument 'tcp:127.0.31.1:9060' is invalid. give udp:ADDRESS:PORT, an IPv4 address and a port, e.g. udp:127.0.0.1:9060\n(add --help for usage)\n");
  });
});

describe('surv trace, formats', () => {
  it('json: one document, a call per line, findings located, the summary', () => {
    const run = trace('calls.pcap', '--design', 'trace.surv', '--format', 'json');
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('');
    const out = lines(run.stdout);
    expect(out).toHaveLength(6);
    expect(out[0]).toBe(`{"tool":"surv","command":"trace","version":"${(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version}","captures":["calls.pcap"],"live":false,"design":"trace.surv","calls":[`);
    const doc = JSON.parse(run.stdout) as {
      calls: { id: number; callIds: string[]; capture: string; kind: string; outcome: string; verdict: { status: string; findings: { code: string; status: string; location: unknown }[] } }[];
      summary: { calls: number; messages: number };
      errors: unknown[];
    };
    expect(doc.calls.map((c) => [c.id, c.callIds, c.capture, c.kind, c.outcome])).toEqual([
      [1, ['call-1@127.0.2.10'], 'calls.pcap', 'outbound', 'failed'],
      [2, ['call-2@127.0.2.10'], 'calls.pcap', 'outbound', 'answered'],
    ]);
    expect(doc.calls[0]!.verdict.status).toBe('violation');
    expect(doc.calls[0]!.verdict.findings.find((f) => f.code === 'SURV090')).toMatchObject({ status: 'violation', location: { file: 'trace.surv', line: 7, column: 22 } });
    expect(doc.summary).toMatchObject({ calls: 2, messages: 29 });
    expect(doc.errors).toEqual([]);
  });

  it('json: a hostile Call-ID stays the same string but reaches the terminal escaped', () => {
    const run = trace('hostile.pcap', '--format', 'json');
    expect(run.stdout.replaceAll('\n', '')).not.toMatch(/[\p{Cc}\u202e]/u);
    const doc = JSON.parse(run.stdout) as { calls: { callIds: string[]; dialled: string }[] };
    expect(doc.calls[0]!.callIds).toEqual([hostileCallId]);
    expect(doc.calls[0]!.dialled).toBe('944\u202e1');
  });

  it('json: several captures are read in the order given, each call naming the one it started in', () => {
    const run = trace('calls.pcap', 'hostile.pcap', '--format', 'json');
    expect(run.status).toBe(0);
    const doc = JSON.parse(run.stdout) as { captures: string[]; calls: { id: number; capture: string }[] };
    expect(doc.captures).toEqual(['calls.pcap', 'hostile.pcap']);
    expect(doc.calls.map((c) => [c.id, c.capture])).toEqual([[1, 'calls.pcap'], [2, 'calls.pcap'], [3, 'hostile.pcap']]);
  });

  it('json: an unreadable capture is in the document too', () => {
    const run = trace('calls.pcap', 'garbage.pcap', '--format', 'json');
    expect(run.status).toBe(2);
    expect((JSON.parse(run.stdout) as { errors: unknown }).errors).toEqual([{ capture: 'garbage.pcap', message: 'not a capture (it starts with 47 41 52 42, not a pcap, pcapng or HEP header)' }]);
  });

  it('sarif: validates, one result per violation at the design line, the capture frame related', () => {
    const run = trace('calls.pcap', '--design', 'trace.surv', '--format', 'sarif');
    expect(run.status).toBe(1);
    const log = JSON.parse(run.stdout) as sarif.Log;
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const results = log.runs[0]!.results!;
    const silence = results.find((r) => r.ruleId === 'SURV090')!;
    expect(silence).toMatchObject({
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'trace.surv', uriBaseId: 'SRCROOT' }, region: { startLine: 7, startColumn: 22 } } }],
      relatedLocations: [{ id: 0, physicalLocation: { artifactLocation: { uri: 'calls.pcap', uriBaseId: 'SRCROOT' } }, message: { text: 'call #1 (Call-ID call-1@127.0.2.10), first message in frame 1 of calls.pcap' } }],
      properties: { call: 1, callIds: ['call-1@127.0.2.10'], capture: 'calls.pcap', firstFrame: 1, lastFrame: 7 },
    });
    expect(silence.message.text).toMatch(/^call #1 \(Call-ID call-1@127\.0\.2\.10\): /);
    expect(results.every((r) => log.runs[0]!.tool.driver.rules![r.ruleIndex!]!.id === r.ruleId)).toBe(true);
    expect(log.runs[0]!.invocations).toEqual([{ executionSuccessful: true }]);
  });

  it('sarif: the design\'s own errors, when it has them', () => {
    const run = trace('calls.pcap', '--design', 'broken.surv', '--format', 'sarif');
    expect(run.status).toBe(1);
    const log = JSON.parse(run.stdout) as sarif.Log;
    expect(validate(log)).toBe(true);
    expect(log.runs[0]!.results!.map((r) => r.ruleId)).toEqual(['SURV010']);
  });

  it('md: a section per call with its Mermaid ladder, then the summary', () => {
    const run = trace('calls.pcap', '--design', 'trace.surv', '--format', 'md');
    expect(run.status).toBe(1);
    const out = lines(run.stdout);
    expect(out.slice(0, 3)).toEqual(['# surv trace of calls.pcap', '', 'Judged against the design in trace.surv.']);
    expect(out.filter((l) => l.startsWith('## '))).toEqual([
      '## Call #1: outbound desk1 → 944000001, failed 408, violation',
      '## Call #2: outbound desk1 → 944000002, answered 200, pass',
      '## Summary',
    ]);
    // Each call's ladder, and the design's ladder beside the violating call's.
    expect(out.filter((l) => l === '```mermaid')).toHaveLength(3);
    expect(out.filter((l) => l === "The design's ladder for this call:")).toHaveLength(1);
    expect(out).toContainEqual(expect.stringMatching(/^\| violation \| SURV090 \| survival-on-silence \| .* \| trace\.surv&#58;7&#58;22 \|$/));
  });

  it('mmd: to stdout, each call\'s diagram after a %% comment line; the summary on stderr', () => {
    const run = trace('calls.pcap', '--format', 'mmd');
    expect(run.status).toBe(0);
    const out = lines(run.stdout);
    expect(out.filter((l) => l.startsWith('%%'))).toEqual(['%% surv trace: call #1, Call-ID call-1@127.0.2.10', '%% surv trace: call #2, Call-ID call-2@127.0.2.10']);
    expect(out[1]).toBe('sequenceDiagram');
    expect(run.stderr).toMatch(/^summary\n {2}messages {3}29\n/);
  });

  it('mmd --out DIR: one file per call', () => {
    const run = trace('calls.pcap', '--format', 'mmd', '--out', 'ladders');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')[0]).toBe('wrote 2 files to ladders');
    expect(readdirSync(join(dir, 'ladders')).sort()).toEqual(['call-1.mmd', 'call-2.mmd']);
    expect(readFileSync(join(dir, 'ladders/call-1.mmd'), 'utf8')).toMatch(/^sequenceDiagram\n/);
  });

  it('leaves no file behind when the only capture cannot be read', () => {
    const run = trace('garbage.pcap', '--out', 'nothing.txt');
    expect(run.status).toBe(2);
    expect(existsSync(join(dir, 'nothing.txt'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('nothing'))).toEqual([]);
  });
});

interface Listening {
  readonly child: ChildProcessWithoutNullStreams;
  readonly port: number;
  readonly output: { stdout: string; stderr: string };
}

/** `surv trace --listen udp:127.0.31.1:0 ARGS`, once it says which port it bound. */
async function startListening(args: readonly string[]): Promise<Listening> {
  const child = spawn(process.execPath, [survBin, 'trace', '--listen', 'udp:127.0.31.1:0', ...args], { cwd: dir, env: { ...process.env, SURV_DEBUG: '' } });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (output.stdout += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      output.stderr += d.toString();
      const m = /listening for HEP on udp:127\.0\.31\.1:(\d+);/.exec(output.stderr);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', () => reject(new Error(`surv exited: ${output.stderr}`)));
  });
  return { child, port, output };
}

/** Each packet as one HEP3 datagram from 127.0.31.2, its capture time now plus its offset. */
async function sendHep(port: number, packets: readonly { atMs: number; src: { address: string; port: number }; dst: { address: string; port: number }; text: string }[]): Promise<void> {
  const sender = createSocket('udp4');
  await new Promise<void>((resolve) => sender.bind(0, '127.0.31.2', resolve));
  const startUs = Date.now() * 1000;
  for (const p of packets) {
    const us = startUs + p.atMs * 1000;
    const packet = encodeHep3({ src: p.src.address, srcPort: p.src.port, dst: p.dst.address, dstPort: p.dst.port, seconds: Math.floor(us / 1e6), micros: us % 1e6, payload: p.text });
    await new Promise<void>((resolve, reject) => sender.send(packet, port, '127.0.31.1', (e) => (e ? reject(e) : resolve())));
  }
  sender.close();
}

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((resolve) => setTimeout(resolve, 50))) if (condition()) return true;
  return condition();
}

describe('surv trace --listen', () => {
  it('receives HEP on loopback, prints the calls and the summary on SIGINT', async () => {
    const { child, port, output } = await startListening(['--design', 'trace.surv']);
    expect(output.stderr).toBe(`surv: trace: listening for HEP on udp:127.0.31.1:${port}; Ctrl-C ends and prints the summary\n`);
    await sendHep(port, tracePackets());
    await new Promise((resolve) => setTimeout(resolve, 500));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    const code = await exited;
    expect(code).toBe(1);
    const out = lines(output.stdout);
    expect(out.filter((l) => l.startsWith('#')).map((l) => l.split('  ').slice(0, 4).join('  '))).toEqual([
      '#1 call-1@127.0.2.10  outbound  desk1 -> 944000001  failed 408',
      '#2 call-2@127.0.2.10  outbound  desk1 -> 944000002  answered 200',
    ]);
    expect(out).toContain('  messages   29');
    // The frame of a live message is the datagram's count since listening began.
    expect(out.filter((l) => l.startsWith('  0.001s  edge  -> desk1  100 Trying')).map((l) => l.replace(/ +/g, ' '))).toEqual([' 0.001s edge -> desk1 100 Trying frame 2', ' 0.001s edge -> desk1 100 Trying frame 9']);
  });

  it('prints a call once it has been idle for 32 s of capture time, while still listening', async () => {
    const { child, port, output } = await startListening([]);
    // Call 1's messages, then one OPTIONS 31 s after its last: capture time is now 31 s past
    // call 1, and the wall clock moves it on: within about two ticks the call is over.
    const firstCall = tracePackets().filter((p) => p.text.includes('call-1@'));
    const lastMs = firstCall.at(-1)!.atMs;
    const options = { atMs: lastMs + 31_000, src: { address: '127.0.2.10', port: 5060 }, dst: { address: '127.0.2.1', port: 5060 }, text: sipRequest('OPTIONS', 'sip:127.0.2.1', { callId: 'probe-1', cseq: 1 }) };
    await sendHep(port, [...firstCall, options]);
    const printed = await until(() => output.stdout.includes('\n\n'), 5000);
    expect(printed).toBe(true);
    expect(lines(output.stdout)[0]).toBe('#1 call-1@127.0.2.10  other  127.0.2.10:5060 -> 944000001  failed 408  not judged  (post-dial 2.002s)');
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(lines(output.stdout).filter((l) => l.startsWith('#'))).toEqual([
      '#1 call-1@127.0.2.10  other  127.0.2.10:5060 -> 944000001  failed 408  not judged  (post-dial 2.002s)',
      '#2 probe-1  other  127.0.2.10:5060 -> ?  not-a-call  not judged',
    ]);
  });

  it('says why it cannot listen (the port taken), exit 2', async () => {
    const holder = createSocket('udp4');
    await new Promise<void>((resolve) => holder.bind(0, '127.0.31.1', resolve));
    const { port } = holder.address();
    const run = trace('--listen', `udp:127.0.31.1:${port}`);
    holder.close();
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`surv: trace: cannot listen for HEP on udp:127.0.31.1:${port}: EADDRINUSE\n`);
  });
});
