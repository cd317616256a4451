// End to end: the packaged .vsix in a real VS Code (code-server 4.100.3, VS Code
// 1.100.3, with a Node extension host) driven through Debian's Chromium with
// playwright-core (set up by ./code-server.ts). It opens a copy of examples/ and works
// as a person would: open a file from the Explorer, read the language mode, type an
// error and find it in the Problems panel, accept a completion, apply a quick fix.
// Screenshots go to test-artifacts/e2e/vscode/.
//
// Needs: `node scripts/provision.mjs` (Chromium, code-server) and
// `node scripts/package.mjs` (the .vsix); `npm test` and `npm run test:e2e` run both
// first. Anything missing fails the suite loudly: it is never skipped.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyExamples, long, plain, suggestOnlyWhenAsked, useEditor } from './code-server.js';

describe('the surv extension in VS Code (code-server + Chromium)', () => {
  const vs = useEditor({
    name: 'vscode',
    populate: copyExamples,
    settings: suggestOnlyWhenAsked,
  });

  /**
   * The visible lines of the active editor, top to bottom. Monaco reuses line nodes,
   * so their DOM order is not the screen order: sort by their `top`.
   */
  async function editorText(): Promise<string> {
    const lines = await vs.editor().locator('.view-lines .view-line').evaluateAll((nodes) =>
      nodes.map((node) => ({ top: Number.parseFloat(node.getAttribute('style')?.match(/top:\s*(-?[\d.]+)px/)?.[1] ?? '0'), text: node.textContent ?? '' })));
    return plain(lines.sort((a, b) => a.top - b.top).map((line) => line.text).join('\n'));
  }

  /** Back to bilbao.surv as on disk, whatever an earlier test left behind. */
  async function revertFile(): Promise<void> {
    for (let i = 0; i < 3; i += 1) await vs.page.keyboard.press('Escape');
    await vs.editor().locator('.view-lines').click();
    if (await vs.page.locator('.tabs-container .tab.active.dirty').count()) {
      await vs.runCommand('File: Revert File');
      await vs.page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached', timeout: long });
    }
    await expect.poll(() => readFileSync(join(vs.workspace, 'bilbao.surv'), 'utf8'), { timeout: 1_000 }).toContain('redirect 302 to pstn');
  }


  it('opens bilbao.surv from the Explorer in the surv language mode', async () => {
    await vs.step('explorer', async () => {
      const file = vs.page.getByRole('treeitem', { name: 'bilbao.surv' });
      await file.waitFor({ state: 'visible', timeout: 120_000 });
      await file.click();
      await vs.page.locator('.tabs-container .tab.active', { hasText: 'bilbao.surv' }).waitFor({ state: 'visible' });
      await expect.poll(() => editorText(), { timeout: long }).toContain('branch bilbao');
    });
    await vs.step('language-mode', async () => {
      const mode = vs.page.locator('[id="status.editor.mode"]');
      await expect.poll(async () => plain(await mode.innerText()).trim(), { timeout: long }).toBe('surv');
      // The grammar is in: keywords get a TextMate token colour of their own.
      const keyword = vs.editor().locator('.view-line span span', { hasText: /^branch$/ }).first();
      const comment = vs.editor().locator('.view-line span span', { hasText: /^#\sbilbao\.surv/ }).first();
      const [keywordClass, commentClass] = [await keyword.getAttribute('class'), await comment.getAttribute('class')];
      expect(keywordClass).toMatch(/mtk\d+/);
      expect(keywordClass).not.toBe(commentClass);
    });
    await vs.step('output-channel', async () => {
      // The extension's commands are there, and its log channel shows the server starting.
      await vs.runCommand('surv: Show Output');
      const log = vs.page.locator('.part.panel .monaco-editor .view-lines').first();
      await expect.poll(async () => plain(await log.innerText()), { timeout: long }).toMatch(/\[info\] language server started/);
      await vs.runCommand('surv: Restart Language Server');
      await expect.poll(async () => plain(await log.innerText()).match(/language server started/g)?.length ?? 0, { timeout: long }).toBe(2);
    });
  });

  it('shows an error typed into the file in the Problems panel, and clears it when fixed', async () => {
    await revertFile();
    const panel = await vs.step('problems-empty', async () => {
      const problems = await vs.openProblems();
      // The server is up when the workspace's files were checked: examples/broken has errors.
      await expect.poll(async () => plain(await problems.innerText()), { timeout: long }).toMatch(/SURV\d{3}/);
      await expect.poll(async () => plain(await problems.innerText()), { timeout: long }).not.toMatch(/bilbao\.surv/);
      return problems;
    });
    await vs.step('redirect-404', async () => {
      await vs.selectText('redirect 302');
      await vs.page.keyboard.type('redirect 404');
      await expect.poll(() => editorText(), { timeout: long }).toContain('redirect 404 to pstn');
      const row = panel.locator('.monaco-list-row', { hasText: 'a redirect must be a 3xx reply, not 404' });
      await row.first().waitFor({ state: 'visible', timeout: long });
      await expect.poll(async () => plain(await panel.innerText()), { timeout: long }).toMatch(/bilbao\.surv/);
      // The squiggle is in the editor too.
      await vs.editor().locator('.squiggly-error').first().waitFor({ state: 'visible', timeout: long });
    });
    await vs.step('redirect-fixed', async () => {
      await vs.selectText('redirect 404');
      await vs.page.keyboard.type('redirect 302');
      await expect.poll(() => editorText(), { timeout: long }).toContain('redirect 302 to pstn');
      await panel.locator('.monaco-list-row', { hasText: 'a redirect must be a 3xx reply' }).first().waitFor({ state: 'detached', timeout: long });
    });
  });

  it('completes a keyword from the language server', async () => {
    await revertFile();
    await vs.step('completion-list', async () => {
      await vs.selectText('lan 10.222.237.0/24');
      await vs.page.keyboard.press('End');
      await vs.page.keyboard.press('Enter');
      await vs.page.keyboard.type('pho');
      await vs.page.keyboard.press('Control+Space');
      const widget = vs.page.locator('.editor-widget.suggest-widget.visible');
      await widget.waitFor({ state: 'visible', timeout: long });
      await widget.locator('.monaco-list-row', { hasText: 'phone' }).first().waitFor({ state: 'visible', timeout: long });
    });
    await vs.step('completion-accepted', async () => {
      await expect.poll(async () => plain(await vs.page.locator('.editor-widget.suggest-widget.visible .monaco-list-row.focused').innerText()), { timeout: long }).toMatch(/^phone/);
      await vs.page.keyboard.press('Enter');
      await vs.page.locator('.editor-widget.suggest-widget.visible').waitFor({ state: 'hidden', timeout: long });
      await expect.poll(() => editorText(), { timeout: long }).toMatch(/lan 10\.222\.237\.0\/24\n\s*phone\b/);
    });
  });

  it('fixes a misspelt name with the quick fix it suggests', async () => {
    await revertFile();
    const panel = await vs.openProblems();
    await vs.step('quickfix-error', async () => {
      await vs.selectText('302 to pstn');
      await vs.page.keyboard.type('302 to pstm');
      await panel.locator('.monaco-list-row', { hasText: "no gateway named 'pstm'; did you mean 'pstn'?" }).first().waitFor({ state: 'visible', timeout: long });
      await vs.page.keyboard.press('ArrowLeft');
    });
    await vs.step('quickfix-menu', async () => {
      await vs.page.keyboard.press('Control+.');
      const action = vs.page.locator('.action-widget .monaco-list-row.action', { hasText: /pstn/ }).first();
      await action.waitFor({ state: 'visible', timeout: long });
    });
    await vs.step('quickfix-applied', async () => {
      // The preferred fix is the first, focused entry; accept it as a person would.
      const focused = vs.page.locator('.action-widget .monaco-list-row.action.focused');
      await expect.poll(async () => plain(await focused.innerText()), { timeout: long }).toMatch(/pstn/);
      await vs.page.keyboard.press('Enter');
      await vs.page.locator('.action-widget').first().waitFor({ state: 'hidden', timeout: long });
      await expect.poll(() => editorText(), { timeout: long }).toContain('redirect 302 to pstn');
      await panel.locator('.monaco-list-row', { hasText: "no gateway named 'pstm'" }).first().waitFor({ state: 'detached', timeout: long });
    });
  });
});
