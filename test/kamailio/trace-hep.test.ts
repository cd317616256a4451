// Kamailio 5.6's siptrace module mirroring every SIP message it receives and sends as
// HEP (v3, and v2) to surv's live HEP listener (io/capture/hep-listen.ts) on
// 127.0.28.9:9060, while the test's phone (127.0.28.2) and gateway (127.0.28.3) make
// an OPTIONS, a refused INVITE and a TCP OPTIONS through it: the listener must see
// exactly those messages, in order, with Kamailio's view of their addresses.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureItem } from '../../engines/trace/capture.js';
import { listenHep, type HepListener } from '../../io/capture/hep-listen.js';
import { startKamailio, type RunningKamailio } from '../../io/replay/kamailio.js';
import { ackFor, clock, header, invite, UdpActor, unique } from './sip.js';
import { ensureBuilt, requireTools, survBin } from './support.js';

const EDGE = { address: '127.0.28.1', port: 5060 };
const HEP = { address: '127.0.28.9', port: 9060 };

/** A small edge: OPTIONS answered, INVITE relayed to the gateway, everything mirrored as HEP. */
export function traceCfg(hepVersion: 2 | 3): string {
  return `#!KAMAILIO
debug=2
log_stderror=yes
children=2
tcp_children=1
auto_aliases=no
listen=udp:${EDGE.address}:${EDGE.port}
listen=tcp:${EDGE.address}:${EDGE.port}

loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "textops.so"
loadmodule "siptrace.so"

# Mirror every message Kamailio receives or sends (trace_mode 1) as HEP to surv.
modparam("siptrace", "duplicate_uri", "sip:${HEP.address}:${HEP.port}")
modparam("siptrace", "hep_mode_on", 1)
modparam("siptrace", "hep_version", ${hepVersion})
modparam("siptrace", "hep_capture_id", 2801)
modparam("siptrace", "trace_to_database", 0)
modparam("siptrace", "trace_on", 1)
modparam("siptrace", "trace_mode", 1)

request_route {
  if (is_method("ACK")) {
    t_check_trans();
    exit;
  }
  if (is_method("OPTIONS")) {
    sl_send_reply("200", "OK");
    exit;
  }
  if (is_method("INVITE")) {
    $du = "sip:127.0.28.3:5062";
    t_relay();
    exit;
  }
  sl_send_reply("405", "Method Not Allowed");
}
`;
}

function options(from: { address: string; port: number }, transport: 'UDP' | 'TCP', callId: string): string {
  return [
    `OPTIONS sip:${EDGE.address}:${EDGE.port} SIP/2.0`,
    `Via: SIP/2.0/${transport} ${from.address}:${from.port};branch=${unique('z9hG4bK')};rport`,
    'Max-Forwards: 70',
    `From: <sip:101@${from.address}>;tag=${unique('ft')}`,
    `To: <sip:${EDGE.address}>`,
    `Call-ID: ${callId}`,
    'CSeq: 1 OPTIONS',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** Sends an OPTIONS over TCP from 127.0.28.2; resolves with Kamailio's reply's first line and the connection's local port. */
function tcpOptions(callId: string): Promise<{ reply: string; port: number }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: EDGE.address, port: EDGE.port, localAddress: '127.0.28.2' }, () => {
      const local = { address: '127.0.28.2', port: socket.localPort ?? 0 };
      socket.write(options(local, 'TCP', callId));
    });
    let text = '';
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`no TCP reply; got ${JSON.stringify(text)}`)); }, 3000);
    socket.on('data', (d) => {
      text += d.toString('utf8');
      if (text.includes('\r\n\r\n')) {
        clearTimeout(timer);
        socket.end();
        resolve({ reply: text.slice(0, text.indexOf('\r\n')), port: socket.localPort ?? 0 });
      }
    });
    socket.on('error', reject);
  });
}

/** The parts of `surv trace --format json` this test reads. */
interface TraceReport {
  readonly calls: readonly { callIds: string[]; startUs: number; outcome: string; finalCode?: number; entries: { summary: string; from: string; to: string; transport: string }[] }[];
  readonly summary: { calls: number; messages: number; notices: unknown[] };
}

/** One line per SIP item: start line, Call-ID, transport, addresses. */
function line(item: CaptureItem): string {
  if (item.kind === 'notice') return `notice ${item.code}: ${item.message}`;
  const start = item.text.slice(0, item.text.indexOf('\r\n'));
  return `${start} | ${header(item, 'Call-ID') ?? '-'} | ${item.transport} ${item.src.address}:${item.src.port} -> ${item.dst.address}:${item.dst.port}`;
}

/** The phone and gateway, bound at their addresses; the gateway refuses every INVITE with 486. */
async function actors(): Promise<{ phone: UdpActor; gateway: UdpActor }> {
  const { t0 } = clock();
  const phone = await UdpActor.bind('phone', '127.0.28.2', 5070, t0);
  const gateway = await UdpActor.bind('gateway', '127.0.28.3', 5062, t0);
  gateway.onRequest = (m) => {
    if (m.method === 'INVITE') gateway.reply(m, 486, 'Busy Here');
  };
  return { phone, gateway };
}

/**
 * Through Kamailio: an OPTIONS over UDP, an INVITE the gateway refuses (and the ACKs),
 * an OPTIONS over TCP. Resolves with the lines the HEP feed must carry for them, once
 * the last mirrored datagram has had time to arrive (loopback: well under 300 ms).
 */
async function traffic(phone: UdpActor, gateway: UdpActor, tag: string): Promise<string[]> {
  phone.send(options(phone, 'UDP', `opt-${tag}`), EDGE.address, EDGE.port);
  await phone.waitFor((m) => m.status === 200 && header(m, 'Call-ID') === `opt-${tag}`, 3000, '200 to OPTIONS');

  const call = invite(phone, '101', `sip:944000000@${EDGE.address}`, `inv-${tag}`);
  phone.send(call.text, EDGE.address, EDGE.port);
  const busy = await phone.waitFor((m) => m.status === 486 && header(m, 'Call-ID') === `inv-${tag}`, 3000, '486');
  phone.send(ackFor(call, busy), EDGE.address, EDGE.port);
  await gateway.waitFor((m) => m.method === 'ACK' && header(m, 'Call-ID') === `inv-${tag}`, 3000, 'ACK at the gateway');

  const tcp = await tcpOptions(`tcp-${tag}`);
  expect(tcp.reply).toBe('SIP/2.0 200 OK');
  await new Promise((r) => setTimeout(r, 300));
  return [
    `OPTIONS sip:127.0.28.1:5060 SIP/2.0 | opt-${tag} | udp 127.0.28.2:5070 -> 127.0.28.1:5060`,
    `SIP/2.0 200 OK | opt-${tag} | udp 127.0.28.1:5060 -> 127.0.28.2:5070`,
    `INVITE sip:944000000@127.0.28.1 SIP/2.0 | inv-${tag} | udp 127.0.28.2:5070 -> 127.0.28.1:5060`,
    `SIP/2.0 100 trying -- your call is important to us | inv-${tag} | udp 127.0.28.1:5060 -> 127.0.28.2:5070`,
    `INVITE sip:944000000@127.0.28.1 SIP/2.0 | inv-${tag} | udp 127.0.28.1:5060 -> 127.0.28.3:5062`,
    `SIP/2.0 486 Busy Here | inv-${tag} | udp 127.0.28.3:5062 -> 127.0.28.1:5060`,
    `ACK sip:944000000@127.0.28.1 SIP/2.0 | inv-${tag} | udp 127.0.28.1:5060 -> 127.0.28.3:5062`,
    `SIP/2.0 486 Busy Here | inv-${tag} | udp 127.0.28.1:5060 -> 127.0.28.2:5070`,
    `ACK sip:944000000@127.0.28.1 SIP/2.0 | inv-${tag} | udp 127.0.28.2:5070 -> 127.0.28.1:5060`,
    `OPTIONS sip:127.0.28.1:5060 SIP/2.0 | tcp-${tag} | tcp 127.0.28.2:${tcp.port} -> 127.0.28.1:5060`,
    `SIP/2.0 200 OK | tcp-${tag} | tcp 127.0.28.1:5060 -> 127.0.28.2:${tcp.port}`,
  ];
}

describe.each([3, 2] as const)('siptrace HEP v%i to surv\'s listener', (version) => {
  let listener: HepListener;
  let kamailio: RunningKamailio | undefined;
  const items: CaptureItem[] = [];
  let reading: Promise<void>;
  let phone: UdpActor;
  let gateway: UdpActor;
  let startedUs = 0;

  beforeAll(async () => {
    requireTools();
    listener = await listenHep(HEP);
    reading = (async () => {
      for await (const item of listener.items) items.push(item);
    })();
    ({ phone, gateway } = await actors());
    startedUs = Date.now() * 1000;
    kamailio = await startKamailio({ cfg: traceCfg(version), dispatcherList: undefined }, EDGE);
  });

  afterAll(async () => {
    await kamailio?.stop();
    await listener?.close();
    await reading;
    phone?.close();
    gateway?.close();
  });

  it('carries exactly the messages Kamailio received and sent, in order, with their addresses', async () => {
    const expected = await traffic(phone, gateway, `v${version}x${process.pid}`);
    const endUs = Date.now() * 1000;
    // Kamailio's own readiness probes (Call-ID ready...) are mirrored too; the rest is ours.
    const ours = items.filter((i) => i.kind === 'notice' || !/^ready/.test(header(i, 'Call-ID') ?? ''));
    // Kamailio mirrors from several worker processes, each after it acted on a message: two
    // messages handled by different workers (the 200 it sent, the INVITE the next worker
    // received) reach the listener in either order. Every message, once, with its addresses.
    expect(ours.map(line).sort()).toEqual([...expected].sort());
    expect(ours.map(line)[0]).toBe(expected[0]);
    // Capture times are Kamailio's clock, within the test's run; frames count datagrams.
    for (const item of ours) {
      expect(item.kind).toBe('sip');
      if (item.kind !== 'sip') continue;
      expect(item.timeUs).toBeGreaterThanOrEqual(startedUs);
      expect(item.timeUs).toBeLessThanOrEqual(endUs);
    }
    const frames = items.map((i) => i.frame);
    expect(frames).toEqual(frames.map((_, i) => i + 1));
    expect(listener.stats()).toEqual({ received: items.length, dropped: 0, systemDropped: 0 });
  });
});

describe('surv trace --listen udp:127.0.28.9:9060 with siptrace HEP v3', () => {
  let kamailio: RunningKamailio | undefined;
  let phone: UdpActor;
  let gateway: UdpActor;
  let cli: ChildProcess | undefined;

  beforeAll(async () => {
    requireTools();
    await ensureBuilt();
    ({ phone, gateway } = await actors());
  });

  afterAll(async () => {
    await kamailio?.stop();
    // Only when the test failed before surv exited on its own.
    if (cli && cli.exitCode === null && cli.signalCode === null) cli.kill('SIGKILL');
    phone?.close();
    gateway?.close();
  });

  it('draws the calls Kamailio mirrored, and ends with a summary on Ctrl-C', async () => {
    cli = spawn(process.execPath, [survBin, 'trace', '--listen', `udp:${HEP.address}:${HEP.port}`, '--format', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const child = cli;
    child.stdout?.on('data', (d: Buffer) => { stdout += d.toString('utf8'); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`surv trace did not say it listens: ${stderr}`)), 10_000);
      child.stderr?.on('data', (d: Buffer) => {
        stderr += d.toString('utf8');
        if (stderr.includes('listening for HEP')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    expect(stderr).toBe(`surv: trace: listening for HEP on udp:${HEP.address}:${HEP.port}; Ctrl-C ends and prints the summary\n`);
    kamailio = await startKamailio({ cfg: traceCfg(3), dispatcherList: undefined }, EDGE);
    const tag = `cli${process.pid}`;
    await traffic(phone, gateway, tag);
    await kamailio.stop();
    kamailio = undefined;
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const tcpPort = /Via: SIP\/2\.0\/TCP 127\.0\.28\.2:(\d+)/.exec(stdout)?.[1];
    const report = JSON.parse(stdout) as TraceReport;
    expect(report).toMatchObject({ command: 'trace', captures: [`udp:${HEP.address}:${HEP.port}`], live: true, design: null, errors: [] });
    // Kamailio's readiness probes are calls too (Call-ID ready...); ours are the rest, in the order they began.
    const ours = report.calls.filter((c) => !c.callIds.some((id) => id.startsWith('ready'))).sort((a, b) => a.startUs - b.startUs);
    // Sorted: Kamailio's workers mirror in the order each acted, not the wire's (above).
    expect(ours.map((c) => ({
      callIds: c.callIds, outcome: c.outcome, finalCode: c.finalCode,
      entries: c.entries.map((e) => `${e.summary} ${e.from} -> ${e.to} ${e.transport}`).sort(),
    }))).toEqual([
      { callIds: [`opt-${tag}`], outcome: 'not-a-call', finalCode: 200, entries: ['OPTIONS 127.0.28.2:5070 -> 127.0.28.1:5060 udp', '200 127.0.28.1:5060 -> 127.0.28.2:5070 udp'].sort() },
      {
        callIds: [`inv-${tag}`], outcome: 'failed', finalCode: 486, entries: [
          'INVITE 127.0.28.2:5070 -> 127.0.28.1:5060 udp', '100 127.0.28.1:5060 -> 127.0.28.2:5070 udp', 'INVITE 127.0.28.1:5060 -> 127.0.28.3:5062 udp',
          '486 127.0.28.3:5062 -> 127.0.28.1:5060 udp', 'ACK 127.0.28.1:5060 -> 127.0.28.3:5062 udp', '486 127.0.28.1:5060 -> 127.0.28.2:5070 udp',
          'ACK 127.0.28.2:5070 -> 127.0.28.1:5060 udp',
        ].sort(),
      },
      { callIds: [`tcp-${tag}`], outcome: 'not-a-call', finalCode: 200, entries: [`OPTIONS 127.0.28.2:${tcpPort} -> 127.0.28.1:5060 tcp`, `200 127.0.28.1:5060 -> 127.0.28.2:${tcpPort} tcp`].sort() },
    ]);
    expect(report.summary.calls).toBe(report.calls.length);
    expect(report.summary.messages).toBe(report.calls.reduce((n, c) => n + c.entries.length, 0));
    expect(report.summary.notices).toEqual([]);
  });
});
