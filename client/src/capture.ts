// A capture beside a design (docs/vscode.md, "Captures"): "surv: Open Capture..." or
// opening a .pcap/.pcapng file asks the language server for the capture's calls
// (`surv/trace`), judged against the workspace's design, and lists them in the
// "surv Capture Calls" view: one item per call with its verdict as an icon, its
// findings as children. A click on a call shows its ladder in the diagram preview
// (`surv/traceLadder`); a click on a finding opens the design at the rule's line.
//
// What a capture holds is other people's SIP traffic: it reaches VS Code only as tree
// labels and plain-text tooltips (never Markdown), and the capture editor's page is
// static HTML with every value escaped and no script.
import * as vscode from 'vscode';
import { ResponseError, type LanguageClient } from 'vscode-languageclient/node';
import {
  traceLadderRequest, traceRequest,
  type Range as LspRange, type TraceAnswer, type TraceCallInfo, type TraceFindingInfo,
} from '../../protocol/src/index.js';
import { callDescription, callLabel, callTooltip, capturePage, plain, summaryLine } from './capture-text.js';
import type { DiagramPreview } from './preview/panel.js';

export const captureViewId = 'surv.captures';
export const captureEditorViewType = 'surv.capture';
export const openCaptureCommand = 'surv.openCapture';
export const showCallCommand = 'surv.showCallLadder';
export const revealFindingCommand = 'surv.revealFinding';

/** How long a capture waits for the language server to start. */
const serverWaitMs = 20_000;

type Node =
  | { readonly kind: 'call'; readonly call: TraceCallInfo }
  | { readonly kind: 'finding'; readonly call: TraceCallInfo; readonly finding: TraceFindingInfo };

function errorText(error: unknown): string {
  return error instanceof ResponseError || error instanceof Error ? error.message : String(error);
}

function toRange(range: LspRange): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

const verdictIcons = {
  pass: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  violation: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  unjudged: new vscode.ThemeIcon('circle-outline'),
} as const;

/** The calls of the capture shown: a flat list of calls, each with its findings. */
export class CaptureCalls implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<Node>;
  private readonly disposables: vscode.Disposable[] = [];
  /** The capture shown and its answer; what the item commands refer to. */
  private shown: { readonly uri: vscode.Uri; readonly answer: TraceAnswer } | undefined;
  private sequence = 0;
  /** Which load the items are of: a new capture's calls start collapsed, whatever the last one's were. */
  private generation = 0;

  constructor(
    private readonly client: () => LanguageClient | undefined,
    private readonly preview: DiagramPreview,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.view = vscode.window.createTreeView(captureViewId, { treeDataProvider: this, showCollapseAll: true });
    this.view.message = 'Open a capture (.pcap, .pcapng) or run surv: Open Capture... to list its calls.';
    this.disposables.push(
      this.view,
      this.changed,
      vscode.commands.registerCommand(openCaptureCommand, (uri?: unknown) => this.openCommand(uri)),
      vscode.commands.registerCommand(showCallCommand, (id?: unknown) => this.showCall(id)),
      vscode.commands.registerCommand(revealFindingCommand, (id?: unknown, index?: unknown) => this.revealFinding(id, index)),
    );
  }

  /** The summary shown for the last capture, for the capture editor's page. */
  get current(): { readonly uri: vscode.Uri; readonly answer: TraceAnswer } | undefined {
    return this.shown;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'call') {
      const call = node.call;
      const item = new vscode.TreeItem(callLabel(call), call.findings.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.id = `${this.generation}:call:${call.id}`;
      item.description = callDescription(call);
      item.tooltip = callTooltip(call);
      item.iconPath = verdictIcons[call.status];
      item.contextValue = `surv.call.${call.status}`;
      item.command = { command: showCallCommand, title: 'Show Ladder', arguments: [call.id] };
      return item;
    }
    const { call, finding } = node;
    const index = call.findings.indexOf(finding);
    const item = new vscode.TreeItem(plain(`${finding.code} ${finding.rule}`), vscode.TreeItemCollapsibleState.None);
    item.id = `${this.generation}:finding:${call.id}:${index}`;
    item.description = plain(finding.message, 200);
    item.tooltip = plain(`${finding.code} ${finding.rule} (${finding.status}): ${finding.message}`, 600);
    item.iconPath = finding.status === 'pass' ? verdictIcons.pass : verdictIcons.violation;
    item.command = { command: revealFindingCommand, title: 'Show Design Line', arguments: [call.id, index] };
    return item;
  }

  getChildren(node?: Node): Node[] {
    if (!this.shown) return [];
    if (!node) return this.shown.answer.calls.map((call) => ({ kind: 'call', call }));
    if (node.kind === 'call') return node.call.findings.map((finding) => ({ kind: 'finding', call: node.call, finding }));
    return [];
  }

  getParent(node: Node): Node | undefined {
    return node.kind === 'finding' ? { kind: 'call', call: node.call } : undefined;
  }

  private async openCommand(resource: unknown): Promise<void> {
    let uri = resource instanceof vscode.Uri ? resource : undefined;
    if (!uri) {
      const picked = await vscode.window.showOpenDialog({
        title: 'surv: Open Capture',
        canSelectMany: false,
        canSelectFolders: false,
        filters: { 'SIP captures': ['pcap', 'pcapng', 'cap', 'hep'], 'All files': ['*'] },
        ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
      });
      uri = picked?.[0];
    }
    if (uri) await this.load(uri);
  }

  /** Reads the capture through the server and shows its calls: the answer, the error (shown too), or undefined when a newer load took over. */
  async load(uri: vscode.Uri): Promise<TraceAnswer | { readonly error: string } | undefined> {
    const name = uri.path.split('/').pop() ?? uri.toString();
    const sequence = ++this.sequence;
    await vscode.commands.executeCommand(`${captureViewId}.focus`);
    if (uri.scheme !== 'file') {
      return this.fail(name, 'only a capture file on disk can be read');
    }
    this.view.message = `Reading ${plain(name)}\u2026`;
    const client = await this.runningClient();
    if (sequence !== this.sequence) return undefined;
    if (!client) {
      return this.fail(name, 'the language server is not running (surv: Restart Language Server)');
    }
    let answer: TraceAnswer;
    try {
      answer = await client.sendRequest(traceRequest, { uri: client.code2ProtocolConverter.asUri(uri) });
    } catch (error) {
      return sequence === this.sequence ? this.fail(name, errorText(error)) : undefined;
    }
    if (sequence !== this.sequence) return undefined;
    this.shown = { uri, answer };
    this.generation = sequence;
    this.view.title = `Capture Calls: ${plain(name, 60)}`;
    this.view.message = summaryLine(name, answer);
    this.changed.fire(undefined);
    return answer;
  }

  /** A capture opened as VS Code starts (a restored editor) comes before the server: wait for it a while. */
  private async runningClient(): Promise<LanguageClient | undefined> {
    const deadline = Date.now() + serverWaitMs;
    for (;;) {
      const client = this.client();
      if (client?.isRunning()) return client;
      if (Date.now() >= deadline) return undefined;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  private fail(name: string, message: string): { readonly error: string } {
    this.shown = undefined;
    this.view.title = 'Capture Calls';
    this.view.message = plain(`${name}: ${message}`, 400);
    this.changed.fire(undefined);
    this.log.warn(`capture ${name}: ${message}`);
    void vscode.window.showErrorMessage(`surv: ${plain(name)}: ${plain(message, 400)}`);
    return { error: message };
  }

  private callOf(id: unknown): TraceCallInfo | undefined {
    return typeof id === 'number' ? this.shown?.answer.calls.find((c) => c.id === id) : undefined;
  }

  private async showCall(id: unknown): Promise<void> {
    const shown = this.shown;
    const call = this.callOf(id);
    const client = this.client();
    if (!shown || !call || !client?.isRunning()) return;
    try {
      const answer = await client.sendRequest(traceLadderRequest, { uri: client.code2ProtocolConverter.asUri(shown.uri), call: call.id });
      if (answer.views.length === 0) {
        vscode.window.setStatusBarMessage(`surv: call ${call.id} has no ladder to draw`, 4000);
        return;
      }
      this.preview.showViews(shown.uri, `call ${call.id}`, answer.views);
    } catch (error) {
      const message = errorText(error);
      this.log.warn(`capture: ladder of call ${call.id}: ${message}`);
      void vscode.window.showErrorMessage(`surv: call ${call.id}: ${plain(message, 400)}`);
    }
  }

  private async revealFinding(id: unknown, index: unknown): Promise<void> {
    const call = this.callOf(id);
    const finding = call && typeof index === 'number' ? call.findings[index] : undefined;
    if (!finding) return;
    if (finding.uri === null || finding.range === null) {
      vscode.window.setStatusBarMessage(`surv: ${finding.code} follows from a built-in default, not a line of the design`, 4000);
      return;
    }
    const range = toRange(finding.range);
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(finding.uri, true));
    const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, preserveFocus: false, selection: range });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/**
 * Opening a .pcap/.pcapng file: the calls go to the Capture Calls view, and the editor
 * shows a static page saying so, with the summary and the reader's notices.
 */
export class CaptureEditor implements vscode.CustomReadonlyEditorProvider {
  constructor(private readonly calls: CaptureCalls) {}

  static register(calls: CaptureCalls): vscode.Disposable {
    return vscode.window.registerCustomEditorProvider(captureEditorViewType, new CaptureEditor(calls), {
      supportsMultipleEditorsPerDocument: true,
      webviewOptions: { retainContextWhenHidden: false },
    });
  }

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  async resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): Promise<void> {
    panel.webview.options = { enableScripts: false, enableCommandUris: false, localResourceRoots: [] };
    const name = document.uri.path.split('/').pop() ?? 'capture';
    panel.webview.html = capturePage(name, ['Reading the capture\u2026']);
    const answer = await this.calls.load(document.uri);
    if (answer === undefined) {
      panel.webview.html = capturePage(name, ['Another capture was opened meanwhile: the Capture Calls view lists its calls. Open this file again to list this one\'s.']);
      return;
    }
    const lines = !('error' in answer)
      ? [
          summaryLine(name, answer),
          'The calls are listed in the Capture Calls view of the Explorer: click a call for its ladder, a finding for its design line.',
          ...answer.summary.notices.map((n) => `${n.code} \u00d7${n.count}: ${n.first}`),
        ]
      : [`surv could not read this capture: ${answer.error}`];
    panel.webview.html = capturePage(name, lines);
  }
}
