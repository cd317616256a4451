// The correct bases the other files break, the helper itself, and how findings on
// values that come from a profile (or from a default) are placed and counted.
import { describe, expect, it } from 'vitest';
import { BASE, check, edit, expectDiagnostic, expectNoDiagnostics, PROFILE, rangeOf, stationBranch, strip, withScenario } from './helper.js';

describe('correct designs have no diagnostics', () => {
  it('the base branch', () => {
    expectNoDiagnostics(BASE);
  });

  it('the base branch with a scenario', () => {
    expectNoDiagnostics(withScenario('cloud silent\n  desk1 calls 944000000\n  expect desk1 gets 181 at 10s\n  expect desk1 gets 302 at 10s contact sip:944000000@10.10.1.3'));
  });

  it('a minimal branch: edge, lan, a gateway, an upstream and survival', () => {
    expectNoDiagnostics(`branch kiosk {
  edge listen udp 10.1.1.1
  lan 10.1.1.0/24
  gateway pstn { address 10.1.1.3  kind fxo }
  upstream cloud { proxy sip:pbx.example.com }
  outbound from lan via cloud { on timeout { redirect 302 to pstn } }
}
`);
  });

  it('a profile and two stations in three files', () => {
    expectNoDiagnostics({
      '/fleet/profile.surv': PROFILE,
      '/fleet/station-01.surv': `use "profile.surv"\n${stationBranch(1)}`,
      '/fleet/station-02.surv': `use "profile.surv"\n${stationBranch(2)}`,
    });
  });
});

describe('the helper', () => {
  it('strips markers and reports their offsets in the stripped text', () => {
    expect(strip('ab«cd»e‹f›')).toEqual({ text: 'abcdef', ranges: [{ start: 2, end: 4 }], related: [{ start: 5, end: 6 }] });
  });

  it('computes zero-based line and character', () => {
    expect(rangeOf('ab\ncd', { start: 3, end: 5 })).toEqual({
      start: { line: 1, character: 0, offset: 3 }, end: { line: 1, character: 2, offset: 5 },
    });
  });

  it('fails when the expected range is wrong', () => {
    expect(() => expectDiagnostic(edit(BASE, 'via cloud', 'via clowd «{»'), { code: 'SURV010' })).toThrow(/range of SURV010/);
  });

  it('fails on an unexpected extra diagnostic', () => {
    expect(() => expectDiagnostic(edit(BASE, 'via cloud', 'via «clowd»').replace('channels 2', 'channels 3'), { code: 'SURV010' }))
      .toThrow(/no other diagnostics expected/);
  });
});

describe('values from profiles and defaults', () => {
  const fleet = (profile: string) => ({
    '/fleet/profile.surv': profile,
    '/fleet/station-01.surv': `use "profile.surv"\n${stationBranch(1)}`,
    '/fleet/station-02.surv': `use "profile.surv"\n${stationBranch(2)}`,
  });

  it('reports a bad value of a profile used by two branches once, where it is written', () => {
    expectDiagnostic(fleet(edit(PROFILE, 'no-answer 8s', 'no-answer «8»')), {
      code: 'SURV025', severity: 'error', message: "'8' needs a unit: 8s or 8ms", data: { replacements: ['8s', '8ms'] },
    });
  });

  it('reports a bad value of a profile in the same file once', () => {
    expectDiagnostic(`${edit(PROFILE, 'redirect 302', 'redirect «380»')}${stationBranch(1)}${stationBranch(2)}`, {
      code: 'SURV052', severity: 'warning', data: { replacements: ['302'] },
    });
  });

  it("reports a branch rule broken by a profile's value at the branch name, related to the profile", () => {
    const analysis = check(fleet(edit(PROFILE, 'timers { no-answer 8s  ringing 60s  budget 15s }', 'timers { no-answer 40s  ringing 60s  budget 60s }')));
    // One finding per branch (each branch is a different site), none in the profile.
    expect(analysis.diagnostics.map((d) => [d.uri, d.code])).toEqual([
      ['/fleet/station-01.surv', 'SURV042'], ['/fleet/station-02.surv', 'SURV042'],
    ]);
    const profile = '/fleet/profile.surv';
    expectDiagnostic({
      [profile]: edit(PROFILE, 'timers { no-answer 8s  ringing 60s  budget 15s }', 'timers { no-answer ‹40s›  ringing 60s  budget 60s }'),
      '/fleet/station-01.surv': `use "profile.surv"\n${stationBranch(1).replace('branch station-01', 'branch «station-01»')}`,
    }, {
      code: 'SURV042', severity: 'error',
      message: "no-answer 40s is above Timer B (64*T1 = 32s), the longest RFC 3261 lets an INVITE client transaction wait for any reply (in branch 'station-01')",
      related: ['set here'],
    });
  });

  it('does not offer a replacement for the branch name when the value is elsewhere', () => {
    const d = expectDiagnostic({
      '/fleet/profile.surv': edit(PROFILE, 'timers { no-answer 8s  ringing 60s  budget 15s }', 'timers { no-answer 40s  ringing 60s  budget 60s }'),
      '/fleet/station-01.surv': `use "profile.surv"\n${stationBranch(1).replace('branch station-01', 'branch «station-01»')}`,
    }, { code: 'SURV042' });
    expect(d.data?.replacements).toBeUndefined();
  });

  it('reports a rule broken by a default value at the branch name, saying so', () => {
    const d = expectDiagnostic(edit(edit(BASE, 'branch bilbao', 'branch «bilbao»'), 'timers { no-answer 10s  ringing 60s  budget 15s }', 'timers { t1 100ms  ringing 60s  budget 15s }'), {
      code: 'SURV042', severity: 'error',
      message: "no-answer 10s is above Timer B (64*T1 = 6400ms), the longest RFC 3261 lets an INVITE client transaction wait for any reply (in branch 'bilbao', by default)",
      related: [],
    });
    expect(d.data?.replacements).toBeUndefined();
  });

  it("reports a bad ring time of a profile's group once, in the profile, when a branch's chain rings it", () => {
    expectDiagnostic({
      '/fleet/profile.surv': edit(PROFILE, '  register', '  group front parallel [shop] ring «20»\n  register').replace('inbound from pstn { ring shop }', 'inbound from pstn { ring front }'),
      '/fleet/station-01.surv': `use "profile.surv"\n${stationBranch(1)}`,
    }, { code: 'SURV025', severity: 'error', message: "'20' needs a unit: 20s or 20ms", data: { replacements: ['20s', '20ms'] } });
  });

  it("reports a bad ring time of a profile's group once, in the profile, when the chain is in the branch's file", () => {
    expectDiagnostic({
      '/fleet/profile.surv': edit(PROFILE, '  register', '  group front parallel [shop] ring «20»\n  register').replace('  inbound from pstn { ring shop }\n', ''),
      '/fleet/station-01.surv': `use "profile.surv"\n${stationBranch(1, 'inbound from pstn { ring front }')}`,
    }, { code: 'SURV025', severity: 'error', message: "'20' needs a unit: 20s or 20ms", data: { replacements: ['20s', '20ms'] } });
  });

  it('a unit named like an Object.prototype member is unknown (found by the fuzzer: it made NaN)', () => {
    expectDiagnostic(edit(BASE, 'ringing 60s', 'ringing «60toString»'), {
      code: 'SURV025', severity: 'error', message: "unknown unit 'toString' in '60toString': use ms, s, m or h",
    });
  });

  it('places a finding on a value written in the branch itself at that value', () => {
    expectDiagnostic({
      '/fleet/profile.surv': PROFILE,
      '/fleet/station-01.surv': `use "profile.surv"\n${stationBranch(1, 'timers { no-answer «40s»  budget 60s }')}`,
    }, { code: 'SURV042', severity: 'error', data: { replacements: ['32s'] }, related: [] });
  });
});
