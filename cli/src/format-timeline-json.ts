// `surv simulate --json`: a stable document for scripts and CI, described by
// docs/simulate-output.schema.json. Keys are spelled out one by one so their order
// never depends on the engine's objects. Bump `version` on any incompatible change.
import type { Scenario } from '../../grammar/src/index.js';
import { isLost } from '../../engines/present/timeline.js';
import type { SimulationResult } from '../../engines/simulate/index.js';
import type { Located, Sources } from './format-timeline-location.js';

export interface SimulatedScenario {
  readonly scenario: Scenario;
  readonly result: SimulationResult;
  readonly seed: number;
}

const located = (at: Located | undefined) => (at ? { file: at.file, line: at.line, column: at.column } : null);

function scenarioJson(s: SimulatedScenario, sources: Sources) {
  const { scenario, result } = s;
  return {
    title: scenario.title,
    branch: result.branch,
    location: located(sources.locate(scenario.origin)),
    seed: s.seed,
    lossPercent: scenario.lossPercent,
    passed: result.verdicts.every((v) => v.status !== 'fail'),
    trace: result.trace.map((t) => ({
      atMs: t.atMs, from: t.from, to: t.to, summary: t.summary, method: t.method, status: t.status ?? null,
      transaction: t.transaction, call: t.call, cause: t.cause, lost: isLost(t), text: t.text,
    })),
    calls: result.calls.map((c) => ({
      call: c.call, caller: c.caller, target: c.target, startMs: c.startMs,
      finals: c.finals.map((f) => ({ code: f.code, atMs: f.atMs })),
      finalCode: c.finalCode ?? null, postDialDelayMs: c.postDialDelayMs ?? null, path: [...c.path], answered: c.answered,
    })),
    registrations: result.registrations.map((r) => ({ phone: r.phone, atMs: r.atMs, code: r.code ?? null, via: r.via })),
    marks: result.marks.map((m) => ({ atMs: m.atMs, actor: m.actor, event: m.event, cause: m.cause })),
    events: result.events.map((e) => ({ atMs: e.atMs, event: e.event, upstream: e.upstream ?? null, call: e.call, line: e.line })),
    notes: [...result.notes],
    verdicts: result.verdicts.map((v) => ({
      status: v.status, message: v.message, kind: v.expectation.kind, actor: v.expectation.actor,
      expectation: sources.text(v.origin), location: located(sources.locate(v.origin)),
    })),
  };
}

export function formatSimulationJson(file: string, scenarios: readonly SimulatedScenario[], sources: Sources): string {
  const verdicts = scenarios.flatMap((s) => s.result.verdicts);
  const n = (status: string) => verdicts.filter((v) => v.status === status).length;
  const doc = {
    version: 1,
    file,
    scenarios: scenarios.map((s) => scenarioJson(s, sources)),
    summary: { scenarios: scenarios.length, expectations: verdicts.length, passed: n('pass'), failed: n('fail'), unsupported: n('unsupported') },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
