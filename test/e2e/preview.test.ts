// End to end: the ladder-diagram preview in a real VS Code (code-server 4.100.3 in
// Debian's Chromium, driven by playwright-core and set up by ./code-server.ts), from the
// packaged .vsix. It opens examples/bilbao.surv, clicks the editor title's "Open Preview
// to the Side" button, finds the diagram inside the webview (VS Code nests the page in
// two iframes), clicks a message arrow and sees the editor select the policy line that
// caused it, types an error and sees the banner over the last good diagram, undoes it,
// then reloads the window and sees the preview come back on its file and chosen view.
// Screenshots go to test-artifacts/e2e/preview/ (the diagram alone as preview.png).
//
// Needs `node scripts/provision.mjs` (Chromium, code-server) and `node scripts/package.mjs`
// (the .vsix); anything missing fails the suite loudly.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FrameLocator, Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../grammar/src/index.js';
import { diagramsFor } from '../../engines/diagram/index.js';
import { copyExamples, long, plain, root, suggestOnlyWhenAsked, useEditor } from './code-server.js';

const bilbaoText = readFileSync(join(root, 'examples', 'bilbao.surv'), 'utf8');

/** What the server will list for bilbao.surv (design view first), from the same core. */
function views() {
  const uri = pathToFileURL(join(root, 'examples', 'bilbao.surv')).toString();
  return diagramsFor(analyze([{ uri, text: bilbaoText }]).model, { uri });
}

function designView() {
  const design = views()[0];
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

describe('the diagram preview in VS Code (code-server + Chromium)', () => {
  /** Errors logged inside the preview's frames, and any policy refusal anywhere. */
  const webviewErrors: string[] = [];
  const vs = useEditor({
    name: 'preview',
    populate: copyExamples,
    settings: suggestOnlyWhenAsked,
    viewport: { width: 1600, height: 900 },
    watch: (page) => page.on('console', (message) => {
      const where = message.location().url;
      const inPreview = /\/media\/(preview|mermaid)|webview/.test(where);
      if ((message.type() === 'error' && inPreview) || /Content Security Policy/i.test(message.text())) webviewErrors.push(`${where}: ${message.text()}`);
    }),
  });

  /** The source editor, whichever group is active (the preview takes focus when it opens). */
  function editor(): Locator {
    return vs.page.locator('.editor-group-container .monaco-editor').first();
  }

  /** The preview's own page: VS Code nests it in an iframe inside the webview's iframe. */
  function preview(): FrameLocator {
    return vs.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  }

  /** Selects the first match of `text` in the editor with the Find widget and types `replacement` over it. */
  async function replaceText(text: string, replacement: string): Promise<void> {
    await editor().locator('.view-lines').click();
    await vs.page.keyboard.press('Control+f');
    const find = vs.page.locator('.editor-group-container .find-widget.visible textarea, .editor-group-container .find-widget.visible input').first();
    await find.waitFor({ state: 'visible', timeout: long });
    await find.fill(text);
    await vs.page.keyboard.press('Escape');
    // One edit, as a paste is: no half-typed states in between.
    await vs.page.keyboard.insertText(replacement);
  }

  async function selectionStatus(): Promise<string> {
    return plain(await vs.page.locator('[id="status.editor.selection"]').innerText()).trim();
  }


  it('opens the preview from the editor title, reveals a message, and keeps the last good diagram over an error', async () => {
    const design = designView();

    await vs.step('open-file', async () => {
      const file = vs.page.getByRole('treeitem', { name: 'bilbao.surv' });
      await file.waitFor({ state: 'visible', timeout: 120_000 });
      await file.click();
      await vs.page.locator('.tabs-container .tab.active', { hasText: 'bilbao.surv' }).waitFor({ state: 'visible' });
      await expect.poll(async () => (await vs.page.locator('[id="status.editor.mode"]').innerText()).trim(), { timeout: long }).toBe('surv');
    });

    await vs.step('preview-button', async () => {
      const button = vs.page.locator('.editor-group-container.active .editor-actions [aria-label^="Open Preview to the Side"]');
      await button.waitFor({ state: 'visible', timeout: long });
      await button.click();
      await vs.page.locator('.tabs-container .tab', { hasText: 'Preview bilbao.surv' }).waitFor({ state: 'visible', timeout: long });
    });

    const frame = preview();
    await vs.step('diagram', async () => {
      await frame.locator('#diagram svg .surv-hit').first().waitFor({ state: 'attached', timeout: long });
      expect(await frame.locator('#diagram svg .surv-hit').count()).toBe(design.messages.length);
      expect(await frame.locator('#view option').allTextContents()).toEqual([
        'bilbao: design', 'cloud down, desk dials out', 'cloud up, number does not exist', 'incoming PSTN call forks to the front desk',
      ]);
      expect(await frame.locator('#banner').isHidden()).toBe(true);
    });
    await vs.page.screenshot({ path: join(vs.artifacts, 'preview.png') });

    await vs.step('reveal', async () => {
      const index = design.messages.findIndex((m) => m.summary.startsWith('181 '));
      expect(index).toBeGreaterThan(0);
      const arrow = await frame.locator(`#diagram svg .messageText[data-surv-index="${index}"]`).boundingBox();
      if (!arrow) throw new Error('the 181 message is not on screen');
      await vs.page.mouse.click(arrow.x + arrow.width / 2, arrow.y + arrow.height / 2);
      const needle = 'announce 181 "Survival Activated - please standby"';
      const at = lineColumnOf(needle);
      await expect.poll(selectionStatus, { timeout: long }).toBe(`Ln ${at.line}, Col ${at.column + needle.length} (${needle.length} selected)`);
    });

    await vs.step('error-banner', async () => {
      const before = await frame.locator('#diagram').innerHTML();
      // A misspelt gateway, typed over the right one.
      await replaceText('302 to pstn', '302 to pstm');
      const banner = frame.locator('#banner');
      const line = lineColumnOf('redirect 302 to pstn').line;
      await expect.poll(() => banner.textContent(), { timeout: long }).toMatch(new RegExp(`^Line ${line}: no gateway named 'pstm'; did you mean 'pstn'\\? \\(SURV\\d{3}\\) \\(showing the last good diagram\\)$`));
      expect(await frame.locator('#diagram').innerHTML()).toBe(before);
    });

    await vs.step('fixed', async () => {
      await replaceText('302 to pstm', '302 to pstn');
      await frame.locator('#banner').waitFor({ state: 'hidden', timeout: long });
      expect(await frame.locator('#diagram svg .surv-hit').count()).toBe(design.messages.length);
    });

    await vs.step('reloaded', async () => {
      // A preview left open comes back after a reload, on its file and its chosen view,
      // even with no editor of that file open any more.
      const seed = views().find((v) => v.title === 'cloud down, desk dials out');
      if (!seed) throw new Error('bilbao.surv has no "cloud down, desk dials out" view');
      await frame.locator('#view').selectOption(seed.id);
      await expect.poll(() => frame.locator('#diagram svg .surv-hit').count(), { timeout: long }).toBe(seed.messages.length);
      await editor().locator('.view-lines').click();
      await vs.page.keyboard.press('Control+s');
      await vs.page.locator('.tabs-container .tab.dirty').waitFor({ state: 'detached', timeout: long });
      // A middle click closes a tab.
      const sourceTab = vs.page.locator('.tabs-container .tab', { hasText: /^bilbao\.surv/ });
      await sourceTab.click({ button: 'middle' });
      await sourceTab.waitFor({ state: 'detached', timeout: long });
      await vs.page.locator('.tabs-container .tab', { hasText: 'Preview bilbao.surv' }).waitFor({ state: 'visible', timeout: long });
      await vs.runCommand('Developer: Reload Window');
      await vs.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 120_000 });
      await vs.page.locator('.tabs-container .tab', { hasText: 'Preview bilbao.surv' }).waitFor({ state: 'visible', timeout: long });
      const again = preview();
      await expect.poll(() => again.locator('#diagram svg .surv-hit').count(), { timeout: long }).toBe(seed.messages.length);
      expect(await again.locator('#view').inputValue()).toBe(seed.id);
      expect(await vs.page.locator('.tabs-container .tab', { hasText: /^bilbao\.surv/ }).count()).toBe(0);
    });
    expect(webviewErrors).toEqual([]);
  });
});
