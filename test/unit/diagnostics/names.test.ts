// Names: SURV010 (unknown), SURV011 (duplicate), SURV012 (wrong kind), SURV013
// (profile cycle), SURV014 (given twice), SURV015 (unused), SURV016 (extension clash).
import { describe, expect, it } from 'vitest';
import { BASE, check, edit, edits, expectDiagnostic, expectNoDiagnostic, expectNoDiagnostics, PROFILE, stationBranch, strip, withScenario } from './helper.js';

describe('SURV010 unknown name', () => {
  it('suggests the nearest upstream, with the replacement for a quick fix', () => {
    expectDiagnostic(edit(BASE, 'via cloud', 'via «clowd»'), {
      code: 'SURV010', severity: 'error', message: "no upstream named 'clowd'; did you mean 'cloud'?",
      data: { name: 'clowd', replacements: ['cloud'] },
    });
  });

  it('suggests a gateway for a misspelt survival target', () => {
    expectDiagnostic(edit(BASE, 'redirect 302 to pstn', 'redirect 302 to «psnt»'), {
      code: 'SURV010', severity: 'error', message: "no gateway named 'psnt'; did you mean 'pstn'?",
      data: { name: 'psnt', replacements: ['pstn'] },
    });
  });

  it('suggests a phone for a misspelt group member', () => {
    expectDiagnostic(edit(BASE, '[reception, desk1]', '[«recepton», desk1]'), {
      code: 'SURV010', severity: 'error', message: "no phone named 'recepton'; did you mean 'reception'?",
      data: { name: 'recepton', replacements: ['reception'] },
    });
  });

  it('says nothing more when no name is close, and data has no replacements', () => {
    expectDiagnostic(edit(BASE, 'ring reception }', 'ring reception\n    did 944000102 to «fax»\n  }'), {
      code: 'SURV010', severity: 'error', message: "no phone or group named 'fax'", data: { name: 'fax' },
    });
  });

  it('does not also report the intended definition as unused (one mistake, one finding)', () => {
    // `front` is referenced only through the misspelling.
    expectDiagnostic(edit(BASE, 'ring front then', 'ring «frnt» then'), {
      code: 'SURV010', severity: 'error', message: "no phone or group named 'frnt'; did you mean 'front'?",
      data: { name: 'frnt', replacements: ['front'] },
    });
  });

  it('reports an unknown profile with a suggestion', () => {
    expectDiagnostic(`${PROFILE}${stationBranch(1).replace('uses station', 'uses «statoin»')}`, {
      code: 'SURV010', severity: 'error', message: "no profile named 'statoin'; did you mean 'station'?",
      data: { name: 'statoin', replacements: ['station'] }, others: ['SURV032', 'SURV058', 'SURV015'],
    });
  });

  it('does not report the profile a misspelt `uses` meant as unused', () => {
    const analysis = check(`${PROFILE}${stationBranch(1).replace('uses station', 'uses statoin')}`);
    expect(analysis.diagnostics.filter((d) => d.code === 'SURV015' && d.message.includes("profile 'station'"))).toEqual([]);
  });

  it('reports an unknown branch of a scenario with a suggestion', () => {
    expectDiagnostic(withScenario(undefined, 'outage', '«bilbo»'), {
      code: 'SURV010', severity: 'error', message: "no branch named 'bilbo'; did you mean 'bilbao'?",
      data: { name: 'bilbo', replacements: ['bilbao'] },
    });
  });
});

describe('SURV011 duplicate name', () => {
  it('reports a second phone of the same name, related to the first', () => {
    expectDiagnostic(edit(BASE, 'phone desk1 101 at 10.222.237.11', 'phone ‹desk1› 101 at 10.222.237.11\n  phone «desk1» 102 at 10.222.237.12'), {
      code: 'SURV011', severity: 'error', message: "'desk1' is already defined in this branch",
      data: { name: 'desk1' }, related: ['first definition'],
    });
  });

  it('reports a duplicate in a profile as such', () => {
    expectDiagnostic(`${edit(PROFILE, 'upstream cloud', 'upstream ‹cloud› { proxy sip:pbx.example.com }\n  upstream «cloud»')}${stationBranch(1)}`, {
      code: 'SURV011', severity: 'error', message: "'cloud' is already defined in this profile",
      data: { name: 'cloud' }, related: ['first definition'],
    });
  });

  it('reports a name of two kinds in one block once, not twice', () => {
    expectDiagnostic(edit(BASE, '  phone desk1', '  phone «pstn» 102 at 10.222.237.12\n  phone desk1'), {
      code: 'SURV011', severity: 'error', data: { name: 'pstn' },
    });
  });

  it('reports a name in a branch that its profile already gives to another kind', () => {
    expectDiagnostic(`${PROFILE}${stationBranch(1, 'phone «cloud» 102 at 10.60.1.11')}`, {
      code: 'SURV011', severity: 'error', message: "'cloud' is already an upstream in this branch; a phone needs another name",
      data: { name: 'cloud' },
    });
  });

  it('reports a branch name used twice across the fleet, related to the first file', () => {
    expectDiagnostic({
      '/fleet/a.surv': edit(BASE, 'branch bilbao', 'branch ‹bilbao›'),
      '/fleet/b.surv': edits(BASE, ['branch bilbao', 'branch «bilbao»'], ['10.222.237.0/24', '10.222.238.0/24']),
    }, {
      code: 'SURV011', severity: 'error', message: "branch 'bilbao' is already defined",
      data: { name: 'bilbao' }, related: ["first definition of 'bilbao'"],
    });
  });

  it('reports a profile name used twice', () => {
    expectDiagnostic(`${edit(PROFILE, 'profile station', 'profile ‹station›')}profile «station» { timers { no-answer 8s } }\n${stationBranch(1)}`, {
      code: 'SURV011', severity: 'error', message: "profile 'station' is already defined",
      data: { name: 'station' }, related: ["first definition of 'station'"],
    });
  });

  it('reports a scenario title used twice for one branch, at the second title', () => {
    const text = `${withScenario()}\nscenario «"outage"» in bilbao {\n  desk1 calls 944000001\n}\n`;
    expectDiagnostic(text, {
      code: 'SURV011', severity: 'error', message: 'branch \'bilbao\' already has a scenario "outage"',
    });
  });
});

describe('SURV012 wrong kind of name', () => {
  it('reports an upstream where a gateway is needed', () => {
    expectDiagnostic(edit(BASE, 'direct to pstn', 'direct to «cloud»'), {
      code: 'SURV012', severity: 'error', message: "'cloud' is an upstream, but 'emergency ... direct to' needs a gateway",
      data: { name: 'cloud' },
    });
  });

  it('reports a gateway in a ring chain', () => {
    expectDiagnostic(edit(BASE, 'then ring reception', 'then ring «pstn»'), {
      code: 'SURV012', severity: 'error', message: "'pstn' is a gateway, but 'ring' needs a phone or a group",
      data: { name: 'pstn' },
    });
  });

  it('reports a branch named by `uses`', () => {
    expectDiagnostic(`${BASE}branch annex uses «bilbao» {\n  edge listen udp 10.1.0.1\n  lan 10.1.0.0/24\n}\n`, {
      code: 'SURV012', severity: 'error', message: "'bilbao' is a branch; only a profile can be used",
      data: { name: 'bilbao' }, others: ['SURV032', 'SURV058'],
    });
  });
});

describe('SURV013 profile cycle', () => {
  it('reports a profile that uses itself', () => {
    expectDiagnostic(`profile a uses «a» { timers { t1 500ms } }\n${edit(BASE, 'branch bilbao', 'branch bilbao uses a')}`, {
      code: 'SURV013', severity: 'error', message: "profile 'a' uses itself", data: { name: 'a' },
    });
  });

  it('reports each `uses` of a two-profile cycle', () => {
    const { text } = strip(`profile a uses b { }\nprofile b uses a { }\n${edit(BASE, 'branch bilbao', 'branch bilbao uses a')}`);
    const analysis = check(text);
    expect(analysis.diagnostics.map((d) => [d.code, d.severity, d.range.start.line, d.message])).toEqual([
      ['SURV013', 'error', 0, "profile cycle: 'a' uses 'b', which leads back to 'a'"],
      ['SURV013', 'error', 1, "profile cycle: 'b' uses 'a', which leads back to 'b'"],
    ]);
  });
});

describe('SURV014 given twice', () => {
  it('reports a timer given twice at its keyword, related to the first', () => {
    expectDiagnostic(edit(BASE, 'timers { no-answer 10s  ringing 60s', 'timers { ‹no-answer› 10s  ringing 60s  «no-answer» 8s'), {
      code: 'SURV014', severity: 'error', message: "'no-answer' is given twice in this block", related: ['first given here'],
    });
  });

  it('names a two-word probe property', () => {
    expectDiagnostic(edit(BASE, 'proxy sip:pbx.example.com:5060', 'proxy sip:pbx.example.com:5060  probe options ‹down after› 2  «down after» 3'), {
      code: 'SURV014', severity: 'error', message: "'down after' is given twice in this block", related: ['first given here'],
    });
  });

  it('reports a second timers block at its keyword', () => {
    expectDiagnostic(edits(BASE, ['  timers {', '  ‹timers› {'], ['  register', '  «timers» { t1 500ms }\n  register']), {
      code: 'SURV014', severity: 'error', message: "only one 'timers' block is allowed per branch", related: ['first one'],
    });
  });

  it('reports `pass` given twice in an outbound policy', () => {
    expectDiagnostic(edit(BASE, '    emergency', '    ‹pass› 4xx\n    «pass» 5xx\n    emergency'), {
      code: 'SURV014', severity: 'error', message: "'pass' is given twice in this outbound policy", related: ['first given here'],
    });
  });

  const SECOND_CHAIN = "only one ring chain is allowed per inbound policy: join them with 'then'";

  it('reports a second ring chain in one inbound policy (a forgotten `then`) at its `ring`, related to the first', () => {
    expectDiagnostic(edit(BASE, 'ring front then ring reception }', '‹ring› reception  «ring» front }'), {
      code: 'SURV014', severity: 'error', message: SECOND_CHAIN, related: ['first ring chain'],
    });
  });

  it('reports a second ring chain in one inbound policy (a forgotten `then`) instead of dropping the first', () => {
    // The first chain must not be silently replaced: its group 'front' is rung, so it
    // must not also be reported as never used (one mistake, one finding).
    expectDiagnostic(edit(BASE, 'ring front then ring reception }', '‹ring› front  «ring» reception }'), {
      code: 'SURV014', severity: 'error', message: SECOND_CHAIN, related: ['first ring chain'],
    });
  });

  it('reports a DID number mapped twice in one inbound policy at the second number, related to the first', () => {
    expectDiagnostic(edit(BASE, 'ring front then ring reception }', 'ring front then ring reception\n    did ‹944000101› to desk1\n    did «944000101» to reception\n  }'), {
      code: 'SURV014', severity: 'error', message: 'DID 944000101 is mapped twice in this inbound policy', related: ['first mapping'],
    });
  });

  it('accepts two different DID numbers', () => {
    expectNoDiagnostics(edit(BASE, 'ring front then ring reception }', 'ring front then ring reception\n    did 944000101 to desk1\n    did 944000100 to reception\n  }'));
  });

  it('reports a phone listed twice in a group at the second mention, related to the first', () => {
    expectDiagnostic(edit(BASE, '[reception, desk1]', '[‹reception›, desk1, «reception»]'), {
      code: 'SURV014', severity: 'error', message: "'reception' is listed twice in this group", related: ['first listed here'],
    });
  });

  it('writes a register property as the language does', () => {
    expectDiagnostic(edit(BASE, 'register { forward cloud with path }', 'register { forward cloud with path  ‹keep local copy›  «keep local copy» }'), {
      code: 'SURV014', severity: 'error', message: "'keep local copy' is given twice in this block", related: ['first given here'],
    });
  });

  it('reports `on timeout` given twice over both words', () => {
    expectDiagnostic(edits(BASE, ['    on timeout {', '    ‹on timeout› {'], ['    emergency', '    «on timeout» { relay to pstn }\n    emergency']), {
      code: 'SURV014', severity: 'error', message: "'on timeout' is given twice in this outbound policy", related: ['first given here'],
    });
  });
});

describe('SURV015 unused definition', () => {
  it('warns about a gateway nothing uses, tagged unnecessary, with the span to remove', () => {
    const marked = edit(BASE, '  upstream cloud', '  gateway «fax» { address 10.10.1.4  kind fxo }\n  upstream cloud');
    const { text } = strip(marked);
    const removeStart = text.indexOf('gateway fax');
    const removeEnd = text.indexOf('}', removeStart) + 1;
    expectDiagnostic(marked, {
      code: 'SURV015', severity: 'warning', message: "gateway 'fax' is never used", tags: ['unnecessary'],
      data: { name: 'fax', removeStart, removeEnd },
    });
  });

  it('warns about an upstream nothing uses', () => {
    const marked = edit(BASE, '  timers', '  upstream «old-pbx» { proxy sip:old-pbx.example.com }\n  timers');
    const { text } = strip(marked);
    const removeStart = text.indexOf('upstream old-pbx');
    expectDiagnostic(marked, {
      code: 'SURV015', severity: 'warning', message: "upstream 'old-pbx' is never used", tags: ['unnecessary'],
      data: { name: 'old-pbx', removeStart, removeEnd: text.indexOf('}', removeStart) + 1 },
    });
  });

  it('warns about a group nothing rings, with a span that ends after its ring time', () => {
    const marked = edit(BASE, '  register', '  group «night» serial [desk1, reception] ring 15s\n  register');
    const { text } = strip(marked);
    const removeStart = text.indexOf('group night');
    expectDiagnostic(marked, {
      code: 'SURV015', severity: 'warning', message: "group 'night' is never used", tags: ['unnecessary'],
      data: { name: 'night', removeStart, removeEnd: text.indexOf('15s', removeStart) + 3 },
    });
  });

  it('warns about a profile no branch uses', () => {
    expectDiagnostic(`profile «retail» {\n  timers { no-answer 8s }\n}\n${BASE}`, {
      code: 'SURV015', severity: 'warning', message: "profile 'retail' is not used by any branch or profile", tags: ['unnecessary'],
      data: { name: 'retail' },
    });
  });

  it('counts a profile used only by another profile as used', () => {
    expectNoDiagnostic(`profile base { timers { t1 500ms } }\n${PROFILE.replace('profile station', 'profile station uses base')}${stationBranch(1)}`, 'SURV015');
  });

  it('counts the default emergency gateway as used', () => {
    const text = edits(BASE,
      ['  upstream cloud', '  gateway lifeline { address 10.10.1.4  kind fxo }\n  upstream cloud'],
      ['emergency 112, 091 direct to pstn', 'emergency 112, 091'],
      ['redirect 302 to pstn', 'redirect 302 to lifeline'],
    );
    expectNoDiagnostic(text, 'SURV015');
  });

  it('counts a gateway that a scenario names as used (removing it would break the scenario)', () => {
    const text = withScenario('fax busy\n  desk1 calls 944000000', 'fax line busy', 'bilbao',
      edit(BASE, '  upstream cloud', '  gateway fax { address 10.10.1.4  kind fxo }\n  upstream cloud'));
    expectNoDiagnostic(text, 'SURV015');
  });
});

describe('SURV016 extension used twice', () => {
  it('reports the second phone with the same extension, at the extension', () => {
    expectDiagnostic(edit(BASE, 'phone desk1 101', 'phone desk1 «100»'), {
      code: 'SURV016', severity: 'error', message: "extension 100 is already used by phone 'reception': calls to it would be ambiguous",
    });
  });
});
