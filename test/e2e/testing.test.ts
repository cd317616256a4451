// End to end: the scenarios of .surv files in VS Code's Test Explorer, with the packaged
// .vsix in code-server driven through Debian's Chromium (set up by ./code-server.ts).
// The workspace holds examples/bilbao.surv and a file with a scenario whose
// expectations are wrong. The test opens bilbao.surv, finds
// the "▶ Simulate" lenses, opens the Testing view, runs every scenario, and reads the
// pass and fail states from the tree; the failed expectation shows inline at its line;
// a lens click runs one scenario. A third file breaks its post-dial budget: saving it
// (not typing) brings the `surv verify` warning, whose quick fix appends the scenario
// that reproduces it. Screenshots go to test-artifacts/e2e/testing/.
//
// Needs: `node scripts/provision.mjs` (Chromium, code-server) and
// `node scripts/package.mjs` (the .vsix). Anything missing fails the suite loudly.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { long, plain, root, useEditor } from './code-server.js';

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
const budgetText = readFileSync(join(root, 'test/fixtures/relay-budget.surv'), 'utf8');

describe('surv scenarios in the VS Code Test Explorer (code-server + Chromium)', () => {
  const vs = useEditor({
    name: 'testing',
    populate: (workspace) => {
      cpSync(join(root, 'examples', 'bilbao.surv'), join(workspace, 'bilbao.surv'));
      writeFileSync(join(workspace, 'failing.surv'), failingText);
      writeFileSync(join(workspace, 'relay-budget.surv'), budgetText);
    },
    settings: {
      // The result of a run stays in the tree and inline; no peek view covers the editor.
      'testing.automaticallyOpenPeekView': 'never',
      'testing.openTesting': 'neverOpen',
    },
  });

  async function openFile(name: string): Promise<void> {
    const file = vs.page.locator('.explorer-viewlet').getByRole('treeitem', { name });
    if (!(await file.isVisible())) await vs.runCommand('View: Show Explorer');
    await file.waitFor({ state: 'visible', timeout: 120_000 });
    await file.click();
    await vs.page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ state: 'visible', timeout: long });
  }

  /** The Test Explorer's rows by accessible name, e.g. `cloud up, number does not exist (Passed)`. */
  function testRows(): Locator {
    return vs.page.locator('.test-explorer .monaco-list-row');
  }

  async function lensTexts(): Promise<string[]> {
    // Lenses scrolled out of view leave empty placeholders.
    return (await vs.editor().locator('.codelens-decoration a').allInnerTexts()).map((t) => plain(t).trim()).filter((t) => t !== '');
  }

  async function rowLabels(): Promise<string[]> {
    return (await testRows().evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''))).map(plain);
  }


  it('shows "▶ Simulate" above each scenario of bilbao.surv and "Verify" above its branch', async () => {
    await vs.step('codelens-verify', async () => {
      await openFile('bilbao.surv');
      await expect.poll(lensTexts, { timeout: long }).toContain('Verify');
    });
    await vs.step('codelens-simulate', async () => {
      // The scenarios are at the end of the file, and lenses are drawn for visible lines only.
      await vs.editor().locator('.view-lines').click();
      await vs.page.keyboard.press('Control+End');
      await expect.poll(lensTexts, { timeout: long }).toEqual(['▶ Simulate', '▶ Simulate', '▶ Simulate']);
    });
  });

  it('lists the scenarios in the Testing view, runs them, and shows passed and failed', async () => {
    await vs.step('testing-view', async () => {
      await vs.runCommand('View: Show Testing');
      await vs.page.locator('.test-explorer').waitFor({ state: 'visible', timeout: long });
      await expect.poll(rowLabels, { timeout: long }).toEqual(expect.arrayContaining([expect.stringMatching(/^bilbao\.surv/), expect.stringMatching(/^failing\.surv/)]));
    });
    await vs.step('testing-run', async () => {
      await vs.runCommand('Test: Run All Tests');
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
    await vs.step('testing-inline-failure', async () => {
      await openFile('failing.surv');
      // VS Code's widget for a failure message at its line (run output would be .test-message-inline-content).
      const inline = vs.editor().locator('.test-error-content-widget');
      await expect.poll(async () => (await inline.allInnerTexts()).map((t) => plain(t).trim()).sort(), { timeout: long }).toEqual([
        'desk1 got 302 at 10s, not 9s',
        'desk1 never got 486 (got 181 at 10s, 302 at 10s, 180 at 10s, 200 at 12s)',
      ]);
    });
  });

  it('runs one scenario from its lens, with the timeline in the test output', async () => {
    await vs.step('codelens-run', async () => {
      await openFile('bilbao.surv');
      await vs.editor().locator('.view-lines').click();
      await vs.page.keyboard.press('Control+End');
      const lens = vs.editor().locator('.codelens-decoration a', { hasText: 'Simulate' }).first();
      await lens.waitFor({ state: 'visible', timeout: long });
      await lens.click();
      await vs.runCommand('Test: Show Output');
      const output = vs.page.locator('.part.panel .xterm-rows, .part.panel .xterm-accessibility-tree').first();
      // The terminal shows the end of the run's output: the last messages and the verdicts.
      // (Long lines wrap at the terminal's width: match their starts only.)
      const shown = async () => plain(await output.innerText());
      await expect.poll(shown, { timeout: long }).toMatch(/17\.000s {2}edge {2}-> desk1 {2}200 OK/);
      await expect.poll(shown, { timeout: long }).toMatch(/\nok: desk1 got 181 at 10s\s*\nok: desk1 got 302 at 10s\s*(\n|$)/);
    });
  });

  it('verifies on save, not while typing, and adds the reproducing scenario with the quick fix', async () => {
    const budget = 'post-dial delay 20s is over the budget of 15s';
    const panel = await vs.step('verify-typing', async () => {
      await openFile('relay-budget.surv');
      const problems = await vs.openProblems();
      await vs.editor().locator('.view-lines').click();
      await vs.page.keyboard.press('Control+End');
      // Typing is checked, never verified: once the check has reported the stray word,
      // there is still no verify finding; it goes again when the word does.
      await vs.page.keyboard.type('stray');
      const stray = problems.locator('.monaco-list-row', { hasText: /SURV\d{3}/ }).first();
      await stray.waitFor({ state: 'visible', timeout: long });
      expect(plain(await problems.innerText())).not.toContain(budget);
      for (let i = 0; i < 'stray'.length; i += 1) await vs.page.keyboard.press('Backspace');
      await stray.waitFor({ state: 'detached', timeout: long });
      await vs.page.keyboard.type('# edited');
      expect(plain(await problems.innerText())).not.toContain(budget);
      return problems;
    });
    await vs.step('verify-saved', async () => {
      await vs.page.keyboard.press('Control+s');
      await vs.page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached', timeout: long });
      await panel.locator('.monaco-list-row', { hasText: budget }).first().waitFor({ state: 'visible', timeout: long });
      // The same finding is drawn in the editor, on its line (6: `budget 15s`). Monaco
      // draws only the lines on screen, and the editor may have scrolled to keep the
      // end in view while the Problems panel opened (seen: lines 10-15 only), so go to
      // the top first, as a reader would. The squiggle sits in the overlay row of its
      // line: same `top` as the line itself.
      await vs.page.keyboard.press('Control+Home');
      const line = vs.editor().locator('.view-lines .view-line', { hasText: /budget\s15s/ }).first();
      await line.waitFor({ state: 'visible', timeout: long });
      const topOf = (style: string | null) => style?.match(/top:\s*(-?[\d.]+)px/)?.[1] ?? '(none)';
      const top = topOf(await line.getAttribute('style'));
      const squiggleTops = async () => (await vs.editor().locator('.view-overlays > div').filter({ has: vs.page.locator('.squiggly-warning') })
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('style')))).map(topOf);
      try {
        await expect.poll(squiggleTops, { timeout: long }).toEqual([top]);
      } catch (error) {
        const shown = plain(await panel.innerText().catch(() => '(no Problems panel)'));
        const overlays = await vs.editor().locator('.view-overlays').first().innerHTML().catch(() => '(no overlays)');
        throw new Error(`no warning squiggle on the budget line (top ${top}) while Problems shows:\n${shown}\noverlays: ${overlays.slice(0, 2000)}`, { cause: error });
      }
    });
    await vs.step('verify-quickfix', async () => {
      await vs.selectText('budget 15s');
      await vs.page.keyboard.press('ArrowRight');
      await vs.page.keyboard.press('Control+.');
      const fix = vs.page.locator('.action-widget .monaco-list-row.action', { hasText: 'Add this scenario to the file' }).first();
      await fix.waitFor({ state: 'visible', timeout: long });
      // The only fix is the first, focused entry; accept it as a person would.
      const focused = vs.page.locator('.action-widget .monaco-list-row.action.focused');
      await expect.poll(async () => plain(await focused.innerText()), { timeout: long }).toMatch(/Add this scenario to the file/);
      await vs.page.keyboard.press('Enter');
      await vs.page.locator('.action-widget').first().waitFor({ state: 'hidden', timeout: long });
      await vs.editor().locator('.view-lines').click();
      await vs.page.keyboard.press('Control+End');
      await expect.poll(async () => plain(await vs.editor().locator('.view-lines').innerText()), { timeout: long })
        .toContain('scenario "SURV081 desk calls 944000000, cloud silent, pstn down" in relay-budget {');
      // The edit drops the finding until the next save.
      await panel.locator('.monaco-list-row', { hasText: budget }).first().waitFor({ state: 'detached', timeout: long });
    });
  });
});
