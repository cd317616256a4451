// End to end: the scenarios of .surv files in VS Code's Test Explorer, with the packaged
// .vsix in code-server driven through Debian's Chromium (as test/e2e/vscode.test.ts,
// whose set-up this copies). The workspace holds examples/bilbao.surv and a file with
// a scenario whose expectations are wrong. The test opens bilbao.surv, finds
// the "▶ Simulate" lenses, opens the Testing view, runs every scenario, and reads the
// pass and fail states from the tree; the failed expectation shows inline at its line;
// a lens click runs one scenario. A third file breaks its post-dial budget: saving it
// (not typing) brings the `surv verify` warning, whose quick fix appends the scenario
// that reproduces it. Screenshots go to test-artifacts/e2e/testing-*.png.
//
// Needs: `node scripts/provision.mjs` (Chromium, code-server) and
// `node scripts/package.mjs` (the .vsix). Anything missing fails the suite loudly.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const codeServerBin = join(root, '.cache', 'code-server', 'node_modules', '.bin', 'code-server');
const chromiumPath = '/usr/bin/chromium';
const manifest = JSON.parse(readFileSync(join(root, 'client', 'package.json'), 'utf8')) as { name: string; version: string };
const vsixPath = join(root, 'out', `${manifest.name}-${manifest.version}.vsix`);
const artifacts = join(root, 'test-artifacts', 'e2e');
/** This suite's files in the shared artifacts folder start with this. */
const prefix = 'testing-';

const long = 60_000;

/** A scenario of branch bilbao (examples/bilbao.surv) with one right and two wrong expectations. */
const failingText = [
  '# Expectations that the simulation contradicts: the 302 comes at 10 s, and no 486.',
  'scenario "cloud down, wrong expectations" in bilbao {',
  '  cloud silent',
  '  desk1 calls 944000000',
  '  expect desk1 gets 181 at 10s',
  '  expect desk1 gets 302 at 9s',
  '  expect desk1 gets 486 within 1s',
  '}',
  '',
].join('\n');

/** Relays survival calls with no announcement: with the gateway down too, 20 s of silence (SURV081). */
const budgetText = [
  'branch relay-budget {',
  '  edge listen udp 10.70.0.1:5060',
  '  lan 10.70.0.0/24',
  '  gateway pstn { address 10.70.0.3  kind bri  channels 2 }',
  '  upstream cloud { proxy sip:pbx.example.com:5060 }',
  '  timers { no-answer 10s  ringing 60s  budget 15s }',
  '  phone desk 100 at 10.70.0.10',
  '  register { forward cloud with path }',
  '  outbound from lan via cloud {',
  '    on timeout { relay to pstn }',
  '    emergency 112 direct to pstn',
  '  }',
  '  inbound from pstn { ring desk }',
  '}',
  '',
].join('\n');

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

function plain(text: string): string {
  return text.replace(/\u00a0/g, ' ');
}

describe('surv scenarios in the VS Code Test Explorer (code-server + Chromium)', () => {
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
    await page.screenshot({ path: join(artifacts, `${prefix}${String(shot).padStart(2, '0')}-${name}.png`) }).catch(() => undefined);
  }

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

  async function runCommand(label: string): Promise<void> {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: long });
    await input.fill(`>${label}`);
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: label }).first().waitFor({ state: 'visible', timeout: long });
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: long });
  }

  async function openFile(name: string): Promise<void> {
    const file = page.locator('.explorer-viewlet').getByRole('treeitem', { name });
    if (!(await file.isVisible())) await runCommand('View: Show Explorer');
    await file.waitFor({ state: 'visible', timeout: 120_000 });
    await file.click();
    await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ state: 'visible', timeout: long });
  }

  /** The Test Explorer's rows by accessible name, e.g. `cloud up, number does not exist (Passed)`. */
  function testRows(): Locator {
    return page.locator('.test-explorer .monaco-list-row');
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

  async function openProblems(): Promise<Locator> {
    const panel = page.locator('.markers-panel');
    if (!(await panel.isVisible())) await page.keyboard.press('Control+Shift+m');
    await panel.waitFor({ state: 'visible', timeout: long });
    return panel;
  }

  async function lensTexts(): Promise<string[]> {
    // Lenses scrolled out of view leave empty placeholders.
    return (await editor().locator('.codelens-decoration a').allInnerTexts()).map((t) => plain(t).trim()).filter((t) => t !== '');
  }

  async function rowLabels(): Promise<string[]> {
    return (await testRows().evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''))).map(plain);
  }

  beforeAll(async () => {
    requirePrerequisites();
    mkdirSync(artifacts, { recursive: true });
    for (const name of readdirSync(artifacts)) if (name.startsWith(prefix)) rmSync(join(artifacts, name), { recursive: true, force: true });

    work = mkdtempSync(join(tmpdir(), 'surv-e2e-testing-'));
    const home = join(work, 'home');
    userDataDir = join(work, 'user-data');
    const extensionsDir = join(work, 'extensions');
    workspace = join(work, 'workspace');
    for (const dir of [home, join(userDataDir, 'User'), extensionsDir, workspace]) mkdirSync(dir, { recursive: true });
    cpSync(join(root, 'examples', 'bilbao.surv'), join(workspace, 'bilbao.surv'));
    writeFileSync(join(workspace, 'failing.surv'), failingText);
    writeFileSync(join(workspace, 'relay-budget.surv'), budgetText);
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
      // The result of a run stays in the tree and inline; no peek view covers the editor.
      'testing.automaticallyOpenPeekView': 'never',
      'testing.openTesting': 'neverOpen',
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
      EXTENSIONS_GALLERY: JSON.stringify({
        serviceUrl: `http://127.0.0.1:${deadPort}/gallery`,
        itemUrl: `http://127.0.0.1:${deadPort}/item`,
        resourceUrlTemplate: `http://127.0.0.1:${deadPort}/resource/{publisher}/{name}/{version}/{path}`,
      }),
    };
    for (const name of Object.keys(env)) if (name.startsWith('VSCODE_')) delete env[name];

    const install = spawnSync(codeServerBin, ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', vsixPath], { env, encoding: 'utf8', timeout: 120_000 });
    writeFileSync(join(artifacts, `${prefix}install-extension.log`), `${install.stdout}\n${install.stderr}`);
    if (install.status !== 0) throw new Error(`code-server --install-extension failed (exit ${install.status}): ${install.stderr}${install.stdout}`);

    const port = await freePort();
    const log = openSync(join(artifacts, `${prefix}code-server.log`), 'w');
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
    if (userDataDir && existsSync(join(userDataDir, 'logs'))) cpSync(join(userDataDir, 'logs'), join(artifacts, `${prefix}logs`), { recursive: true });
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('shows "▶ Simulate" above each scenario of bilbao.surv and "Verify" above its branch', async () => {
    await step('codelens-verify', async () => {
      await openFile('bilbao.surv');
      await expect.poll(lensTexts, { timeout: long }).toContain('Verify');
    });
    await step('codelens-simulate', async () => {
      // The scenarios are at the end of the file, and lenses are drawn for visible lines only.
      await editor().locator('.view-lines').click();
      await page.keyboard.press('Control+End');
      await expect.poll(lensTexts, { timeout: long }).toEqual(['▶ Simulate', '▶ Simulate', '▶ Simulate']);
    });
  });

  it('lists the scenarios in the Testing view, runs them, and shows passed and failed', async () => {
    await step('testing-view', async () => {
      await runCommand('View: Show Testing');
      await page.locator('.test-explorer').waitFor({ state: 'visible', timeout: long });
      await expect.poll(rowLabels, { timeout: long }).toEqual(expect.arrayContaining([expect.stringMatching(/^bilbao\.surv/), expect.stringMatching(/^failing\.surv/)]));
    });
    await step('testing-run', async () => {
      await runCommand('Test: Run All Tests');
      // Files expand to show their scenarios.
      for (const file of ['bilbao.surv', 'failing.surv']) {
        const row = testRows().filter({ hasText: file }).first();
        if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
      }
      // Each row's accessible name: label (state), in DURATION.
      await expect.poll(async () => (await rowLabels()).map((l) => l.replace(/, in [\d.]+m?s$/, '')), { timeout: long }).toEqual([
        'bilbao.surv (Passed)',
        'cloud down, desk dials out (Passed)',
        'cloud up, number does not exist (Passed)',
        'incoming PSTN call forks to the front desk (Passed)',
        'failing.surv (Failed)',
        'cloud down, wrong expectations (Failed)',
      ]);
    });
  });

  it('shows a failed expectation inline at its expect line', async () => {
    await step('testing-inline-failure', async () => {
      await openFile('failing.surv');
      // VS Code's widget for a failure message at its line (run output would be .test-message-inline-content).
      const inline = editor().locator('.test-error-content-widget');
      await expect.poll(async () => (await inline.allInnerTexts()).map((t) => plain(t).trim()).sort(), { timeout: long }).toEqual([
        'desk1 got 302 at 10s, not 9s',
        'desk1 never got 486 (got 181 at 10s, 302 at 10s, 180 at 10s, 200 at 12s)',
      ]);
    });
  });

  it('runs one scenario from its lens, with the timeline in the test output', async () => {
    await step('codelens-run', async () => {
      await openFile('bilbao.surv');
      await editor().locator('.view-lines').click();
      await page.keyboard.press('Control+End');
      const lens = editor().locator('.codelens-decoration a', { hasText: 'Simulate' }).first();
      await lens.waitFor({ state: 'visible', timeout: long });
      await lens.click();
      await runCommand('Test: Show Output');
      const output = page.locator('.part.panel .xterm-rows, .part.panel .xterm-accessibility-tree').first();
      // The terminal shows the end of the run's output: the last messages and the verdicts.
      // (Long lines wrap at the terminal's width: match their starts only.)
      const shown = async () => plain(await output.innerText());
      await expect.poll(shown, { timeout: long }).toMatch(/17\.000s {2}edge {2}-> desk1 {2}200 OK/);
      await expect.poll(shown, { timeout: long }).toMatch(/\nok: desk1 got 181 at 10s\s*\nok: desk1 got 302 at 10s\s*(\n|$)/);
    });
  });

  it('verifies on save, not while typing, and adds the reproducing scenario with the quick fix', async () => {
    const budget = 'post-dial delay 20s is over the budget of 15s';
    const panel = await step('verify-typing', async () => {
      await openFile('relay-budget.surv');
      const problems = await openProblems();
      await editor().locator('.view-lines').click();
      await page.keyboard.press('Control+End');
      // Typing is checked, never verified: once the check has reported the stray word,
      // there is still no verify finding; it goes again when the word does.
      await page.keyboard.type('stray');
      const stray = problems.locator('.monaco-list-row', { hasText: /SURV\d{3}/ }).first();
      await stray.waitFor({ state: 'visible', timeout: long });
      expect(plain(await problems.innerText())).not.toContain(budget);
      for (let i = 0; i < 'stray'.length; i += 1) await page.keyboard.press('Backspace');
      await stray.waitFor({ state: 'detached', timeout: long });
      await page.keyboard.type('# edited');
      expect(plain(await problems.innerText())).not.toContain(budget);
      return problems;
    });
    await step('verify-saved', async () => {
      await page.keyboard.press('Control+s');
      await page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached', timeout: long });
      await panel.locator('.monaco-list-row', { hasText: budget }).first().waitFor({ state: 'visible', timeout: long });
      await editor().locator('.squiggly-warning').first().waitFor({ state: 'visible', timeout: long });
    });
    await step('verify-quickfix', async () => {
      await selectText('budget 15s');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('Control+.');
      const fix = page.locator('.action-widget .monaco-list-row.action', { hasText: 'Add this scenario to the file' }).first();
      await fix.waitFor({ state: 'visible', timeout: long });
      // The only fix is the first, focused entry; accept it as a person would.
      const focused = page.locator('.action-widget .monaco-list-row.action.focused');
      await expect.poll(async () => plain(await focused.innerText()), { timeout: long }).toMatch(/Add this scenario to the file/);
      await page.keyboard.press('Enter');
      await page.locator('.action-widget').first().waitFor({ state: 'hidden', timeout: long });
      await editor().locator('.view-lines').click();
      await page.keyboard.press('Control+End');
      await expect.poll(async () => plain(await editor().locator('.view-lines').innerText()), { timeout: long })
        .toContain('scenario "SURV081 desk calls 944000000, cloud silent, pstn down" in relay-budget {');
      // The edit drops the finding until the next save.
      await panel.locator('.monaco-list-row', { hasText: budget }).first().waitFor({ state: 'detached', timeout: long });
    });
  });
});
