// `surv/diagrams` over stdio, from the built server: the views of a document, each
// message tied to the policy line that caused it, and the first error instead of
// views while the document has errors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Range } from 'vscode-languageserver-protocol/node.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examplesDir, showRange, startServer, type LspServer } from './harness.js';

interface Answer {
  version: number | null;
  views: {
    id: string;
    title: string;
    kind: string;
    branch: string;
    mermaid: string;
    messages: { index: number; summary: string; text: string | null; uri: string | null; range: Range | null }[];
  }[];
  error?: { message: string; code: string; range: Range };
}

const bilbao = readFileSync(join(examplesDir, 'bilbao.surv'), 'utf8');

/** The range of the first occurrence of `needle` (after `after`, when given) in `text`. */
function rangeOf(text: string, needle: string, after = ''): string {
  const from = after ? text.indexOf(after) : 0;
  const start = text.indexOf(needle, Math.max(0, from));
  if (from < 0 || start < 0) throw new Error(`"${needle}" is not in the text`);
  const position = (offset: number) => {
    const before = text.slice(0, offset).split('\n');
    return { line: before.length - 1, character: (before.at(-1) ?? '').length };
  };
  return showRange({ start: position(start), end: position(start + needle.length) });
}

describe('surv/diagrams', () => {
  let server: LspServer;
  let uri: string;

  beforeAll(async () => {
    server = await startServer({ examples: true });
    uri = server.uri('bilbao.surv');
    await server.openAndWait(uri);
  });

  afterAll(async () => {
    await server?.shutdown();
  });

  const diagrams = (params: unknown) => server.request<Answer>('surv/diagrams', params);

  it("returns bilbao's design view and its three scenarios, for the open version", async () => {
    const answer = await diagrams({ uri });
    expect(answer.error).toBeUndefined();
    expect(answer.version).toBe(server.document(uri)?.version);
    expect(answer.views.map((v) => [v.id, v.title, v.kind, v.branch])).toEqual([
      ['design:bilbao', 'bilbao: design', 'design', 'bilbao'],
      ['scenario:bilbao:cloud down, desk dials out', 'cloud down, desk dials out', 'scenario', 'bilbao'],
      ['scenario:bilbao:cloud up, number does not exist', 'cloud up, number does not exist', 'scenario', 'bilbao'],
      ['scenario:bilbao:incoming PSTN call forks to the front desk', 'incoming PSTN call forks to the front desk', 'scenario', 'bilbao'],
    ]);
    for (const view of answer.views) {
      expect(view.mermaid.startsWith('sequenceDiagram\n')).toBe(true);
      expect(view.messages.map((m) => m.index)).toEqual(view.messages.map((_, i) => i));
      // Every message arrow of the source is one message of the list (notes are not arrows).
      const arrows = view.mermaid.split('\n').filter((line) => /^\s*[\w-]+\s*(->>|-->>|-\)|--\)|-x|--x|->|-->)\s*[\w-]+\s*:/.test(line));
      expect(arrows.length, view.id).toBe(view.messages.length);
      for (const m of view.messages) if (m.range) expect(m.uri).toBe(uri);
    }
  });

  it('ties design messages to the policy lines that cause them', async () => {
    const [design] = (await diagrams({ uri })).views;
    const at = (summary: string) => {
      const m = design?.messages.find((x) => x.summary === summary);
      if (!m) throw new Error(`no message "${summary}" in ${design?.messages.map((x) => x.summary).join(' | ')}`);
      return m.range ? showRange(m.range) : null;
    };
    expect(at('181 Survival Activated - please standby')).toBe(rangeOf(bilbao, 'announce 181 "Survival Activated - please standby"'));
    expect(at('302 → sip:number@10.10.1.3')).toBe(rangeOf(bilbao, 'redirect 302 to pstn'));
    expect(at('INVITE 112')).toBe(rangeOf(bilbao, 'emergency 112, 091 direct to pstn'));
    expect(at('INVITE 101')).toBe(rangeOf(bilbao, 'ring front'));
    expect(at('INVITE 100 (ring 20s)')).toBe(rangeOf(bilbao, 'ring reception', 'then'));
    // Retransmissions follow Kamailio's built-in timers, written nowhere in the file.
    const retransmit = design?.messages.find((m) => m.summary.startsWith('↻'));
    expect(retransmit).toMatchObject({ uri: null, range: null, text: null });
  });

  it("ties scenario messages to the scenario's lines and the policy, with the SIP text", async () => {
    const views = (await diagrams({ uri })).views;
    const down = views.find((v) => v.title === 'cloud down, desk dials out');
    const first = down?.messages[0];
    expect(first?.summary).toBe('INVITE 944000000 (0.000s)');
    expect(first?.range && showRange(first.range)).toBe(rangeOf(bilbao, 'desk1 calls 944000000'));
    // The whole message as the simulator wrote it (its exact headers are the simulator's tests' business).
    expect(first?.text?.split('\r\n')[0]).toMatch(/^INVITE sip:944000000@\S+ SIP\/2\.0$/);
    expect(first?.text).toMatch(/\r\nCall-ID: \S+\r\n/);
    const survival = down?.messages.find((m) => m.summary.startsWith('181 '));
    expect(survival?.range && showRange(survival.range)).toBe(rangeOf(bilbao, 'announce 181 "Survival Activated - please standby"'));
    expect(survival?.text?.split('\r\n')[0]).toBe('SIP/2.0 181 Survival Activated - please standby');
    const up = views.find((v) => v.title === 'cloud up, number does not exist');
    const notFound = up?.messages.find((m) => m.summary.startsWith('404 '));
    expect(notFound?.range && showRange(notFound.range)).toBe(rangeOf(bilbao, 'cloud answers 404'));
  });

  it('answers the first error instead of views while the document has errors, and views again once fixed', async () => {
    // Two mistakes: a misspelt gateway (line 44) and, later, a missing brace.
    const broken = bilbao.replace('redirect 302 to pstn', 'redirect 302 to pstm').replace('desk1 answers after 4s\n', 'desk1 answers after 4s\n  expect {\n');
    await server.changeAndWait(uri, broken);
    const answer = await diagrams({ uri });
    expect(answer.version).toBe(server.document(uri)?.version);
    expect(answer.views).toEqual([]);
    expect(answer.error?.code).toMatch(/^SURV\d{3}$/);
    expect(answer.error?.message).toBe("no gateway named 'pstm'; did you mean 'pstn'?");
    expect(answer.error && showRange(answer.error.range)).toBe(rangeOf(broken, 'pstm'));

    await server.changeAndWait(uri, bilbao);
    const fixed = await diagrams({ uri });
    expect(fixed.error).toBeUndefined();
    expect(fixed.views).toHaveLength(4);
    expect(fixed.version).toBe(server.document(uri)?.version);
  });

  it('answers a syntax error with its range', async () => {
    const broken = bilbao.replace('  lan 10.222.237.0/24\n', '  lan 10.222.237.0/24 {\n');
    await server.changeAndWait(uri, broken);
    const answer = await diagrams({ uri });
    expect(answer.views).toEqual([]);
    expect(answer.error?.range.start.line).toBe(Number(rangeOf(broken, '{\n', 'lan 10.222.237.0/24').split(':')[0]));
    await server.changeAndWait(uri, bilbao);
  });

  it('refuses params that do not name a known document', async () => {
    await expect(diagrams({})).rejects.toThrow('surv/diagrams: params.uri must be a document URI');
    await expect(diagrams({ uri: 42 })).rejects.toThrow('surv/diagrams: params.uri must be a document URI');
    await expect(diagrams({ uri: server.uri('nowhere.surv') })).rejects.toThrow('is not a .surv document the server knows');
    expect(server.alive()).toBe(true);
  });
});
