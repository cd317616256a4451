// Every request the server announces, through the protocol, on the shipped examples
// and on broken text. Two kinds of assertion:
// - the protocol contract, for every request: an answer (no error), of a valid shape,
//   with ranges well formed and inside the document;
// - exact answers where the feature module was finished when this was written
//   (navigation, symbols, structure, format, code actions, semantic tokens,
//   completion, hover, inlay hints). On broken text, and for semantic token types
//   and selection ranges beyond the first level, the checks are shape only.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CodeAction, Command, CompletionItem, CompletionList, DocumentHighlight, DocumentSymbol, FoldingRange, Hover, InlayHint,
  Location, LocationLink, Position, Range, SelectionRange, SemanticTokens, SymbolInformation, TextEdit, WorkspaceEdit, WorkspaceSymbol,
} from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { examplesDir, isSaneRange, requestAt, requestOn, showRange, startServer, type LspServer } from './harness.js';

const bilbaoText = readFileSync(join(examplesDir, 'bilbao.surv'), 'utf8');
const syntaxErrors = readFileSync(join(examplesDir, 'broken/syntax-errors.surv'), 'utf8');
const unknownNames = readFileSync(join(examplesDir, 'broken/unknown-names.surv'), 'utf8');
/** Text cut off mid-statement, and plain nonsense: no analysis is clean here. */
const truncated = bilbaoText.slice(0, bilbaoText.indexOf('register {') + 5);
const nonsense = '}}} branch { phone phone at at 10.0.0.999/77 "unterminated\n\u0000\uFFFF scenario in in {';
const brokenTexts = { 'syntax-errors.surv': syntaxErrors, truncated, nonsense };

/** The position of the `nth` occurrence of `needle` in `text`, plus `offset` characters. */
function positionOf(text: string, needle: string, offset = 0, nth = 0): Position {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`'${needle}' not in the text`);
  return TextDocument.create('x', 'surv', 0, text).positionAt(at + offset);
}

/** Positions spread over a text: every line's start, middle and end, plus past the end. */
function probePositions(text: string): Position[] {
  const lines = text.split('\n');
  const out: Position[] = [];
  lines.forEach((l, line) => {
    for (const character of [0, Math.floor(l.length / 2), l.length]) out.push({ line, character });
  });
  out.push({ line: lines.length + 3, character: 7 });
  return out;
}

function expectSane(range: Range | undefined, text: string, what = 'range'): void {
  expect(range, what).toBeDefined();
  expect(isSaneRange(range as Range, text), `${what} ${showRange(range as Range)}`).toBe(true);
}

function expectCompletion(answer: CompletionList | CompletionItem[] | null, text: string): CompletionItem[] {
  if (answer === null) return [];
  const items = Array.isArray(answer) ? answer : answer.items;
  if (!Array.isArray(answer)) expect(typeof answer.isIncomplete).toBe('boolean');
  for (const item of items) {
    expect(typeof item.label).toBe('string');
    expect(item.label.length).toBeGreaterThan(0);
    if (item.textEdit && 'range' in item.textEdit) expectSane(item.textEdit.range, text, `textEdit of ${item.label}`);
    if (item.kind !== undefined) expect(item.kind).toBeGreaterThanOrEqual(1);
  }
  return items;
}

function expectHover(answer: Hover | null, text: string): void {
  if (answer === null) return;
  expect(answer.contents).toBeDefined();
  if (answer.range) expectSane(answer.range, text, 'hover range');
}

function expectLocations(answer: Location | Location[] | LocationLink[] | null, texts: ReadonlyMap<string, string>): void {
  if (answer === null) return;
  for (const l of Array.isArray(answer) ? answer : [answer]) {
    const uri = 'targetUri' in l ? l.targetUri : l.uri;
    const range = 'targetUri' in l ? l.targetRange : l.range;
    expect(uri).toMatch(/^file:/);
    expectSane(range, texts.get(uri) ?? readFileSync(new URL(uri), 'utf8'), `location in ${uri}`);
  }
}

function expectHighlights(answer: DocumentHighlight[] | null, text: string): void {
  for (const h of answer ?? []) {
    expectSane(h.range, text);
    if (h.kind !== undefined) expect([1, 2, 3]).toContain(h.kind);
  }
}

function expectWorkspaceEdit(answer: WorkspaceEdit | null, texts: ReadonlyMap<string, string>): void {
  if (answer === null) return;
  for (const [uri, edits] of Object.entries(answer.changes ?? {})) {
    for (const e of edits) expectSane(e.range, texts.get(uri) ?? readFileSync(new URL(uri), 'utf8'), `edit in ${uri}`);
  }
  for (const change of answer.documentChanges ?? []) {
    if ('edits' in change) for (const e of change.edits) expectSane(e.range, texts.get(change.textDocument.uri) ?? '', 'document change');
  }
}

function expectSymbols(answer: DocumentSymbol[] | SymbolInformation[] | null, text: string): string[] {
  const names: string[] = [];
  const walk = (s: DocumentSymbol | SymbolInformation, depth: number) => {
    expect(typeof s.name).toBe('string');
    expect(s.kind).toBeGreaterThanOrEqual(1);
    expect(s.kind).toBeLessThanOrEqual(26);
    names.push(`${'  '.repeat(depth)}${s.name}`);
    if ('location' in s) {
      expectSane(s.location.range, text);
      return;
    }
    expectSane(s.range, text, `range of ${s.name}`);
    expectSane(s.selectionRange, text, `selectionRange of ${s.name}`);
    expect(contains(s.range, s.selectionRange), `selectionRange of ${s.name} inside its range`).toBe(true);
    for (const child of s.children ?? []) {
      expect(contains(s.range, child.range), `${child.name} inside ${s.name}`).toBe(true);
      walk(child, depth + 1);
    }
  };
  for (const s of answer ?? []) walk(s, 0);
  return names;
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character <= b.character);
}

function contains(outer: Range, inner: Range): boolean {
  return before(outer.start, inner.start) && before(inner.end, outer.end);
}

function expectFolding(answer: FoldingRange[] | null, text: string): void {
  const lines = text.split('\n').length;
  for (const f of answer ?? []) {
    expect(f.startLine).toBeGreaterThanOrEqual(0);
    expect(f.endLine).toBeGreaterThanOrEqual(f.startLine);
    expect(f.endLine).toBeLessThan(lines);
  }
}

function expectSelection(answer: SelectionRange[] | null, positions: readonly Position[], text: string): void {
  if (answer === null) return;
  expect(answer).toHaveLength(positions.length);
  answer.forEach((s, i) => {
    const position = positions[i] as Position;
    expectSane(s.range, text.length > 0 ? text : undefined as unknown as string);
    for (let node: SelectionRange | undefined = s; node?.parent; node = node.parent) {
      expect(contains(node.parent.range, node.range), `${showRange(node.parent.range)} contains ${showRange(node.range)}`).toBe(true);
    }
    if (isSaneRange({ start: position, end: position }, text)) expect(contains(s.range, { start: position, end: position }) || text === '').toBe(true);
  });
}

/** Applies edits (non-overlapping, any order) to a text. */
function applyEdits(text: string, edits: readonly TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('x', 'surv', 0, text), [...edits]);
}

function expectEdits(answer: TextEdit[] | null, text: string): string {
  for (const e of answer ?? []) {
    expectSane(e.range, text);
    expect(typeof e.newText).toBe('string');
  }
  const edits = answer ?? [];
  const sorted = [...edits].sort((a, b) => (before(a.range.start, b.range.start) ? -1 : 1));
  for (let i = 1; i < sorted.length; i++) expect(before((sorted[i - 1] as TextEdit).range.end, (sorted[i] as TextEdit).range.start)).toBe(true);
  return applyEdits(text, edits);
}

function expectSemanticTokens(answer: SemanticTokens | null, text: string, legendSize: number): number {
  if (answer === null) return 0;
  expect(Array.isArray(answer.data)).toBe(true);
  expect(answer.data.length % 5).toBe(0);
  const lines = text.split('\n');
  let line = 0;
  let character = 0;
  for (let i = 0; i < answer.data.length; i += 5) {
    const [dl, dc, length, type] = answer.data.slice(i, i + 4) as [number, number, number, number];
    expect(Math.min(dl, dc, length, type)).toBeGreaterThanOrEqual(0);
    line += dl;
    character = dl === 0 ? character + dc : dc;
    expect(line).toBeLessThan(lines.length);
    expect(character + length).toBeLessThanOrEqual((lines[line] ?? '').length);
    expect(type).toBeLessThan(legendSize);
  }
  return answer.data.length / 5;
}

function expectCodeActions(answer: (CodeAction | Command)[] | null, texts: ReadonlyMap<string, string>): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const a of answer ?? []) {
    expect(typeof a.title).toBe('string');
    if (typeof (a as Command).command === 'string') continue;
    const action = a as CodeAction;
    if (action.edit) expectWorkspaceEdit(action.edit, texts);
    actions.push(action);
  }
  return actions;
}

function expectInlayHints(answer: InlayHint[] | null, text: string): void {
  for (const h of answer ?? []) {
    expectSane({ start: h.position, end: h.position }, text, 'inlay hint position');
    if (typeof h.label !== 'string') for (const part of h.label) expect(typeof part.value).toBe('string');
  }
}

describe('feature requests through the protocol', () => {
  let server: LspServer;
  let legendSize = 0;
  let bilbao: string;
  beforeAll(async () => {
    server = await startServer({ examples: true });
    legendSize = (server.initializeResult.capabilities.semanticTokensProvider as { legend: { tokenTypes: string[] } }).legend.tokenTypes.length;
    bilbao = server.uri('bilbao.surv');
    await server.openAndWait(bilbao);
  });
  afterAll(async () => {
    expect(await server.shutdown()).toBe(0);
    expect(server.stderr()).not.toMatch(/failed:/);
  });
  const texts = () => new Map([[bilbao, bilbaoText]]);
  const td = () => ({ textDocument: { uri: bilbao } });

  describe('on examples/bilbao.surv', () => {
    it('completion: statements in a branch body, names after `ring`', async () => {
      const inBody = expectCompletion(await server.request('textDocument/completion', { ...td(), position: positionOf(bilbaoText, '  phone reception', 2) }), bilbaoText);
      expect(inBody.map((i) => i.label)).toEqual(expect.arrayContaining(['phone', 'gateway', 'upstream', 'timers']));
      const completeAt = requestAt<CompletionList | CompletionItem[] | null>(server, 'textDocument/completion');
      const { result, text } = await completeAt(bilbaoText.replace('ring front then', 'ring <|>front then'));
      expect(expectCompletion(result, text).map((i) => i.label)).toEqual(expect.arrayContaining(['front', 'reception', 'desk1']));
    });

    it('hover: a phone, a timer keyword (markdown, over the word)', async () => {
      for (const position of [positionOf(bilbaoText, 'desk1', 1), positionOf(bilbaoText, 'no-answer', 1), positionOf(bilbaoText, '10.10.1.3', 1)]) {
        expectHover(await server.request('textDocument/hover', { ...td(), position }), bilbaoText);
      }
      const phone = await server.request<Hover>('textDocument/hover', { ...td(), position: positionOf(bilbaoText, 'phone desk1', 7) });
      expect(showRange(phone.range as Range)).toBe('35:8-35:13');
      expect((phone.contents as { kind: string; value: string }).value).toMatch(/^\*\*phone desk1\*\*.*extension `101`/s);
      const timer = await server.request<Hover>('textDocument/hover', { ...td(), position: positionOf(bilbaoText, 'no-answer 10s', 3) });
      expect((timer.contents as { value: string }).value).toMatch(/fr_timer/);
    });

    it('definition: from `ring front` to the group', async () => {
      const answer = await server.request<Location[]>('textDocument/definition', { ...td(), position: positionOf(bilbaoText, 'ring front', 6) });
      expectLocations(answer, texts());
      expect(answer.map((l) => `${l.uri === bilbao} ${showRange(l.range)}`)).toEqual(['true 36:8-36:13']);
    });

    it('references and document highlights of desk1', async () => {
      const position = positionOf(bilbaoText, 'phone desk1', 7);
      const refs = await server.request<Location[]>('textDocument/references', { ...td(), position, context: { includeDeclaration: true } });
      expectLocations(refs, texts());
      const lines = refs.map((l) => l.range.start.line);
      expect(lines.slice(0, 3)).toEqual([35, 36, 60]);
      for (const l of refs) expect(TextDocument.create(bilbao, 'surv', 0, bilbaoText).getText(l.range)).toBe('desk1');
      const without = await server.request<Location[]>('textDocument/references', { ...td(), position, context: { includeDeclaration: false } });
      expect(without).toHaveLength(refs.length - 1);
      const highlights = await server.request<DocumentHighlight[]>('textDocument/documentHighlight', { ...td(), position });
      expectHighlights(highlights, bilbaoText);
      expect(highlights.map((h) => showRange(h.range))).toEqual(refs.map((l) => showRange(l.range)));
      expect(highlights[0]?.kind).toBe(3);
    });

    it('prepareRename and rename of desk1; a keyword as new name is refused with RequestFailed', async () => {
      const position = positionOf(bilbaoText, 'phone desk1', 7);
      const prepared = await server.request<{ range: Range; placeholder: string } | null>('textDocument/prepareRename', { ...td(), position });
      expect(prepared && { range: showRange(prepared.range), placeholder: prepared.placeholder }).toEqual({ range: '35:8-35:13', placeholder: 'desk1' });
      const edit = await server.request<WorkspaceEdit | null>('textDocument/rename', { ...td(), position, newName: 'desk9' });
      expectWorkspaceEdit(edit, texts());
      const edits = edit?.changes?.[bilbao] ?? [];
      // Every desk1 in the code, none in comments.
      const expected = bilbaoText.split('\n').map((l) => (l.trimStart().startsWith('#') ? l : l.replace(/\bdesk1\b/g, 'desk9'))).join('\n');
      expect(applyEdits(bilbaoText, edits)).toBe(expected);
      await expect(server.request('textDocument/rename', { ...td(), position, newName: 'branch' })).rejects.toMatchObject({ code: -32803 });
      expect(await server.request('textDocument/prepareRename', { ...td(), position: { line: 0, character: 0 } })).toBeNull();
    });

    it('documentSymbol: the branch with its definitions, then the scenarios', async () => {
      const names = expectSymbols(await server.request('textDocument/documentSymbol', td()), bilbaoText);
      expect(names[0]).toBe('bilbao');
      expect(names).toEqual(expect.arrayContaining(['  pstn', '  cloud', '  reception', '  desk1', '  front']));
      expect(names.filter((n) => !n.startsWith(' ')).length).toBeGreaterThan(1);
    });

    it('workspace/symbol: every petrol station by a query', async () => {
      const answer = await server.request<(SymbolInformation | WorkspaceSymbol)[]>('workspace/symbol', { query: 'station-0' });
      const names = answer.map((s) => s.name);
      for (let i = 1; i <= 9; i++) expect(names).toContain(`station-0${i}`);
      for (const s of answer) {
        expect(s.location.uri).toMatch(/^file:/);
        if ('range' in s.location) expectSane(s.location.range, readFileSync(new URL(s.location.uri), 'utf8'));
      }
    });

    it('foldingRange: the branch, the outbound policy and the header comment', async () => {
      const answer = await server.request<FoldingRange[]>('textDocument/foldingRange', td());
      expectFolding(answer, bilbaoText);
      const folds = answer.map((f) => `${f.startLine}-${f.endLine}${f.kind ? ` ${f.kind}` : ''}`);
      expect(folds).toEqual(expect.arrayContaining(['0-13 comment', '15-53', '42-48']));
    });

    it('selectionRange: grows from a name to the whole file', async () => {
      const positions = [positionOf(bilbaoText, 'phone desk1', 7), positionOf(bilbaoText, '10.10.1.3', 2)];
      const answer = await server.request<SelectionRange[]>('textDocument/selectionRange', { ...td(), positions });
      expectSelection(answer, positions, bilbaoText);
      expect(showRange(answer[0]?.range as Range)).toBe('35:8-35:13');
    });

    it('formatting and rangeFormatting: the example is already canonical', async () => {
      const options = { tabSize: 2, insertSpaces: true };
      expect(expectEdits(await server.request('textDocument/formatting', { ...td(), options }), bilbaoText)).toBe(bilbaoText);
      const range = { start: { line: 15, character: 0 }, end: { line: 40, character: 0 } };
      expect(expectEdits(await server.request('textDocument/rangeFormatting', { ...td(), options, range }), bilbaoText)).toBe(bilbaoText);
    });

    it('formatting a messy copy gives back the example', async () => {
      const messy = bilbaoText.replace('  phone desk1 101 at', '        phone   desk1  101   at').replace('\n  lan ', '\n\tlan   ');
      const formatOn = requestOn<TextEdit[] | null>(server, 'textDocument/formatting', () => ({ options: { tabSize: 2, insertSpaces: true } }));
      const { result } = await formatOn(messy);
      expect(expectEdits(result, messy)).toBe(bilbaoText);
    });

    it('semanticTokens/full: decodes inside the document, types inside the legend', async () => {
      const count = expectSemanticTokens(await server.request('textDocument/semanticTokens/full', td()), bilbaoText, legendSize);
      expect(count).toBeGreaterThan(100);
    });

    it('codeAction: "Change to \'cloud\'" for an unknown upstream in broken/unknown-names.surv', async () => {
      const uri = server.uri('broken/unknown-names.surv');
      const diagnostics = await server.openAndWait(uri);
      const coud = diagnostics.find((d) => d.message.includes("'coud'"));
      expect(coud).toBeDefined();
      const answer = await server.request<(CodeAction | Command)[]>('textDocument/codeAction', {
        textDocument: { uri }, range: coud?.range, context: { diagnostics: [coud] },
      });
      const actions = expectCodeActions(answer, new Map([[uri, unknownNames]]));
      const fix = actions.find((a) => a.title === "Change to 'cloud'");
      expect(fix?.kind).toBe('quickfix');
      expect(fix?.edit?.changes?.[uri]?.map((e) => `${showRange(e.range)} ${e.newText}`)).toEqual([`${showRange(coud?.range as Range)} cloud`]);
      await server.close(uri);
    });

    it('inlayHint: the worst post-dial delay on the outbound policy', async () => {
      const range = { start: { line: 0, character: 0 }, end: { line: bilbaoText.split('\n').length, character: 0 } };
      const hints = await server.request<InlayHint[]>('textDocument/inlayHint', { ...td(), range });
      expectInlayHints(hints, bilbaoText);
      expect(hints.map((h) => `${h.position.line} ${typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')}`))
        .toContain('42 worst post-dial 10s (budget 15s)');
    });
  });

  describe('on broken text: every request answers, with a valid shape, at positions all over it', () => {
    it.each(Object.keys(brokenTexts))('%s', async (name) => {
      const text = brokenTexts[name as keyof typeof brokenTexts];
      const uri = server.uri(`broken-${name}`);
      await server.openAndWait(uri, text);
      const map = new Map([[uri, text]]);
      const doc = { textDocument: { uri } };
      const positions = probePositions(text).filter((_, i) => i % 3 === 0 || text.length < 400);
      for (const position of positions) {
        const at = { ...doc, position };
        expectCompletion(await server.request('textDocument/completion', at), text);
        expectHover(await server.request('textDocument/hover', at), text);
        expectLocations(await server.request('textDocument/definition', at), map);
        expectLocations(await server.request('textDocument/references', { ...at, context: { includeDeclaration: true } }), map);
        expectHighlights(await server.request('textDocument/documentHighlight', at), text);
        const prepared = await server.request<{ range: Range } | Range | null>('textDocument/prepareRename', at);
        if (prepared) {
          expectSane('range' in prepared ? prepared.range : prepared, text);
          const renamed = await server.request<WorkspaceEdit | null>('textDocument/rename', { ...at, newName: 'renamed-x' }).catch((e: { code?: number }) => {
            expect(e.code).toBe(-32803);
            return null;
          });
          expectWorkspaceEdit(renamed, map);
        }
      }
      expectSymbols(await server.request('textDocument/documentSymbol', doc), text);
      expectFolding(await server.request('textDocument/foldingRange', doc), text);
      const some = positions.slice(0, 20);
      expectSelection(await server.request('textDocument/selectionRange', { ...doc, positions: some }), some, text);
      const options = { tabSize: 2, insertSpaces: true };
      // Files with syntax errors are left alone by the formatter.
      expect(expectEdits(await server.request('textDocument/formatting', { ...doc, options }), text)).toBe(text);
      const range = { start: { line: 0, character: 0 }, end: { line: 5, character: 0 } };
      expect(expectEdits(await server.request('textDocument/rangeFormatting', { ...doc, options, range }), text)).toBe(text);
      expectSemanticTokens(await server.request('textDocument/semanticTokens/full', doc), text, legendSize);
      const diagnostics = server.publishesFor(uri).at(-1)?.diagnostics ?? [];
      expect(diagnostics.length).toBeGreaterThan(0);
      for (const d of diagnostics) {
        expectSane(d.range, text, `diagnostic ${String(d.code)}`);
        expectCodeActions(await server.request('textDocument/codeAction', { ...doc, range: d.range, context: { diagnostics: [d] } }), map);
      }
      expectInlayHints(await server.request('textDocument/inlayHint', { ...doc, range }), text);
      await server.request('workspace/symbol', { query: 'x' });
      await server.close(uri);
    });
  });
});
