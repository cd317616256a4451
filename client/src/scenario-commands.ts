// The commands behind the server's code lenses: "▶ Simulate" runs one scenario
// through the Test Explorer (so its result shows there and inline), "Verify" asks
// the server to verify a branch now (its findings join the Problems panel). From the
// command palette, both work on the active .surv editor.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { simulateScenarioCommand, verifyBranchCommand, verifyRequest } from '../../protocol/src/index.js';
import type { ScenarioTests } from './testing.js';

function text(value: unknown, name: string): string | undefined {
  const v = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' ? v : undefined;
}

function activeSurvEditor(): vscode.TextEditor | undefined {
  const editor = vscode.window.activeTextEditor;
  return editor?.document.languageId === 'surv' ? editor : undefined;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

async function simulate(tests: ScenarioTests, args: unknown): Promise<void> {
  const uri = text(args, 'uri');
  const branch = text(args, 'branch');
  const title = text(args, 'title');
  if (uri !== undefined && branch !== undefined && title !== undefined) {
    const item = await tests.find(vscode.Uri.parse(uri, true), branch, title);
    if (!item) {
      void vscode.window.showErrorMessage(`surv: no scenario "${title}" in ${branch} any more`);
      return;
    }
    await tests.runItems([item]);
    return;
  }
  // From the palette: the scenario the cursor is in (or below the header of).
  const editor = activeSurvEditor();
  if (!editor) {
    void vscode.window.showInformationMessage('surv: open a .surv file to simulate its scenarios');
    return;
  }
  await tests.refresh(editor.document.uri);
  const file = tests.controller.items.get(editor.document.uri.toString());
  const line = editor.selection.active.line;
  let at: vscode.TestItem | undefined;
  file?.children.forEach((item) => {
    if (item.range && item.range.start.line <= line && (!at?.range || item.range.start.line > at.range.start.line)) at = item;
  });
  const target = at ?? file;
  if (!target) {
    void vscode.window.showInformationMessage('surv: this file has no scenarios');
    return;
  }
  await tests.runItems([target]);
}

async function verify(client: () => LanguageClient | undefined, log: vscode.LogOutputChannel, args: unknown): Promise<void> {
  const running = client();
  const uri = text(args, 'uri') ?? activeSurvEditor()?.document.uri.toString();
  if (!running || uri === undefined) {
    void vscode.window.showInformationMessage(running ? 'surv: open a .surv file to verify its branches' : 'surv: the language server is not running');
    return;
  }
  const branch = text(args, 'branch');
  try {
    const answer = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `surv: verifying ${branch ?? 'branches'}` },
      () => running.sendRequest(verifyRequest, { uri, ...(branch !== undefined ? { branch } : {}) }),
    );
    const parts = answer.reports.map((r) => `${r.branch}: ${r.violations.length === 0 ? 'no violations' : plural(r.violations.length, 'violation')} (${plural(r.explored, 'combination')}, ${r.bound})`);
    for (const s of answer.skipped) parts.push(`${s.branch}: not verified, ${s.reason}`);
    const message = `surv verify: ${parts.join('; ') || 'no branch in this file'}`;
    log.info(message);
    const found = answer.reports.some((r) => r.violations.length > 0);
    const show = found ? vscode.window.showWarningMessage(message, 'Show Problems') : vscode.window.showInformationMessage(message);
    void show.then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.actions.view.problems');
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.error(`${verifyRequest.method} ${uri}: ${message}`);
    void vscode.window.showErrorMessage(`surv verify: ${message}`);
  }
}

export function registerScenarioCommands(tests: ScenarioTests, client: () => LanguageClient | undefined, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(simulateScenarioCommand, (args: unknown) => simulate(tests, args)),
    vscode.commands.registerCommand(verifyBranchCommand, (args: unknown) => verify(client, log, args)),
  ];
}
