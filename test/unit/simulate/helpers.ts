// Helpers for the simulator suite: load an example, pick a scenario, summarise a trace.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze, type Branch, type Scenario } from '../../../grammar/src/index.js';
import { simulate, type SimulateOptions, type SimulationResult, type TraceEntry } from '../../../engines/simulate/index.js';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export function load(files: readonly string[]): { branches: readonly Branch[]; scenarios: readonly Scenario[] } {
  const analysis = analyze(files.map((f) => ({ uri: f, text: readFileSync(resolve(root, f), 'utf8') })), { symbols: false });
  return analysis.model;
}

export function scenarioOf(file: string, title?: string): { branch: Branch; scenario: Scenario } {
  const model = load([file]);
  const scenario = title === undefined ? model.scenarios[0] : model.scenarios.find((s) => s.title === title);
  if (!scenario) throw new Error(`no scenario ${title ?? '(first)'} in ${file}`);
  const branch = model.branches.find((b) => b.name === scenario.branch);
  if (!branch) throw new Error(`no branch ${scenario.branch}`);
  return { branch, scenario };
}

/** `time from>to SUMMARY` lines. */
export function lines(trace: readonly TraceEntry[], filter: (t: TraceEntry) => boolean = () => true): string[] {
  return trace.filter(filter).map((t) => `${t.atMs} ${t.from}>${t.to} ${t.summary}`);
}

/** Analyses `.surv` text (errors throw) and simulates its scenario titled `title` (default: the first). */
export function simulateText(text: string, title?: string, options: SimulateOptions = {}): SimulationResult {
  const { model, diagnostics } = analyze([{ uri: 'test.surv', text }], { symbols: false });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(errors.map((d) => d.message).join('\n'));
  const scenario = title === undefined ? model.scenarios[0] : model.scenarios.find((s) => s.title === title);
  if (!scenario) throw new Error(`no scenario ${title ?? '(first)'}`);
  return simulate(model.branches.find((b) => b.name === scenario.branch)!, scenario, options);
}

/** `time from>to SUMMARY | cause` lines, `LOST` marking what never arrived. */
export function causes(trace: readonly TraceEntry[], filter: (t: TraceEntry) => boolean = () => true): string[] {
  return trace.filter(filter).map((t) => `${t.atMs} ${t.from}>${t.to} ${t.summary}${t.lost ? ' LOST' : ''} | ${t.cause}`);
}
