// "surv: Export Bundle...": `surv export` from the editor. Asks for the router
// platform, the branch (when the file has several), and a folder; the server's
// `surv/export` writes the bundle (the CLI's code, so the same files), all or nothing.
// The bundle goes into a subfolder named after the branch (or the file, for several
// branches), so picking a folder that holds other things never replaces it.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ResponseError, type LanguageClient } from 'vscode-languageclient/node';
import { exportBranchesRequest, exportRequest, type ExportAnswer, type ExportTarget as Target } from '../../protocol/src/index.js';

const targetItems: readonly (vscode.QuickPickItem & { target: Target })[] = [
  { label: 'edgeos', description: 'EdgeRouter (EdgeOS): boot hook in /config/scripts/post-config.d', target: 'edgeos' },
  { label: 'debian', description: 'Debian: systemd drop-in for kamailio.service', target: 'debian' },
  { label: 'openwrt', description: 'OpenWrt: procd init script', target: 'openwrt' },
];

/** The .surv file to export: the editor title's resource, else the active editor's. */
function documentUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  const editor = vscode.window.activeTextEditor;
  return editor?.document.languageId === 'surv' ? editor.document.uri : undefined;
}

function errorText(error: unknown): string {
  return error instanceof ResponseError || error instanceof Error ? error.message : String(error);
}

/** `all` for every branch, a name, or undefined when the user gave up. */
async function pickBranch(branches: readonly string[]): Promise<string | undefined> {
  if (branches.length === 1) return branches[0];
  const items: (vscode.QuickPickItem & { value: string })[] = [
    { label: 'All branches', description: `${branches.length} bundles, one folder each`, value: 'all' },
    ...branches.map((b) => ({ label: b, value: b })),
  ];
  return (await vscode.window.showQuickPick(items, { title: 'surv: Export Bundle: branch', placeHolder: 'Which branch to export' }))?.value;
}

async function exportBundle(getClient: () => LanguageClient | undefined, channel: vscode.LogOutputChannel, arg: unknown): Promise<void> {
  const uri = documentUri(arg);
  if (!uri) {
    void vscode.window.showInformationMessage('surv: open a .surv file to export its bundle');
    return;
  }
  if (uri.scheme !== 'file') {
    void vscode.window.showErrorMessage('surv: save the file first: only a .surv file on disk can be exported');
    return;
  }
  const client = getClient();
  if (!client?.isRunning()) {
    void vscode.window.showErrorMessage('surv: the language server is not running (surv: Restart Language Server)');
    return;
  }
  const protocolUri = client.code2ProtocolConverter.asUri(uri);

  const target = (await vscode.window.showQuickPick(targetItems, { title: 'surv: Export Bundle: router platform', placeHolder: 'Where Kamailio will run' }))?.target;
  if (!target) return;

  let branches: string[];
  try {
    branches = await client.sendRequest(exportBranchesRequest, { uri: protocolUri });
  } catch (error) {
    void vscode.window.showErrorMessage(`surv: ${errorText(error)}`);
    return;
  }
  if (branches.length === 0) {
    void vscode.window.showErrorMessage(`surv: ${path.basename(uri.fsPath)} defines no branch to export`);
    return;
  }
  const branch = await pickBranch(branches);
  if (branch === undefined) return;

  const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri ?? vscode.Uri.file(path.dirname(uri.fsPath));
  // The open dialog accepts only a folder that exists: out/ when there is one, else
  // the folder itself (nothing is created just to be offered).
  const outFolder = vscode.Uri.joinPath(folder, 'out');
  const hasOut = await vscode.workspace.fs.stat(outFolder).then((s) => (s.type & vscode.FileType.Directory) !== 0, () => false);
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true, canSelectFiles: false, canSelectMany: false,
    defaultUri: hasOut ? outFolder : folder,
    openLabel: 'Export Here',
    title: 'surv: Export Bundle: the bundle goes into a subfolder of this folder',
  });
  const parent = picked?.[0];
  if (!parent) return;
  const name = branch === 'all' ? path.basename(uri.fsPath, '.surv') : branch;
  const destination = path.join(parent.fsPath, name);

  let answer: ExportAnswer;
  try {
    answer = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `surv: exporting ${name} (${target})…` },
      () => client.sendRequest(exportRequest, { uri: protocolUri, target, out: destination, ...(branch === 'all' ? {} : { branch }) }),
    );
  } catch (error) {
    channel.error(`export of ${uri.fsPath} (${target}) refused: ${errorText(error)}`);
    void vscode.window.showErrorMessage(`surv: ${errorText(error)}`);
    return;
  }
  for (const b of answer.bundles) for (const note of b.notes) channel.warn(`export note: ${b.branch}: ${note}`);
  channel.info(`exported ${answer.bundles.map((b) => b.branch).join(', ')} (${target}) to ${destination}`);

  const what = answer.bundles.length === 1 ? (answer.bundles[0]?.branch ?? name) : `${answer.bundles.length} branches`;
  const single = answer.bundles.length === 1 ? answer.bundles[0] : undefined;
  // The bundle is revealed where it can be: in the Explorer view when it is inside the
  // workspace, and in the OS's file manager only on a local desktop (in a browser or a
  // remote window, the files are on another machine than the user's file manager).
  const bundleUri = vscode.Uri.file(destination);
  const shown = single ? vscode.Uri.file(path.join(single.dir, 'kamailio.cfg')) : bundleUri;
  const inExplorer = vscode.workspace.getWorkspaceFolder(bundleUri) ? 'Show in Explorer View' : undefined;
  const local = vscode.env.uiKind === vscode.UIKind.Desktop && vscode.env.remoteName === undefined;
  const inOs = local ? (process.platform === 'darwin' ? 'Reveal in Finder' : 'Reveal in File Manager') : undefined;
  const open = single ? 'Open kamailio.cfg' : undefined;
  const buttons = [inExplorer, inOs, open].filter((b): b is string => b !== undefined);
  const choice = await vscode.window.showInformationMessage(`Exported ${what} (${target}) to ${destination}`, ...buttons);
  if (choice === undefined) return;
  if (choice === inExplorer) await vscode.commands.executeCommand('revealInExplorer', shown);
  else if (choice === inOs) await vscode.commands.executeCommand('revealFileInOS', bundleUri);
  else if (choice === open) await vscode.window.showTextDocument(shown);
}

export function registerExportCommand(getClient: () => LanguageClient | undefined, channel: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand('surv.exportBundle', (arg: unknown) => exportBundle(getClient, channel, arg));
}
