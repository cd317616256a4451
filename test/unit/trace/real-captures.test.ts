// The committed real captures (test/fixtures/captures/, README.md there: tcpdump around
// the real Kamailio running the bundle of test/kamailio/fixtures/trace/branch.surv) read
// and traced in the fast loop: the pcap and its editcap pcapng copy give the same
// messages, the counts are the README's, the correct bundle's calls all pass and the
// mis-exported one is SURV091. The live test (test/kamailio/trace-live.test.ts) makes
// fresh captures and checks them against replay's wire log and tshark.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../grammar/src/index.js';
import { readCapture } from '../../../io/capture/index.js';
import { CallTracer, type CaptureItem, type TracedCall } from '../../../engines/trace/index.js';
import { root } from '../../support/built.js';

const dir = join(root, 'test/fixtures/captures');
const designUri = 'test/kamailio/fixtures/trace/branch.surv';
const analysis = analyze([{ uri: designUri, text: readFileSync(join(root, designUri), 'utf8') }], { symbols: false });
const branch = analysis.model.branches[0]!;

async function items(name: string): Promise<CaptureItem[]> {
  const out: CaptureItem[] = [];
  for await (const item of readCapture(join(dir, name))) out.push(item);
  return out;
}

function trace(all: readonly CaptureItem[]): TracedCall[] {
  const tracer = new CallTracer({ branches: [branch] });
  const calls: TracedCall[] = [];
  for (const item of all) calls.push(...tracer.push(item));
  calls.push(...tracer.finish());
  return calls.sort((a, b) => a.id - b.id);
}

describe('the committed real captures', () => {
  it('has no errors in its design', () => {
    expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  for (const [name, sip, tcp] of [['branch-127.0.29', 97, 6], ['branch-127.0.29-tcp', 12, 6], ['branch-127.0.29-misexport', 26, 0]] as const) {
    it(`${name}: pcap and pcapng hold the same ${sip} SIP messages (${tcp} over TCP), frame for frame`, async () => {
      const pcap = await items(`${name}.pcap`);
      const pcapng = await items(`${name}.pcapng`);
      expect(pcapng).toEqual(pcap);
      const messages = pcap.flatMap((i) => (i.kind === 'sip' ? [i] : []));
      expect(messages).toHaveLength(sip);
      expect(messages.filter((m) => m.transport === 'tcp')).toHaveLength(tcp);
      // Every message is between the design's loopback range and the edge (or Kamailio's 127.0.0.1 for its TCP connections).
      for (const m of messages) expect([m.src.address, m.dst.address].every((a) => a.startsWith('127.0.29.') || a === '127.0.0.1'), `frame ${m.frame}`).toBe(true);
    });
  }

  it('branch-127.0.29: eight calls of the correct bundle, each passes', async () => {
    const calls = trace(await items('branch-127.0.29.pcap'));
    expect(calls.map((c) => [c.callIds.join(' '), c.kind, c.caller, c.dialled, c.outcome, c.finalCode, c.survival, c.verdict?.status])).toEqual([
      ['c1.b1@127.0.29.10', 'outbound', 'desk1', '944000001', 'answered', 200, true, 'pass'],
      ['c1.b2@127.0.29.10', 'outbound', 'desk1', '944000002', 'failed', 404, false, 'pass'],
      ['c1.b3@127.0.29.11', 'outbound', 'desk2', '944000003', 'answered', 200, false, 'pass'],
      ['c1.b4@127.0.29.3', 'inbound', 'pstn', '944123456', 'answered', 200, false, 'pass'],
      ['c1.b5@127.0.29.10', 'outbound', 'desk1', '944000004', 'failed', 408, false, 'pass'],
      ['s1.b6@127.0.29.40', 'stranger', '127.0.29.40:5060', '0900123456', 'refused', 403, false, 'pass'],
      ['c1.b7@127.0.29.11', 'emergency', 'desk2', '112', 'answered', 200, false, 'pass'],
      ['c1.b8@127.0.29.12', 'outbound', 'till1', '944000005', 'answered', 200, false, 'pass'],
    ]);
    // Survival at no-answer (2 s), Kamailio's timer ticks allowing.
    const survival = calls[0]!.verdict!;
    expect(survival.detectionMs!).toBeGreaterThan(1850);
    expect(survival.detectionMs!).toBeLessThan(2150);
  });

  it('branch-127.0.29-misexport: the call that rang and was diverted is SURV091', async () => {
    const calls = trace(await items('branch-127.0.29-misexport.pcap'));
    expect(calls).toHaveLength(1);
    const surv091 = calls[0]!.verdict!.findings.find((f) => f.code === 'SURV091');
    expect(surv091?.status).toBe('violation');
    expect(surv091?.message).toMatch(/^cloud replied 180 Ringing at 0\.0\d\ds; the design never diverts this call, but the edge went to survival at 2\.9\d\ds \(181 to desk1\)$/);
  });
});
