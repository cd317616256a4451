// The simulator's survival events: when each transition happens and the exact line.
import { describe, expect, it } from 'vitest';
import { scenarioOf, simulateText } from './helpers.js';
import { simulate } from '../../../engines/simulate/index.js';

const design = (probe: string, body: string) => `branch b {
  edge listen udp 10.1.0.1:5060
  lan 10.1.0.0/24
  gateway pstn { address 10.10.1.3  kind bri  channels 2 }
  upstream cloud { proxy sip:pbx.example.com:5060 ${probe} }
  upstream backup { proxy sip:pbx2.example.com:5060 }
  timers { no-answer 4s  trying 3s  ringing 30s  budget 8s }
  phone desk1 101 at 10.1.0.11
  outbound from lan via cloud, backup {
    on timeout { announce 181 "Survival Activated - please standby"  redirect 302 to pstn }
  }
}
scenario "s" in b {
${body}
}
`;

describe('simulate: survival events', () => {
  it('survival-start when the last upstream gave up, naming it, with the call\'s Call-ID; none while upstreams answer', () => {
    const r = simulateText(design('', '  cloud silent\n  backup trying\n  desk1 calls 944000000\n  desk1 calls 944000001 at 20s\n  cloud up from 15s'));
    expect(r.events.map((e) => e.line)).toEqual([
      'surv-event branch=b event=survival-start direction=outbound upstream=backup t=7.000 call-id=c1@10.1.0.11',
      'surv-event branch=b event=survival-redirect direction=outbound gateway=pstn t=7.000 call-id=c1@10.1.0.11',
    ]);
    expect(r.events[0]).toMatchObject({ atMs: 7000, event: 'survival-start', upstream: 'backup', call: 0 });
  });

  it('probing: upstream-down at dispatcher\'s dst-down, upstream-up at its dst-up (before the holdoff lets calls back), a call that tries backup alone names it', () => {
    const probe = 'probe options every 5s timeout 1s down after 2 up after 2 holdoff 30s';
    // The second call keeps probes going (and finds cloud up again).
    const r = simulateText(design(probe, '  cloud silent until 14s\n  backup silent\n  desk1 calls 944000000 at 13s\n  desk1 calls 944000001 at 50s'));
    expect(r.events.map((e) => e.line)).toEqual([
      'surv-event branch=b event=upstream-down upstream=cloud t=11.000',
      'surv-event branch=b event=survival-start direction=outbound upstream=backup t=17.000 call-id=c5@10.1.0.11',
      'surv-event branch=b event=survival-redirect direction=outbound gateway=pstn t=17.000 call-id=c5@10.1.0.11',
      'surv-event branch=b event=upstream-up upstream=cloud t=20.000',
    ]);
    // The simulator's own mark (calls go back) waits for the holdoff.
    expect(r.marks.map((m) => `${m.atMs} ${m.event}`)).toEqual(['11000 marked-down', '45000 marked-up']);
  });

  it('a call between two phones of the branch in survival: survival-start, then local-call; with local-calls always, local-call alone', () => {
    const text = design('', '  cloud silent\n  backup silent\n  desk1 calls 102').replace('  phone desk1 101 at 10.1.0.11', '  phone desk1 101 at 10.1.0.11\n  phone desk2 102 at 10.1.0.12');
    expect(simulateText(text).events.map((e) => e.line)).toEqual([
      'surv-event branch=b event=survival-start direction=outbound upstream=backup t=8.000 call-id=c1@10.1.0.11',
      'surv-event branch=b event=local-call direction=local t=8.000 call-id=c1@10.1.0.11',
    ]);
    const always = text.replace('on timeout {', 'local-calls always\n    on timeout {');
    expect(simulateText(always).events.map((e) => e.line)).toEqual(['surv-event branch=b event=local-call direction=local t=0.000 call-id=c1@10.1.0.11']);
  });

  it('the seed case: survival-start and the redirect to pstn at 10 s', () => {
    const { branch, scenario } = scenarioOf('examples/bilbao.surv', 'cloud down, desk dials out');
    expect(simulate(branch, scenario).events.map((e) => e.line)).toEqual([
      'surv-event branch=bilbao event=survival-start direction=outbound upstream=cloud t=10.000 call-id=c1@10.222.237.11',
      'surv-event branch=bilbao event=survival-redirect direction=outbound gateway=pstn t=10.000 call-id=c1@10.222.237.11',
    ]);
  });

  it('survival relay: one survival-relay per gateway t_relay() took, the failover to the next included; none for an emergency call', () => {
    const text = `branch b {
  edge listen udp 10.1.0.1:5060
  lan 10.1.0.0/24
  gateway lte { address 10.10.1.4  kind trunk  channels 4 }
  gateway isdn { address 10.10.1.3  kind bri  channels 2 }
  upstream cloud { proxy sip:pbx.example.com:5060 }
  timers { no-answer 4s  ringing 30s  budget 10s }
  phone desk1 101 at 10.1.0.11
  outbound from lan via cloud {
    on timeout { announce 181 "Survival"  relay to lte, isdn }
    emergency 112 direct to lte, isdn
  }
}
scenario "s" in b {
  cloud silent
  lte busy
  desk1 calls 944000000
  desk1 calls 112 at 30s
}
`;
    expect(simulateText(text).events.map((e) => e.line)).toEqual([
      'surv-event branch=b event=survival-start direction=outbound upstream=cloud t=4.000 call-id=c1@10.1.0.11',
      'surv-event branch=b event=survival-relay direction=outbound gateway=lte t=4.000 call-id=c1@10.1.0.11',
      'surv-event branch=b event=survival-relay direction=outbound gateway=isdn t=4.000 call-id=c1@10.1.0.11',
    ]);
  });
});
