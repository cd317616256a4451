// The flagship example, examples/bilbao.surv, asserted in detail: the design the
// project grew from (examples/README.md).
import { describe, expect, it } from 'vitest';
import { read } from '../parser/helpers.js';
import { after, analyzeText, DEFAULT, sourceIn } from './helpers.js';

const URI = 'bilbao.surv';
const TEXT = read('examples/bilbao.surv');
const analysis = analyzeText(TEXT, URI);
const { model } = analysis;
const bilbao = model.branches[0];
/** The origin of `needle` on the first line that starts (after indentation) with `line`. */
const on = (line: string, needle: string) => after(URI, TEXT, `\n  ${line}`, needle);

describe('examples/bilbao.surv', () => {
  it('has no diagnostics, one branch and three scenarios', () => {
    expect(analysis.diagnostics).toEqual([]);
    expect(model.branches.map((b) => b.name)).toEqual(['bilbao']);
    expect(model.scenarios.map((s) => s.title)).toEqual([
      'cloud down, desk dials out', 'cloud up, number does not exist', 'incoming PSTN call forks to the front desk',
    ]);
  });

  it('the branch: its file, no profiles', () => {
    expect(bilbao?.uri).toBe(URI);
    expect(bilbao?.profiles).toEqual([]);
    expect(bilbao?.origin).toEqual(sourceIn(URI));
  });

  it('the edge listens on udp 10.222.237.1:5060', () => {
    expect(bilbao?.listens.value.map(({ origin: _o, ...l }) => l)).toEqual([{ address: '10.222.237.1', family: 4, port: 5060, transport: 'udp' }]);
  });

  it('the LAN is 10.222.237.0/24', () => {
    expect(bilbao?.lans.value.map(({ origin: _o, ...n }) => n)).toEqual([{ cidr: '10.222.237.0/24', address: '10.222.237.0', prefix: 24, family: 4 }]);
  });

  it('one BRI gateway, pstn, at 10.10.1.3 (outside the LAN) with 2 channels', () => {
    expect(bilbao?.gateways.map((g) => ({
      name: g.name, address: g.address.value, transport: g.transport.value, kind: g.kind.value, channels: g.channels.value,
    }))).toEqual([{ name: 'pstn', address: { address: '10.10.1.3', family: 4, port: 5060 }, transport: 'udp', kind: 'bri', channels: 2 }]);
    const [pstn] = bilbao?.gateways ?? [];
    expect(pstn?.channels.origin).toEqual(sourceIn(URI));
    expect(pstn?.transport.origin).toEqual(DEFAULT);
  });

  it('one upstream, cloud, at sip:pbx.example.com:5060 over udp, not probed', () => {
    expect(bilbao?.upstreams.map((u) => ({ name: u.name, proxy: u.proxy.value, transport: u.transport.value, probe: u.probe }))).toEqual([{
      name: 'cloud',
      proxy: { uri: 'sip:pbx.example.com:5060', user: undefined, host: 'pbx.example.com', port: 5060, secure: false, transportParam: undefined },
      transport: 'udp',
      probe: undefined,
    }]);
  });

  it('timers: no-answer 10s, ringing 60s, budget 15s written; t1 500ms and t2 4s by default', () => {
    const t = bilbao?.timers;
    expect([t?.noAnswerMs.value, t?.ringingMs.value, t?.t1Ms.value, t?.t2Ms.value, t?.budgetMs.value]).toEqual([10_000, 60_000, 500, 4_000, 15_000]);
    expect([t?.noAnswerMs.origin.kind, t?.ringingMs.origin.kind, t?.t1Ms.origin.kind, t?.t2Ms.origin.kind, t?.budgetMs.origin.kind])
      .toEqual(['source', 'source', 'default', 'default', 'source']);
  });

  it('phones reception (100) and desk1 (101) at fixed addresses, and the front group', () => {
    expect(bilbao?.phones.map((p) => [p.name, p.extension.value, p.address.value?.address, p.registered])).toEqual([
      ['reception', '100', '10.222.237.10', false], ['desk1', '101', '10.222.237.11', false],
    ]);
    expect(bilbao?.groups.map((g) => [g.name, g.mode.value, g.members.value, g.ringMs.value])).toEqual([['front', 'parallel', ['reception', 'desk1'], 20_000]]);
  });

  it('REGISTERs go to cloud with a Path header, no local copy', () => {
    expect(bilbao?.register.forward.value).toBe('cloud');
    expect(bilbao?.register.withPath.value).toBe(true);
    expect(bilbao?.register.keepLocalCopy).toEqual({ value: false, origin: DEFAULT });
  });

  it('outbound via cloud: on timeout 181 "Survival Activated - please standby", then 302 to pstn', () => {
    const out = bilbao?.outbound;
    expect(out?.via.value).toEqual(['cloud']);
    expect(out?.onTimeout.value.map(({ origin: _o, ...a }) => a)).toEqual([
      { kind: 'announce', code: 181, reason: 'Survival Activated - please standby' },
      { kind: 'redirect', code: 302, gateway: 'pstn', gateways: ['pstn'] },
    ]);
    expect(out?.pass).toEqual({ value: 'all', origin: DEFAULT });
    expect(out?.rewrite).toEqual({ value: [], origin: DEFAULT });
  });

  it('emergency 112 and 091 go direct to pstn', () => {
    expect(bilbao?.outbound?.emergency.value).toEqual(['112', '091']);
    expect(bilbao?.outbound?.emergencyGateway).toEqual({ value: 'pstn', origin: sourceIn(URI) });
  });

  it('inbound from pstn rings front (20s, the group ring) then reception (20s default); no DIDs', () => {
    expect(bilbao?.inbound?.from.value).toEqual(['pstn']);
    expect(bilbao?.inbound?.chain.value.map((s) => [s.target, s.ringMs])).toEqual([['front', 20_000], ['reception', 20_000]]);
    expect(bilbao?.inbound?.dids).toEqual([]);
  });

  it('origins of the key literals, exactly', () => {
    expect(bilbao?.origin).toEqual(after(URI, TEXT, '\nbranch ', 'bilbao'));
    expect(bilbao?.lans.value[0]?.origin).toEqual(on('lan', '10.222.237.0/24'));
    expect(bilbao?.gateways[0]?.address.origin).toEqual(on('gateway pstn', '10.10.1.3'));
    expect(bilbao?.gateways[0]?.kind.origin).toEqual(on('gateway pstn', 'bri'));
    expect(bilbao?.timers.noAnswerMs.origin).toEqual(on('timers', '10s'));
    expect(bilbao?.timers.budgetMs.origin).toEqual(on('timers', '15s'));
    expect(bilbao?.upstreams[0]?.proxy.origin).toEqual(on('upstream cloud', 'sip:pbx.example.com:5060'));
    expect(bilbao?.phones[1]?.address.origin).toEqual(on('phone desk1', '10.222.237.11'));
    expect(bilbao?.groups[0]?.ringMs.origin).toEqual(on('group front', '20s'));
    expect(bilbao?.outbound?.emergencyGateway.origin).toEqual(on('  emergency', 'pstn'));
  });
});

describe('the bilbao scenarios', () => {
  const [outage, notFound, incoming] = model.scenarios;

  it('"cloud down, desk dials out": cloud silent, desk1 dials, 181 and 302 at 10s to the gateway', () => {
    expect(outage?.branch).toBe('bilbao');
    expect(outage?.states.map((s) => [s.actor, s.actorKind, s.state, s.fromMs])).toEqual([['cloud', 'upstream', 'silent', 0]]);
    expect(outage?.events.map(({ origin: _o, ...e }) => e)).toEqual([
      { kind: 'call', caller: 'desk1', callerKind: 'phone', target: '944000000', targetIsPhone: false, atMs: 0 },
    ]);
    expect(outage?.expectations.map(({ origin: _o, ...e }) => e)).toEqual([
      { kind: 'gets', actor: 'desk1', code: 181, atMs: 10_000, withinMs: undefined, contact: undefined, reason: undefined },
      { kind: 'gets', actor: 'desk1', code: 302, atMs: 10_000, withinMs: undefined, contact: 'sip:944000000@10.10.1.3', reason: undefined },
    ]);
    expect([outage?.seed, outage?.lossPercent]).toEqual([1, 0]);
  });

  it('"cloud up, number does not exist": the 404 passes within 1s', () => {
    expect(notFound?.states.map((s) => [s.actor, s.state, s.code])).toEqual([['cloud', 'answers', 404]]);
    expect(notFound?.expectations.map((e) => [e.kind, e.actor, e.kind === 'gets' ? e.code : undefined, e.kind === 'gets' ? e.withinMs : undefined]))
      .toEqual([['gets', 'desk1', 404, 1_000]]);
  });

  it('"incoming PSTN call forks to the front desk": pstn calls in, desk1 answers at 4s', () => {
    expect(incoming?.states.map((s) => [s.actor, s.actorKind, s.state, s.delayMs])).toEqual([
      ['cloud', 'upstream', 'silent', undefined], ['reception', 'phone', 'no-answer', undefined], ['desk1', 'phone', 'answers', 4_000],
    ]);
    expect(incoming?.events.map((e) => e.kind === 'call' && [e.caller, e.callerKind, e.target])).toEqual([['pstn', 'gateway', '944000100']]);
    expect(incoming?.expectations.map(({ origin: _o, ...e }) => e)).toEqual([{ kind: 'answers', actor: 'desk1', atMs: 4_000 }]);
  });
});
