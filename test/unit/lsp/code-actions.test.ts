// Quick fixes and refactors: each fix is applied to the text, the result compared
// exactly, and the text analysed again to see the diagnostic gone.
import { describe, expect, it } from 'vitest';
import { CodeActionKind, type CodeAction, type Diagnostic, type Range, type TextEdit } from 'vscode-languageserver-types';
import { analyze, parse } from '../../../grammar/src/index.js';
import { codeActions } from '../../../server/src/lsp/code-actions.js';
import { toDiagnostic } from '../../../server/src/lsp/convert.js';
import { BASE } from '../diagnostics/helper.js';
import { prepare } from './helper.js';

const uri = 'file:///ws/main.surv';

/** The seed branch of docs/diagnostics.md. */
const bilbao = BASE;

/** The diagnostics the server would publish for the main file. */
function diagnosticsOf(text: string, others: Record<string, string> = {}): Diagnostic[] {
  const analysis = analyze([{ uri, text }, ...Object.entries(others).map(([u, t]) => ({ uri: u, text: t }))]);
  return analysis.diagnostics.filter((d) => d.uri === uri).map(toDiagnostic);
}

const codes = (text: string, others?: Record<string, string>): string[] => diagnosticsOf(text, others).map((d) => String(d.code));

function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = parse(text).lines;
  const resolved = edits.map((e) => ({
    start: lines.offset(e.range.start.line, e.range.start.character),
    end: lines.offset(e.range.end.line, e.range.end.character),
    text: e.newText,
  })).sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of resolved) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

function apply(text: string, action: CodeAction | undefined): string {
  expect(action).toBeDefined();
  const changes = action?.edit?.changes ?? {};
  expect(Object.keys(changes)).toEqual([uri]);
  return applyEdits(text, changes[uri] ?? []);
}

/** Every action for the diagnostics of `code` in `text`, asked over each diagnostic's range. */
function actionsFor(text: string, code: string, others: Record<string, string> = {}, only?: string[]): { diagnostic: Diagnostic; actions: CodeAction[] } {
  const diagnostic = diagnosticsOf(text, others).find((d) => d.code === code);
  expect(diagnostic, `${code} in ${JSON.stringify(codes(text, others))}`).toBeDefined();
  const ctx = prepare(text, others, uri).ctx;
  const d = diagnostic as Diagnostic;
  return { diagnostic: d, actions: codeActions(ctx, d.range, [d], only) };
}

/** The single preferred quick fix for `code`: applied, the result checked exactly, the code gone. */
function fix(text: string, code: string, expected: string, title?: string, others: Record<string, string> = {}): CodeAction {
  const { diagnostic, actions } = actionsFor(text, code, others);
  const quick = actions.filter((a) => a.kind === CodeActionKind.QuickFix);
  const action = title ? quick.find((a) => a.title === title) : quick.find((a) => a.isPreferred);
  expect(action, JSON.stringify(quick.map((a) => a.title))).toBeDefined();
  expect(action?.diagnostics).toEqual([diagnostic]);
  const out = apply(text, action);
  expect(out).toBe(expected);
  expect(codes(out, others)).not.toContain(code);
  return action as CodeAction;
}

const line = (text: string, from: string, to: string): string => {
  expect(text).toContain(from);
  return text.replace(from, to);
};

describe('quick fixes from data.replacements', () => {
  it('SURV010: one action per suggestion, "Change to \'cloud\'"', () => {
    const text = line(bilbao, 'via cloud {', 'via clowd {');
    const action = fix(text, 'SURV010', bilbao, "Change to 'cloud'");
    expect(action.isPreferred).toBe(true);
  });

  it('SURV052: 380 becomes 302', () => {
    fix(line(bilbao, 'redirect 302', 'redirect 380'), 'SURV052', bilbao);
  });

  it('SURV051 and SURV050: reply codes', () => {
    fix(line(bilbao, 'redirect 302', 'redirect 404'), 'SURV051', bilbao);
    fix(line(bilbao, 'announce 181', 'announce 100'), 'SURV050', bilbao);
  });

  it('SURV022: host bits', () => {
    fix(line(bilbao, 'lan 10.222.237.0/24', 'lan 10.222.237.1/24'), 'SURV022', bilbao);
  });

  it('SURV027: the address without leading zeros, in a gateway, a LAN and a URI host', () => {
    expect(fix(line(bilbao, 'address 10.10.1.3 ', 'address 010.010.001.003 '), 'SURV027', bilbao).title).toBe('Change to 10.10.1.3');
    fix(line(bilbao, 'lan 10.222.237.0/24', 'lan 10.222.237.00/24'), 'SURV027', bilbao);
    const upstream = line(bilbao, 'sip:pbx.example.com:5060', 'sip:10.1.2.3:5060');
    fix(line(bilbao, 'sip:pbx.example.com:5060', 'sip:10.01.2.3:5060'), 'SURV027', upstream);
  });

  it('SURV020: drop the prefix of a host; SURV021: add one to a LAN', () => {
    fix(line(bilbao, 'address 10.10.1.3 ', 'address 10.10.1.3/24 '), 'SURV020', bilbao);
    fix(line(bilbao, 'lan 10.222.237.0/24', 'lan 10.222.237.0'), 'SURV021', bilbao);
  });

  it('SURV025: a unit for a bare number, seconds preferred, milliseconds offered', () => {
    const text = line(bilbao, 'no-answer 10s', 'no-answer 10');
    fix(text, 'SURV025', bilbao);
    const { actions } = actionsFor(text, 'SURV025');
    expect(actions.map((a) => [a.title, a.isPreferred])).toEqual([['Change to 10s', true], ['Change to 10ms', false]]);
  });

  it('SURV041-SURV044: timer values', () => {
    const t = (timers: string): string => line(bilbao, 'timers { no-answer 10s  ringing 60s  budget 15s }', `timers { ${timers} }`);
    fix(t('no-answer 400ms  ringing 60s  budget 15s'), 'SURV041', t('no-answer 500ms  ringing 60s  budget 15s'));
    fix(t('no-answer 40s  ringing 60s  budget 60s'), 'SURV042', t('no-answer 32s  ringing 60s  budget 60s'));
    fix(t('no-answer 10s  ringing 5s  budget 15s'), 'SURV043', t('no-answer 10s  ringing 10s  budget 15s'));
    fix(t('t1 2s  t2 1s  no-answer 10s  ringing 60s  budget 15s'), 'SURV044', t('t1 2s  t2 2s  no-answer 10s  ringing 60s  budget 15s'));
  });

  it('SURV039 and SURV068: trying held to ringing and to T1', () => {
    const t = (timers: string): string => line(bilbao, 'timers { no-answer 10s  ringing 60s  budget 15s }', `timers { ${timers} }`);
    fix(t('no-answer 10s  ringing 60s  trying 90s  budget 15s'), 'SURV039', t('no-answer 10s  ringing 60s  trying 1m  budget 15s'));
    fix(t('no-answer 10s  ringing 60s  trying 400ms  budget 15s'), 'SURV068', t('no-answer 10s  ringing 60s  trying 500ms  budget 15s'));
  });

  it('SURV055: the default channel count of the kind', () => {
    const g = (props: string): string => line(bilbao, 'gateway pstn { address 10.10.1.3  kind bri  channels 2 }', `gateway pstn { ${props} }`);
    fix(g('address 10.10.1.3  kind pri  channels 0'), 'SURV055', g('address 10.10.1.3  kind pri  channels 30'));
  });

  it("SURV059: add 'with path'", () => {
    const action = fix(line(bilbao, 'forward cloud with path', 'forward cloud'), 'SURV059', bilbao);
    expect(action.title).toBe("Add 'with path'");
  });

  it('SURV070: did-you-mean in a scenario', () => {
    const scenario = (actor: string): string => `${bilbao}\nscenario "outage" in bilbao {\n  ${actor} silent\n  desk1 calls 944000000\n}\n`;
    fix(scenario('clod'), 'SURV070', scenario('cloud'), "Change to 'cloud'");
  });
});

describe('quick fixes that edit the structure', () => {
  it('SURV057: two relays become one list, in the order written', () => {
    const two = line(bilbao, '  upstream cloud', '  gateway lte { address 10.10.1.4  kind trunk  channels 4 }\n  upstream cloud');
    const text = line(two, 'redirect 302 to pstn }', 'relay to lte  relay to pstn, lte }');
    const action = fix(text, 'SURV057', line(two, 'redirect 302 to pstn }', 'relay to lte, pstn }'));
    expect(action.title).toBe("Try the gateways in one list: 'lte, pstn'");
  });

  it('SURV015: removes an unused gateway, its whole line', () => {
    const text = line(bilbao, '  upstream cloud', '  gateway fax { address 10.10.1.4  kind fxo }\n  upstream cloud');
    const action = fix(text, 'SURV015', bilbao);
    expect(action.title).toBe("Remove unused gateway 'fax'");
  });

  it('SURV015: removes a multi-line upstream and the blank line it would leave doubled', () => {
    const text = line(bilbao, '  timers', '\n  upstream old {\n    proxy sip:old.example.com\n  }\n\n  timers');
    const expected = line(bilbao, '  timers', '\n  timers');
    fix(text, 'SURV015', expected, "Remove unused upstream 'old'");
  });

  it('SURV015: removes an unused group sharing its line, and an unused profile', () => {
    const text = line(bilbao, '  group front parallel [reception, desk1] ring 20s', '  group front parallel [reception, desk1] ring 20s  group night serial [desk1]');
    fix(text, 'SURV015', bilbao);
    const withProfile = `profile retail {\n  timers { no-answer 8s }\n}\n\n${bilbao}`;
    fix(withProfile, 'SURV015', `\n${bilbao}`, "Remove unused profile 'retail'");
  });

  it('SURV015 offers exactly one fix', () => {
    const { actions } = actionsFor(bilbao.replace('  upstream cloud', '  gateway fax { address 10.10.1.4  kind fxo }\n  upstream cloud'), 'SURV015');
    expect(actions.filter((a) => a.kind === CodeActionKind.QuickFix)).toHaveLength(1);
  });

  it('SURV054: adds a gateway skeleton to a branch that has none', () => {
    const shop = `branch shop {
  edge listen udp 10.90.9.1:5060
  lan 10.90.9.0/24
  upstream cloud { proxy sip:pbx.example.com:5060 }
  phone desk 100 at 10.90.9.10
  register { forward cloud with path }
  outbound from lan via cloud {
    emergency 112, 091
  }
}
`;
    const action = fix(shop, 'SURV054', shop.replace('  upstream cloud', '  gateway pstn { address 192.0.2.1  kind fxo }\n  upstream cloud'));
    expect(action.title).toBe("Add a gateway 'pstn' for emergency calls (fill in its address and kind)");
  });

  it("SURV058: adds 'on timeout' to an outbound policy when the branch has a gateway", () => {
    const without = line(bilbao, '    on timeout { announce 181 "Survival Activated - please standby"  redirect 302 to pstn }\n', '');
    fix(without, 'SURV058', bilbao);
    const empty = line(without, '    emergency 112, 091 direct to pstn\n  }', '  }');
    fix(empty, 'SURV058', line(bilbao, '    emergency 112, 091 direct to pstn\n', ''));
  });

  it('SURV058: adds a whole outbound policy, before the inbound one, to a branch without one', () => {
    const text = line(bilbao, `    emergency 112, 091 direct to pstn
  }
`, `  }
`).replace(`  outbound from lan via cloud {
    on timeout { announce 181 "Survival Activated - please standby"  redirect 302 to pstn }
  }
`, '');
    const expected = line(bilbao, `    emergency 112, 091 direct to pstn
`, '');
    const action = fix(text, 'SURV058', expected);
    expect(action.title).toBe("Add an outbound policy via 'cloud' with survival to gateway 'pstn'");
    const noInbound = line(text, '  inbound from pstn { ring front then ring reception }\n', '');
    fix(noInbound, 'SURV058', line(expected, '  inbound from pstn { ring front then ring reception }\n', ''));
  });

  it('SURV058: no fix when the branch has no gateway', () => {
    const text = `branch shop {\n  edge listen udp 10.90.9.1:5060\n  lan 10.90.9.0/24\n  upstream cloud { proxy sip:pbx.example.com:5060 }\n  outbound from lan via cloud {\n    pass all\n  }\n}\n`;
    const { actions } = actionsFor(text, 'SURV058');
    expect(actions).toEqual([]);
  });

  it('SURV005: renames a keyword-named declaration and its references', () => {
    const text = line(line(bilbao, 'phone desk1 101', 'phone up 101'), '[reception, desk1]', '[reception, up]');
    const expected = line(line(bilbao, 'phone desk1 101', 'phone up-1 101'), '[reception, desk1]', '[reception, up-1]');
    const action = fix(text, 'SURV005', expected);
    expect(action.title).toBe("Rename 'up' to 'up-1'");
  });
});

describe('refactors and filtering', () => {
  function refactorsAt(text: string, needle: string, only?: string[]): CodeAction[] {
    const ctx = prepare(text, {}, uri).ctx;
    const at = ctx.file.lines.position(text.indexOf(needle) + 1);
    const range: Range = { start: { line: at.line, character: at.character }, end: { line: at.line, character: at.character } };
    return codeActions(ctx, range, [], only);
  }

  it('converts a redirect to a relay and back', () => {
    const [toRelay] = refactorsAt(bilbao, 'redirect 302');
    expect(toRelay?.title).toBe("Convert redirect to relay to 'pstn'");
    expect(toRelay?.kind).toBe(CodeActionKind.RefactorRewrite);
    const relayed = apply(bilbao, toRelay);
    expect(relayed).toBe(line(bilbao, 'redirect 302 to pstn', 'relay to pstn'));
    expect(codes(relayed)).toEqual(codes(bilbao));
    const [back] = refactorsAt(relayed, 'relay to');
    expect(back?.title).toBe("Convert relay to redirect 302 to 'pstn'");
    expect(apply(relayed, back)).toBe(bilbao);
  });

  it('converts a relay list to a redirect list, the whole list', () => {
    const two = line(bilbao, '  upstream cloud', '  gateway lte { address 10.10.1.4  kind trunk  channels 4 }\n  upstream cloud');
    const text = line(two, 'redirect 302 to pstn', 'relay to lte, pstn');
    const [back] = refactorsAt(text, 'relay to');
    expect(back?.title).toBe("Convert relay to redirect 302 to 'lte, pstn'");
    expect(apply(text, back)).toBe(line(two, 'redirect 302 to pstn', 'redirect 302 to lte, pstn'));
  });

  it("writes out a gateway's default channel count", () => {
    const text = line(bilbao, '  kind bri  channels 2 }', '  kind bri }');
    const [inline] = refactorsAt(text, 'gateway pstn');
    expect(inline?.title).toBe('Write out the default: channels 2');
    expect(apply(text, inline)).toBe(bilbao);
    const multi = line(bilbao, '{ address 10.10.1.3  kind bri  channels 2 }', '{\n    address 10.10.1.3\n    kind bri\n  }');
    expect(apply(multi, refactorsAt(multi, 'gateway pstn')[0])).toBe(line(bilbao, '{ address 10.10.1.3  kind bri  channels 2 }', '{\n    address 10.10.1.3\n    kind bri\n    channels 2\n  }'));
    expect(refactorsAt(bilbao, 'gateway pstn')).toEqual([]);
  });

  it('honours only', () => {
    const text = line(bilbao, 'via cloud {', 'via clowd {');
    const d = diagnosticsOf(text).find((x) => x.code === 'SURV010') as Diagnostic;
    const ctx = prepare(text, {}, uri).ctx;
    const whole: Range = { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } };
    const all = codeActions(ctx, whole, [d]);
    expect(all.map((a) => a.kind)).toEqual([CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite]);
    expect(codeActions(ctx, whole, [d], [CodeActionKind.QuickFix]).map((a) => a.kind)).toEqual([CodeActionKind.QuickFix]);
    expect(codeActions(ctx, whole, [d], [CodeActionKind.Refactor]).map((a) => a.kind)).toEqual([CodeActionKind.RefactorRewrite]);
    expect(codeActions(ctx, whole, [d], [CodeActionKind.Source])).toEqual([]);
  });

  it('ignores diagnostics of other sources and codes without a fix', () => {
    const ctx = prepare(bilbao, {}, uri).ctx;
    const range: Range = { start: { line: 1, character: 0 }, end: { line: 1, character: 1 } };
    expect(codeActions(ctx, range, [{ range, message: 'x', source: 'other', code: 'SURV010', data: { replacements: ['y'] } }])).toEqual([]);
    expect(codeActions(ctx, range, [{ range, message: 'x', source: 'surv', code: 'SURV031' }])).toEqual([]);
  });
});
