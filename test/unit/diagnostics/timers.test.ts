// Timers: SURV039 (trying > ringing), SURV068 (trying < T1), SURV040 (out of range), SURV041 (no-answer < T1), SURV042 (no-answer >
// Timer B), SURV043 (ringing < no-answer), SURV044 (T2 < T1), SURV045 (post-dial
// budget), SURV046 (probe timeout >= interval).
import { describe, it } from 'vitest';
import { BASE, edit, edits, expectDiagnostic, expectNoDiagnostics, PROFILE, stationBranch } from './helper.js';

const TIMERS = 'timers { no-answer 10s  ringing 60s  budget 15s }';
const timers = (body: string): string => edit(BASE, TIMERS, `timers { ${body} }`);

describe('SURV039 trying longer than ringing', () => {
  it('reports trying over ringing and offers ringing', () => {
    expectDiagnostic(timers('no-answer 10s  ringing 60s  trying «90s»  budget 1h'), {
      code: 'SURV039', severity: 'error',
      message: 'trying 90s is longer than ringing 1m (fr_inv_timer): a call whose upstream sent only 100 Trying would wait longer than one that rings',
      data: { replacements: ['1m'] },
    });
  });

  it('accepts trying equal to ringing, and shorter than no-answer', () => {
    expectNoDiagnostics(timers('no-answer 10s  ringing 15s  trying 15s  budget 15s'));
    expectNoDiagnostics(timers('no-answer 10s  ringing 60s  trying 4s  budget 15s'));
  });

  it('leaves a default trying (the no-answer value) to SURV043', () => {
    expectDiagnostic(timers('no-answer 10s  ringing «5s»  budget 15s'), { code: 'SURV043', severity: 'error' });
  });
});

describe('SURV068 trying below T1', () => {
  it('reports trying under the default T1 and offers T1', () => {
    expectDiagnostic(timers('no-answer 10s  ringing 60s  trying «400ms»  budget 15s'), {
      code: 'SURV068', severity: 'error',
      message: "trying 400ms is below T1 500ms: the upstream's 180 takes at least a round trip to the far phone, so calls to a working upstream would go to survival",
      data: { replacements: ['500ms'] },
    });
  });
});

describe('SURV040 timer out of range', () => {
  it('rejects a zero trying, once', () => {
    expectDiagnostic(timers('no-answer 10s  ringing 60s  trying «0s»  budget 15s'), {
      code: 'SURV040', severity: 'error', message: 'trying must be more than 0 and at most 1h, not 0s',
    });
  });

  it('rejects a zero no-answer', () => {
    expectDiagnostic(timers('no-answer «0s»  ringing 60s  budget 15s'), {
      code: 'SURV040', severity: 'error', message: 'no-answer must be more than 0 and at most 1h, not 0s',
    });
  });

  it('rejects a ringing time over an hour', () => {
    expectDiagnostic(timers('no-answer 10s  ringing «2h»  budget 15s'), {
      code: 'SURV040', severity: 'error', message: 'ringing must be more than 0 and at most 1h, not 2h',
    });
  });

  it('accepts exactly one hour', () => {
    expectNoDiagnostics(timers('no-answer 10s  ringing 1h  budget 15s'));
  });

  it("rejects a group's zero ring time", () => {
    expectDiagnostic(edit(BASE, 'ring 20s', 'ring «0s»'), {
      code: 'SURV040', severity: 'error', message: 'a ring time must be more than 0 and at most 1h, not 0s',
    });
  });

  it("rejects a ring step's `for` time over an hour", () => {
    expectDiagnostic(edit(BASE, 'then ring reception }', 'then ring reception for «2h» }'), {
      code: 'SURV040', severity: 'error', message: 'a ring time must be more than 0 and at most 1h, not 2h',
    });
  });

  it('accepts ring times of exactly one hour', () => {
    expectNoDiagnostics(edits(BASE, ['ring 20s', 'ring 1h'], ['then ring reception }', 'then ring reception for 1h }']));
  });

  it("rejects a bad ring time in a profile's group once, in the profile", () => {
    expectDiagnostic({
      '/fleet/profile.surv': edit(PROFILE, '  register', '  group front parallel [shop] ring «0ms»\n  register').replace('inbound from pstn { ring shop }', 'inbound from pstn { ring front }'),
      '/fleet/station-01.surv': `use "profile.surv"\n${stationBranch(1)}`,
      '/fleet/station-02.surv': `use "profile.surv"\n${stationBranch(2)}`,
    }, { code: 'SURV040', severity: 'error', message: 'a ring time must be more than 0 and at most 1h, not 0ms' });
  });
});

describe('SURV041 no-answer below T1', () => {
  it('reports no-answer under the default T1 and offers T1', () => {
    expectDiagnostic(timers('no-answer «400ms»  ringing 60s  budget 15s'), {
      code: 'SURV041', severity: 'error',
      message: 'no-answer 400ms is below T1 500ms: the INVITE would time out before its first retransmission',
      data: { replacements: ['500ms'] },
    });
  });
});

describe('SURV042 no-answer above Timer B', () => {
  it('reports no-answer over 64*T1 and offers Timer B', () => {
    expectDiagnostic(timers('no-answer «40s»  ringing 60s  budget 60s'), {
      code: 'SURV042', severity: 'error',
      message: "no-answer 40s is above Timer B (64*T1 = 32s), the longest RFC 3261 lets an INVITE client transaction wait for any reply",
      data: { replacements: ['32s'] },
    });
  });

  it('accepts no-answer equal to Timer B', () => {
    expectNoDiagnostics(timers('no-answer 32s  ringing 60s  budget 32s'));
  });

  it('follows a lowered T1', () => {
    expectDiagnostic(timers('t1 100ms  no-answer «10s»  ringing 60s  budget 15s'), {
      code: 'SURV042', severity: 'error',
      message: "no-answer 10s is above Timer B (64*T1 = 6400ms), the longest RFC 3261 lets an INVITE client transaction wait for any reply",
      data: { replacements: ['6400ms'] },
    });
  });
});

describe('SURV043 ringing shorter than no-answer', () => {
  it('reports ringing under no-answer and offers no-answer', () => {
    expectDiagnostic(timers('no-answer 10s  ringing «5s»  budget 15s'), {
      code: 'SURV043', severity: 'error',
      message: 'ringing 5s (fr_inv_timer) is shorter than no-answer 10s (fr_timer): a call that rings would be given up sooner than one that gets no reply at all',
      data: { replacements: ['10s'] },
    });
  });
});

describe('SURV044 T2 below T1', () => {
  it('reports T2 under T1 and offers T1', () => {
    expectDiagnostic(timers('t1 2s  t2 «1s»  no-answer 10s  ringing 60s  budget 15s'), {
      code: 'SURV044', severity: 'error', message: 'T2 1s is below T1 2s: retransmissions would never back off',
      data: { replacements: ['2s'] },
    });
  });
});

describe('SURV045 post-dial delay over budget', () => {
  it('multiplies no-answer by two upstreams, reports at the budget, related to both timers', () => {
    expectDiagnostic(edits(BASE,
      [TIMERS, 'timers { no-answer ‹10s›  ringing 60s  budget «‹15s›» }'],
      ['  timers', '  upstream backup { proxy sip:backup.example.com }\n  timers'],
      ['via cloud', 'via cloud, backup'],
    ), {
      code: 'SURV045', severity: 'error',
      message: 'the worst post-dial delay is 20s (2 upstreams × no-answer 10s), over the budget of 15s',
      data: { worstMs: 20000, budgetMs: 15000 }, related: ['no-answer set here', 'budget set here'],
    });
  });

  it('reports one upstream whose no-answer alone is over the budget', () => {
    expectDiagnostic(timers('no-answer ‹10s›  ringing 60s  budget «‹8s›»'), {
      code: 'SURV045', severity: 'error', message: 'the worst post-dial delay is 10s (no-answer 10s), over the budget of 8s',
      data: { worstMs: 10000, budgetMs: 8000 }, related: ['no-answer set here', 'budget set here'],
    });
  });

  it('reports against the default budget at the via list of the outbound policy', () => {
    expectDiagnostic(edits(BASE,
      [TIMERS, 'timers { no-answer ‹25s›  ringing 60s }'],
      ['  outbound from lan via cloud {', '  outbound from lan via «cloud» {'],
    ), {
      code: 'SURV045', severity: 'error', message: 'the worst post-dial delay is 25s (no-answer 25s), over the budget of 20s',
      data: { worstMs: 25000, budgetMs: 20000 }, related: ['no-answer set here'],
    });
  });

  it('spans the whole via list, first to last upstream, with the default budget', () => {
    expectDiagnostic(edits(BASE,
      [TIMERS, 'timers { no-answer ‹12s›  ringing 60s }'],
      ['  timers', '  upstream backup { proxy sip:backup.example.com }\n  timers'],
      ['  outbound from lan via cloud {', '  outbound from lan via «cloud, backup» {'],
    ), {
      code: 'SURV045', severity: 'error', message: 'the worst post-dial delay is 24s (2 upstreams × no-answer 12s), over the budget of 20s',
      data: { worstMs: 24000, budgetMs: 20000 }, related: ['no-answer set here'],
    });
  });

  it("reports a profile's budget at the branch name without repeating the budget as a note", () => {
    expectDiagnostic({
      '/fleet/profile.surv': edit(PROFILE, 'timers { no-answer 8s  ringing 60s  budget 15s }', 'timers { no-answer ‹8s›  ringing 60s  budget ‹6s› }'),
      '/fleet/station-01.surv': `use "profile.surv"\n${stationBranch(1).replace('branch station-01', 'branch «station-01»')}`,
    }, {
      code: 'SURV045', severity: 'error',
      message: "the worst post-dial delay is 8s (no-answer 8s), over the budget of 6s (in branch 'station-01')",
      data: { worstMs: 8000, budgetMs: 6000 }, related: ['no-answer set here', 'budget set here'],
    });
  });

  it('counts trying per upstream when it is longer than no-answer (100 Trying, then nothing)', () => {
    expectDiagnostic(edits(BASE,
      [TIMERS, 'timers { no-answer 5s  ringing 60s  trying ‹8s›  budget «‹15s›» }'],
      ['  timers', '  upstream backup { proxy sip:backup.example.com }\n  timers'],
      ['via cloud', 'via cloud, backup'],
    ), {
      code: 'SURV045', severity: 'error',
      message: 'the worst post-dial delay is 16s (2 upstreams × trying 8s), over the budget of 15s',
      data: { worstMs: 16000, budgetMs: 15000 }, related: ['trying set here', 'budget set here'],
    });
  });

  it('accepts a worst case equal to the budget', () => {
    expectNoDiagnostics(timers('no-answer 15s  ringing 60s  budget 15s'));
  });
});

describe('SURV046 probe timeout not shorter than its interval', () => {
  it('reports at the timeout', () => {
    expectDiagnostic(edit(BASE, 'proxy sip:pbx.example.com:5060', 'proxy sip:pbx.example.com:5060  probe options every 15s timeout «15s»'), {
      code: 'SURV046', severity: 'error', message: 'probe timeout 15s must be shorter than its interval 15s: probes would overlap',
    });
  });

  it('reports at `probe options` when the timeout is the default', () => {
    expectDiagnostic(edit(BASE, 'proxy sip:pbx.example.com:5060', 'proxy sip:pbx.example.com:5060  «probe options» every 1s'), {
      code: 'SURV046', severity: 'error', message: 'probe timeout 2s must be shorter than its interval 1s: probes would overlap',
    });
  });
});
