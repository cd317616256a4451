// The petrol-station fleet (examples/petrol-stations/): 24 branches that say only
// what differs from `profile station` (or `station-24h`), in files that `use`
// profile.surv. The model of each station is the merge described in examples/README.md.
import { describe, expect, it } from 'vitest';
import { petrolFiles, read } from '../parser/helpers.js';
import { analyzeFiles, branchOf, DEFAULT, sourceIn } from './helpers.js';

const files = petrolFiles().map((f) => ({ uri: f, text: read(f) }));
const analysis = analyzeFiles(files);
const PROFILE = 'examples/petrol-stations/profile.surv';
const station = (n: number) => branchOf(analysis, `station-${String(n).padStart(2, '0')}`);
const fileOf = (n: number) => `examples/petrol-stations/station-${String(n).padStart(2, '0')}.surv`;

describe('the petrol-station fleet', () => {
  it('24 stations, clean, each in its own file', () => {
    expect(analysis.diagnostics).toEqual([]);
    expect(analysis.model.branches).toHaveLength(24);
    for (let n = 1; n <= 24; n++) expect(station(n).uri).toBe(fileOf(n));
  });

  it('every station: its own edge, LAN 10.60.NN.0/24 and gateway address; the profile gives the rest', () => {
    for (let n = 1; n <= 24; n++) {
      const b = station(n);
      expect(b.lans.value.map((l) => l.cidr)).toEqual([`10.60.${n}.0/24`]);
      expect(b.listens.value.map((l) => `${l.transport} ${l.address}:${l.port}`)).toEqual([`udp 10.60.${n}.1:5060`]);
      const [pstn] = b.gateways;
      expect(pstn?.address.value?.address).toBe(`10.60.${n}.3`);
      expect(pstn?.address.origin).toEqual(sourceIn(fileOf(n)));
      expect(pstn?.kind).toEqual({ value: 'fxo', origin: sourceIn(PROFILE) });
      expect(b.upstreams.map((u) => [u.name, u.proxy.value?.host, u.probe?.everyMs.value, u.probe?.holdoffMs.value]))
        .toEqual([['cloud', 'stations.pbx.example.com', 30_000, 120_000]]);
      expect(b.outbound?.via.origin).toEqual(sourceIn(PROFILE));
      expect(b.outbound?.emergency.value).toEqual(['112', '062']);
      expect(b.register.forward.value).toBe('cloud');
    }
  });

  it('an fxo gateway defaults to 1 channel; station 18 says 2 and keeps kind fxo', () => {
    expect(station(1).gateways[0]?.channels).toEqual({ value: 1, origin: DEFAULT });
    expect(station(18).gateways[0]?.channels).toEqual({ value: 2, origin: sourceIn(fileOf(18)) });
    expect(station(18).gateways[0]?.kind.value).toBe('fxo');
  });

  it('station 12 overrides t1, no-answer and budget, and keeps the profile ringing', () => {
    const t = station(12).timers;
    expect([t.t1Ms.value, t.noAnswerMs.value, t.budgetMs.value, t.ringingMs.value, t.t2Ms.value]).toEqual([1_000, 10_000, 12_000, 60_000, 4_000]);
    expect([t.t1Ms.origin, t.ringingMs.origin, t.t2Ms.origin]).toEqual([sourceIn(fileOf(12)), sourceIn(PROFILE), DEFAULT]);
    expect(station(1).timers.noAnswerMs).toEqual({ value: 8_000, origin: sourceIn(PROFILE) });
  });

  it('station 7 replaces the ring chain: shop 15s, then office', () => {
    expect(station(7).inbound?.chain.value.map((s) => [s.target, s.ringMs])).toEqual([['shop', 15_000], ['office', 20_000]]);
    expect(station(7).inbound?.chain.origin).toEqual(sourceIn(fileOf(7)));
    expect(station(1).inbound?.chain.value.map((s) => s.target)).toEqual(['shop']);
  });

  it('stations 21-24 use station-24h: the counter group of shop and kiosk rings 25s', () => {
    for (const n of [21, 22, 23, 24]) {
      const b = station(n);
      expect(b.profiles).toEqual(['station-24h', 'station']);
      expect(b.groups.map((g) => [g.name, g.members.value, g.ringMs.value])).toEqual([['counter', ['shop', 'kiosk'], 25_000]]);
      expect(b.inbound?.chain.value.map((s) => [s.target, s.ringMs])).toEqual([['counter', 25_000]]);
    }
    expect(station(20).profiles).toEqual(['station']);
  });

  it('scenarios are in stations 01, 07, 12 and 21', () => {
    expect(analysis.model.scenarios.map((s) => s.branch)).toEqual(['station-01', 'station-07', 'station-12', 'station-21']);
  });
});
