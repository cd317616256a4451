// End to end: the ladder-diagram preview in a real VS Code (code-server 4.100.3 in
// Debian's Chromium, driven by playwright-core), from the packaged .vsix. It opens
// examples/bilbao.surv, clicks the editor title's "Open Preview to the Side" button,
// finds the diagram inside the webview (VS Code nests the page in two iframes), clicks
// a message arrow and sees the editor select the policy line that caused it, types an
// error and sees the banner over the last good diagram, then undoes it.
// Screenshots: test-artifacts/e2e/preview.png and test-artifacts/e2e/preview/.
//
// Needs `node scripts/provision.mjs` (Chromium, code-server) and `node scripts/package.mjs`
// (the .vsix); anything missing fails the suite loudly.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../grammar/src/index.js';
import { diagramsFor } from '../../server/src/diagram/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const codeServerBin = join(root, '.cache', 'code-server', 'node_modules', '.bin', 'code-server');
const chromiumPath = '/usr/bin/chromium';
const manifest = JSON.parse(readFileSync(join(root, 'client', 'package.json'), 'utf8')) as { name: string; version: string };
const vsixPath = join(root, 'out', `${manifest.name}-${manifest.version}.vsix`);
const artifacts = join(root, 'test-artifacts', 'e2e');
const steps = join(artifacts, 'preview');
const long = 60_000;

const bilbaoText = readFileSync(join(root, 'examples', 'bilbao.surv'), 'utf8');

/** What the server will list for bilbao's design view, from the same core. */
function designView() {
  const uri = pathToFileURL(join(root, 'examples', 'bilbao.surv')).toString();
  const design = diagramsFor(analyze([{ uri, text: bilbaoText }]).model, { uri })[0];
  if (!design) throw new Error('bilbao.surv has no design view');
  return design;
}

/** One-based line and column of `needle` in bilbao.surv, as VS Code's status bar shows them. */
function lineColumnOf(needle: string): { line: number; column: number } {
  const at = bilbaoText.indexOf(needle);
  if (at < 0) throw new Error(`"${needle}" is not in bilbao.surv`);
  const before = bilbaoText.slice(0, at).split('\n');
  return { line: before.length, column: (before.at(-1) ?? '').length + 1 };
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

describe('the diagram preview in VS Code (code-server + Chromium)', () => {
  let work: string;
  let workspace: string;
  let userDataDir: string;
  let codeServer: ChildProcess | undefined;
  let codeServerExited = false;
  let context: BrowserContext | undefined;
  let page: Page;
  /** Errors logged inside the preview's frames, and any policy refusal anywhere. */
  const webviewErrors: string[] = [];

  async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
    try {
      const result = await run();
      await page.screenshot({ path: join(steps, `${name}.png`) }).catch(() => undefined);
      return result;
    } catch (error) {
      await page?.screenshot({ path: join(steps, `${name}-FAILED.png`) }).catch(() => undefined);
      throw error;
    }
  }

  function editor(): Locator {
    return page.locator('.editor-group-container .monaco-editor').first();
  }

  /** The preview's own page: VS Code nests it in an iframe inside the webview's iframe. */
  function preview(): FrameLocator {
    return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  }

  /** Selects the first match of `text` in the editor with the Find widget and types `replacement` over it. */
  async function replaceText(text: string, replacement: string): Promise<void> {
    await editor().locator('.view-lines').click();
    await page.keyboard.press('Control+f');
    const find = page.locator('.editor-group-container .find-widget.visible textarea, .editor-group-container .find-widget.visible input').first();
    await find.waitFor({ state: 'visible', timeout: long });
    await find.fill(text);
    await page.keyboard.press('Escape');
    // One edit, as a paste is: no half-typed states in between.
    await page.keyboard.insertText(replacement);
  }

  async function selectionStatus(): Promise<string> {
    return (await page.locator('[id="status.editor.selection"]').innerText()).replace(/\u00a0/g, ' ').trim();
  }

  beforeAll(async () => {
    requirePrerequisites();
    rmSync(steps, { recursive: true, force: true });
    mkdirSync(steps, { recursive: true });

    work = mkdtempSync(join(tmpdir(), 'surv-e2e-preview-'));
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
      'editor.quickSuggestions': { other: false, comments: false, strings: false },
      'editor.suggestOnTriggerCharacters': false,
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
    if (install.status !== 0) throw new Error(`code-server --install-extension failed (exit ${install.status}): ${install.stderr}${install.stdout}`);

    const port = await freePort();
    const log = openSync(join(steps, 'code-server.log'), 'w');
    // detached: its own process group, so one kill stops it with every helper it started.
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
      viewport: { width: 1600, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(long);
    page.on('console', (message) => {
      const where = message.location().url;
      const inPreview = /\/media\/(preview|mermaid)|webview/.test(where);
      if ((message.type() === 'error' && inPreview) || /Content Security Policy/i.test(message.text())) webviewErrors.push(`${where}: ${message.text()}`);
    });
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
    if (userDataDir && existsSync(join(userDataDir, 'logs'))) cpSync(join(userDataDir, 'logs'), join(steps, 'logs'), { recursive: true });
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('opens the preview from the editor title, reveals a message, and keeps the last good diagram over an error', async () => {
    const design = designView();

    await step('01-open-file', async () => {
      const file = page.getByRole('treeitem', { name: 'bilbao.surv' });
      await file.waitFor({ state: 'visible', timeout: 120_000 });
      await file.click();
      await page.locator('.tabs-container .tab.active', { hasText: 'bilbao.surv' }).waitFor({ state: 'visible' });
      await expect.poll(async () => (await page.locator('[id="status.editor.mode"]').innerText()).trim(), { timeout: long }).toBe('surv');
    });

    await step('02-preview-button', async () => {
      const button = page.locator('.editor-group-container.active .editor-actions [aria-label^="Open Preview to the Side"]');
      await button.waitFor({ state: 'visible', timeout: long });
      await button.click();
      await page.locator('.tabs-container .tab', { hasText: 'Preview bilbao.surv' }).waitFor({ state: 'visible', timeout: long });
    });

    const frame = preview();
    await step('03-diagram', async () => {
      await frame.locator('#diagram svg .surv-hit').first().waitFor({ state: 'attached', timeout: long });
      expect(await frame.locator('#diagram svg .surv-hit').count()).toBe(design.messages.length);
      expect(await frame.locator('#view option').allTextContents()).toEqual([
        'bilbao: design', 'cloud down, desk dials out', 'cloud up, number does not exist', 'incoming PSTN call forks to the front desk',
      ]);
      expect(await frame.locator('#banner').isHidden()).toBe(true);
    });
    await page.screenshot({ path: join(artifacts, 'preview.png') });

    await step('04-reveal', async () => {
      const index = design.messages.findIndex((m) => m.summary.startsWith('181 '));
      expect(index).toBeGreaterThan(0);
      const arrow = await frame.locator(`#diagram svg .messageText[data-surv-index="${index}"]`).boundingBox();
      if (!arrow) throw new Error('the 181 message is not on screen');
      await page.mouse.click(arrow.x + arrow.width / 2, arrow.y + arrow.height / 2);
      const needle = 'announce 181 "Survival Activated - please standby"';
      const at = lineColumnOf(needle);
      await expect.poll(selectionStatus, { timeout: long }).toBe(`Ln ${at.line}, Col ${at.column + needle.length} (${needle.length} selected)`);
    });

    await step('05-error-banner', async () => {
      const before = await frame.locator('#diagram').innerHTML();
      // A misspelt gateway, typed over the right one.
      await replaceText('302 to pstn', '302 to pstm');
      const banner = frame.locator('#banner');
      const line = lineColumnOf('redirect 302 to pstn').line;
      await expect.poll(() => banner.textContent(), { timeout: long }).toMatch(new RegExp(`^Line ${line}: no gateway named 'pstm'; did you mean 'pstn'\\? \\(SURV\\d{3}\\) \\(showing the last good diagram\\)$`));
      expect(await frame.locator('#diagram').innerHTML()).toBe(before);
    });

    await step('06-fixed', async () => {
      await replaceText('302 to pstm', '302 to pstn');
      await frame.locator('#banner').waitFor({ state: 'hidden', timeout: long });
      expect(await frame.locator('#diagram svg .surv-hit').count()).toBe(design.messages.length);
    });
    expect(webviewErrors).toEqual([]);
  });
});
