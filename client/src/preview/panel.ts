// The ladder-diagram preview (docs/vscode.md, "Diagram preview"): one webview panel,
// like Markdown's preview, showing the diagrams of the active .surv editor. It asks
// the language server for them (`surv/diagrams`) when the panel opens, when the
// editor changes and 150 ms after the last keystroke; the webview draws them with
// the bundled mermaid. Clicks, copies and saves come back as messages, which are
// checked (protocol.ts) before anything is done with them.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { previewHtml } from './html.js';
import { markdownOf } from './markdown.js';
import { diagramsRequest, type DiagramsAnswer, type DiagramViewInfo, type Range as LspRange } from '../../../protocol/src/index.js';
import { parseFromWebview, pngDataUrlPrefix, type FromWebview, type ToWebview } from './protocol.js';
/** After the last keystroke: long enough to coalesce typing, short enough to feel live. */
const refreshDelayMs = 150;
/** While the language server is (re)starting, ask again this often. */
const retryDelayMs = 500;

type AnswerView = DiagramViewInfo;

function toRange(range: LspRange): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

/** A file name part from a view id: letters, digits, dot, dash, underscore. */
function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'diagram';
}

function isAnswer(value: unknown): value is DiagramsAnswer {
  return typeof value === 'object' && value !== null && Array.isArray((value as { views?: unknown }).views);
}

const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export class DiagramPreview implements vscode.Disposable {
  static readonly viewType = 'surv.preview';

  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  /** The document shown, and the column its editor was in (reveals go there). */
  private document: vscode.TextDocument | undefined;
  private sourceColumn: vscode.ViewColumn | undefined;
  /** The last good diagrams of `document`: what the webview shows, and what its messages refer to. */
  private shown: { readonly uri: string; readonly views: readonly AnswerView[] } | undefined;
  /** The last views message with diagrams, and the last message of any kind: a reloaded webview gets both. */
  private lastGood: ToWebview | undefined;
  private lastMessage: ToWebview | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sequence = 0;
  /** Views given by `showViews` (a captured call's ladders): the preview stops following the .surv editor until Open Preview. */
  private pinned: vscode.Uri | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly client: () => LanguageClient | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.commands.registerCommand('surv.showPreview', (uri?: unknown) => this.show(uri, false)),
      vscode.commands.registerCommand('surv.showPreviewToSide', (uri?: unknown) => this.show(uri, true)),
      // A preview open when the window reloads comes back, on the file it showed.
      vscode.window.registerWebviewPanelSerializer(DiagramPreview.viewType, {
        deserializeWebviewPanel: (panel, state: unknown) => this.restore(panel, state),
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        // The preview follows the active .surv editor, as Markdown's does.
        if (!this.panel || this.pinned || editor?.document.languageId !== 'surv') return;
        this.sourceColumn = editor.viewColumn;
        if (editor.document !== this.document) this.setDocument(editor.document);
      }),
      vscode.workspace.onDidChangeTextDocument((event) => {
        // Any .surv file: a profile's edit changes the branches that use it.
        if (this.panel && event.document.languageId === 'surv' && event.contentChanges.length > 0) this.schedule(refreshDelayMs);
      }),
    );
  }

  private async show(resource: unknown, toSide: boolean): Promise<void> {
    const document = await this.documentFor(resource);
    if (!document) {
      void vscode.window.showInformationMessage('surv: open a .surv file to preview its ladder diagrams.');
      return;
    }
    const active = vscode.window.activeTextEditor;
    this.sourceColumn = active?.document === document ? active.viewColumn : this.sourceColumn;
    const column = toSide ? vscode.ViewColumn.Beside : (active?.viewColumn ?? vscode.ViewColumn.Active);
    if (this.panel) this.panel.reveal(column, toSide);
    else this.createPanel(column, toSide);
    this.setDocument(document);
  }

  /** The editor/title button passes the file's URI; the command palette passes nothing. */
  private async documentFor(resource: unknown): Promise<vscode.TextDocument | undefined> {
    if (resource instanceof vscode.Uri) {
      const document = await vscode.workspace.openTextDocument(resource);
      return document.languageId === 'surv' ? document : undefined;
    }
    const active = vscode.window.activeTextEditor?.document;
    if (active?.languageId === 'surv') return active;
    return this.document;
  }

  private createPanel(column: vscode.ViewColumn, preserveFocus: boolean): void {
    const panel = vscode.window.createWebviewPanel(DiagramPreview.viewType, 'surv Preview', { viewColumn: column, preserveFocus }, this.webviewOptions());
    this.adopt(panel);
  }

  /** The webview's scripts and styles, and the only folder it may load from. */
  private media(): vscode.Uri {
    return vscode.Uri.joinPath(this.extensionUri, 'dist', 'media');
  }

  private webviewOptions(): vscode.WebviewOptions {
    return { enableScripts: true, enableCommandUris: false, localResourceRoots: [this.media()] };
  }

  /** After a reload: the page again, on the document its state names (or the active .surv editor's). */
  private async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    if (this.panel) {
      // There is one preview; one opened meanwhile wins.
      panel.dispose();
      return;
    }
    panel.webview.options = this.webviewOptions();
    this.adopt(panel);
    const saved = typeof state === 'object' && state !== null ? (state as Record<string, unknown>)['uri'] : undefined;
    let document: vscode.TextDocument | undefined;
    if (typeof saved === 'string') {
      try {
        const opened = await vscode.workspace.openTextDocument(vscode.Uri.parse(saved, true));
        if (opened.languageId === 'surv') document = opened;
      } catch (error) {
        this.log.warn(`preview: cannot open ${saved} again: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    document ??= vscode.window.activeTextEditor?.document.languageId === 'surv' ? vscode.window.activeTextEditor.document : undefined;
    if (!this.panel) return;
    if (!document) {
      this.post({ type: 'status', message: 'The file this preview showed is gone. Open a .surv file and run surv: Open Preview.' });
      return;
    }
    this.sourceColumn = vscode.window.visibleTextEditors.find((e) => e.document === document)?.viewColumn;
    this.setDocument(document);
  }

  private adopt(panel: vscode.WebviewPanel): void {
    const media = this.media();
    const webview = panel.webview;
    try {
      webview.html = previewHtml({
        cspSource: webview.cspSource,
        nonce: randomBytes(18).toString('base64'),
        mermaidUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'mermaid.min.js')).toString(),
        scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'preview.js')).toString(),
        styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'preview.css')).toString(),
      });
    } catch (error) {
      // No half-made, empty panel.
      panel.dispose();
      throw error;
    }
    this.panel = panel;
    this.panelDisposables = [
      webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
      panel.onDidDispose(() => this.closed()),
    ];
  }

  private closed(): void {
    for (const d of this.panelDisposables) d.dispose();
    this.panelDisposables = [];
    this.panel = undefined;
    this.document = undefined;
    this.shown = undefined;
    this.lastMessage = undefined;
    this.lastGood = undefined;
    this.pinned = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Shows the given views (a captured call's observed and expected ladders) beside the
   * active editor; they stay until the preview is asked for a .surv file again.
   */
  showViews(source: vscode.Uri, title: string, views: readonly AnswerView[]): void {
    if (this.panel) this.panel.reveal(this.panel.viewColumn ?? vscode.ViewColumn.Beside, true);
    else this.createPanel(vscode.ViewColumn.Beside, true);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // An answer for the document shown before is stale now.
    this.sequence++;
    this.pinned = source;
    this.document = undefined;
    const uri = source.toString();
    const fileName = source.path.split('/').pop() ?? uri;
    if (this.panel) this.panel.title = `Preview ${fileName}: ${title}`;
    this.shown = { uri, views };
    this.lastGood = undefined;
    this.post({
      type: 'views', uri, fileName, error: null,
      views: views.map((v) => ({
        id: v.id, title: v.title, kind: v.kind, branch: v.branch, mermaid: v.mermaid,
        messages: v.messages.map((m) => ({ index: m.index, summary: m.summary, text: m.text })),
      })),
    });
  }

  private setDocument(document: vscode.TextDocument): void {
    this.pinned = undefined;
    if (this.document?.uri.toString() !== document.uri.toString()) {
      this.shown = undefined;
      this.lastGood = undefined;
    }
    this.document = document;
    if (this.panel) this.panel.title = `Preview ${document.uri.path.split('/').pop() ?? 'surv'}`;
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, delayMs);
  }

  private post(message: ToWebview): void {
    this.lastMessage = message;
    if (message.type === 'views' && message.views.length > 0) this.lastGood = message;
    void this.panel?.webview.postMessage(message);
  }

  private async refresh(): Promise<void> {
    const document = this.document;
    const client = this.client();
    if (!this.panel || !document) return;
    if (!client || !client.isRunning()) {
      this.post({ type: 'status', message: 'Waiting for the surv language server\u2026' });
      this.schedule(retryDelayMs);
      return;
    }
    const sequence = ++this.sequence;
    const uri = document.uri.toString();
    let answer: unknown;
    try {
      answer = await client.sendRequest(diagramsRequest, { uri });
    } catch (error) {
      if (sequence !== this.sequence || this.document !== document) return;
      const message = error instanceof Error ? error.message : String(error);
      this.log.warn(`preview: ${diagramsRequest.method} for ${uri}: ${message}`);
      this.post({ type: 'status', message: `No diagram: ${message}` });
      return;
    }
    // A newer request, another document, or a closed panel: this answer is stale.
    if (sequence !== this.sequence || this.document !== document || !this.panel) return;
    if (!isAnswer(answer)) return;
    if (answer.version !== null && answer.version < document.version) {
      // The server had not seen the last edit yet; ask again.
      this.schedule(refreshDelayMs);
      return;
    }
    const fileName = document.uri.path.split('/').pop() ?? uri;
    if (answer.error) {
      this.post({
        type: 'views', uri, fileName, views: [],
        error: { message: `${answer.error.message} (${answer.error.code})`, line: answer.error.range.start.line + 1 },
      });
      return;
    }
    this.shown = { uri, views: answer.views };
    this.post({
      type: 'views', uri, fileName, error: null,
      views: answer.views.map((v) => ({
        id: v.id, title: v.title, kind: v.kind, branch: v.branch, mermaid: v.mermaid,
        messages: v.messages.map((m) => ({ index: m.index, summary: m.summary, text: m.text })),
      })),
    });
  }

  private async receive(raw: unknown): Promise<void> {
    const message = parseFromWebview(raw, { views: this.shown?.views ?? [] });
    if (!message) {
      const type = typeof raw === 'object' && raw !== null ? String((raw as { type?: unknown }).type).slice(0, 40) : typeof raw;
      this.log.warn(`preview: ignored a message from the webview (type ${type}): not one it may send, or not about a diagram shown`);
      return;
    }
    try {
      await this.handle(message);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      this.log.error(`preview: ${message.type}: ${text}`);
      void vscode.window.showErrorMessage(`surv: ${text}`);
    }
  }

  private async handle(message: FromWebview): Promise<void> {
    const shown = this.shown;
    const view = 'view' in message ? shown?.views.find((v) => v.id === message.view) : undefined;
    switch (message.type) {
      case 'ready':
        // A webview that was hidden starts again empty: the last good diagrams, then any error over them.
        if (this.lastGood) void this.panel?.webview.postMessage(this.lastGood);
        if (this.lastMessage && this.lastMessage !== this.lastGood) void this.panel?.webview.postMessage(this.lastMessage);
        this.schedule(0);
        return;
      case 'reveal':
        if (view) await this.reveal(view, message.index);
        return;
      case 'copy':
        // The extension's own copy of the source, not the webview's.
        if (view) {
          await vscode.env.clipboard.writeText(view.mermaid);
          vscode.window.setStatusBarMessage(`surv: copied the Mermaid source of "${view.title}"`, 3000);
        }
        return;
      case 'saveSvg':
        if (view) await this.save(`${slug(view.id)}.svg`, { SVG: ['svg'] }, new TextEncoder().encode(`${message.svg}\n`));
        return;
      case 'savePng': {
        const bytes = Uint8Array.from(Buffer.from(message.dataUrl.slice(pngDataUrlPrefix.length), 'base64'));
        if (!pngSignature.every((b, i) => bytes[i] === b)) throw new Error('the preview sent a PNG that is not one');
        if (view) await this.save(`${slug(view.id)}.png`, { PNG: ['png'] }, bytes);
        return;
      }
      case 'saveMarkdown':
        if (shown) {
          const fileName = (this.document?.uri ?? this.pinned)?.path.split('/').pop() ?? 'surv';
          await this.save('diagrams.md', { Markdown: ['md'] }, new TextEncoder().encode(markdownOf(fileName, shown.views)));
        }
        return;
      case 'renderError':
        this.log.warn(`preview: drawing ${message.view}: ${message.message}`);
        return;
    }
  }

  /** Shows the policy line that caused the message, in the editor beside the preview. */
  private async reveal(view: AnswerView, index: number): Promise<void> {
    const message = view.messages[index];
    if (!message) return;
    if (!message.uri || !message.range) {
      const why = this.pinned ? 'was captured on the wire: no design line caused it' : 'follows from a built-in default, not a line of the file';
      vscode.window.setStatusBarMessage(`surv: "${message.summary}" ${why}`, 4000);
      return;
    }
    const target = vscode.Uri.parse(message.uri);
    const range = toRange(message.range);
    const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === target.toString());
    const document = await vscode.workspace.openTextDocument(target);
    const editor = await vscode.window.showTextDocument(document, {
      viewColumn: visible?.viewColumn ?? this.sourceColumn ?? vscode.ViewColumn.One,
      preserveFocus: false,
      selection: range,
    });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private async save(suffix: string, filters: Record<string, string[]>, bytes: Uint8Array): Promise<void> {
    const source = this.document?.uri ?? this.pinned;
    const stem = (source?.path.split('/').pop() ?? 'surv').replace(/\.surv$/, '');
    const folder = source && source.scheme === 'file' ? vscode.Uri.joinPath(source, '..') : vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `${stem}-${suffix}`;
    const target = await vscode.window.showSaveDialog({
      title: `Save ${name}`,
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
      filters,
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, bytes);
    vscode.window.setStatusBarMessage(`surv: saved ${vscode.workspace.asRelativePath(target)}`, 4000);
  }

  dispose(): void {
    this.panel?.dispose();
    this.closed();
    for (const d of this.disposables) d.dispose();
  }
}
