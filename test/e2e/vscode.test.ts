// End to end: the packaged .vsix in a real VS Code (code-server 4.100.3, VS Code
// 1.100.3, with a Node extension host) driven through Debian's Chromium with
// playwright-core. It installs out/surv-0.1.0.vsix into a fresh extensions folder,
// opens a copy of examples/ and works as a person would: open a file from the
// Explorer, read the language mode, type an error and find it in the Problems panel,
// accept a completion, apply a quick fix. Screenshots go to test-artifacts/e2e/.
//
// Needs: `node scripts/provision.mjs` (Chromium, code-server) and
// `node scripts/package.mjs` (the .vsix); `npm test` and `npm run test:e2e` run both
// first. Anything missing fails the suite loudly: it is never skipped.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const codeServerBin = join(root, '.cache', 'code-server', 'node_modules', '.bin', 'code-server');
const chromiumPath = '/usr/bin/chromium';
const manifest = JSON.parse(readFileSync(join(root, 'client', 'package.json'), 'utf8')) as { name: string; version: string; publisher: string };
const vsixPath = join(root, 'out', `${manifest.name}-${manifest.version}.vsix`);
const artifacts = join(root, 'test-artifacts', 'e2e');

/** Generous: the machine has two cores and a cold workbench loads a lot of JavaScript. */
const long = 60_000;

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

/** Monaco renders spaces as no-break spaces; compare text as typed. */
function plain(text: string): string {
  return text.replace(/\u00a0/g, ' ');
}

describe('the surv extension in VS Code (code-server + Chromium)', () => {
  let work: string;
  let workspace: string;
  let userDataDir: string;
  let codeServer: ChildProcess | undefined;
  let codeServerExited = false;
  let context: BrowserContext | undefined;
  let page: Page;
  let shot = 0;

  async function screenshot(name: string): Promise<void> {
    if (!page) return;
    shot += 1;
    await page.screenshot({ path: join(artifacts, `${String(shot).padStart(2, '0')}-${name}.png`) }).catch(() => undefined);
  }

  /** Runs one step of a test and screenshots the result, whether it passed or not. */
  async function step<T>(name: string, work: () => Promise<T>): Promise<T> {
    try {
      const result = await work();
      await screenshot(name);
      return result;
    } catch (error) {
      await screenshot(`${name}-FAILED`);
      throw error;
    }
  }

  function editor(): Locator {
    return page.locator('.editor-group-container.active .monaco-editor').first();
  }

  /**
   * The visible lines of the active editor, top to bottom. Monaco reuses line nodes,
   * so their DOM order is not the screen order: sort by their `top`.
   */
  async function editorText(): Promise<string> {
    const lines = await editor().locator('.view-lines .view-line').evaluateAll((nodes) =>
      nodes.map((node) => ({ top: Number.parseFloat(node.getAttribute('style')?.match(/top:\s*(-?[\d.]+)px/)?.[1] ?? '0'), text: node.textContent ?? '' })));
    return plain(lines.sort((a, b) => a.top - b.top).map((line) => line.text).join('\n'));
  }

  /** Selects the first match of `text` in the active editor with the Find widget, then closes it. */
  async function selectText(text: string): Promise<void> {
    await editor().locator('.view-lines').click();
    await page.keyboard.press('Control+f');
    const input = page.locator('.editor-group-container.active .find-widget.visible textarea, .editor-group-container.active .find-widget.visible input').first();
    await input.waitFor({ state: 'visible', timeout: long });
    await input.fill(text);
    await expect.poll(async () => plain(await page.locator('.editor-group-container.active .find-widget .matchesCount').innerText()), { timeout: long }).toMatch(/^1 of \d+$/);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await page.locator('.editor-group-container.active .find-widget.visible').waitFor({ state: 'hidden', timeout: long });
  }

  /** Runs a command from the command palette (F1; Ctrl+P quick open is unreliable headless). */
  async function runCommand(label: string): Promise<void> {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: long });
    await input.fill(`>${label}`);
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: label }).first().waitFor({ state: 'visible', timeout: long });
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: long });
  }

  /** Back to bilbao.surv as on disk, whatever an earlier test left behind. */
  async function revertFile(): Promise<void> {
    for (let i = 0; i < 3; i += 1) await page.keyboard.press('Escape');
    await editor().locator('.view-lines').click();
    if (await page.locator('.tabs-container .tab.active.dirty').count()) {
      await runCommand('File: Revert File');
      await page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached', timeout: long });
    }
    await expect.poll(() => readFileSync(join(workspace, 'bilbao.surv'), 'utf8'), { timeout: 1_000 }).toContain('redirect 302 to pstn');
  }

  async function openProblems(): Promise<Locator> {
    const panel = page.locator('.markers-panel');
    if (!(await panel.isVisible())) await page.keyboard.press('Control+Shift+m');
    await panel.waitFor({ state: 'visible', timeout: long });
    return panel;
  }

  beforeAll(async () => {
    requirePrerequisites();
    rmSync(artifacts, { recursive: true, force: true });
    mkdirSync(artifacts, { recursive: true });

    work = mkdtempSync(join(tmpdir(), 'surv-e2e-'));
    const home = join(work, 'home');
    userDataDir = join(work, 'user-data');
    const extensionsDir = join(work, 'extensions');
    workspace = join(work, 'examples');
    for (const dir of [home, join(userDataDir, 'User'), extensionsDir]) mkdirSync(dir, { recursive: true });
    cpSync(join(root, 'examples'), workspace, { recursive: true });
    writeFileSync(join(userDataDir, 'User', 'settings.json'), `${JSON.stringify({
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'workbench.enableExperiments': false,
      'security.workspace.trust.enabled': false,
      'files.autoSave': 'off',
      // Suggestions only when asked (Ctrl+Space) and only from the language server,
      // so the completion step sees what the server offers and typing stays predictable.
      'editor.quickSuggestions': { other: false, comments: false, strings: false },
      'editor.suggestOnTriggerCharacters': false,
      'editor.wordBasedSuggestions': 'off',
      'editor.acceptSuggestionOnEnter': 'on',
      'surv.validation.delayMs': 50,
    }, null, 2)}\n`);

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
      viewport: { width: 1440, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(long);
    await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 120_000 });
  });

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    if (codeServer?.pid && !codeServerExited) {
      try {
        process.kill(-codeServer.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      const deadline = Date.now() + 10_000;
      while (!codeServerExited && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      try {
        process.kill(-codeServer.pid, 'SIGKILL');
      } catch {
        // The group is gone.
      }
    }
    // Keep VS Code's logs (the extension host's and the surv channel's) beside the screenshots.
    if (userDataDir && existsSync(join(userDataDir, 'logs'))) cpSync(join(userDataDir, 'logs'), join(artifacts, 'logs'), { recursive: true });
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('opens bilbao.surv from the Explorer in the surv language mode', async () => {
    await step('explorer', async () => {
      const file = page.getByRole('treeitem', { name: 'bilbao.surv' });
      await file.waitFor({ state: 'visible', timeout: 120_000 });
      await file.click();
      await page.locator('.tabs-container .tab.active', { hasText: 'bilbao.surv' }).waitFor({ state: 'visible' });
      await expect.poll(() => editorText(), { timeout: long }).toContain('branch bilbao');
    });
    await step('language-mode', async () => {
      const mode = page.locator('[id="status.editor.mode"]');
      await expect.poll(async () => plain(await mode.innerText()).trim(), { timeout: long }).toBe('surv');
      // The grammar is in: keywords get a TextMate token colour of their own.
      const keyword = editor().locator('.view-line span span', { hasText: /^branch$/ }).first();
      const comment = editor().locator('.view-line span span', { hasText: /^#\sbilbao\.surv/ }).first();
      const [keywordClass, commentClass] = [await keyword.getAttribute('class'), await comment.getAttribute('class')];
      expect(keywordClass).toMatch(/mtk\d+/);
      expect(keywordClass).not.toBe(commentClass);
    });
    await step('output-channel', async () => {
      // The extension's commands are there, and its log channel shows the server starting.
      await runCommand('surv: Show Output');
      const log = page.locator('.part.panel .monaco-editor .view-lines').first();
      await expect.poll(async () => plain(await log.innerText()), { timeout: long }).toMatch(/\[info\] language server started/);
      await runCommand('surv: Restart Language Server');
      await expect.poll(async () => plain(await log.innerText()).match(/language server started/g)?.length ?? 0, { timeout: long }).toBe(2);
    });
  });

  it('shows an error typed into the file in the Problems panel, and clears it when fixed', async () => {
    await revertFile();
    const panel = await step('problems-empty', async () => {
      const problems = await openProblems();
      // The server is up when the workspace's files were checked: examples/broken has errors.
      await expect.poll(async () => plain(await problems.innerText()), { timeout: long }).toMatch(/SURV\d{3}/);
      await expect.poll(async () => plain(await problems.innerText()), { timeout: long }).not.toMatch(/bilbao\.surv/);
      return problems;
    });
    await step('redirect-404', async () => {
      await selectText('redirect 302');
      await page.keyboard.type('redirect 404');
      await expect.poll(() => editorText(), { timeout: long }).toContain('redirect 404 to pstn');
      const row = panel.locator('.monaco-list-row', { hasText: 'a redirect must be a 3xx reply, not 404' });
      await row.first().waitFor({ state: 'visible', timeout: long });
      await expect.poll(async () => plain(await panel.innerText()), { timeout: long }).toMatch(/bilbao\.surv/);
      // The squiggle is in the editor too.
      await editor().locator('.squiggly-error').first().waitFor({ state: 'visible', timeout: long });
    });
    await step('redirect-fixed', async () => {
      await selectText('redirect 404');
      await page.keyboard.type('redirect 302');
      await expect.poll(() => editorText(), { timeout: long }).toContain('redirect 302 to pstn');
      await panel.locator('.monaco-list-row', { hasText: 'a redirect must be a 3xx reply' }).first().waitFor({ state: 'detached', timeout: long });
    });
  });

  it('completes a keyword from the language server', async () => {
    await revertFile();
    await step('completion-list', async () => {
      await selectText('lan 10.222.237.0/24');
      await page.keyboard.press('End');
      await page.keyboard.press('Enter');
      await page.keyboard.type('pho');
      await page.keyboard.press('Control+Space');
      const widget = page.locator('.editor-widget.suggest-widget.visible');
      await widget.waitFor({ state: 'visible', timeout: long });
      await widget.locator('.monaco-list-row', { hasText: 'phone' }).first().waitFor({ state: 'visible', timeout: long });
    });
    await step('completion-accepted', async () => {
      await expect.poll(async () => plain(await page.locator('.editor-widget.suggest-widget.visible .monaco-list-row.focused').innerText()), { timeout: long }).toMatch(/^phone/);
      await page.keyboard.press('Enter');
      await page.locator('.editor-widget.suggest-widget.visible').waitFor({ state: 'hidden', timeout: long });
      await expect.poll(() => editorText(), { timeout: long }).toMatch(/lan 10\.222\.237\.0\/24\n\s*phone\b/);
    });
  });

  it('fixes a misspelt name with the quick fix it suggests', async () => {
    await revertFile();
    const panel = await openProblems();
    await step('quickfix-error', async () => {
      await selectText('302 to pstn');
      await page.keyboard.type('302 to pstm');
      await panel.locator('.monaco-list-row', { hasText: "no gateway named 'pstm'; did you mean 'pstn'?" }).first().waitFor({ state: 'visible', timeout: long });
      await page.keyboard.press('ArrowLeft');
    });
    await step('quickfix-menu', async () => {
      await page.keyboard.press('Control+.');
      const action = page.locator('.action-widget .monaco-list-row.action', { hasText: /pstn/ }).first();
      await action.waitFor({ state: 'visible', timeout: long });
    });
    await step('quickfix-applied', async () => {
      // The preferred fix is the first, focused entry; accept it as a person would.
      const focused = page.locator('.action-widget .monaco-list-row.action.focused');
      await expect.poll(async () => plain(await focused.innerText()), { timeout: long }).toMatch(/pstn/);
      await page.keyboard.press('Enter');
      await page.locator('.action-widget').first().waitFor({ state: 'hidden', timeout: long });
      await expect.poll(() => editorText(), { timeout: long }).toContain('redirect 302 to pstn');
      await panel.locator('.monaco-list-row', { hasText: "no gateway named 'pstm'" }).first().waitFor({ state: 'detached', timeout: long });
    });
  });
});
