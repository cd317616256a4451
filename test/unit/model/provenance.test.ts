// Provenance: the origin of every model value is the exact literal that set it
// (UTF-16 offsets, end exclusive), in the file where it is written, through
// profiles and `use`.
import { describe, expect, it } from 'vitest';
import { after, analyzeFiles, at, branchOf, DEFAULT } from './helpers.js';

const PROFILE_URI = 'fleet/shared/station.surv';
const PROFILE = `# the shared policy
profile station {
  gateway pstn { kind fxo  channels 2 }
  upstream cloud {
    proxy sip:stations.example.com:5060
    probe options every 30s timeout 2s down after 3
  }
  timers { no-answer 8s  ringing 60s  budget 10s }
  group counter parallel [shop] ring 25s
  register { forward cloud with path }
  outbound from lan via cloud {
    on timeout { announce 181 "Survival"  redirect 302 to pstn }
    emergency 112, 062 direct to pstn
  }
  inbound from pstn { ring counter  did 900 to shop }
}
`;
const SITE_URI = 'fleet/sites/station-01.surv';
const SITE = `use "../shared/station.surv"
branch station-01 uses station {
  edge listen udp 10.60.1.1:5060
  lan 10.60.1.0/24
  gateway pstn { address 10.60.1.3 }
  phone shop 100 at 10.60.1.10
  timers { budget 12s }
}
`;
const analysis = analyzeFiles([{ uri: PROFILE_URI, text: PROFILE }, { uri: SITE_URI, text: SITE }]);
const b = branchOf(analysis, 'station-01');
const inProfile = (needle: string, occurrence = 0) => at(PROFILE_URI, PROFILE, needle, occurrence);
const inSite = (needle: string, occurrence = 0) => at(SITE_URI, SITE, needle, occurrence);

describe('origins point at the exact literal in the right file', () => {
  it('analyses cleanly', () => {
    expect(analysis.diagnostics).toEqual([]);
  });

  it('the branch itself: its name', () => {
    expect(b.origin).toEqual(inSite('station-01'));
    expect(b.uri).toBe(SITE_URI);
  });

  it('timers: from the profile and from the branch', () => {
    expect(b.timers.noAnswerMs.origin).toEqual(inProfile('8s'));
    expect(b.timers.ringingMs.origin).toEqual(inProfile('60s'));
    expect(b.timers.budgetMs.origin).toEqual(inSite('12s'));
    expect(b.timers.t1Ms.origin).toEqual(DEFAULT);
  });

  it('a gateway merged from two files: each property from its own literal', () => {
    const [pstn] = b.gateways;
    expect(pstn?.address.origin).toEqual(inSite('10.60.1.3'));
    expect(pstn?.kind.origin).toEqual(inProfile('fxo'));
    expect(pstn?.channels.origin).toEqual(after(PROFILE_URI, PROFILE, 'channels', '2'));
    expect(pstn?.transport.origin).toEqual(DEFAULT);
  });

  it('an upstream and its probe', () => {
    const [cloud] = b.upstreams;
    expect(cloud?.origin).toEqual(inProfile('cloud'));
    expect(cloud?.proxy.origin).toEqual(inProfile('sip:stations.example.com:5060'));
    expect(cloud?.probe?.origin).toEqual(inProfile('probe options'));
    expect(cloud?.probe?.everyMs.origin).toEqual(inProfile('30s'));
    expect(cloud?.probe?.timeoutMs.origin).toEqual(after(PROFILE_URI, PROFILE, 'timeout', '2s'));
    expect(cloud?.probe?.downAfter.origin).toEqual(after(PROFILE_URI, PROFILE, 'down after', '3'));
    expect(cloud?.probe?.upAfter.origin).toEqual(DEFAULT);
  });

  it('edge and lan: the statement, each listen and each network', () => {
    expect(b.listens.origin).toEqual(inSite('edge listen udp 10.60.1.1:5060'));
    expect(b.listens.value[0]?.origin).toEqual(inSite('udp 10.60.1.1:5060'));
    expect(b.lans.origin).toEqual(inSite('lan 10.60.1.0/24'));
    expect(b.lans.value[0]?.origin).toEqual(inSite('10.60.1.0/24'));
  });

  it('a phone: its name, extension and address', () => {
    const [shop] = b.phones;
    expect(shop?.origin).toEqual(inSite('shop'));
    expect(shop?.extension.origin).toEqual(inSite('100'));
    expect(shop?.address.origin).toEqual(inSite('10.60.1.10'));
  });

  it('a group from the profile', () => {
    const [counter] = b.groups;
    expect(counter?.origin).toEqual(inProfile('counter'));
    expect(counter?.mode.origin).toEqual(inProfile('parallel'));
    expect(counter?.ringMs.origin).toEqual(inProfile('25s'));
  });

  it('outbound: the statement, the on timeout block and each action', () => {
    const out = b.outbound;
    expect(out?.origin.kind === 'source' && out.origin.uri).toBe(PROFILE_URI);
    expect(out?.onTimeout.origin).toEqual(inProfile('on timeout { announce 181 "Survival"  redirect 302 to pstn }'));
    expect(out?.onTimeout.value.map((a) => a.origin)).toEqual([inProfile('announce 181 "Survival"'), inProfile('redirect 302 to pstn')]);
    expect(out?.emergency.origin).toEqual(inProfile('emergency 112, 062 direct to pstn'));
    expect(out?.emergencyGateway.origin).toEqual(after(PROFILE_URI, PROFILE, 'direct to', 'pstn'));
  });

  it('register: forward and with path from the profile', () => {
    const forward = b.register.forward.origin;
    expect(forward.kind === 'source' && forward.uri).toBe(PROFILE_URI);
    // The origin covers the `forward cloud` statement (or just its name).
    const name = inProfile('forward cloud');
    expect(forward.kind === 'source' && forward.start >= (name as { start: number }).start && forward.end <= (name as { end: number }).end).toBe(true);
    expect(b.register.withPath.origin).toEqual(inProfile('with path'));
  });

  it('inbound: the ring steps and dids', () => {
    expect(b.inbound?.chain.value[0]?.origin).toEqual(inProfile('ring counter'));
    expect(b.inbound?.dids[0]?.origin).toEqual(inProfile('did 900 to shop'));
  });
});

describe('diagnostics point at the origin', () => {
  it("a profile's bad value is reported once, in the profile file, at the literal", () => {
    const profile = 'profile p { timers { ringing 10sec } }\n';
    const sites = [1, 2, 3].map((n) => ({
      uri: `s${n}.surv`,
      text: `use "p.surv"\nbranch s${n} uses p { edge listen udp 10.${n}.0.1  lan 10.${n}.0.0/24 }\n`,
    }));
    const a = analyzeFiles([{ uri: 'p.surv', text: profile }, ...sites]);
    const bad = a.diagnostics.filter((d) => d.code === 'SURV025');
    expect(bad).toHaveLength(1);
    expect(bad[0]?.uri).toBe('p.surv');
    expect([bad[0]?.range.start.offset, bad[0]?.range.end.offset]).toEqual([profile.indexOf('10sec'), profile.indexOf('10sec') + 5]);
  });
});
