// Diagnostics as an editor sees them: the built server over stdio, a temporary copy
// of examples/ as the workspace folder.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../grammar/src/index.js';
import { examplesDir, showRange, startServer, summarize, type LspServer } from './harness.js';

/** `file:L:C: severity CODE: ...` lines of a golden, as zero-based `CODE@line:char`. */
function goldenStarts(name: string): string[] {
  const golden = readFileSync(join(examplesDir, 'broken', name.replace(/\.surv$/, '.expected.txt')), 'utf8');
  return [...golden.matchAll(/^[^\s:]+:(\d+):(\d+): \w+ (SURV\d+):/gm)]
    .map((m) => `${m[3]}@${Number(m[1]) - 1}:${Number(m[2]) - 1}`)
    .sort();
}

const starts = (diagnostics: { code?: unknown; range: { start: { line: number; character: number } } }[]) =>
  diagnostics.map((d) => `${String(d.code)}@${d.range.start.line}:${d.range.start.character}`).sort();

describe('initialize', () => {
  let server: LspServer;
  beforeAll(async () => {
    server = await startServer({ examples: true });
  });
  afterAll(async () => {
    expect(await server.shutdown()).toBe(0);
  });

  it('announces every feature, incremental sync and a semantic token legend', () => {
    const { capabilities, serverInfo } = server.initializeResult;
    expect(serverInfo).toEqual({ name: 'surv-language-server', version: '0.1.0' });
    expect(capabilities.textDocumentSync).toMatchObject({ openClose: true, change: 2 });
    expect(capabilities.completionProvider?.triggerCharacters).toEqual(expect.arrayContaining([' ']));
    for (const provider of [
      'hoverProvider', 'definitionProvider', 'referencesProvider', 'documentHighlightProvider', 'documentSymbolProvider',
      'workspaceSymbolProvider', 'foldingRangeProvider', 'selectionRangeProvider', 'documentFormattingProvider',
      'documentRangeFormattingProvider', 'inlayHintProvider',
    ] as const) expect(capabilities[provider], provider).toBeTruthy();
    expect(capabilities.renameProvider).toEqual({ prepareProvider: true });
    expect(capabilities.codeActionProvider).toEqual({ codeActionKinds: ['quickfix', 'refactor'] });
    const legend = (capabilities.semanticTokensProvider as { legend: { tokenTypes: string[]; tokenModifiers: string[] } }).legend;
    expect(new Set(legend.tokenTypes).size).toBe(legend.tokenTypes.length);
    expect(new Set(legend.tokenModifiers).size).toBe(legend.tokenModifiers.length);
  });

  it('checks the whole workspace folder once initialized, without any document open', async () => {
    expect(await server.diagnostics(server.uri('petrol-stations/station-07.surv'))).toEqual([]);
    expect(starts(await server.diagnostics(server.uri('broken/timer-rules.surv')))).toEqual(goldenStarts('timer-rules.surv'));
  });
});

describe('diagnostics on open', () => {
  let server: LspServer;
  beforeAll(async () => {
    server = await startServer({ examples: true });
  });
  afterAll(async () => {
    await server.shutdown();
  });

  it('bilbao.surv is clean: an empty list, for the opened version', async () => {
    const uri = server.uri('bilbao.surv');
    expect(await server.openAndWait(uri)).toEqual([]);
    expect(server.publishesFor(uri).at(-1)?.version).toBe(server.document(uri)?.version);
  });

  it('broken/timer-rules.surv: exact codes and ranges, with related information', async () => {
    const uri = server.uri('broken/timer-rules.surv');
    const diagnostics = await server.openAndWait(uri);
    expect(summarize(diagnostics)).toEqual([
      'SURV041@48:35-48:37',
      'SURV042@26:21-26:24',
      'SURV043@32:34-32:36',
      'SURV044@48:21-48:23',
      'SURV045@39:18-39:21',
    ]);
    expect(diagnostics.every((d) => d.severity === 1 && d.source === 'surv')).toBe(true);
    const budget = diagnostics.find((d) => d.code === 'SURV045');
    expect(budget?.relatedInformation?.map((r) => `${r.location.uri === uri} ${showRange(r.location.range)} ${r.message}`))
      .toEqual(['true 39:18-39:21 budget set here']);
  });

  it.each([
    'bad-addresses.surv', 'duplicate-names.surv', 'emergency-without-gateway.surv', 'gateway-channels.surv',
    'missing-settings.surv', 'reserved-words.surv', 'scenario-mistakes.surv', 'survival-replies.surv',
    'syntax-errors.surv', 'unknown-names.surv', 'unused-definitions.surv',
  ])('broken/%s: the codes and start positions of its golden file', async (name) => {
    const diagnostics = await server.openAndWait(server.uri(`broken/${name}`));
    expect(starts(diagnostics)).toEqual(goldenStarts(name));
  });
});

describe('diagnostics on change', () => {
  let server: LspServer;
  beforeAll(async () => {
    server = await startServer({ examples: true });
  });
  afterAll(async () => {
    await server.shutdown();
  });

  it('an incremental edit breaks a value, the next one fixes it and the list clears', async () => {
    const uri = server.uri('bilbao.surv');
    const document = await server.open(uri);
    expect(await server.diagnostics(uri, { version: document.version })).toEqual([]);
    // `timers { no-answer 10s ...` on line 33 (zero-based 32): delete the unit.
    const line = 32;
    const unit = document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).indexOf('10s') + 2;
    const broken = await server.changeAndWait(uri, [{ range: { start: { line, character: unit }, end: { line, character: unit + 1 } }, text: '' }]);
    expect(summarize(broken)).toEqual([`SURV025@${line}:${unit - 2}-${line}:${unit}`]);
    // Two edits in one notification: a comment line inserted above, and the unit back.
    const fixed = await server.changeAndWait(uri, [
      { range: { start: { line, character: unit }, end: { line, character: unit } }, text: 's' },
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edited\n' },
    ]);
    expect(fixed).toEqual([]);
    expect(server.document(uri)?.getText()).toBe(`# edited\n${readFileSync(join(examplesDir, 'bilbao.surv'), 'utf8')}`);
  });

  it('a syntax error typed into a branch is reported where it is, and clears when removed', async () => {
    const uri = server.uri('ipv6-branch.surv');
    const document = await server.open(uri);
    await server.diagnostics(uri, { version: document.version });
    const at = document.positionAt(document.getText().indexOf('\n}') + 1);
    const broken = await server.changeAndWait(uri, [{ range: { start: at, end: at }, text: '  phone\n' }]);
    // Reported from the typed line on (recovery may report more further down), nothing above it.
    expect(broken.length).toBeGreaterThan(0);
    expect([at.line, at.line + 1]).toContain(broken[0]?.range.start.line);
    expect(broken.every((d) => d.range.start.line >= at.line)).toBe(true);
    const next = { line: at.line + 1, character: 0 };
    expect(await server.changeAndWait(uri, [{ range: { start: at, end: next }, text: '' }])).toEqual([]);
  });

  it('closing a document outside the workspace clears its diagnostics; a workspace file falls back to its disk text', async () => {
    const outside = 'file:///nowhere/outside.surv';
    expect(await server.openAndWait(outside, 'branch x {')).not.toEqual([]);
    let since = server.mark();
    await server.close(outside);
    expect(await server.diagnostics(outside, { since })).toEqual([]);

    const inside = server.uri('critical-branch.surv');
    const document = await server.open(inside);
    expect(await server.diagnostics(inside, { version: document.version })).toEqual([]);
    expect(await server.changeAndWait(inside, 'branch broken {')).not.toEqual([]);
    since = server.mark();
    await server.close(inside);
    const after = await server.diagnostics(inside, { since });
    expect(after).toEqual([]);
    expect(server.publishes.slice(since).find((p) => p.uri === inside)?.version).toBeUndefined();
  });
});

describe('cross-file diagnostics in the petrol-stations fleet', () => {
  let server: LspServer;
  beforeAll(async () => {
    server = await startServer({ examples: true });
  });
  afterAll(async () => {
    await server.shutdown();
  });

  it("breaking a timer in profile.surv re-publishes every station, at its branch name; fixing it clears them", async () => {
    const profile = server.uri('petrol-stations/profile.surv');
    expect(await server.openAndWait(profile)).toEqual([]);
    const document = server.document(profile) as NonNullable<ReturnType<typeof server.document>>;
    const stations = Array.from({ length: 24 }, (_, i) => server.uri(`petrol-stations/station-${String(i + 1).padStart(2, '0')}.surv`));

    const text = document.getText();
    const value = text.indexOf('ringing 60s') + 'ringing '.length;
    const range = { start: document.positionAt(value), end: document.positionAt(value + 3) };
    let since = server.mark();
    // The profile itself stays clean: the rule is checked per branch, on the merged timers.
    expect(await server.changeAndWait(profile, [{ range, text: '5s' }])).toEqual([]);
    for (const station of stations) {
      const diagnostics = await server.diagnostics(station, { since });
      // At the station's branch name: `branch station-NN uses ...`.
      const lines = readFileSync(new URL(station), 'utf8').split('\n');
      const line = lines.findIndex((l) => l.startsWith('branch station-'));
      expect(summarize(diagnostics), station).toEqual([`SURV043@${line}:7-${line}:17`]);
      expect(lines[line]?.slice(7, 17)).toMatch(/^station-\d\d$/);
      // The note points at the profile's value.
      expect(diagnostics[0]?.relatedInformation?.[0]?.location.uri).toBe(profile);
    }

    since = server.mark();
    const fixedRange = { start: range.start, end: { line: range.start.line, character: range.start.character + 2 } };
    expect(await server.changeAndWait(profile, [{ range: fixedRange, text: '60s' }])).toEqual([]);
    for (const station of stations) expect(await server.diagnostics(station, { since }), station).toEqual([]);
    // Files the edit does not concern are not re-published.
    expect(server.publishes.slice(since).some((p) => p.uri.endsWith('/bilbao.surv'))).toBe(false);
  });
});

describe('latest edit wins', () => {
  let server: LspServer;
  beforeAll(async () => {
    // A workspace of one document, so the expected diagnostics are those of its text alone.
    server = await startServer({ files: {} });
  });
  afterAll(async () => {
    await server.shutdown();
  });

  it('50 quick changes: versions only rise, and the last version is published with the diagnostics of the last text', async () => {
    const uri = server.uri('burst.surv');
    const base = readFileSync(join(examplesDir, 'bilbao.surv'), 'utf8');
    await server.open(uri, base);
    let last = 0;
    for (let i = 1; i <= 50; i++) {
      // Every other text breaks a different timer value; the last one leaves the unit off 'ringing 60s'.
      const text = i === 50 ? base.replace('ringing 60s', 'ringing 60') : i % 2 === 0 ? base.replace('no-answer 10s', `no-answer ${i}`) : base;
      last = await server.change(uri, text);
    }
    const final = await server.diagnostics(uri, { version: last });
    const expected = analyze([{ uri, text: base.replace('ringing 60s', 'ringing 60') }]).diagnostics;
    expect(summarize(final)).toEqual(expected.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`).sort());
    expect(summarize(final)).toEqual(['SURV025@32:34-32:36']);

    // A round trip: anything the server still had queued would be published before this answer.
    await server.request('workspace/symbol', { query: 'bilbao' });
    const versions = server.publishesFor(uri).map((p) => p.version ?? -1);
    for (let i = 1; i < versions.length; i++) expect(versions[i]).toBeGreaterThanOrEqual(versions[i - 1] as number);
    expect(versions.at(-1)).toBe(last);
    expect(server.publishesFor(uri).at(-1)?.diagnostics).toEqual(final);
  });

  it('with a validation delay, a burst is checked once, after it', async () => {
    const delayed = await startServer({ files: {}, initializationOptions: { validationDelayMs: 1000 } });
    try {
      const uri = delayed.uri('slow.surv');
      await delayed.open(uri, 'branch a {');
      let last = 0;
      for (let i = 0; i < 20; i++) last = await delayed.change(uri, i % 2 ? 'branch a {' : 'branch a {}');
      await delayed.diagnostics(uri, { version: last });
      expect(delayed.publishesFor(uri).map((p) => p.version)).toEqual([last]);
    } finally {
      await delayed.shutdown();
    }
  });
});
