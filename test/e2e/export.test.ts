// End to end: "surv: Export Bundle..." in a real VS Code (code-server 4.100.3 in
// Debian's Chromium, set up by ./code-server.ts), from the packaged .vsix. It opens
// examples/bilbao.surv, runs the command from the palette, picks the EdgeRouter
// platform and the folder in VS Code's own dialogs, waits for the notification, shows
// the bundle in the Explorer view, and compares every file with what `surv export`
// writes for the same file. Screenshots go to test-artifacts/e2e/export/.
//
// Needs `node scripts/provision.mjs` (Chromium, code-server), `node scripts/build.mjs`
// (the CLI) and `node scripts/package.mjs` (the .vsix); anything missing fails loudly.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder } from '../support/files.js';
import { copyExamples, long, plain, root, suggestOnlyWhenAsked, useEditor } from './code-server.js';

describe('Export Bundle... in VS Code (code-server + Chromium)', () => {
  const vs = useEditor({ name: 'export', populate: copyExamples, settings: suggestOnlyWhenAsked });

  it('exports bilbao.surv for an EdgeRouter through the pickers, shows the bundle, and writes what surv export writes', async () => {
    // The workspace has no out/ folder (a fresh checkout): the dialog offers the
    // workspace folder itself, and the bundle goes into its subfolder bilbao/.
    const bundle = join(vs.workspace, 'bilbao');

    await vs.step('open-file', async () => {
      const file = vs.page.getByRole('treeitem', { name: 'bilbao.surv' });
      await file.waitFor({ state: 'visible', timeout: 120_000 });
      await file.click();
      await vs.page.locator('.tabs-container .tab.active', { hasText: 'bilbao.surv' }).waitFor({ state: 'visible' });
      await expect.poll(async () => plain(await vs.page.locator('[id="status.editor.mode"]').innerText()).trim(), { timeout: long }).toBe('surv');
    });

    await vs.step('platform', async () => {
      await vs.runCommand('surv: Export Bundle...');
      const platforms = vs.page.locator('.quick-input-widget .monaco-list-row');
      await platforms.first().waitFor({ state: 'visible', timeout: long });
      expect((await platforms.allInnerTexts()).map(plain)).toEqual([
        expect.stringMatching(/^edgeos\s*EdgeRouter \(EdgeOS\): boot hook in \/config\/scripts\/post-config\.d/),
        expect.stringMatching(/^debian\s*Debian: systemd/),
        expect.stringMatching(/^openwrt\s*OpenWrt: procd/),
      ]);
      await platforms.filter({ hasText: 'edgeos' }).first().click();
    });

    await vs.step('folder', async () => {
      // bilbao.surv has one branch: the next question is the folder, in VS Code's own
      // dialog (a path box in a browser).
      const dialog = vs.page.locator('.quick-input-widget', { hasText: 'the bundle goes into a subfolder of this folder' });
      await dialog.waitFor({ state: 'visible', timeout: long });
      const input = dialog.locator('input').first();
      await expect.poll(() => input.inputValue(), { timeout: long }).toBe(`${vs.workspace}/`);
      await vs.page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'hidden', timeout: long });
    });

    await vs.step('exported', async () => {
      const toast = vs.page.locator('.notification-toast', { hasText: `Exported bilbao (edgeos) to ${bundle}` });
      await toast.waitFor({ state: 'visible', timeout: long });
      // In a browser window the OS file manager is on another machine: not offered.
      expect((await toast.locator('.monaco-button').allInnerTexts()).map((t) => t.trim())).toEqual(['Show in Explorer View', 'Open kamailio.cfg']);
      await toast.locator('.monaco-button', { hasText: 'Show in Explorer View' }).click();
      const cfg = vs.page.getByRole('treeitem', { name: 'kamailio.cfg' });
      await cfg.waitFor({ state: 'visible', timeout: long });
      await expect.poll(() => cfg.getAttribute('aria-selected'), { timeout: long }).toBe('true');
    });

    // The same files, byte for byte, as the CLI writes for the same text.
    const cli = mkdtempSync(join(tmpdir(), 'surv-e2e-export-cli-'));
    try {
      const run = spawnSync(process.execPath, [join(root, 'bin', 'surv.cjs'), 'export', join(vs.workspace, 'bilbao.surv'), '--target', 'edgeos', '--out', join(cli, 'bilbao')], { encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const fromEditor = filesUnder(bundle);
      const fromCli = filesUnder(join(cli, 'bilbao'));
      expect([...fromEditor.keys()]).toEqual([...fromCli.keys()]);
      expect([...fromEditor.keys()]).toContain('kamailio.cfg');
      for (const [name, bytes] of fromCli) expect(fromEditor.get(name)?.equals(bytes), name).toBe(true);
    } finally {
      rmSync(cli, { recursive: true, force: true });
    }
  });
});
