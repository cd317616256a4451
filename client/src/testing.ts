// The scenarios of .surv files as tests in VS Code's Test Explorer (the Testing API).
// One item per file with scenarios, one child per scenario at its header (so the
// gutter shows run buttons). The language server does the work: `surv/scenarios`
// lists a file's scenarios (of the text being edited), `surv/simulate` runs one.
// A failed expectation becomes a TestMessage at its `expect` line, which VS Code
// shows inline; the timeline of every run goes to the run's output.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { scenariosRequest, simulateRequest, type Range as LspRange, type ScenarioInfo, type SimulateAnswer } from '../../protocol/src/index.js';

interface ScenarioRef {
  readonly uri: vscode.Uri;
  readonly branch: string;
  readonly title: string;
}

const survGlob = '**/*.surv';
const excludeGlob = '**/{node_modules,.git}/**';
const maxFiles = 5_000;
/** After the last keystroke, before the file's scenarios are asked for again. */
const editDelayMs = 300;

/** A scenario's id among its file's children: unique per branch and title. */
function scenarioId(branch: string, title: string): string {
  return JSON.stringify([branch, title]);
}

function toRange(range: LspRange): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Test output is a terminal: it wants CRLF. */
function terminalLines(text: string): string {
  return `${text.replace(/\r?\n/g, '\r\n')}\r\n`;
}

export class ScenarioTests implements vscode.Disposable {
  readonly controller: vscode.TestController;
  private readonly refs = new WeakMap<vscode.TestItem, ScenarioRef>();
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly runProfile: vscode.TestRunProfile;

  constructor(private readonly client: () => LanguageClient | undefined, private readonly log: vscode.LogOutputChannel) {
    this.controller = vscode.tests.createTestController('surv', 'surv scenarios');
    this.runProfile = this.controller.createRunProfile('Simulate', vscode.TestRunProfileKind.Run, (request, token) => this.run(request, token), true);
    this.controller.resolveHandler = async (item) => {
      if (item?.uri) await this.refresh(item.uri);
      else if (!item) await this.discover();
    };
    this.controller.refreshHandler = () => this.discover();

    const watcher = vscode.workspace.createFileSystemWatcher(survGlob);
    this.disposables.push(
      this.controller,
      watcher,
      watcher.onDidCreate((uri) => this.refreshSoon(uri)),
      watcher.onDidChange((uri) => this.refreshSoon(uri)),
      watcher.onDidDelete((uri) => this.controller.items.delete(uri.toString())),
      vscode.workspace.onDidOpenTextDocument((document) => {
        if (document.languageId === 'surv') void this.refresh(document.uri);
      }),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document.languageId === 'surv' && event.contentChanges.length > 0) this.refreshSoon(event.document.uri);
      }),
      vscode.workspace.onDidSaveTextDocument((document) => {
        if (document.languageId === 'surv') void this.refresh(document.uri);
      }),
    );
  }

  dispose(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  /** Every .surv file of the workspace and every open one. */
  async discover(): Promise<void> {
    const found = await vscode.workspace.findFiles(survGlob, excludeGlob, maxFiles);
    const open = vscode.workspace.textDocuments.filter((d) => d.languageId === 'surv').map((d) => d.uri);
    const uris = new Map([...found, ...open].map((u) => [u.toString(), u]));
    this.controller.items.forEach((item) => {
      if (!uris.has(item.id)) this.controller.items.delete(item.id);
    });
    await Promise.all([...uris.values()].map((uri) => this.refresh(uri)));
  }

  private refreshSoon(uri: vscode.Uri): void {
    const key = uri.toString();
    const timer = this.pending.get(key);
    if (timer) clearTimeout(timer);
    this.pending.set(key, setTimeout(() => {
      this.pending.delete(key);
      void this.refresh(uri);
    }, editDelayMs));
  }

  /** Asks the server for the file's scenarios and mirrors them; a file without any is not shown. */
  async refresh(uri: vscode.Uri): Promise<void> {
    const client = this.client();
    if (!client) return;
    let list: ScenarioInfo[];
    try {
      list = await client.sendRequest(scenariosRequest, { uri: client.code2ProtocolConverter.asUri(uri) });
    } catch (error) {
      // Not (yet) known to the server: the next open, save or discovery tries again.
      this.log.debug(`${scenariosRequest.method} ${uri.toString()}: ${errorText(error)}`);
      this.controller.items.delete(uri.toString());
      return;
    }
    if (list.length === 0) {
      this.controller.items.delete(uri.toString());
      return;
    }
    const file = this.controller.items.get(uri.toString())
      ?? this.controller.createTestItem(uri.toString(), vscode.workspace.asRelativePath(uri, false), uri);
    // The branch is named only when the file tests more than one (it is in the label,
    // not the description, which would replace the label for screen readers).
    const several = new Set(list.map((s) => s.branch)).size > 1;
    const children = list.map((s, index) => {
      const id = scenarioId(s.branch, s.title);
      const item = file.children.get(id) ?? this.controller.createTestItem(id, s.title, uri);
      item.label = several ? `${s.title} (${s.branch})` : s.title;
      item.range = toRange(s.range);
      // Source order, not alphabetical.
      item.sortText = String(index).padStart(6, '0');
      this.refs.set(item, { uri, branch: s.branch, title: s.title });
      return item;
    });
    file.children.replace(children);
    this.controller.items.add(file);
  }

  /** The item of one scenario (after asking the server, so a just-typed scenario is found). */
  async find(uri: vscode.Uri, branch: string, title: string): Promise<vscode.TestItem | undefined> {
    await this.refresh(uri);
    return this.controller.items.get(uri.toString())?.children.get(scenarioId(branch, title));
  }

  /** Runs the given items (files run all their scenarios) as one test run. */
  runItems(items: readonly vscode.TestItem[]): Thenable<void> {
    const source = new vscode.CancellationTokenSource();
    return this.run(new vscode.TestRunRequest(items, undefined, this.runProfile), source.token).then(() => source.dispose());
  }

  private scenariosOf(request: vscode.TestRunRequest): vscode.TestItem[] {
    const excluded = new Set(request.exclude ?? []);
    const roots: vscode.TestItem[] = [];
    if (request.include) roots.push(...request.include);
    else this.controller.items.forEach((item) => roots.push(item));
    const out: vscode.TestItem[] = [];
    const visit = (item: vscode.TestItem) => {
      if (excluded.has(item)) return;
      if (this.refs.has(item)) out.push(item);
      item.children.forEach(visit);
    };
    roots.forEach(visit);
    return out;
  }

  private async run(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    // Files not expanded yet have no children: ask for them first.
    for (const item of request.include ?? []) if (!this.refs.has(item) && item.uri) await this.refresh(item.uri);
    const run = this.controller.createTestRun(request, undefined, true);
    const items = this.scenariosOf(request);
    for (const item of items) run.enqueued(item);
    try {
      for (const item of items) {
        if (token.isCancellationRequested) {
          run.skipped(item);
          continue;
        }
        await this.runOne(run, item, token);
      }
    } finally {
      run.end();
    }
  }

  private async runOne(run: vscode.TestRun, item: vscode.TestItem, token: vscode.CancellationToken): Promise<void> {
    const ref = this.refs.get(item);
    const client = this.client();
    if (!ref || !client) {
      run.errored(item, new vscode.TestMessage('the surv language server is not running'));
      return;
    }
    run.started(item);
    const started = Date.now();
    let answer: SimulateAnswer;
    try {
      answer = await client.sendRequest(simulateRequest, {
        uri: client.code2ProtocolConverter.asUri(ref.uri), branch: ref.branch, title: ref.title,
      }, token);
    } catch (error) {
      const message = new vscode.TestMessage(errorText(error));
      if (item.range) message.location = new vscode.Location(ref.uri, item.range);
      run.errored(item, message, Date.now() - started);
      return;
    }
    const duration = Date.now() - started;
    const lines = [`scenario "${answer.scenario}" in ${answer.branch}`, answer.timeline];
    for (const v of answer.verdicts) lines.push(`${v.status === 'pass' ? 'ok' : v.status === 'fail' ? 'FAILED' : 'not checked'}: ${v.message}`);
    for (const note of answer.notes) lines.push(`not simulated: ${note}`);
    // No location: output placed at a line is shown inline there, and a timeline is too long for that.
    run.appendOutput(terminalLines(`${lines.join('\n')}\n`), undefined, item);
    if (answer.passed) {
      run.passed(item, duration);
      return;
    }
    const messages = answer.verdicts.filter((v) => v.status === 'fail').map((v) => {
      const message = new vscode.TestMessage(v.message);
      const at = v.range ? toRange(v.range) : item.range;
      if (at) message.location = new vscode.Location(ref.uri, at);
      return message;
    });
    run.failed(item, messages, duration);
  }
}
