// The scenario requests (`surv/scenarios`, `surv/simulate`) and the code lenses, through
// the protocol against the built server, on examples/bilbao.surv and on scratch
// documents with failing expectations and broken branches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { errorOf, showRange, startServer, withDocument, type LspServer } from './harness.js';

interface ScenarioInfo {
  title: string;
  branch: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  expectations: { range: ScenarioInfo['range']; text: string }[];
}

interface SimulateAnswer {
  scenario: string;
  branch: string;
  uri: string;
  passed: boolean;
  verdicts: { status: string; message: string; range: ScenarioInfo['range'] | null }[];
  timeline: string;
  calls: { call: number; caller: string; target: string; finalCode?: number; answered: boolean; path: string[] }[];
  notes: string[];
}

/** Scenarios as `range title (branch) [expectation ranges: text]`, for exact comparison. */
function showScenarios(list: readonly ScenarioInfo[]): string[] {
  return list.map((s) => `${showRange(s.range)} ${s.title} (${s.branch}) [${s.expectations.map((e) => `${showRange(e.range)}: ${e.text}`).join(' | ')}]`);
}

function showVerdicts(answer: SimulateAnswer): string[] {
  return answer.verdicts.map((v) => `${v.status} ${v.range ? showRange(v.range) : '-'} ${v.message}`);
}


const failing = [
  'scenario "cloud down, wrong expectations" in bilbao {',
  '  cloud silent',
  '  desk1 calls 944000000',
  '  expect desk1 gets 181 at 10s',
  '  expect desk1 gets 302 at 9s',
  '  expect desk1 gets 486 within 1s',
  '  expect reception answers',
  '}',
  '',
].join('\n');

describe('surv/scenarios, surv/simulate and code lenses', () => {
  let server: LspServer;
  let bilbao: string;

  beforeAll(async () => {
    server = await startServer({ examples: true });
    bilbao = server.uri('bilbao.surv');
    await server.openAndWait(bilbao);
  });

  afterAll(async () => {
    await server?.shutdown();
  });

  it('announces code lenses', () => {
    expect(server.initializeResult.capabilities.codeLensProvider).toEqual({ resolveProvider: false });
    expect(server.initializeResult.capabilities.textDocumentSync).toMatchObject({ save: { includeText: false } });
  });

  it('lists the scenarios of bilbao.surv with their header and expectation ranges', async () => {
    const list = await server.request<ScenarioInfo[]>('surv/scenarios', { uri: bilbao });
    expect(showScenarios(list)).toEqual([
      '58:0-58:47 cloud down, desk dials out (bilbao) [61:2-61:30: expect desk1 gets 181 at 10s | 62:2-62:62: expect desk1 gets 302 at 10s contact sip:944000000@10.10.1.3]',
      '67:0-67:52 cloud up, number does not exist (bilbao) [70:2-70:33: expect desk1 gets 404 within 1s]',
      '75:0-75:63 incoming PSTN call forks to the front desk (bilbao) [80:2-80:28: expect desk1 answers at 4s]',
    ]);
  });

  it('lists files that are in the workspace but not open, and none for a file without scenarios', async () => {
    const list = await server.request<ScenarioInfo[]>('surv/scenarios', { uri: server.uri('two-head-offices.surv') });
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((s) => s.branch !== '' && s.title !== '')).toBe(true);
    await withDocument(server, 'branch lonely { upstream cloud { proxy sip:pbx.example.com } }\n', async (uri) => {
      expect(await server.request<ScenarioInfo[]>('surv/scenarios', { uri })).toEqual([]);
    });
  });

  it('leaves out a scenario whose branch does not exist and a second scenario with the same title', async () => {
    const text = [
      'scenario "one" in bilbao { desk1 calls 944000000 }',
      'scenario "one" in bilbao { desk1 calls 944000001 }',
      'scenario "two" in nowhere { desk1 calls 944000000 }',
      '',
    ].join('\n');
    await withDocument(server, text, async (uri) => {
      expect(showScenarios(await server.request<ScenarioInfo[]>('surv/scenarios', { uri }))).toEqual(['0:0-0:24 one (bilbao) []']);
    });
  });

  it('simulates each bilbao scenario: every expectation passes, at its own range', async () => {
    const answers = await Promise.all([
      'cloud down, desk dials out', 'cloud up, number does not exist', 'incoming PSTN call forks to the front desk',
    ].map((title) => server.request<SimulateAnswer>('surv/simulate', { uri: bilbao, title })));
    expect(answers.map((a) => [a.scenario, a.branch, a.uri, a.passed])).toEqual([
      ['cloud down, desk dials out', 'bilbao', bilbao, true],
      ['cloud up, number does not exist', 'bilbao', bilbao, true],
      ['incoming PSTN call forks to the front desk', 'bilbao', bilbao, true],
    ]);
    expect(answers.map(showVerdicts)).toEqual([
      ['pass 61:2-61:30 desk1 got 181 at 10s', 'pass 62:2-62:62 desk1 got 302 at 10s'],
      ['pass 70:2-70:33 desk1 got 404 at 0s'],
      ['pass 80:2-80:28 desk1 answered at 4s'],
    ]);
    expect(answers[0]?.calls.map((c) => [c.caller, c.target, c.finalCode, c.answered, c.path.join('>')])).toEqual([
      ['desk1', '944000000', 200, true, 'desk1>edge>cloud>edge>pstn'],
    ]);
    expect(answers.map((a) => a.notes)).toEqual([[], [], []]);
  });

  it('gives a timeline line per message as surv simulate prints it: time, from -> to, message, cause', async () => {
    const answer = await server.request<SimulateAnswer>('surv/simulate', { uri: bilbao, title: 'cloud up, number does not exist' });
    expect(answer.timeline.split('\n')).toEqual([
      '0.000s  desk1 -> edge   INVITE sip:944999999@pbx.example.com  scenario: call placed',
      '0.000s  edge  -> desk1  100 Trying                            tm: auto 100 Trying',
      '0.000s  edge  -> cloud  INVITE sip:944999999@pbx.example.com  outbound via cloud',
      '0.000s  cloud -> edge   404 Not Found                         cloud answers 404',
      '0.000s  edge  -> cloud  ACK sip:944999999@pbx.example.com     ACK for 404',
      '0.000s  edge  -> desk1  404 Not Found                         404 from cloud relayed',
      '0.000s  desk1 -> edge   ACK sip:944999999@pbx.example.com     ACK for 404',
    ]);
    const outage = await server.request<SimulateAnswer>('surv/simulate', { uri: bilbao, title: 'cloud down, desk dials out', branch: 'bilbao' });
    const lines = outage.timeline.split('\n');
    expect(lines).toHaveLength(24);
    expect(lines[3]).toBe(' 0.500s  edge  -> cloud  INVITE sip:944000000@pbx.example.com                       Timer A retransmission 1');
    expect(lines[8]).toBe('10.000s  edge  -> desk1  302 Moved Temporarily  Contact: <sip:944000000@10.10.1.3>  fr_timer fired on cloud (no reply at all); survival: redirect');
  });

  it('reports a failed expectation with its message at the expect line', async () => {
    await withDocument(server, failing, async (uri) => {
      const answer = await server.request<SimulateAnswer>('surv/simulate', { uri, title: 'cloud down, wrong expectations' });
      expect(answer.passed).toBe(false);
      expect(showVerdicts(answer)).toEqual([
        'pass 3:2-3:30 desk1 got 181 at 10s',
        'fail 4:2-4:29 desk1 got 302 at 10s, not 9s',
        'fail 5:2-5:33 desk1 never got 486 (got 181 at 10s, 302 at 10s, 180 at 10s, 200 at 12s)',
        'fail 6:2-6:26 reception never answered',
      ]);
    });
  });

  it('runs the text being edited, not the file on disk', async () => {
    const text = failing.replace('gets 302 at 9s', 'gets 302 at 10s').replace(/ {2}expect desk1 gets 486.*\n {2}expect reception answers\n/, '');
    await withDocument(server, failing, async (uri) => {
      await server.changeAndWait(uri, text);
      const answer = await server.request<SimulateAnswer>('surv/simulate', { uri, title: 'cloud down, wrong expectations' });
      expect([answer.passed, ...showVerdicts(answer)]).toEqual([true, 'pass 3:2-3:30 desk1 got 181 at 10s', 'pass 4:2-4:30 desk1 got 302 at 10s']);
    });
  });

  it('answers bad requests with a ResponseError that says what is wrong, and keeps serving', async () => {
    const unknown = server.uri('nowhere.surv');
    expect(await errorOf(server.request('surv/scenarios', { uri: unknown }))).toEqual({
      code: -32602, message: `surv/scenarios: ${unknown} is not a .surv document the server knows (open it, or put it in the workspace)`,
    });
    expect(await errorOf(server.request('surv/scenarios', null))).toEqual({ code: -32602, message: 'surv/scenarios: params.uri must be a document URI' });
    expect(await errorOf(server.request('surv/simulate', [bilbao]))).toEqual({ code: -32602, message: 'surv/simulate: params.uri must be a document URI' });
    expect(await errorOf(server.request('surv/simulate', { uri: bilbao }))).toEqual({ code: -32602, message: "surv/simulate: params.title must be the scenario's title" });
    expect(await errorOf(server.request('surv/simulate', { uri: bilbao, title: 'cloud down' }))).toEqual({
      code: -32602,
      message: `surv/simulate: ${bilbao} has no scenario "cloud down" (it has: "cloud down, desk dials out" in bilbao, "cloud up, number does not exist" in bilbao, "incoming PSTN call forks to the front desk" in bilbao)`,
    });
    expect(await errorOf(server.request('surv/simulate', { uri: bilbao, title: 'cloud down, desk dials out', branch: 'madrid' }))).toMatchObject({
      code: -32602, message: expect.stringMatching(/^surv\/simulate: .* has no scenario "cloud down, desk dials out" in madrid \(it has: /),
    });
    expect(await errorOf(server.request('surv/simulate', { uri: bilbao, title: 'cloud down, desk dials out', branch: 7 }))).toEqual({
      code: -32602, message: 'surv/simulate: params.branch must be a branch name',
    });
    expect(await errorOf(server.request('surv/simulate', { uri: bilbao, title: 'cloud down, desk dials out', seed: -1 }))).toEqual({
      code: -32602, message: 'surv/simulate: params.seed must be a non-negative integer',
    });
    const seeded = await server.request<SimulateAnswer>('surv/simulate', { uri: bilbao, title: 'cloud down, desk dials out', seed: 42 });
    expect(seeded.passed).toBe(true);
    expect(server.alive()).toBe(true);
  });

  it('refuses to simulate a branch with errors, and says which', async () => {
    const text = [
      'branch broken {',
      '  edge listen udp 10.1.1.1:5060',
      '  lan 10.1.1.0/24',
      '  gateway gw { address 10.1.2.3  kind bri }',
      '  upstream cloud { proxy sip:pbx.example.com }',
      '  phone desk 100 at 10.1.1.10',
      '  outbound from lan via cloud { on timeout { redirect 404 to gw } }',
      '}',
      'scenario "any" in broken { desk calls 944000000 }',
      '',
    ].join('\n');
    await withDocument(server, text, async (uri) => {
      const error = await errorOf(server.request('surv/simulate', { uri, title: 'any' }));
      expect(error.code).toBe(-32600);
      expect(error.message).toBe('cannot simulate "any": 1 error to fix first (SURV051 at line 7: a redirect must be a 3xx reply, not 404)');
    });
  });

  it('puts "▶ Simulate" above each scenario and "Verify" above the branch', async () => {
    const lenses = await server.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: bilbao } });
    expect(lenses.map((l) => `${showRange(l.range)} ${l.command?.title ?? ''} ${l.command?.command ?? ''} ${JSON.stringify(l.command?.arguments)}`)).toEqual([
      `15:7-15:13 Verify surv.verifyBranch [{"uri":"${bilbao}","branch":"bilbao"}]`,
      `58:0-58:47 ▶ Simulate surv.simulateScenario [{"uri":"${bilbao}","branch":"bilbao","title":"cloud down, desk dials out"}]`,
      `67:0-67:52 ▶ Simulate surv.simulateScenario [{"uri":"${bilbao}","branch":"bilbao","title":"cloud up, number does not exist"}]`,
      `75:0-75:63 ▶ Simulate surv.simulateScenario [{"uri":"${bilbao}","branch":"bilbao","title":"incoming PSTN call forks to the front desk"}]`,
    ]);
    expect(await server.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: server.uri('nowhere.surv') } })).toEqual([]);
  });
});
