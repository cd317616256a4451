// The surv extension for VS Code: starts the surv language server (bundled beside
// this file as dist/server.cjs) over Node IPC for every `.surv` file, adds its
// commands and puts the scenarios in the Test Explorer (testing.ts). Everything the
// language does (diagnostics, completion, hover, navigation, formatting, quick fixes,
// simulation) comes from the server; this file only wires it in.
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  LanguageClient, TransportKind,
  type LanguageClientOptions, type ServerOptions,
} from 'vscode-languageclient/node';
import { CaptureCalls, CaptureEditor } from './capture.js';
import { registerExportCommand } from './export-command.js';
import { DiagramPreview } from './preview/panel.js';
import { registerScenarioCommands } from './scenario-commands.js';
import { ScenarioTests } from './testing.js';

const clientId = 'surv';
const clientName = 'surv Language Server';

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel | undefined;
/** One watcher for the extension's life: the server learns of .surv files changed on disk. */
let watcher: vscode.FileSystemWatcher | undefined;
/** The scenarios in the Test Explorer; re-read from each new server. */
let tests: ScenarioTests | undefined;

interface Settings {
  validationDelayMs: number;
  serverPath: string | undefined;
}

function readSettings(): Settings {
  const config = vscode.workspace.getConfiguration('surv');
  const delay = config.get<number>('validation.delayMs', 150);
  const serverPath = config.get<string | null>('server.path', null);
  return {
    validationDelayMs: typeof delay === 'number' && Number.isFinite(delay) && delay >= 0 ? delay : 150,
    serverPath: typeof serverPath === 'string' && serverPath.trim() !== '' ? serverPath.trim() : undefined,
  };
}

/** The server module to run: the user's override (relative to the first workspace folder) or the bundled one. */
function serverModule(context: vscode.ExtensionContext, settings: Settings): string {
  if (!settings.serverPath) return context.asAbsolutePath(path.join('dist', 'server.cjs'));
  if (path.isAbsolute(settings.serverPath)) return settings.serverPath;
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? path.join(folder.uri.fsPath, settings.serverPath) : path.resolve(settings.serverPath);
}

function createClient(context: vscode.ExtensionContext, channel: vscode.LogOutputChannel, watcher: vscode.FileSystemWatcher): LanguageClient {
  const settings = readSettings();
  const module = serverModule(context, settings);
  channel.info(`starting ${module} (validation delay ${settings.validationDelayMs} ms)`);
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: {
      module,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', '--inspect=6009', '--enable-source-maps'] },
    },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'surv' }],
    synchronize: { fileEvents: watcher },
    initializationOptions: { validationDelayMs: settings.validationDelayMs },
    outputChannel: channel,
    traceOutputChannel: channel,
  };
  return new LanguageClient(clientId, clientName, serverOptions, clientOptions);
}

async function startClient(context: vscode.ExtensionContext, channel: vscode.LogOutputChannel): Promise<void> {
  watcher ??= vscode.workspace.createFileSystemWatcher('**/*.surv');
  client = createClient(context, channel, watcher);
  try {
    await client.start();
    channel.info('language server started');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    channel.error(`the language server did not start: ${message}`);
    void vscode.window.showErrorMessage(`surv: the language server did not start: ${message}`, 'Show Output').then((choice) => {
      if (choice) channel.show(true);
    });
  }
}

async function stopClient(): Promise<void> {
  const running = client;
  client = undefined;
  if (!running) return;
  try {
    await running.stop();
  } catch (error) {
    output?.warn(`stopping the language server: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    await running.dispose();
  } catch {
    // Already stopped.
  }
}

async function restart(context: vscode.ExtensionContext, channel: vscode.LogOutputChannel): Promise<void> {
  channel.info('restarting the language server');
  await stopClient();
  await startClient(context, channel);
  void tests?.discover();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  // A LogOutputChannel: its level follows VS Code's (Developer: Set Log Level...).
  const channel = vscode.window.createOutputChannel('surv', { log: true });
  output = channel;
  context.subscriptions.push(channel);

  context.subscriptions.push(
    vscode.commands.registerCommand('surv.restartServer', () => restart(context, channel)),
    vscode.commands.registerCommand('surv.showOutput', () => channel.show(true)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      // The trace setting is read by the client itself; these two need a new server.
      if (event.affectsConfiguration('surv.validation.delayMs') || event.affectsConfiguration('surv.server.path')) {
        void restart(context, channel);
      }
    }),
  );

  const preview = new DiagramPreview(context.extensionUri, () => client, channel);
  context.subscriptions.push(preview);
  const captures = new CaptureCalls(() => client, preview, channel);
  context.subscriptions.push(captures, CaptureEditor.register(captures));
  tests = new ScenarioTests(() => client, channel);
  context.subscriptions.push(tests, ...registerScenarioCommands(tests, () => client, channel));
  context.subscriptions.push(registerExportCommand(() => client, channel));

  await startClient(context, channel);
  void tests.discover();
}

export async function deactivate(): Promise<void> {
  await stopClient();
  watcher?.dispose();
  watcher = undefined;
}
