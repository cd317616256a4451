// The limits block: SURV062 (a limit out of range), and the model it builds
// (defaults, profiles merged field by field, provenance).
import { describe, expect, it } from 'vitest';
import { BASE, check, edit, expectDiagnostic, expectNoDiagnostics, PROFILE, stationBranch } from './helper.js';

const withLimits = (body: string, base = BASE) => edit(base, 'register { forward cloud with path }', `register { forward cloud with path }\n  limits { ${body} }`);

describe('SURV062 limit out of range', () => {
  it('a per-source window below a second', () => {
    expectDiagnostic(withLimits('per-source 30 per «500ms»'), {
      code: 'SURV062', severity: 'error', message: "the per-source rate's window must be whole seconds from 1s to 1m, not 500ms",
    });
  });

  it('a window that is not whole seconds', () => {
    expectDiagnostic(withLimits('outside 200 per «1500ms»'), {
      code: 'SURV062', message: "the outside rate's window must be whole seconds from 1s to 1m, not 1500ms",
    });
  });

  it('an outside window over a minute', () => {
    expectDiagnostic(withLimits('outside 200 per «2m»'), { code: 'SURV062', message: "the outside rate's window must be whole seconds from 1s to 1m, not 2m" });
  });

  it('a request count of 0, and one over 100000', () => {
    expectDiagnostic(withLimits('per-source «0» per 2s'), { code: 'SURV062', message: "the per-source rate's request count must be between 1 and 100000, not 0" });
    expectDiagnostic(withLimits('outside «100001» per 1s'), { code: 'SURV062', message: "the outside rate's request count must be between 1 and 100000, not 100001" });
  });

  it('max-expires below a minute or over a day', () => {
    expectDiagnostic(withLimits('max-expires «30s»'), { code: 'SURV062', message: 'max-expires must be whole seconds from 1m to 24h, not 30s' });
    expectDiagnostic(withLimits('max-expires «25h»'), { code: 'SURV062', message: 'max-expires must be whole seconds from 1m to 24h, not 25h' });
  });

  it('max-contacts 0 or over 100, or not a number', () => {
    expectDiagnostic(withLimits('max-contacts «0»'), { code: 'SURV062', message: 'max-contacts must be between 1 and 100, not 0' });
    expectDiagnostic(withLimits('max-contacts «101»'), { code: 'SURV062', message: 'max-contacts must be between 1 and 100, not 101' });
    expectDiagnostic(withLimits('max-contacts «5s»'), { code: 'SURV062', message: "expected max-contacts (a whole number), found duration '5s'" });
  });

  it('a window without a unit is a duration problem (SURV025), not SURV062', () => {
    expectDiagnostic(withLimits('per-source 30 per «2»'), { code: 'SURV025', message: "'2' needs a unit: 2s or 2ms", data: { replacements: ['2s', '2ms'] } });
  });

  it('in a profile: reported in the profile, once', () => {
    const profile = withLimits('max-contacts «500»', PROFILE);
    expectDiagnostic({ '/fleet/profile.surv': profile, '/fleet/a.surv': `use "profile.surv"\n${stationBranch(1)}${stationBranch(2)}` }, {
      code: 'SURV062', message: 'max-contacts must be between 1 and 100, not 500',
    });
  });

  it('in an unused profile too', () => {
    expectDiagnostic(`${BASE}profile spare {\n  limits { per-source 30 per «0s» }\n}\n`, {
      code: 'SURV062', message: "the per-source rate's window must be whole seconds from 1s to 1m, not 0s", others: ['SURV015'],
    });
  });

  it('the edges of every range are allowed', () => {
    expectNoDiagnostics(withLimits('per-source 1 per 1s  outside 100000 per 60s  max-expires 60s  max-contacts 100'));
    expectNoDiagnostics(withLimits('per-source 100000 per 1m  outside 1 per 1s  max-expires 24h  max-contacts 1'));
  });
});

describe('limits: given twice, syntax', () => {
  it('a limit given twice in a block is SURV014, once', () => {
    expectDiagnostic(withLimits('‹per-source› 30 per 2s  «per-source» 40 per 1s'), {
      code: 'SURV014', message: "'per-source' is given twice in this block", related: ['first given here'],
    });
  });

  it('two limits blocks in a branch', () => {
    const text = edit(BASE, '  inbound', '  ‹limits› { max-contacts 5 }\n  «limits» { max-expires 1h }\n  inbound');
    expectDiagnostic(text, {
      code: 'SURV014', message: "only one 'limits' block is allowed per branch", related: ['first one'],
    });
  });

  it('a rate needs `per` and its window', () => {
    const analysis = check(withLimits('per-source 30 outside 200 per 1s'));
    expect(analysis.diagnostics.map((d) => [d.code, d.message])).toEqual([['SURV002', "expected 'per' but found keyword 'outside'"]]);
  });

  it('an unknown word in the block lists the four limits', () => {
    const analysis = check(withLimits('burst 5'));
    expect(analysis.diagnostics.map((d) => d.message)).toContain("expected a limit (per-source, outside, max-expires, max-contacts) or '}' but found 'burst'");
  });
});

describe('limits in the model', () => {
  it('defaults when no block is written: 30 per 2s, 200 per 1s, 1h, 5', () => {
    const limits = expectNoDiagnostics(BASE).model.branches[0]?.limits;
    expect(limits).toEqual({
      perSource: { value: { count: 30, windowS: 2 }, origin: { kind: 'default' } },
      outside: { value: { count: 200, windowS: 1 }, origin: { kind: 'default' } },
      maxExpiresS: { value: 3600, origin: { kind: 'default' } },
      maxContacts: { value: 5, origin: { kind: 'default' } },
    });
  });

  it('written values, each with its source span (a rate spans `N per D`)', () => {
    const text = withLimits('per-source 10 per 5s  outside 50 per 2s  max-expires 10m  max-contacts 3');
    const analysis = expectNoDiagnostics(text);
    const limits = analysis.model.branches[0]?.limits;
    const spanText = (o: { kind: string; start?: number; end?: number } | undefined) => (o && o.kind === 'source' ? text.slice(o.start, o.end) : o?.kind);
    expect(limits?.perSource.value).toEqual({ count: 10, windowS: 5 });
    expect(limits?.outside.value).toEqual({ count: 50, windowS: 2 });
    expect(limits?.maxExpiresS.value).toBe(600);
    expect(limits?.maxContacts.value).toBe(3);
    expect([limits?.perSource.origin, limits?.outside.origin, limits?.maxExpiresS.origin, limits?.maxContacts.origin].map(spanText))
      .toEqual(['10 per 5s', '50 per 2s', '10m', '3']);
  });

  it('merged field by field through profiles: the branch overrides what it writes', () => {
    const profile = withLimits('per-source 10 per 5s  max-contacts 3', PROFILE);
    const station = stationBranch(1, 'limits { max-contacts 8 }');
    const analysis = check({ '/fleet/profile.surv': profile, '/fleet/a.surv': `use "profile.surv"\n${station}` });
    expect(analysis.diagnostics).toEqual([]);
    const limits = analysis.model.branches[0]?.limits;
    expect(limits?.perSource).toMatchObject({ value: { count: 10, windowS: 5 }, origin: { kind: 'source', uri: '/fleet/profile.surv' } });
    expect(limits?.maxContacts).toMatchObject({ value: 8, origin: { kind: 'source', uri: '/fleet/a.surv' } });
    expect(limits?.outside.origin).toEqual({ kind: 'default' });
    expect(limits?.maxExpiresS.origin).toEqual({ kind: 'default' });
  });
});
