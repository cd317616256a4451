// Lexing and syntax: SURV001 (characters), SURV002 (grammar), SURV003 (strings),
// SURV004 (`use`), SURV005 (reserved words as names).
import { describe, expect, it } from 'vitest';
import { BASE, check, edit, edits, expectDiagnostic, expectNoDiagnostics, PROFILE, stationBranch } from './helper.js';

describe('SURV001 unexpected character', () => {
  it('reports a character no token starts with, and nothing else', () => {
    expectDiagnostic(edit(BASE, 'lan 10.222.237.0/24', 'lan 10.222.237.0/24«;»'), {
      code: 'SURV001', severity: 'error', message: 'unexpected character ";"',
    });
  });

  it('covers a run of unexpected characters with one diagnostic', () => {
    expectDiagnostic(edit(BASE, 'phone desk1 101', 'phone desk1 101 «$$»'), { code: 'SURV001', severity: 'error', message: 'unexpected characters "$$"' });
  });
});

describe('SURV002 syntax error', () => {
  it('names the missing keyword and points at what stands in its place', () => {
    expectDiagnostic(edit(BASE, 'edge listen udp', 'edge «udp»'), {
      code: 'SURV002', severity: 'error', message: "expected 'listen' but found keyword 'udp'",
    });
  });

  it('points at a missing extension', () => {
    expectDiagnostic(edit(BASE, 'phone desk1 101 at', 'phone desk1 «at»'), {
      code: 'SURV002', severity: 'error', message: "expected a value but found keyword 'at'",
    });
  });

  it('asks for quotes around an announcement text', () => {
    expectDiagnostic(edit(BASE, '"Survival Activated - please standby"', '«Survival» Activated'), {
      code: 'SURV002', severity: 'error', message: "expected a quoted string but found 'Survival'",
    });
  });

  it('suggests a closing brace too many', () => {
    expectDiagnostic(`${BASE}«}»\n`, {
      code: 'SURV002', severity: 'error', message: "unexpected '}': is there one closing brace too many?",
    });
  });

  it('reports a missing closing brace with an empty range just after the last token, keeping the block', () => {
    expectDiagnostic(edit(BASE, 'ring reception }\n}\n', 'ring reception }«»\n'), {
      code: 'SURV002', severity: 'error', message: "expected '}' to close branch 'bilbao'",
    });
  });

  it('reports an unknown word inside a block as not a setting, and keeps the settings after it', () => {
    expectDiagnostic(edit(BASE, '  lan 10.222.237.0/24', '  «foo» bar\n  lan 10.222.237.0/24'), {
      code: 'SURV002', severity: 'error',
      message: "expected a setting (edge, lan, gateway, upstream, timers, phone, group, register, limits, tls, router, outbound, inbound) or '}' but found 'foo'",
    });
  });

  it('says what a timers block holds when it meets an unknown word', () => {
    expectDiagnostic(edit(BASE, 'budget 15s }', 'budget 15s  «colour» 5s }'), {
      code: 'SURV002', severity: 'error', message: "expected a timer (no-answer, ringing, trying, t1, t2, budget) or '}' but found 'colour'",
    });
  });

  it('says what a gateway block holds when it meets an unknown word', () => {
    expectDiagnostic(edit(BASE, 'kind bri  channels 2 }', 'kind bri  «colour» 2 }'), {
      code: 'SURV002', severity: 'error', message: "expected a gateway property (address, transport, kind, channels, probe, rewrite, caller-id) or '}' but found 'colour'",
    });
  });

  it('reports each of several mistakes separately (recovery)', () => {
    // Three mistakes on three lines, as in examples/broken/syntax-errors.surv: each is found,
    // at its own token, and the correct settings between them cause nothing more.
    const text = edits(BASE,
      ['edge listen udp', 'edge udp'],
      ['phone desk1 101 at', 'phone desk1 at'],
      ['"Survival Activated - please standby"', 'Survival Activated'],
    );
    const analysis = check(text);
    expect(analysis.diagnostics.map((d) => [d.code, text.slice(d.range.start.offset, d.range.end.offset)])).toEqual([
      ['SURV002', 'udp'], ['SURV002', 'at'], ['SURV002', 'Survival'],
    ]);
  });
});

describe('SURV003 bad string', () => {
  it('reports an unterminated string over the string up to the end of the line', () => {
    expectDiagnostic(
      edit(BASE, '"Survival Activated - please standby"  redirect', '«"Survival Activated - please standby»\n      redirect'),
      { code: 'SURV003', severity: 'error', message: 'unterminated string: add the closing quote' },
    );
  });

  it('reports an unknown escape at the backslash and its letter', () => {
    expectDiagnostic(edit(BASE, 'Survival Activated', 'Survival «\\q» Activated'), {
      code: 'SURV003', severity: 'error', message: String.raw`unknown escape '\q': use \" \\ \n \r or \t`,
    });
  });
});

describe('SURV004 use', () => {
  it('reports a used file that is not in the fleet, at the path', () => {
    expectDiagnostic(`use «"shared/missing.surv"»\n${BASE}`, {
      code: 'SURV004', severity: 'error', message: "cannot find 'shared/missing.surv' (looked for /fleet/shared/missing.surv)",
    });
  });

  it('resolves relative to a file: URI', () => {
    expectDiagnostic({ 'file:///fleet/sites/a.surv': `use «"../shared/p.surv"»\n${BASE}` }, {
      code: 'SURV004', severity: 'error', message: "cannot find '../shared/p.surv' (looked for file:///fleet/shared/p.surv)",
    });
  });

  it('warns when a file uses itself', () => {
    expectDiagnostic(`use «"test.surv"»\n${BASE}`, {
      code: 'SURV004', severity: 'warning', message: 'a file does not need to use itself',
    });
  });

  it('finds a profile in a used file', () => {
    expectNoDiagnostics({ '/fleet/profile.surv': PROFILE, '/fleet/station-01.surv': `use "profile.surv"\n${stationBranch(1)}` });
  });

  it('is not transitive: a profile two `use` steps away is not visible', () => {
    expectDiagnostic({
      '/fleet/profile.surv': PROFILE,
      '/fleet/b.surv': `use "profile.surv"\n${stationBranch(2)}`,
      '/fleet/a.surv': `use "b.surv"\n${stationBranch(1).replace('uses station', 'uses «station»')}`,
    }, { code: 'SURV010', severity: 'error', message: "no profile named 'station'", others: ['SURV032', 'SURV058', 'SURV015'] });
  });
});

describe('SURV005 reserved word as a name', () => {
  it('reports a keyword used as a phone name, with the name in data', () => {
    expectDiagnostic(edit(BASE, '  phone desk1', '  phone «lan» 102 at 10.222.237.12\n  phone desk1'), {
      code: 'SURV005', severity: 'error', message: "'lan' is a reserved keyword and cannot be a name", data: { name: 'lan' },
    });
  });

  it('reports a keyword used as a branch name', () => {
    expectDiagnostic(edit(BASE, 'branch bilbao', 'branch «scenario»'), {
      code: 'SURV005', severity: 'error', message: "'scenario' is a reserved keyword and cannot be a name", data: { name: 'scenario' },
    });
  });

  it('reports it once, where it is declared, not again at each reference', () => {
    expectDiagnostic(edits(BASE, ['group front', 'group «in»'], ['ring front then', 'ring in then']), {
      code: 'SURV005', severity: 'error', message: "'in' is a reserved keyword and cannot be a name", data: { name: 'in' },
    });
  });
});
