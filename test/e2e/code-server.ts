// What every end-to-end suite needs: the packaged .vsix installed into a fresh
// code-server (4.100.3, VS Code 1.100.3) that runs as a person's editor would, with
// its own HOME, user data, extensions and workspace in a temporary folder and no
// marketplace, opened in Debian's Chromium through playwright-core. Each suite gets
// its own artifacts folder, test-artifacts/e2e/<name>/, which it alone empties, so
// running one suite never deletes another's screenshots.
//
// Needs `node scripts/provision.mjs` (Chromium, code-server) and `node scripts/package.mjs`
// (the .vsix); anything missing fails loudly, never skips.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const codeServerBin = join(root, '.cache', 'code-server', 'node_modules', '.bin', 'code-server');
const chromiumPath = '/usr/bin/chromium';
const manifest = JSON.parse(readFileSync(join(root, 'client', 'package.json'), 'utf8')) as { name: string; version: string };
const vsixPath = join(root, 'out', `${manifest.name}-${manifest.version}.vsix`);

/** Generous: the machine has two cores and a cold workbench loads a lot of JavaScript. */
export const long = 60_000;

/** Settings every suite wants: nothing that phones home, updates, or opens on its own. */
const quietSettings: Record<string, unknown> = {
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'files.autoSave': 'off',
  // Diagnostics follow typing quickly, so waits are short on a busy machine.
  'surv.validation.delayMs': 50,
};

/**
 * Suggestions only when asked (Ctrl+Space) and only from the language server, so a
 * completion step sees what the server offers and typing stays predictable.
 */
export const suggestOnlyWhenAsked: Record<string, unknown> = {
  'editor.quickSuggestions': { other: false, comments: false, strings: false },
  'editor.suggestOnTriggerCharacters': false,
  'editor.wordBasedSuggestions': 'off',
  'editor.acceptSuggestionOnEnter': 'on',
};

export interface LaunchOptions {
  /** The suite's name: its artifacts go to test-artifacts/e2e/<name>/ and its temporary folder is named after it. */
  name: string;
  /** Fills the (empty) workspace folder before code-server opens it. */
  populate: (workspace: string) => void;
  /** User settings on top of the quiet defaults. */
  settings?: Record<string, unknown>;
  viewport?: { width: number; height: number };
  /** Called with the page before the workbench loads, e.g. to listen to its console from the start. */
  watch?: (page: Page) => void;
}

export interface EditorSession {
  page: Page;
  /** The folder code-server has open. */
  workspace: string;
  /** test-artifacts/e2e/<name>/: screenshots, code-server's output, VS Code's logs. */
  artifacts: string;
  /** Runs one step of a test and screenshots the result (NN-name.png), whether it passed or not. */
  step<T>(name: string, run: () => Promise<T>): Promise<T>;
  /** Runs a command from the command palette (F1; Ctrl+P quick open is unreliable headless). */
  runCommand(label: string): Promise<void>;
  /** The active editor group's editor. */
  editor(): Locator;
  /** Selects the first match of `text` in the active editor with the Find widget, then closes it. */
  selectText(text: string): Promise<void>;
  /** The Problems panel, opened if it is not showing. */
  openProblems(): Promise<Locator>;
  /** Closes the browser, stops code-server with everything it started, keeps its logs, removes the temporary folder. */
  close(): Promise<void>;
}

/** A populate for suites that work on a copy of examples/. */
export function copyExamples(workspace: string): void {
  cpSync(join(root, 'examples'), workspace, { recursive: true });
}

/** Monaco renders spaces as no-break spaces; compare text as typed. */
export function plain(text: string): string {
  return text.replace(/\u00a0/g, ' ');
}

function requirePrerequisites(): void {
  const missing: string[] = [];
  if (!existsSync(chromiumPath)) missing.push(`${chromiumPath} (Debian package chromium)`);
  if (!existsSync(codeServerBin)) missing.push(`${codeServerBin} (code-server 4.100.3)`);
  if (missing.length > 0) throw new Error(`e2e prerequisites missing: ${missing.join('; ')}. Run: node scripts/provision.mjs (as root it installs them)`);
  if (!existsSync(vsixPath)) throw new Error(`${vsixPath} is missing. Run: node scripts/package.mjs`);
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function waitForHttp(url: string, timeoutMs: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`code-server exited before it answered ${url}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer ${url} within ${timeoutMs} ms (${last})`);
}

/** An environment that sees nothing of the caller's VS Code, home folder or the marketplace. */
async function isolatedEnv(home: string): Promise<NodeJS.ProcessEnv> {
  const deadPort = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    // No marketplace: every gallery request goes to a closed loopback port.
    EXTENSIONS_GALLERY: JSON.stringify({
      serviceUrl: `http://127.0.0.1:${deadPort}/gallery`,
      itemUrl: `http://127.0.0.1:${deadPort}/item`,
      resourceUrlTemplate: `http://127.0.0.1:${deadPort}/resource/{publisher}/{name}/{version}/{path}`,
    }),
  };
  for (const name of Object.keys(env)) if (name.startsWith('VSCODE_')) delete env[name];
  return env;
}

/** Stops a detached child's whole process group: TERM, up to 10 s to go, then KILL. */
async function stopGroup(child: ChildProcess, exited: () => boolean): Promise<void> {
  if (!child.pid || exited()) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
  const deadline = Date.now() + 10_000;
  while (!exited() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // The group is gone.
  }
}

export async function launchEditor(options: LaunchOptions): Promise<EditorSession> {
  // The name becomes a folder that is deleted recursively: keep it to one plain segment.
  if (!/^[a-z][a-z0-9-]*$/.test(options.name)) throw new Error(`bad e2e suite name ${JSON.stringify(options.name)}`);
  requirePrerequisites();
  const artifacts = join(root, 'test-artifacts', 'e2e', options.name);
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });

  const work = mkdtempSync(join(tmpdir(), `surv-e2e-${options.name}-`));
  const home = join(work, 'home');
  const userDataDir = join(work, 'user-data');
  const extensionsDir = join(work, 'extensions');
  const workspace = join(work, 'workspace');
  for (const dir of [home, join(userDataDir, 'User'), extensionsDir, workspace]) mkdirSync(dir, { recursive: true });

  let codeServer: ChildProcess | undefined;
  let codeServerExited = false;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let shot = 0;

  async function close(): Promise<void> {
    await context?.close().catch(() => undefined);
    if (codeServer) await stopGroup(codeServer, () => codeServerExited);
    // Keep VS Code's logs (the extension host's and the surv channel's) beside the screenshots.
    if (existsSync(join(userDataDir, 'logs'))) cpSync(join(userDataDir, 'logs'), join(artifacts, 'logs'), { recursive: true });
    rmSync(work, { recursive: true, force: true });
  }

  try {
    options.populate(workspace);
    writeFileSync(join(userDataDir, 'User', 'settings.json'), `${JSON.stringify({ ...quietSettings, ...options.settings }, null, 2)}\n`);
    const env = await isolatedEnv(home);

    const install = spawnSync(codeServerBin, ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', vsixPath], { env, encoding: 'utf8', timeout: 120_000 });
    writeFileSync(join(artifacts, 'install-extension.log'), `${install.stdout}\n${install.stderr}`);
    if (install.status !== 0) throw new Error(`code-server --install-extension failed (exit ${install.status}): ${install.stderr}${install.stdout}`);
    expect(install.stdout).toMatch(/successfully installed/i);

    const port = await freePort();
    const log = openSync(join(artifacts, 'code-server.log'), 'w');
    // detached: the child calls setsid(), so it leads its own process group and
    // `kill -- -PGID` (process.kill(-pid)) stops it with every helper it started.
    codeServer = spawn(codeServerBin, [
      '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
      '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
      '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
      workspace,
    ], { env, detached: true, stdio: ['ignore', log, log] });
    closeSync(log);
    codeServer.on('exit', () => { codeServerExited = true; });
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/healthz`, 120_000, () => !codeServerExited);

    context = await chromium.launchPersistentContext(join(work, 'chromium'), {
      executablePath: chromiumPath,
      headless: true,
      viewport: options.viewport ?? { width: 1440, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(long);
    options.watch?.(page);
    await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 120_000 });
  } catch (error) {
    await close();
    throw error;
  }
  const ready: Page = page;

  async function screenshot(name: string): Promise<void> {
    shot += 1;
    await ready.screenshot({ path: join(artifacts, `${String(shot).padStart(2, '0')}-${name}.png`) }).catch(() => undefined);
  }

  async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
    try {
      const result = await run();
      await screenshot(name);
      return result;
    } catch (error) {
      await screenshot(`${name}-FAILED`);
      throw error;
    }
  }

  function editor(): Locator {
    return ready.locator('.editor-group-container.active .monaco-editor').first();
  }

  async function runCommand(label: string): Promise<void> {
    await ready.keyboard.press('F1');
    const input = ready.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: long });
    await input.fill(`>${label}`);
    await ready.locator('.quick-input-widget .monaco-list-row', { hasText: label }).first().waitFor({ state: 'visible', timeout: long });
    await ready.keyboard.press('Enter');
    await ready.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: long });
  }

  async function selectText(text: string): Promise<void> {
    await editor().locator('.view-lines').click();
    await ready.keyboard.press('Control+f');
    const input = ready.locator('.editor-group-container.active .find-widget.visible textarea, .editor-group-container.active .find-widget.visible input').first();
    await input.waitFor({ state: 'visible', timeout: long });
    await input.fill(text);
    await expect.poll(async () => plain(await ready.locator('.editor-group-container.active .find-widget .matchesCount').innerText()), { timeout: long }).toMatch(/^1 of \d+$/);
    await ready.keyboard.press('Enter');
    await ready.keyboard.press('Escape');
    await ready.locator('.editor-group-container.active .find-widget.visible').waitFor({ state: 'hidden', timeout: long });
  }

  async function openProblems(): Promise<Locator> {
    const panel = ready.locator('.markers-panel');
    if (!(await panel.isVisible())) await ready.keyboard.press('Control+Shift+m');
    await panel.waitFor({ state: 'visible', timeout: long });
    return panel;
  }

  return { page: ready, workspace, artifacts, step, runCommand, editor, selectText, openProblems, close };
}

/**
 * Launches the editor before the calling describe's tests and closes it after them.
 * The session's members work from its tests on; before, or when the launch failed, they throw.
 */
export function useEditor(options: LaunchOptions): EditorSession {
  let session: EditorSession | undefined;
  beforeAll(async () => {
    session = await launchEditor(options);
  });
  afterAll(async () => {
    const running = session;
    session = undefined;
    await running?.close();
  });
  function live(): EditorSession {
    if (!session) throw new Error(`the ${options.name} editor is not running (not launched yet, or its launch failed)`);
    return session;
  }
  return {
    get page() { return live().page; },
    get workspace() { return live().workspace; },
    get artifacts() { return live().artifacts; },
    step: (name, run) => live().step(name, run),
    runCommand: (label) => live().runCommand(label),
    editor: () => live().editor(),
    selectText: (text) => live().selectText(text),
    openProblems: () => live().openProblems(),
    close: () => live().close(),
  };
}
