// The scenario requests of the language server (docs/vscode.md): `surv/scenarios`
// lists a document's scenarios with their source ranges, `surv/simulate` runs one
// through the simulator on the workspace's current analysis. Editors build their
// test UI from these; the answers are plain JSON.
import { ErrorCodes, ResponseError } from 'vscode-languageserver';
import type { Range } from 'vscode-languageserver-types';
import type { Analysis, ast, Branch, Origin, ParseResult, Scenario } from '../../../grammar/src/index.js';
import { timeline } from '../../../engines/present/timeline.js';
import { simulate } from '../../../engines/simulate/index.js';
import { scenariosRequest, simulateRequest, type ScenarioInfo, type SimulateAnswer } from '../../../protocol/src/index.js';
import { spanToRange } from './convert.js';

const scenariosMethod = scenariosRequest.method;
const simulateMethod = simulateRequest.method;

/** A bad request: the client gets a ResponseError with this message. */
function invalid(message: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, message);
}

function record(params: unknown): Record<string, unknown> | undefined {
  return typeof params === 'object' && params !== null && !Array.isArray(params) ? (params as Record<string, unknown>) : undefined;
}

/** The parse of `uri` in the analysis, or the error to answer. */
function fileOf(method: string, analysis: Analysis, params: unknown): { file: ParseResult; uri: string } | ResponseError<void> {
  const uri = record(params)?.['uri'];
  if (typeof uri !== 'string' || uri === '') return invalid(`${method}: params.uri must be a document URI`);
  const file = analysis.files.get(uri);
  if (!file) return invalid(`${method}: ${uri} is not a .surv document the server knows (open it, or put it in the workspace)`);
  return { file, uri };
}

function scenarioNodes(file: ParseResult): ast.ScenarioNode[] {
  return file.ast.declarations.filter((d): d is ast.ScenarioNode => d.kind === 'Scenario');
}

function nodeOf(file: ParseResult, scenario: Scenario): ast.ScenarioNode | undefined {
  const origin = scenario.origin;
  if (origin.kind !== 'source') return undefined;
  return scenarioNodes(file).find((n) => n.start <= origin.start && origin.end <= n.end);
}

function originRange(analysis: Analysis, origin: Origin): { uri: string; range: Range } | undefined {
  if (origin.kind !== 'source') return undefined;
  const file = analysis.files.get(origin.uri);
  return file ? { uri: origin.uri, range: spanToRange(file, origin) } : undefined;
}

/** The header of a scenario: from `scenario` to its branch name (or as far as it was written). */
function headerRange(file: ParseResult, node: ast.ScenarioNode | undefined, scenario: Scenario): Range {
  if (node) return spanToRange(file, { start: node.keywordSpan.start, end: (node.branch ?? node.title ?? node.keywordSpan).end });
  const origin = scenario.origin;
  return spanToRange(file, origin.kind === 'source' && origin.uri === file.uri ? origin : { start: 0, end: 0 });
}

/** The scenarios of `uri` that the analysis resolved, in source order. */
export function documentScenarios(analysis: Analysis, uri: string): Scenario[] {
  return analysis.model.scenarios.filter((s) => s.uri === uri);
}

export function scenarioInfo(file: ParseResult, scenario: Scenario): ScenarioInfo {
  const node = nodeOf(file, scenario);
  return {
    title: scenario.title,
    branch: scenario.branch,
    range: headerRange(file, node, scenario),
    expectations: scenario.expectations.flatMap((e) => (e.origin.kind === 'source' && e.origin.uri === file.uri
      ? [{ range: spanToRange(file, e.origin), text: file.text.slice(e.origin.start, e.origin.end) }]
      : [])),
  };
}

/** `surv/scenarios` {uri} -> ScenarioInfo[]. */
export function listScenarios(analysis: Analysis, params: unknown): ScenarioInfo[] | ResponseError<void> {
  const found = fileOf(scenariosMethod, analysis, params);
  if (found instanceof ResponseError) return found;
  return documentScenarios(analysis, found.uri).map((s) => scenarioInfo(found.file, s));
}

/** The container node of a branch, for scoping its errors. */
function branchNode(analysis: Analysis, branch: Branch): { uri: string; node: ast.ContainerNode } | undefined {
  const file = analysis.files.get(branch.uri);
  const node = file?.ast.declarations.find((d): d is ast.ContainerNode => d.kind === 'Branch' && d.name?.text === branch.name);
  return node ? { uri: branch.uri, node } : undefined;
}

/**
 * Errors inside the branch's block or the scenario's block: a model built around
 * errors is a guess, and a simulation of a guess would mislead.
 */
function blockingErrors(analysis: Analysis, branch: Branch, scenario: Scenario, file: ParseResult): string[] {
  const blocks: { uri: string; start: number; end: number }[] = [];
  const own = branchNode(analysis, branch);
  if (own) blocks.push({ uri: own.uri, start: own.node.start, end: own.node.end });
  const node = nodeOf(file, scenario);
  if (node) blocks.push({ uri: scenario.uri, start: node.start, end: node.end });
  return analysis.diagnostics
    .filter((d) => d.severity === 'error' && blocks.some((b) => b.uri === d.uri && b.start <= d.range.start.offset && d.range.end.offset <= b.end))
    .map((d) => `${d.code} at line ${d.range.start.line + 1}: ${d.message}`);
}

/** `surv/simulate` {uri, title, branch?, seed?} -> SimulateAnswer. */
export function simulateScenario(analysis: Analysis, params: unknown): SimulateAnswer | ResponseError<void> {
  const found = fileOf(simulateMethod, analysis, params);
  if (found instanceof ResponseError) return found;
  const p = record(params) ?? {};
  const title = p['title'];
  if (typeof title !== 'string') return invalid(`${simulateMethod}: params.title must be the scenario's title`);
  const branchName = p['branch'];
  if (branchName !== undefined && typeof branchName !== 'string') return invalid(`${simulateMethod}: params.branch must be a branch name`);
  const seed = p['seed'];
  if (seed !== undefined && !(typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= 0)) {
    return invalid(`${simulateMethod}: params.seed must be a non-negative integer`);
  }

  const all = documentScenarios(analysis, found.uri);
  const matches = all.filter((s) => s.title === title && (branchName === undefined || s.branch === branchName));
  if (matches.length === 0) {
    const known = all.map((s) => `"${s.title}" in ${s.branch}`).join(', ');
    return invalid(`${simulateMethod}: ${found.uri} has no scenario "${title}"${branchName !== undefined ? ` in ${branchName}` : ''} (it has: ${known || 'none'})`);
  }
  if (matches.length > 1) {
    return invalid(`${simulateMethod}: "${title}" names scenarios of ${matches.map((s) => s.branch).join(' and ')}: add params.branch`);
  }
  const scenario = matches[0] as Scenario;
  const branch = analysis.model.branches.find((b) => b.name === scenario.branch);
  if (!branch) return invalid(`${simulateMethod}: branch '${scenario.branch}' of scenario "${title}" is not in the workspace`);
  const errors = blockingErrors(analysis, branch, scenario, found.file);
  if (errors.length > 0) {
    return new ResponseError(ErrorCodes.InvalidRequest, `cannot simulate "${title}": ${errors.length} error${errors.length === 1 ? '' : 's'} to fix first (${errors[0] ?? ''})`);
  }

  const result = simulate(branch, seed === undefined ? scenario : { ...scenario, seed });
  return {
    scenario: result.scenario,
    branch: result.branch,
    uri: found.uri,
    passed: result.verdicts.every((v) => v.status !== 'fail'),
    verdicts: result.verdicts.map((v) => ({ status: v.status, message: v.message, range: originRange(analysis, v.origin)?.range ?? null })),
    timeline: timeline(result, '').join('\n'),
    calls: result.calls,
    notes: result.notes,
  };
}
