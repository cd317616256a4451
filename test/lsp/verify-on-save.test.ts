// `surv verify` in the language server: findings published on save (never on a change),
// merged with the check's own diagnostics, dropped on the next change, the quick fix
// that appends the reproducing scenario, and the `surv/verify` request. The expected
// findings are verifyBranch's own, computed here on the same text; the budget finding
// of this design is pinned exactly.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { ResponseError } from 'vscode-languageserver-protocol/node.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze } from '../../grammar/src/index.js';
import { verifyBranch, type Violation } from '../../engines/verify/index.js';
import { root, showRange, startServer, type LspServer } from './harness.js';

/**
 * Relays survival calls with no announcement: with the gateway down too, the caller
 * hears nothing for 2 x no-answer = 20 s, over the 15 s budget (SURV081 at `15s`).
 */
const design = readFileSync(join(root, 'test/fixtures/relay-budget.surv'), 'utf8');

/** The same design with a scenario that names an unknown phone: an error outside the branch. */
const withTypo = `${design}\nscenario "typo" in relay-budget {\n  desk calls 944000000\n  expect dsk answers\n}\n`;

const isVerify = (d: Diagnostic) => d.source === 'surv verify';

function show(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.source ?? ''} ${String(d.code)}@${showRange(d.range)}`).sort();
}

/** What verifyBranch finds in `text`, as the server should publish it: `surv verify CODE@range`. */
function expected(uri: string, text: string): { shown: string[]; violations: Violation[] } {
  const analysis = analyze([{ uri, text }]);
  const document = TextDocument.create(uri, 'surv', 0, text);
  const violations = analysis.model.branches.flatMap((b) => verifyBranch(b).violations);
  const shown = violations.map((v) => {
    if (v.origin.kind !== 'source') throw new Error(`a violation with a default origin: ${v.code}`);
    const range = { start: document.positionAt(v.origin.start), end: document.positionAt(v.origin.end) };
    return `surv verify ${v.code}@${showRange(range)}`;
  });
  return { shown: shown.sort(), violations };
}

describe('verify on save', () => {
  let server: LspServer;
  let uri: string;

  beforeAll(async () => {
    server = await startServer({ files: { 'relay-budget.surv': design } });
    uri = server.uri('relay-budget.surv');
  });

  afterAll(async () => {
    await server?.shutdown();
  });

  const save = () => server.notify('textDocument/didSave', { textDocument: { uri } });
  /** The next publication for the document with verify findings. */
  const verified = (since: number) => server.diagnostics(uri, { since, match: (ds) => ds.some(isVerify) });

  it('verifies on save only, merges with the check, drops the findings on the next change', async () => {
    const opened = await server.openAndWait(uri);
    expect(opened.filter(isVerify)).toEqual([]);

    // An edit is checked, never verified.
    const edited = await server.changeAndWait(uri, withTypo);
    expect(show(edited)).toEqual(['surv SURV070@17:9-17:12']);
    await server.request('surv/scenarios', { uri });
    await server.settle();
    expect(server.publishesFor(uri).flatMap((p) => p.diagnostics).filter(isVerify)).toEqual([]);

    const mark = server.mark();
    await save();
    const saved = await verified(mark);
    const want = expected(uri, withTypo);
    expect(want.shown).toContain('surv verify SURV081@5:46-5:49');
    expect(show(saved)).toEqual(['surv SURV070@17:9-17:12', ...want.shown].sort());
    const publication = server.publishesFor(uri).slice(-1)[0];
    expect(publication?.version).toBe(server.document(uri)?.version);

    const budget = saved.find((d) => d.code === 'SURV081') as Diagnostic;
    const violation = want.violations.find((v) => v.code === 'SURV081') as Violation;
    expect(budget).toMatchObject({
      severity: 2,
      source: 'surv verify',
      message: violation.message,
      data: { code: 'SURV081', invariant: 'post-dial-budget', branch: 'relay-budget', file: uri, scenario: violation.scenario },
    });
    expect(budget.message).toMatch(/^post-dial delay 20s is over the budget of 15s: desk calls 944000000/);
    expect(budget.relatedInformation?.map((r) => `${r.location.uri === uri ? 'here' : r.location.uri}@${showRange(r.location.range)}`)).toEqual(['here@0:7-0:19']);
    expect(budget.relatedInformation?.[0]?.message).toMatch(/^reproduce it \(\d+ combinations explored, .+\): # surv verify: SURV081 \(post-dial-budget\) {2}scenario "SURV081 /);

    // The next keystroke drops them; the check's own diagnostic stays.
    const next = await server.changeAndWait(uri, `${withTypo}# more\n`);
    expect(show(next)).toEqual(['surv SURV070@17:9-17:12']);
  });

  it('offers to append the reproducing scenario to the file, and not once it is there', async () => {
    const mark = server.mark();
    await save();
    const saved = await verified(mark);
    const budget = saved.find((d) => d.code === 'SURV081') as Diagnostic;
    const text = server.document(uri)?.getText() ?? '';
    const lines = text.split('\n').length - 1;
    const actions = await server.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri }, range: budget.range, context: { diagnostics: [budget] },
    });
    const fix = actions.find((a) => a.title === 'Add this scenario to the file');
    const scenario = (budget.data as { scenario: string }).scenario;
    expect(fix).toMatchObject({
      kind: 'quickfix',
      diagnostics: [budget],
      edit: { changes: { [uri]: [{ range: { start: { line: lines, character: 0 }, end: { line: lines, character: 0 } }, newText: `\n${scenario.trim()}\n` }] } },
    });

    // Applied (a change: the findings go), then saved: the design still breaks the
    // budget, and the scenario is in the file now, so no fix is offered again.
    const appended = `${text}\n${scenario.trim()}\n`;
    const afterFix = await server.changeAndWait(uri, appended);
    expect(afterFix.filter(isVerify)).toEqual([]);
    const again = server.mark();
    await save();
    const still = (await verified(again)).find((d) => d.code === 'SURV081') as Diagnostic;
    expect(showRange(still.range)).toBe('5:46-5:49');
    const none = await server.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri }, range: still.range, context: { diagnostics: [still] },
    });
    expect(none.filter((a) => a.title === 'Add this scenario to the file')).toEqual([]);
    // The pasted scenario simulates the failure.
    const run = await server.request<{ passed: boolean; timeline: string }>('surv/simulate', {
      uri, title: 'SURV081 desk calls 944000000, cloud silent, pstn down',
    });
    expect(run.timeline).toMatch(/^20\.000s {2}edge -> desk {3}503 No Gateway Available {2,}fr_timer fired on pstn \(no reply at all\): no gateway left, 503$/m);
  });

  it('answers surv/verify with the reports, and skips a branch with errors', async () => {
    await server.changeAndWait(uri, design);
    const before = server.mark();
    const answer = await server.request<{ reports: { branch: string; explored: number; bound: string; violations: { code: string; range: unknown; uri: string; scenario: string }[] }[]; skipped: unknown[] }>(
      'surv/verify', { uri, branch: 'relay-budget' },
    );
    const want = expected(uri, design);
    expect(answer.skipped).toEqual([]);
    expect(answer.reports.map((r) => [r.branch, r.violations.map((v) => `surv verify ${v.code}@${showRange(v.range as Diagnostic['range'])}`).sort()])).toEqual([
      ['relay-budget', want.shown],
    ]);
    expect(answer.reports[0]?.explored).toBe(verifyBranch(analyze([{ uri, text: design }]).model.branches[0]!).explored);
    // The request publishes too.
    expect(show((await verified(before)).filter(isVerify))).toEqual(want.shown);

    await server.changeAndWait(uri, design.replace('relay to pstn', 'relay to pstm'));
    const broken = await server.request<{ reports: unknown[]; skipped: { branch: string; reason: string }[] }>('surv/verify', { uri });
    expect(broken).toEqual({ reports: [], skipped: [{ branch: 'relay-budget', reason: '1 error to fix first' }] });
  });

  it('answers bad surv/verify requests with a ResponseError', async () => {
    const error = async (params: unknown) => {
      try {
        await server.request('surv/verify', params);
      } catch (e) {
        if (e instanceof ResponseError) return `${e.code} ${e.message}`;
        throw e;
      }
      throw new Error('answered');
    };
    expect(await error({})).toBe('-32602 surv/verify: params.uri must be a document URI');
    expect(await error({ uri, branch: 'madrid' })).toBe(`-32602 surv/verify: ${uri} declares no branch 'madrid'`);
    expect(await error({ uri: server.uri('nowhere.surv') })).toBe(`-32602 surv/verify: ${server.uri('nowhere.surv')} is not a .surv document the server knows`);
    expect(server.alive()).toBe(true);
  });
});
