// End to end: a capture beside a design in a real VS Code (code-server 4.100.3 in
// Debian's Chromium, set up by ./code-server.ts), from the packaged .vsix. The workspace
// holds a design and a capture of two calls through its edge (test/support/trace-calls.ts):
// opening calls.pcap from the Explorer shows the capture's page and lists the calls in
// the Capture Calls view with their verdict icons; a click on a call shows its ladder
// in the preview; a click on a finding puts the editor on the design line it cites.
// Screenshots go to test-artifacts/e2e/capture/.
//
// Needs `node scripts/provision.mjs` (Chromium, code-server) and `node scripts/package.mjs`
// (the .vsix); anything missing fails the suite loudly.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { traceDesign, traceHep, tracePcap } from '../support/trace-calls.js';
import { long, plain, useEditor } from './code-server.js';

/** One-based line and column of `needle` in the design, as VS Code's status bar shows them. */
function lineColumnOf(needle: string): { line: number; column: number } {
  const at = traceDesign.indexOf(needle);
  if (at < 0) throw new Error(`"${needle}" is not in the design`);
  const before = traceDesign.slice(0, at).split('\n');
  return { line: before.length, column: (before.at(-1) ?? '').length + 1 };
}

describe('a capture beside a design in VS Code (code-server + Chromium)', () => {
  const vs = useEditor({
    name: 'capture',
    populate: (workspace) => {
      writeFileSync(join(workspace, 'trace.surv'), traceDesign);
      writeFileSync(join(workspace, 'calls.pcap'), tracePcap());
      writeFileSync(join(workspace, 'siptrace.hep'), traceHep());
      writeFileSync(join(workspace, 'notes.pcap'), 'INVITE sip:evil <b>not</b> a capture\n');
    },
    viewport: { width: 1600, height: 900 },
  });

  /** The page of the webview that holds `selector` (VS Code nests each page in two iframes). */
  async function webview(selector: string): Promise<FrameLocator> {
    let found: FrameLocator | undefined;
    await expect.poll(async () => {
      const frames = vs.page.locator('iframe.webview.ready');
      const count = await frames.count();
      for (let i = 0; i < count; i++) {
        const page = vs.page.frameLocator(`iframe.webview.ready >> nth=${i}`).frameLocator('#active-frame');
        if ((await page.locator(selector).count()) > 0) {
          found = page;
          return true;
        }
      }
      return false;
    }, { timeout: long }).toBe(true);
    if (!found) throw new Error(`no webview holds ${selector}`);
    return found;
  }

  /** A row of the Capture Calls view. */
  function row(label: string): Locator {
    return vs.page.locator('.pane-body .monaco-list-row', { hasText: label }).first();
  }

  async function selectionStatus(): Promise<string> {
    return plain(await vs.page.locator('[id="status.editor.selection"]').innerText()).trim();
  }

  it('lists the calls of a capture, draws a call\'s ladder, and opens the design line of a violation', async () => {
    await vs.step('open-capture', async () => {
      // The extension's views are known once its manifest is read: before, a click opens the text editor.
      await vs.page.locator('.pane-header', { hasText: /capture calls/i }).waitFor({ state: 'visible', timeout: 120_000 });
      const file = vs.page.getByRole('treeitem', { name: 'calls.pcap' });
      await file.waitFor({ state: 'visible', timeout: 120_000 });
      await file.click();
      await vs.page.locator('.tabs-container .tab.active', { hasText: 'calls.pcap' }).waitFor({ state: 'visible', timeout: long });
    });

    await vs.step('call-list', async () => {
      const never = row('#1 outbound desk1 \u2192 944000001');
      const diverted = row('#2 outbound desk1 \u2192 944000002');
      await never.waitFor({ state: 'visible', timeout: long });
      await diverted.waitFor({ state: 'visible', timeout: long });
      expect(plain(await never.locator('.label-description').innerText())).toBe('failed 408, pdd 2.002 s');
      expect(plain(await diverted.locator('.label-description').innerText())).toBe('answered 200, pdd 2.002 s');
      expect(await never.locator('.codicon-error').count()).toBe(1);
      expect(await diverted.locator('.codicon-pass').count()).toBe(1);
      const page = await webview('h1');
      expect(await page.locator('h1').innerText()).toBe('calls.pcap');
      expect(await page.locator('p').first().innerText()).toBe('calls.pcap: 2 calls (1 pass, 1 violation, 0 unjudged)');
    });

    await vs.step('ladder', async () => {
      await row('#1 outbound desk1').click();
      await vs.page.locator('.tabs-container .tab', { hasText: 'Preview calls.pcap: call 1' }).waitFor({ state: 'visible', timeout: long });
      const preview = await webview('#diagram');
      await preview.locator('#diagram svg .surv-hit').first().waitFor({ state: 'attached', timeout: long });
      await expect.poll(async () => (await preview.locator('#diagram svg .messageText').allTextContents()).some((t) => t.includes('408 Request Timeout')), { timeout: long }).toBe(true);
      expect(await preview.locator('#view option').allTextContents()).toEqual(['call 1: as captured', 'call 1: as designed']);
    });

    await vs.step('finding', async () => {
      const call = row('#1 outbound desk1');
      // The twistie expands the call without running its command again.
      await call.locator('.monaco-tl-twistie').click();
      const finding = row('SURV090 survival-on-silence');
      await finding.waitFor({ state: 'visible', timeout: long });
      expect(await finding.locator('.codicon-error').count()).toBe(1);
      await finding.click();
      await vs.page.locator('.tabs-container .tab.active', { hasText: 'trace.surv' }).waitFor({ state: 'visible', timeout: long });
      const at = lineColumnOf('2s  ringing');
      await expect.poll(selectionStatus, { timeout: long }).toBe(`Ln ${at.line}, Col ${at.column + 2} (2 selected)`);
    });
  });

  it('opens a HEP file with surv: Open Capture...', async () => {
    await vs.step('open-command', async () => {
      await vs.runCommand('surv: Open Capture...');
      // code-server's file dialog is a quick input that takes a path.
      const input = vs.page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: long });
      // The dialog lists the workspace folder once it has read it; a click on a file there
      // opens it (typing the path and Enter raced the dialog's own refresh of the box).
      const item = vs.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'siptrace.hep' });
      await item.waitFor({ state: 'visible', timeout: long });
      await item.click();
      await vs.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: long });
    });

    await vs.step('hep-calls', async () => {
      await vs.page.locator('.pane-header', { hasText: /capture calls: siptrace\.hep/i }).waitFor({ state: 'visible', timeout: long });
      await expect.poll(async () => plain(await vs.page.locator('.pane-body', { hasText: 'siptrace.hep: 2 calls' }).first().innerText()), { timeout: long })
        .toContain('siptrace.hep: 2 calls (1 pass, 1 violation, 0 unjudged)');
      // The summary line and the rows are drawn separately: wait for each row's icon.
      await expect.poll(() => row('#1 outbound desk1 \u2192 944000001').locator('.codicon-error').count(), { timeout: long }).toBe(1);
      await expect.poll(() => row('#2 outbound desk1 \u2192 944000002').locator('.codicon-pass').count(), { timeout: long }).toBe(1);
    });
  });

  it('says why a file named .pcap is not a capture, without its content', async () => {
    const path = join(vs.workspace, 'notes.pcap');
    const error = `${path}: not a capture (it starts with 49 4e 56 49, not a pcap, pcapng or HEP header)`;
    await vs.step('not-a-capture', async () => {
      await vs.page.getByRole('treeitem', { name: 'notes.pcap' }).click();
      await vs.page.locator('.tabs-container .tab.active', { hasText: 'notes.pcap' }).waitFor({ state: 'visible', timeout: long });
      const page = await webview('h1:text-is("notes.pcap")');
      await expect.poll(() => page.locator('p').first().innerText(), { timeout: long }).toBe(`surv could not read this capture: ${error}`);
      await vs.page.locator('.pane-body', { hasText: `notes.pcap: ${error}` }).first().waitFor({ state: 'visible', timeout: long });
      // The view no longer names the capture it listed before.
      expect(plain(await vs.page.locator('.pane-header', { hasText: /capture calls/i }).innerText()).trim()).toMatch(/^capture calls$/i);
      expect(await page.locator('body').innerText()).not.toContain('evil');
      expect(await vs.page.locator('.monaco-list-row', { hasText: '#1 outbound' }).count()).toBe(0);
    });
  });
});
