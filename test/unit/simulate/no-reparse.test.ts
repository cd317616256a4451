// Every reader of a trace takes its facts from the entries' parsed messages, never from
// their rendered SIP text (docs/simulator.md, "Output"). Here each entry's text is
// swapped for a decoy that says something else entirely (another start line, Contact,
// Call-ID, Via and Max-Forwards): the timeline, the ladder, the replay comparison's
// steps, the expectations and verify's invariants must read exactly what they read from
// the real trace. A reader that parsed the text back would see the decoy and differ.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, type Branch, type Scenario } from '../../../grammar/src/index.js';
import { scenarioDiagram } from '../../../engines/diagram/scenario.js';
import { timeline } from '../../../engines/present/timeline.js';
import { simSteps } from '../../../io/replay/compare.js';
import { checkExpectations, simulate, type SimulateOptions, type SimulationResult, type TraceEntry } from '../../../engines/simulate/index.js';
import { startLine } from '../../../engines/simulate/message.js';
import { checkScenario, verifyBranch } from '../../../engines/verify/index.js';
import { root } from './helpers.js';

const files = [
  'examples/bilbao.surv', 'examples/critical-branch.surv', 'examples/ipv6-branch.surv', 'examples/two-head-offices.surv',
  'examples/verify/relay-budget.surv', 'test/kamailio/fixtures/loopback.surv',
  ...['failover', 'inbound', 'outbound', 'probing', 'register', 'trust'].map((n) => `test/kamailio/fixtures/replay/${n}.surv`),
];

const DECOY = [
  'SIP/2.0 399 Decoy Phrase',
  'Via: SIP/2.0/UDP 10.222.237.1:5060;branch=z9hG4bKdecoy1',
  'Via: SIP/2.0/UDP 10.222.237.1:5060;branch=z9hG4bKdecoy2',
  'Max-Forwards: 0',
  'From: <sip:decoy@192.0.2.9>;tag=decoy',
  'To: <sip:decoy@192.0.2.9>',
  'Call-ID: decoy-call-id',
  'CSeq: 9 OPTIONS',
  'Contact: <sip:decoy@192.0.2.9>',
  'Content-Length: 0',
  '', '',
].join('\r\n');

/** The same entries, every field and fact kept, the text replaced by the decoy. */
function decoyed(result: SimulationResult): SimulationResult {
  return { ...result, trace: result.trace.map((e): TraceEntry => ({ ...e, text: DECOY })) };
}

interface Run {
  readonly name: string;
  readonly branch: Branch;
  readonly scenario: Scenario;
  readonly result: SimulationResult;
}

function model(uri: string, text: string) {
  const analysis = analyze([{ uri, text }], { symbols: false });
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`${uri}: ${errors.map((d) => d.message).join('; ')}`);
  return analysis.model;
}

/**
 * Where verify finds violations whose messages quote a reply (SURV081, SURV084) or whose
 * check compares Call-IDs (SURV086, on the `open` edge that exists to break it).
 */
const violating: ReadonlyMap<string, SimulateOptions['trust']> = new Map([
  ['examples/verify/relay-budget.surv', 'model'], ['test/kamailio/fixtures/replay/failover.surv', 'model'], ['test/kamailio/fixtures/replay/trust.surv', 'open'],
]);

/** Each file's own scenarios, and the scenario of every violation verify reports for it. */
function runs(): Run[] {
  const out: Run[] = [];
  for (const file of files) {
    const text = readFileSync(resolve(root, file), 'utf8');
    const own = model(file, text);
    const add = (m: typeof own, scenario: Scenario, options: SimulateOptions) => {
      const branch = m.branches.find((b) => b.name === scenario.branch)!;
      out.push({ name: `${file}: ${scenario.title}`, branch, scenario, result: simulate(branch, scenario, options) });
    };
    for (const scenario of own.scenarios) add(own, scenario, {});
    const trust = violating.get(file);
    if (trust === undefined) continue;
    for (const branch of own.branches) {
      for (const v of verifyBranch(branch, { trust }).violations) {
        const pasted = model(file, `${text}\n${v.scenario}`);
        const title = /^scenario "([^"]*)"/m.exec(v.scenario)![1]!;
        add(pasted, pasted.scenarios.find((s) => s.title === title)!, { trust });
      }
    }
  }
  return out;
}

describe('trace readers read the parsed message, never the rendered text', () => {
  const all = runs();

  it('the decoy contradicts every entry', () => {
    for (const { name, result } of all) {
      for (const e of result.trace) {
        expect(startLine(e.message), name).not.toBe('SIP/2.0 399 Decoy Phrase');
        expect(e.message.callId, name).not.toBe('decoy-call-id');
        expect((e.message.contact ?? []).map((c) => c.uri), name).not.toContain('sip:decoy@192.0.2.9');
      }
    }
  });

  it('the timeline, the ladder and the replay steps are the same', () => {
    for (const { name, branch, scenario, result } of all) {
      const fake = decoyed(result);
      expect(timeline(fake), name).toEqual(timeline(result));
      expect(scenarioDiagram(branch, scenario, fake, true).mermaid, name).toBe(scenarioDiagram(branch, scenario, result, true).mermaid);
      expect(simSteps(fake.trace), name).toEqual(simSteps(result.trace));
    }
  });

  it('the expectations and the invariants judge the same', () => {
    let findings = 0;
    const codes = new Set<string>();
    for (const { name, branch, scenario, result } of all) {
      const fake = decoyed(result);
      expect(checkExpectations(scenario, fake.trace, fake.calls, fake.marks), name).toEqual(checkExpectations(scenario, result.trace, result.calls, result.marks));
      const real = checkScenario(branch, scenario, result);
      expect(checkScenario(branch, scenario, fake), name).toEqual(real);
      findings += real.length;
      for (const f of real) codes.add(f.code);
    }
    // The runs reach the readers of reason phrases (SURV081, SURV084) and Call-IDs (SURV086).
    expect([...codes].sort()).toEqual(expect.arrayContaining(['SURV081', 'SURV084', 'SURV086']));
    expect(findings).toBeGreaterThan(0);
  });
});
