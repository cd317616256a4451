// Local calls: a group's number shares the extensions' namespace (SURV016), an
// emergency number may be no extension (SURV034), `local-calls off` with a survival
// gateway is a warning (SURV035); the syntax itself parses and its mistakes are located.
import { describe, expect, it } from 'vitest';
import { BASE, check, edit, expectDiagnostic, expectNoDiagnostics } from './helper.js';

const numbered = edit(BASE, 'group front parallel', 'group front 200 parallel');

describe('group numbers and local-calls parse into the model', () => {
  it('a numbered group and every local-calls mode are clean; the group counts as used', () => {
    expectNoDiagnostics(numbered);
    for (const mode of ['survival', 'always']) {
      expectNoDiagnostics(edit(numbered, '    emergency 112', `    local-calls ${mode}\n    emergency 112`));
    }
    // Dialling a numbered group uses it, even when no inbound route rings it (else SURV015).
    expectNoDiagnostics(edit(numbered, 'ring front then ring reception', 'ring reception'));
  });

  it('keeps the number and the mode in the model (default survival)', () => {
    const branch = (text: string) => check(text).model.branches.find((b) => b.name === 'bilbao')!;
    expect(branch(numbered).groups[0]!.number.value).toBe('200');
    expect(branch(BASE).groups[0]!.number.value).toBeUndefined();
    expect(branch(BASE).outbound!.localCalls).toEqual({ value: 'survival', origin: { kind: 'default' } });
    expect(branch(edit(BASE, '    emergency 112', '    local-calls always\n    emergency 112')).outbound!.localCalls.value).toBe('always');
  });

  it('a mode that is not one of the three is a syntax error at the word', () => {
    expectDiagnostic(edit(BASE, '    emergency 112', '    local-calls «never»\n    emergency 112'), {
      code: 'SURV002', severity: 'error', message: "expected 'survival', 'always' or 'off' but found 'never'",
      others: ['SURV002'],
    });
  });

  it('local-calls given twice is SURV014, at the second', () => {
    expectDiagnostic(edit(BASE, '    emergency 112', '    ‹local-calls› off\n    «local-calls» always\n    emergency 112'), {
      code: 'SURV014', severity: 'error', message: "'local-calls' is given twice in this outbound policy", related: ['first given here'],
      others: ['SURV035'],
    });
  });

  it('a group number that is not digits is SURV061 at the number', () => {
    expectDiagnostic(edit(BASE, 'group front parallel', 'group front «2x0» parallel'), {
      code: 'SURV061', severity: 'error',
    });
  });
});

describe('SURV016 covers group numbers', () => {
  it('a group number equal to a phone extension, at the group number', () => {
    expectDiagnostic(edit(BASE, 'group front parallel', 'group front «101» parallel'), {
      code: 'SURV016', severity: 'error', message: "extension 101 of group 'front' is already used by phone 'desk1': calls to it would be ambiguous",
    });
  });

  it('two groups with one number: the second', () => {
    const text = edit(numbered, '  register {', '  group back «200» serial [desk1, reception] ring 10s\n  register {');
    expectDiagnostic(edit(text, 'ring front then', 'ring back then ring front then'), {
      code: 'SURV016', severity: 'error', message: "extension 200 of group 'back' is already used by group 'front': calls to it would be ambiguous",
    });
  });
});

describe('SURV034 emergency number equal to an extension', () => {
  it('a phone extension, at the extension, with the emergency list as a note', () => {
    expectDiagnostic(edit(edit(BASE, 'phone desk1 101', 'phone desk1 «112»'), 'emergency 112, 091 direct to pstn', '‹emergency 112, 091 direct to pstn›'), {
      code: 'SURV034', severity: 'error',
      message: "112 is an emergency number and the extension of phone 'desk1': an emergency call must never ring a phone of the branch",
      related: ['emergency numbers'],
    });
  });

  it('a group number', () => {
    expectDiagnostic(edit(edit(BASE, 'group front parallel', 'group front «091» parallel'), 'emergency 112, 091 direct to pstn', '‹emergency 112, 091 direct to pstn›'), {
      code: 'SURV034', severity: 'error',
      message: "091 is an emergency number and the extension of group 'front': an emergency call must never ring a phone of the branch",
      related: ['emergency numbers'],
    });
  });
});

describe('SURV035 local-calls off while survival goes to a gateway', () => {
  it('warns at the statement, with the default as the quick fix', () => {
    expectDiagnostic(edit(numbered, '    emergency 112', '    «local-calls off»\n    emergency 112'), {
      code: 'SURV035', severity: 'warning',
      message: "local-calls off: in survival a call between two phones of the branch (100, 101, 200) goes out through gateway 'pstn' and takes a line",
      data: { replacements: ['local-calls survival'] },
    });
  });

  it('says nothing without a survival gateway (only an announcement)', () => {
    const text = edit(edit(BASE, '    emergency 112', '    local-calls off\n    emergency 112'), ' redirect 302 to pstn }', ' }');
    expect(check(text).diagnostics.filter((d) => d.code === 'SURV035')).toEqual([]);
  });
});
