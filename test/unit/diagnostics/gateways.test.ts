// Several gateways (issue 12, item 2): SURV036 (a gateway named twice in one list),
// SURV037 (holdoff on a gateway probe), SURV057 (two relays: say it with a list), and
// the lists and gateway probes that are fine.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../grammar/src/index.js';
import { BASE, edit, expectDiagnostic, expectNoDiagnostics } from './helper.js';

const TWO = edit(edit(BASE, '  gateway pstn { address 10.10.1.3  kind bri  channels 2 }', '  gateway pstn { address 10.10.1.3  kind bri  channels 2 }\n  gateway lte { address 10.10.1.4  kind trunk  channels 4 }'),
  'emergency 112, 091 direct to pstn', 'emergency 112, 091 direct to pstn, lte');
const ON_TIMEOUT = 'on timeout { announce 181 "Survival Activated - please standby"  redirect 302 to pstn }';
const onTimeout = (body: string): string => edit(TWO, ON_TIMEOUT, `on timeout { ${body} }`);

describe('gateway lists', () => {
  it('relay, redirect and emergency take ordered lists', () => {
    expectNoDiagnostics(onTimeout('announce 181 "Survival"  relay to lte, pstn'));
    expectNoDiagnostics(onTimeout('redirect 302 to lte, pstn'));
  });

  it('the model keeps the order; emergency numbers default to the survival list', () => {
    const text = edit(onTimeout('relay to lte, pstn'), 'emergency 112, 091 direct to pstn, lte', 'emergency 112');
    const b = analyze([{ uri: 't.surv', text }], { symbols: false }).model.branches[0]!;
    expect(b.outbound!.onTimeout.value.map((a) => (a.kind === 'announce' ? [] : a.gateways))).toEqual([['lte', 'pstn']]);
    expect(b.outbound!.emergencyGateways.value).toEqual(['lte', 'pstn']);
    expect(b.outbound!.emergencyGateway.value).toBe('lte');
  });
});

describe('SURV036 a gateway named twice in one list', () => {
  it('reports the second mention and keeps the first', () => {
    expectDiagnostic(onTimeout('relay to lte, pstn, «lte»'), {
      code: 'SURV036', severity: 'error', message: "gateway 'lte' is named twice in 'relay': it would be tried again after it failed", data: { name: 'lte' },
    });
  });

  it('in an emergency list too', () => {
    expectDiagnostic(edit(TWO, 'direct to pstn, lte', 'direct to pstn, lte, «pstn»'), {
      code: 'SURV036', severity: 'error', message: "gateway 'pstn' is named twice in 'emergency ... direct to': it would be tried again after it failed",
    });
  });
});

describe('SURV057 two relays', () => {
  it('says to name the gateways in one list', () => {
    expectDiagnostic(onTimeout('relay to lte  «relay» to pstn'), {
      code: 'SURV057', severity: 'error',
      message: "'relay' already ends the call's survival path; only one 'redirect' or 'relay' is allowed; to try several gateways in order, name them in one list: 'relay to lte, pstn'",
    });
  });

  it('the same for two redirects', () => {
    expectDiagnostic(onTimeout('redirect 302 to lte  «redirect» 302 to pstn'), {
      code: 'SURV057', severity: 'error',
      message: "'redirect' already ends the call's survival path; only one 'redirect' or 'relay' is allowed; to try several gateways in order, name them in one list: 'redirect 302 to lte, pstn'",
    });
  });
});

describe('gateway probing', () => {
  const probed = (probe: string) => edit(TWO, 'gateway lte { address 10.10.1.4  kind trunk  channels 4 }', `gateway lte { address 10.10.1.4  kind trunk  channels 4  ${probe} }`);

  it('takes probe options as an upstream does, with the same defaults', () => {
    const text = probed('probe options every 5s');
    expectNoDiagnostics(text);
    const lte = analyze([{ uri: 't.surv', text }], { symbols: false }).model.branches[0]!.gateways.find((g) => g.name === 'lte')!;
    expect([lte.probe?.everyMs.value, lte.probe?.timeoutMs.value, lte.probe?.downAfter.value, lte.probe?.upAfter.value, lte.probe?.holdoffMs.value]).toEqual([5000, 2000, 2, 3, 0]);
  });

  it('SURV037: no holdoff for a gateway', () => {
    expectDiagnostic(probed('probe options every 5s holdoff «30s»'), {
      code: 'SURV037', severity: 'error',
      message: "gateway 'lte': a probed gateway takes calls again as soon as probes say it is up ('up after N'); holdoff is for upstreams",
    });
  });

  it('SURV046: a probe timeout not shorter than its interval', () => {
    expectDiagnostic(probed('probe options every 2s timeout «2s»'), { code: 'SURV046', severity: 'error' });
  });
});
