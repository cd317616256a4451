// Document outline and workspace symbol search, compared as compact lines:
// `name (kind) range | selection | detail`, children indented.
import { describe, expect, it } from 'vitest';
import { SymbolKind, type DocumentSymbol, type WorkspaceSymbol } from 'vscode-languageserver-types';
import { documentSymbols, matchesQuery, workspaceSymbols } from '../../../server/src/lsp/symbols.js';
import { prepare } from './helper.js';
import { example, loc, petrolFleet, rangeText, slice, uriOf, type Files } from './navigation-helpers.js';

const kindName = new Map<number, string>(Object.entries(SymbolKind).map(([name, value]) => [value, name]));

function lines(symbols: readonly DocumentSymbol[], indent = ''): string[] {
  return symbols.flatMap((s) => [
    `${indent}${s.name} (${kindName.get(s.kind) ?? s.kind}) ${rangeText(s.range)} | ${rangeText(s.selectionRange)}${s.detail ? ` | ${s.detail}` : ''}`,
    ...lines(s.children ?? [], `${indent}  `),
  ]);
}

const outlineOf = (files: Files, base: string) => {
  const uri = uriOf(files, base);
  const others = Object.fromEntries(Object.entries(files).filter(([u]) => u !== uri));
  return documentSymbols(prepare(files[uri] as string, others, uri).ctx);
};
const outline = (files: Files, base: string) => lines(outlineOf(files, base));

const search = (files: Files) => (query: string) => {
  const [first, ...rest] = Object.entries(files) as [string, string][];
  const { ctx } = prepare(first[1], Object.fromEntries(rest), first[0]);
  return workspaceSymbols(ctx.analysis, query).map((s: WorkspaceSymbol) =>
    `${s.name} (${kindName.get(s.kind) ?? s.kind}) ${'range' in s.location ? loc(s.location) : s.location.uri}${s.containerName ? ` in ${s.containerName}` : ''}`);
};

/** Every selection range lies inside its range, and every child inside its parent. */
function expectNested(symbols: readonly DocumentSymbol[], parent?: DocumentSymbol): void {
  const inside = (a: DocumentSymbol['range'], b: DocumentSymbol['range']) =>
    (a.start.line > b.start.line || (a.start.line === b.start.line && a.start.character >= b.start.character))
    && (a.end.line < b.end.line || (a.end.line === b.end.line && a.end.character <= b.end.character));
  for (const s of symbols) {
    expect(inside(s.selectionRange, s.range)).toBe(true);
    if (parent) expect(inside(s.range, parent.range)).toBe(true);
    expectNested(s.children ?? [], s);
  }
}

describe('document symbols', () => {
  it('outlines bilbao.surv: the branch with its settings, then the scenarios', () => {
    expect(outline(example('bilbao.surv'), 'bilbao.surv')).toEqual([
      'bilbao (Module) 15:0-54:1 | 15:7-15:13',
      '  pstn (Class) 25:2-25:58 | 25:10-25:14 | bri 10.10.1.3',
      '  cloud (Interface) 28:2-28:51 | 28:11-28:16 | sip:pbx.example.com:5060',
      '  timers (Struct) 32:2-32:51 | 32:2-32:8',
      '  reception (Variable) 34:2-34:38 | 34:8-34:17 | 100 at 10.222.237.10',
      '  desk1 (Variable) 35:2-35:34 | 35:8-35:13 | 101 at 10.222.237.11',
      '  front (Enum) 36:2-36:50 | 36:8-36:13 | parallel [reception, desk1]',
      '  register (Struct) 40:2-40:38 | 40:2-40:10 | forward cloud',
      '  outbound (Struct) 42:2-49:3 | 42:2-42:10 | via cloud',
      '  inbound (Struct) 53:2-53:54 | 53:2-53:9 | from pstn',
      'cloud down, desk dials out (Event) 58:0-63:1 | 58:9-58:37 | in bilbao',
      'cloud up, number does not exist (Event) 67:0-71:1 | 67:9-67:42 | in bilbao',
      'incoming PSTN call forks to the front desk (Event) 75:0-81:1 | 75:9-75:53 | in bilbao',
    ]);
  });

  it('covers the whole node with range and the name with selectionRange', () => {
    const files = example('bilbao.surv');
    const text = Object.values(files)[0] as string;
    const [branch] = outlineOf(files, 'bilbao.surv');
    expect(slice(text, branch?.selectionRange ?? branch!.range)).toBe('bilbao');
    expect(slice(text, branch!.range)).toMatch(/^branch bilbao \{[\s\S]*\n\}$/);
    const pstn = branch?.children?.[0];
    expect(slice(text, pstn!.range)).toBe('gateway pstn { address 10.10.1.3  kind bri  channels 2 }');
    expect(slice(text, pstn!.selectionRange)).toBe('pstn');
  });

  it('outlines the profiles of the petrol fleet with what they use', () => {
    expect(outline(petrolFleet(), 'profile.surv')).toEqual([
      'station (Package) 12:0-35:1 | 12:8-12:15',
      '  cloud (Interface) 13:2-18:3 | 13:11-13:16 | sip:stations.pbx.example.com:5060',
      '  pstn (Class) 22:2-22:27 | 22:10-22:14 | fxo',
      '  timers (Struct) 25:2-25:50 | 25:2-25:8',
      '  register (Struct) 27:2-27:38 | 27:2-27:10 | forward cloud',
      '  outbound (Struct) 29:2-32:3 | 29:2-29:10 | via cloud',
      '  inbound (Struct) 34:2-34:33 | 34:2-34:9 | from pstn',
      'station-24h (Package) 39:0-42:1 | 39:8-39:19 | uses station',
      '  counter (Enum) 40:2-40:47 | 40:8-40:15 | parallel [shop, kiosk]',
      '  inbound (Struct) 41:2-41:36 | 41:2-41:9 | from pstn',
    ]);
    expect(outline(petrolFleet(), 'station-01.surv')).toEqual([
      'station-01 (Module) 3:0-8:1 | 3:7-3:17 | uses station',
      '  pstn (Class) 6:2-6:36 | 6:10-6:14 | 10.60.1.3',
      '  shop (Variable) 7:2-7:30 | 7:8-7:12 | 100 at 10.60.1.10',
      'link down, shop calls a supplier (Event) 11:0-16:1 | 11:9-11:43 | in station-01',
    ]);
  });

  it('outlines a file with syntax errors, keeping what was understood', () => {
    const symbols = outlineOf(example('broken/syntax-errors.surv'), 'syntax-errors.surv');
    expect(lines(symbols).map((l) => l.replace(/ \d+:\d+-\d+:\d+ \| \d+:\d+-\d+:\d+/, ''))).toEqual([
      'syntax-errors (Module)',
      '  timers (Struct)',
      '  pstn (Class) | isdn 10.90.1.3',
      '  cloud (Interface) | sip:pbx.example.com:5060',
      '  reception (Variable) | 100 at 10.90.1.10',
      '  desk1 (Variable) | at 10.90.1.11',
      '  front (Enum) | parallel [reception, desk1]',
      '  register (Struct) | forward cloud',
      '  outbound (Struct) | via cloud',
      '  inbound (Struct) | from pstn',
    ]);
    expectNested(symbols);
  });

  it('names blocks whose name is missing, and keeps ranges nested', () => {
    const symbols = documentSymbols(prepare('branch {\n  phone 100 at 10.0.0.1\n}\nscenario in x {\n}\nprofile p uses\n').ctx);
    expectNested(symbols);
    for (const s of symbols) expect(s.name).not.toBe('');
  });

  it('answers nothing for an empty file', () => {
    expect(documentSymbols(prepare('').ctx)).toEqual([]);
    expect(documentSymbols(prepare('# only a comment\n').ctx)).toEqual([]);
  });

  it('keeps every selection range inside its range on every example', () => {
    for (const name of ['bilbao.surv', 'critical-branch.surv', 'ipv6-branch.surv', 'two-head-offices.surv']) {
      expectNested(outlineOf(example(name), name));
    }
  });
});

describe('workspace symbols', () => {
  const inFleet = search(petrolFleet());

  it('matches a case-insensitive subsequence of the name', () => {
    expect(matchesQuery('station-01', 'st01')).toBe(true);
    expect(matchesQuery('station-01', 'ST-1')).toBe(true);
    expect(matchesQuery('station-01', '10')).toBe(false);
    expect(matchesQuery('anything', '')).toBe(true);
    expect(inFleet('st01')).toEqual(['station-01 (Module) station-01.surv:3:7-3:17']);
  });

  it('lists every declaration site of a merged symbol, with its block', () => {
    const pstn = inFleet('PSTN');
    expect(pstn).toHaveLength(25);
    expect(pstn.slice(0, 3)).toEqual([
      'pstn (Class) profile.surv:22:10-22:14 in station',
      'pstn (Class) station-01.surv:6:10-6:14 in station-01',
      'pstn (Class) station-02.surv:6:10-6:14 in station-02',
    ]);
  });

  it('finds profiles, groups and upstreams', () => {
    expect(inFleet('24h')).toEqual(['station-24h (Package) profile.surv:39:8-39:19']);
    expect(inFleet('countr')).toEqual(['counter (Enum) profile.surv:40:8-40:15 in station-24h']);
    expect(inFleet('cloud')).toEqual(['cloud (Interface) profile.surv:13:11-13:16 in station']);
  });

  it('answers every declaration for an empty query, and nothing for a query that fits none', () => {
    const all = search(example('bilbao.surv'))('');
    expect(all).toEqual([
      'bilbao (Module) bilbao.surv:15:7-15:13',
      'pstn (Class) bilbao.surv:25:10-25:14 in bilbao',
      'cloud (Interface) bilbao.surv:28:11-28:16 in bilbao',
      'reception (Variable) bilbao.surv:34:8-34:17 in bilbao',
      'desk1 (Variable) bilbao.surv:35:8-35:13 in bilbao',
      'front (Enum) bilbao.surv:36:8-36:13 in bilbao',
    ]);
    expect(inFleet('zzz')).toEqual([]);
  });
});
