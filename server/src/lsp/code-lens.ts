// Code lenses: "▶ Simulate" above each scenario and "Verify" above each branch.
// The commands are the client's (client/src/scenario-commands.ts); their arguments
// name the scenario or branch, so the client needs no position lookups.
import type { CodeLens } from 'vscode-languageserver-types';
import type { DocumentContext } from './context.js';
import { spanToRange } from './convert.js';
import { documentScenarios, scenarioInfo } from './scenarios.js';
import {
  simulateScenarioCommand, verifyBranchCommand, type SimulateScenarioArguments, type VerifyBranchArguments,
} from '../../../protocol/src/index.js';

export function codeLenses(ctx: DocumentContext): CodeLens[] {
  const lenses: CodeLens[] = [];
  for (const branch of ctx.analysis.model.branches) {
    const origin = branch.origin;
    if (branch.uri !== ctx.uri || origin.kind !== 'source' || origin.uri !== ctx.uri) continue;
    const args: VerifyBranchArguments = { uri: ctx.uri, branch: branch.name };
    lenses.push({ range: spanToRange(ctx.file, origin), command: { title: 'Verify', command: verifyBranchCommand, arguments: [args] } });
  }
  for (const scenario of documentScenarios(ctx.analysis, ctx.uri)) {
    const args: SimulateScenarioArguments = { uri: ctx.uri, branch: scenario.branch, title: scenario.title };
    lenses.push({ range: scenarioInfo(ctx.file, scenario).range, command: { title: '▶ Simulate', command: simulateScenarioCommand, arguments: [args] } });
  }
  return lenses.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}
