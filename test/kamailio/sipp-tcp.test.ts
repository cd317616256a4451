// A TCP phone played by SIPp, an independent SIP stack (`-t t1`), against the exported
// bundle of fixtures/sipp-tcp/tcp.surv (issue 12, item 4): the edge opens a TCP
// connection to the phone at the URI the export writes and the phone's replies come
// back over it; a call the TCP phone places gets survival over its own connection at
// no-answer, with no retransmission on that leg. The replay (transports.surv) holds
// the same behaviour against the simulator's own actors. Everything on 127.0.23.x.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectSippPassed, requireSipp, startSipp, waitTcpListening, type Endpoint, type RunningSipp, type SippResult } from './sipp-runner.js';
import { ensureBuilt, exportTo, removeExports, requireTools, root, startKamailio, type RunningKamailio } from './support.js';

const dir = join(root, 'test/kamailio/fixtures/sipp-tcp');
const edge = { address: '127.0.23.1', port: 5070 };
const gateway = { address: '127.0.23.3', port: 5090 };
const till1 = { address: '127.0.23.10', port: 5061 };
// Kamailio's tm timers tick every 62.5 ms and fire up to one tick early.
const tolerance = 150;

describe('a TCP phone played by SIPp against the exported kamailio.cfg', () => {
  let kamailio: RunningKamailio | undefined;
  const running: RunningSipp[] = [];

  beforeAll(async () => {
    requireTools();
    requireSipp();
    await ensureBuilt();
    kamailio = await startKamailio(exportTo(join(dir, 'tcp.surv'), 'debian'), edge);
  });

  afterAll(async () => {
    await kamailio?.stop();
    removeExports();
  });

  afterEach(async () => {
    for (const s of running.splice(0)) {
      s.kill();
      await s.done;
    }
  });

  function sipp(label: string, scenario: string, local: Endpoint, tcp: boolean, remote?: Endpoint): RunningSipp {
    const s = startSipp({
      label, scenario: join(dir, scenario), local, calls: 1, timeoutSeconds: 15, traceMessages: true,
      ...(remote ? { remote } : {}),
      extra: ['-timeout_error', ...(tcp ? ['-t', 't1'] : [])],
    });
    running.push(s);
    return s;
  }

  async function passed(runs: readonly RunningSipp[]): Promise<Map<string, SippResult>> {
    const results = await Promise.all(runs.map((s) => s.done));
    expectSippPassed(results, kamailio?.log() ?? '');
    return new Map(results.map((r) => [r.label, r]));
  }

  it('a call from the gateway: the edge connects to till1 at ;transport=tcp, its 200, ACK and BYE cross that connection', async () => {
    const phone = sipp('till1', 'till-answers.xml', till1, true);
    await waitTcpListening(till1, phone);
    const results = await passed([phone, sipp('gateway', 'gateway-call.xml', gateway, false, edge)]);
    expect(results.get('till1')!.logs).toEqual(['INVITE INVITE sip:101@127.0.23.10:5061;transport=tcp SIP/2.0  SIP/2.0/TCP 127.0.23.1:5070;', 'BYE']);
    expect(results.get('gateway')!.logs).toEqual(['200  <sip:101@127.0.23.10:5061;transport=tcp>']);
  });

  it('till1 dials out over tcp, the upstream silent: 181 and 302 to the gateway at no-answer, over its connection', async () => {
    const results = await passed([sipp('till1', 'till-survival.xml', till1, true, edge)]);
    const logs = results.get('till1')!.logs;
    const tick = (name: string) => Number(logs.find((l) => l.startsWith(`${name} `))?.split(' ')[1]);
    // no-answer is 2 s in the fixture, as the simulator says (tcp.surv's scenario).
    expect(Math.abs(tick('181') - tick('INVITE') - 2000), logs.join('\n')).toBeLessThan(tolerance);
    expect(tick('302') - tick('181')).toBeLessThan(20);
    expect(logs.find((l) => l.startsWith('302 '))).toMatch(/ <sip:944000000@127\.0\.23\.3:5090>$/);
  });
});
