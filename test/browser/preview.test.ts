// The diagram preview's webview, in headless Chromium (Debian's, via playwright-core):
// the page the extension builds (client/src/preview/html.ts, same function, same
// policy) with the built script (client/dist/media/preview.js) and the bundled
// mermaid. A fake webview origin stands in for VS Code's: every request to it is
// answered from client/dist/media/, any other request is refused and recorded. An
// init script stands in for VS Code's webview API: acquireVsCodeApi() returns an
// object whose postMessage records what the page posts.
//
// Beside it, the extension's side of the conversation: the check every webview
// message passes (protocol.ts) and the Markdown export (markdown.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { contentSecurityPolicy, previewHtml } from '../../client/src/preview/html.js';
import { markdownOf } from '../../client/src/preview/markdown.js';
import { parseFromWebview, type FromWebview, type PreviewView, type ToWebview } from '../../client/src/preview/protocol.js';
import { analyze } from '../../grammar/src/index.js';
import { diagramsFor } from '../../engines/diagram/index.js';
import { root } from '../support/built.js';

const chromiumPath = '/usr/bin/chromium';
const origin = 'https://webview.surv.test';
const media = join(root, 'client/dist/media');
const hostile = '<img src=x onerror=alert(1)>';

const invite = [
  'INVITE sip:944000000@pbx.example.com SIP/2.0',
  'Via: SIP/2.0/UDP 10.222.237.11:5060;branch=z9hG4bK-1',
  'From: <sip:101@10.222.237.1>;tag=1',
  'To: <sip:944000000@pbx.example.com>',
  'Call-ID: call-1@10.222.237.11',
  'CSeq: 1 INVITE',
  'Content-Length: 0',
  '',
].join('\r\n');

/** A design view: five arrows (one to itself) around a note. */
const design: PreviewView = {
  id: 'bilbao/design',
  title: 'bilbao: design',
  kind: 'design',
  branch: 'bilbao',
  mermaid: [
    'sequenceDiagram',
    '  participant desk1',
    '  participant edge',
    '  participant cloud',
    '  desk1->>edge: INVITE 944000000',
    '  Note over edge: no reply from cloud',
    '  edge->>cloud: INVITE 944000000',
    '  edge-->>desk1: 181 Survival Activated',
    '  edge->>edge: 10 s no-answer timer fires',
    '  edge-->>desk1: 302 Moved Temporarily',
    '',
  ].join('\n'),
  messages: [
    { index: 0, summary: 'INVITE 944000000', text: invite },
    { index: 1, summary: 'INVITE 944000000', text: invite.replace('10.222.237.11', '10.222.237.1') },
    { index: 2, summary: '181 Survival Activated', text: 'SIP/2.0 181 Survival Activated\r\n\r\n' },
    { index: 3, summary: '10 s no-answer timer fires', text: null },
    { index: 4, summary: '302 Moved Temporarily', text: 'SIP/2.0 302 Moved Temporarily\r\nContact: <sip:944000000@10.10.1.3>\r\n\r\n' },
  ],
};

const scenario: PreviewView = {
  id: 'bilbao/scenario/cloud up',
  title: 'cloud up, number does not exist',
  kind: 'scenario',
  branch: 'bilbao',
  mermaid: 'sequenceDiagram\n  desk1->>edge: INVITE 944999999\n  edge-->>desk1: 404 Not Found\n',
  messages: [
    { index: 0, summary: 'INVITE 944999999', text: 'INVITE sip:944999999@pbx.example.com SIP/2.0\r\n\r\n' },
    { index: 1, summary: '404 Not Found', text: 'SIP/2.0 404 Not Found\r\n\r\n' },
  ],
};

const uri = 'file:///work/examples/bilbao.surv';

function viewsMessage(views: readonly PreviewView[], error: { message: string; line: number } | null = null, at = uri): ToWebview {
  return { type: 'views', uri: at, fileName: 'bilbao.surv', views, error };
}

describe('the preview webview in Chromium', () => {
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const refused: string[] = [];
  const dialogs: string[] = [];

  async function posted(): Promise<FromWebview[]> {
    return (await page.evaluate('window.__posted')) as FromWebview[];
  }

  /** Posts as the extension does (window message events), then waits for the draw to finish. */
  async function send(message: ToWebview, draws = 1): Promise<void> {
    const before = Number(await page.evaluate('document.body.dataset.drawn ?? 0'));
    await page.evaluate(`window.postMessage(${JSON.stringify(message)}, '*')`);
    if (draws > 0) await waitFor(`Number(document.body.dataset.drawn ?? 0) >= ${before + draws}`);
  }

  /**
   * Polls an expression until it is true. (page.waitForFunction compiles a string
   * predicate with eval inside the page, which the page's policy rightly refuses.)
   */
  async function waitFor(expression: string, timeoutMs = 15_000): Promise<void> {
    await expect.poll(() => page.evaluate(expression), { timeout: timeoutMs, interval: 20 }).toBe(true);
  }

  async function lastPosted(type: FromWebview['type']): Promise<FromWebview | undefined> {
    return (await posted()).filter((m) => m.type === type).at(-1);
  }

  beforeAll(async () => {
    if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: install Debian's chromium package (node scripts/provision.mjs as root does)`);
    // The webview script is built from client/media/; always rebuild it, it takes a second.
    const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), 'preview'], { cwd: root, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`scripts/build.mjs preview failed:\n${build.stdout}${build.stderr}`);
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  });

  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    consoleErrors.length = 0;
    refused.length = 0;
    dialogs.length = 0;
    page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') consoleErrors.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const html = previewHtml({
      // Shaped like VS Code's: a keyword and a host source.
      cspSource: `'self' ${origin}`,
      nonce: 'c3VydlRlc3ROb25jZTEyMzQ1Njc4',
      mermaidUri: `${origin}/media/mermaid.min.js`,
      scriptUri: `${origin}/media/preview.js`,
      styleUri: `${origin}/media/preview.css`,
    });
    await page.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.origin !== origin) {
        refused.push(url.href);
        return route.abort('blockedbyclient');
      }
      if (url.pathname === '/index.html') return route.fulfill({ status: 200, contentType: 'text/html', body: html });
      const file = url.pathname.startsWith('/media/') ? join(media, url.pathname.slice('/media/'.length)) : '';
      if (!file || !existsSync(file)) {
        refused.push(url.href);
        return route.fulfill({ status: 404, body: '' });
      }
      const type = file.endsWith('.css') ? 'text/css' : 'text/javascript';
      return route.fulfill({ status: 200, contentType: type, body: readFileSync(file) });
    });
    // VS Code's webview host provides acquireVsCodeApi and the theme class on <body>.
    await page.addInitScript(`
      window.__posted = [];
      window.__violations = [];
      window.__state = undefined;
      document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
      window.acquireVsCodeApi = () => ({
        postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
        getState: () => window.__state,
        setState: (s) => { window.__state = s; },
      });
      new MutationObserver(() => {
        if (document.body && !document.body.className) document.body.className = 'vscode-light';
      }).observe(document, { childList: true, subtree: true });
    `);
    await page.goto(`${origin}/index.html`);
    await waitFor('window.__posted.some((m) => m.type === "ready")');
  });

  async function expectClean(): Promise<void> {
    expect(await page.evaluate('window.__violations')).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(refused).toEqual([]);
    expect(dialogs).toEqual([]);
    await page.close();
  }

  it('draws the views it is sent, with one clickable arrow per message, and a picker per branch', async () => {
    expect(await posted()).toEqual([{ type: 'ready' }]);
    await send(viewsMessage([design, scenario]));
    const svg = page.locator('#diagram svg');
    await expect(svg.count()).resolves.toBe(1);
    expect(await page.locator('#diagram svg .messageLine0, #diagram svg .messageLine1').count()).toBe(5);
    expect(await page.locator('#diagram svg .surv-hit').count()).toBe(5);
    expect(await page.locator('#diagram svg .surv-hit').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-surv-index')))).toEqual(['0', '1', '2', '3', '4']);
    // The labels belong to their arrows; the note belongs to none.
    expect(await page.locator('#diagram svg .messageText').evaluateAll((nodes) => nodes.map((n) => `${n.getAttribute('data-surv-index')}:${n.textContent}`)))
      .toEqual(['0:INVITE 944000000', '1:INVITE 944000000', '2:181 Survival Activated', '3:10 s no-answer timer fires', '4:302 Moved Temporarily']);
    expect(await page.locator('#diagram svg .noteText[data-surv-index]').count()).toBe(0);

    expect(await page.locator('#view optgroup').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('label')))).toEqual(['branch bilbao']);
    expect(await page.locator('#view option').allTextContents()).toEqual(['bilbao: design', 'cloud up, number does not exist']);
    expect(await page.locator('#view').inputValue()).toBe('bilbao/design');
    expect(await page.locator('#banner').isHidden()).toBe(true);

    await page.locator('#view').selectOption('bilbao/scenario/cloud up');
    await waitFor('document.querySelectorAll("#diagram svg .surv-hit").length === 2');
    expect(await page.locator('#diagram svg .messageText').allTextContents()).toEqual(['INVITE 944999999', '404 Not Found']);
    // The file shown is kept too: after a reload VS Code hands it to the extension.
    expect(await page.evaluate('window.__state')).toEqual({ selected: 'bilbao/scenario/cloud up', zoom: 'fit', uri });
    await expectClean();
  });

  it("draws every view of bilbao.surv from the diagram core, one arrow per message the server lists", async () => {
    const bilbaoUri = 'file:///examples/bilbao.surv';
    const { model } = analyze([{ uri: bilbaoUri, text: readFileSync(join(root, 'examples/bilbao.surv'), 'utf8') }]);
    const views: PreviewView[] = diagramsFor(model, { uri: bilbaoUri }).map((v) => ({
      id: v.id, title: v.title, kind: v.kind, branch: v.branch, mermaid: v.mermaid,
      messages: v.messages.map((m) => ({ index: m.index, summary: m.summary, text: m.text ?? null })),
    }));
    expect(views).toHaveLength(4);
    await send(viewsMessage(views, null, bilbaoUri));
    mkdirSync(join(root, 'test-artifacts/browser'), { recursive: true });
    await page.screenshot({ path: join(root, 'test-artifacts/browser/preview-bilbao-design.png'), fullPage: true });
    for (const view of views) {
      if (view !== views[0]) {
        const before = Number(await page.evaluate('document.body.dataset.drawn'));
        await page.locator('#view').selectOption(view.id);
        await waitFor(`Number(document.body.dataset.drawn) > ${before}`);
      }
      expect(await page.locator('#banner').isHidden(), view.id).toBe(true);
      expect(view.messages.length, view.id).toBeGreaterThan(0);
      expect(await page.locator('#diagram svg .surv-hit').count(), view.id).toBe(view.messages.length);
      // The i-th arrow carries the i-th label.
      const labels = await page.locator('#diagram svg .messageText').evaluateAll((nodes) => nodes.map((n) => [n.getAttribute('data-surv-index'), n.textContent]));
      expect(labels.map(([index]) => Number(index)), view.id).toEqual(view.messages.map((m) => m.index));
    }
    expect((await posted()).filter((m) => m.type === 'renderError')).toEqual([]);
    await expectClean();
  });

  it('posts a reveal for the message clicked, and shows its SIP text on hover', async () => {
    await send(viewsMessage([design, scenario]));
    // The arrow's middle, clicked as a person would (a flat line has no box to click into).
    const arrow = await page.locator('#diagram svg .messageLine0[data-surv-index="2"], #diagram svg .messageLine1[data-surv-index="2"]').boundingBox();
    if (!arrow) throw new Error('the third arrow is not on screen');
    await page.mouse.click(arrow.x + arrow.width / 2, arrow.y + arrow.height / 2);
    expect(await lastPosted('reveal')).toEqual({ type: 'reveal', view: 'bilbao/design', index: 2 });
    // The label is part of the message too.
    await page.locator('#diagram svg .messageText[data-surv-index="4"]').click();
    expect(await lastPosted('reveal')).toEqual({ type: 'reveal', view: 'bilbao/design', index: 4 });
    // Clicking between the arrows reveals nothing.
    const before = (await posted()).length;
    await page.locator('#viewport').click({ position: { x: 5, y: 5 } });
    expect((await posted()).length).toBe(before);

    await page.locator('#diagram svg .messageText[data-surv-index="0"]').hover();
    const tooltip = page.locator('#tooltip');
    await tooltip.waitFor({ state: 'visible' });
    expect(await tooltip.textContent()).toBe(invite);
    // A message without a trace text shows its summary.
    await page.locator('#diagram svg .messageText[data-surv-index="3"]').hover();
    await expect.poll(() => tooltip.textContent()).toBe('10 s no-answer timer fires');
    await page.mouse.move(2, 790);
    await tooltip.waitFor({ state: 'hidden' });
    await expectClean();
  });

  it('turns copy and the three saves into messages for the extension', async () => {
    await send(viewsMessage([design, scenario]));
    await page.locator('#copy').click();
    expect(await lastPosted('copy')).toEqual({ type: 'copy', view: 'bilbao/design', mermaid: design.mermaid });

    await page.locator('#save-svg').click();
    const svg = (await lastPosted('saveSvg')) as Extract<FromWebview, { type: 'saveSvg' }>;
    expect(svg.view).toBe('bilbao/design');
    expect(svg.svg.startsWith('<svg')).toBe(true);
    expect(svg.svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg.svg).toContain('302 Moved Temporarily');
    // Only what mermaid drew: no hit areas, no preview markers.
    expect(svg.svg).not.toContain('surv-hit');
    expect(svg.svg).not.toContain('data-surv-index');

    await page.locator('#save-png').click();
    await waitFor('window.__posted.some((m) => m.type === "savePng")');
    const png = (await lastPosted('savePng')) as Extract<FromWebview, { type: 'savePng' }>;
    expect(png.view).toBe('bilbao/design');
    expect(png.dataUrl).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    const bytes = Buffer.from(png.dataUrl.slice('data:image/png;base64,'.length), 'base64');
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // Twice the diagram's own size, for high-DPI screens.
    const viewBox = (await page.locator('#diagram svg').getAttribute('viewBox'))?.split(/\s+/).map(Number) ?? [];
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([Math.round((viewBox[2] ?? 0) * 2), Math.round((viewBox[3] ?? 0) * 2)]);

    await page.locator('#save-markdown').click();
    expect(await lastPosted('saveMarkdown')).toEqual({ type: 'saveMarkdown' });
    // What the extension accepts of these very messages.
    const shown = { views: [design, scenario] };
    for (const message of await posted()) expect(parseFromWebview(message, shown)).toEqual(message);
    await expectClean();
  });

  it('keeps the last good diagram under a banner naming the first error, and drops the banner when fixed', async () => {
    await send(viewsMessage([design, scenario]));
    const before = await page.locator('#diagram').innerHTML();
    await send(viewsMessage([], { message: "no gateway named 'pstm'; did you mean 'pstn'? (SURV010)", line: 47 }), 0);
    const banner = page.locator('#banner');
    await banner.waitFor({ state: 'visible' });
    expect(await banner.textContent()).toBe("Line 47: no gateway named 'pstm'; did you mean 'pstn'? (SURV010) (showing the last good diagram)");
    expect(await page.locator('#diagram').innerHTML()).toBe(before);
    expect(await page.locator('#view option').count()).toBe(2);
    // Clicks still refer to the diagram on screen.
    await page.locator('#diagram svg .messageText[data-surv-index="1"]').click();
    expect(await lastPosted('reveal')).toEqual({ type: 'reveal', view: 'bilbao/design', index: 1 });

    const fixed = { ...design, mermaid: design.mermaid.replace('302 Moved Temporarily', '302 Moved') };
    await send(viewsMessage([fixed, scenario]));
    await banner.waitFor({ state: 'hidden' });
    expect(await page.locator('#diagram svg .messageText').allTextContents()).toContain('302 Moved');

    // Another file with an error and nothing good yet: no diagram, the banner.
    await send(viewsMessage([], { message: 'expected }', line: 3 }, 'file:///work/examples/broken.surv'));
    expect(await page.locator('#diagram svg').count()).toBe(0);
    expect(await banner.textContent()).toBe('Line 3: expected }');
    expect(await page.locator('#placeholder').textContent()).toBe('No diagram until the error above is fixed.');
    await expectClean();
  });

  it('says so when mermaid cannot draw a view, keeps the picture it had, and leaves nothing behind', async () => {
    await send(viewsMessage([design, scenario]));
    const before = await page.locator('#diagram').innerHTML();
    const bad = { ...design, mermaid: 'sequenceDiagram\n  desk1->>: nothing\n' };
    await send(viewsMessage([bad, scenario]));
    expect(await page.locator('#banner').textContent()).toMatch(/^Could not draw "bilbao: design": /);
    expect(await page.locator('#diagram').innerHTML()).toBe(before);
    expect(await lastPosted('renderError')).toMatchObject({ type: 'renderError', view: 'bilbao/design' });
    // mermaid's scratch element and its error picture are gone.
    expect(await page.evaluate('document.body.children.length')).toBe(await page.evaluate('document.body.querySelectorAll(":scope > header, :scope > #banner, :scope > main, :scope > #tooltip, :scope > script").length'));
    await send(viewsMessage([design, scenario]));
    await page.locator('#banner').waitFor({ state: 'hidden' });
    await expectClean();
  });

  it('shows hostile labels, titles and SIP text as text and runs none of it', async () => {
    const evil: PreviewView = {
      id: `evil/${hostile}`,
      title: `design ${hostile}`,
      kind: 'design',
      branch: hostile,
      mermaid: `sequenceDiagram\n  participant a as phone ${hostile}\n  a->>b: INVITE ${hostile}\n  b-->>a: 181 ${hostile}<script>alert(2)</script>\n`,
      messages: [
        { index: 0, summary: `INVITE ${hostile}`, text: `INVITE sip:x SIP/2.0\r\nSubject: ${hostile}\r\n\r\n` },
        { index: 1, summary: '181', text: `SIP/2.0 181 ${hostile}\r\n\r\n` },
      ],
    };
    await send(viewsMessage([evil]));
    expect(await page.locator('#diagram svg .surv-hit').count()).toBe(2);
    expect(await page.locator('img, script:not([src])').count()).toBe(0);
    expect(await page.locator('#diagram svg .messageText').first().textContent()).toBe(`INVITE ${hostile}`);
    expect(await page.locator('#view option').first().textContent()).toBe(`design ${hostile}`);
    expect(await page.locator('#view optgroup').first().getAttribute('label')).toBe(`branch ${hostile}`);
    await page.locator('#diagram svg .messageText[data-surv-index="0"]').hover();
    await page.locator('#tooltip').waitFor({ state: 'visible' });
    expect(await page.locator('#tooltip').textContent()).toBe(`INVITE sip:x SIP/2.0\r\nSubject: ${hostile}\r\n\r\n`);
    expect(await page.locator('#tooltip *').count()).toBe(0);
    await send(viewsMessage([], { message: `unexpected ${hostile}`, line: 1 }), 0);
    await page.locator('#banner').waitFor({ state: 'visible' });
    expect(await page.locator('#banner').textContent()).toContain(`unexpected ${hostile}`);
    expect(await page.locator('#banner *').count()).toBe(0);
    await page.waitForTimeout(200);
    expect(await page.evaluate('[...document.querySelectorAll("*")].filter((n) => [...n.attributes].some((a) => a.name.startsWith("on"))).length')).toBe(0);
    await expectClean();
  });

  it('follows the colour theme, and zooms', async () => {
    await send(viewsMessage([design]));
    const style = () => page.locator('#diagram svg style').first().textContent();
    const light = await style();
    const drawn = Number(await page.evaluate('document.body.dataset.drawn'));
    await page.evaluate('document.body.className = "vscode-dark"');
    await waitFor(`Number(document.body.dataset.drawn) === ${drawn + 1}`);
    const dark = await style();
    expect(dark).not.toBe(light);
    // mermaid's dark theme draws actors on a dark fill.
    expect(dark).toMatch(/\.actor\{stroke:[^;]+;fill:#1f2020/);
    expect(light).toMatch(/\.actor\{stroke:[^;]+;fill:#ECECFF/);

    const width = async () => Number(await page.locator('#diagram svg').getAttribute('width'));
    const natural = Number((await page.locator('#diagram svg').getAttribute('viewBox'))?.split(/\s+/)[2]);
    await page.locator('#zoom-reset').click();
    expect(await width()).toBe(Math.round(natural));
    await page.locator('#zoom-in').click();
    expect(await width()).toBe(Math.round(natural * 1.25));
    expect(await page.locator('#zoom-reset').textContent()).toBe('125%');
    await page.locator('#zoom-out').click();
    await page.locator('#zoom-out').click();
    expect(await width()).toBe(Math.round(natural * 0.8));
    expect(await page.evaluate('window.__state')).toEqual({ selected: undefined, zoom: 0.8, uri });
    await expectClean();
  });
});

describe('the preview page', () => {
  const page = { cspSource: "'self' https://*.vscode-cdn.net", nonce: 'c3VydlRlc3ROb25jZTEyMzQ1Njc4', mermaidUri: 'https://x.test/m.js', scriptUri: 'https://x.test/p.js', styleUri: 'https://x.test/p.css' };

  it('has the strict policy, and no script but the two with its nonce', () => {
    expect(contentSecurityPolicy(page.cspSource, page.nonce)).toBe(
      "default-src 'none'; img-src 'self' https://*.vscode-cdn.net data:; style-src 'self' https://*.vscode-cdn.net 'unsafe-inline'; script-src 'nonce-c3VydlRlc3ROb25jZTEyMzQ1Njc4'");
    const html = previewHtml(page);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(page.cspSource, page.nonce).replace(/'/g, '&#39;')}">`);
    expect(html.match(/<script[^>]*>/g)).toEqual([
      '<script nonce="c3VydlRlc3ROb25jZTEyMzQ1Njc4" src="https://x.test/m.js">',
      '<script nonce="c3VydlRlc3ROb25jZTEyMzQ1Njc4" src="https://x.test/p.js">',
    ]);
    expect(html).not.toMatch(/\son[a-z]+=/);
  });

  it('refuses a source list or nonce that would change the policy', () => {
    expect(() => previewHtml({ ...page, cspSource: "https://x.test; script-src 'unsafe-inline'" })).toThrow('not a CSP source');
    expect(() => previewHtml({ ...page, cspSource: 'https://x.test,https://y.test' })).toThrow('not a CSP source');
    expect(() => previewHtml({ ...page, nonce: "abc' 'unsafe-eval" })).toThrow('nonce');
    expect(() => previewHtml({ ...page, nonce: 'short' })).toThrow('nonce');
  });
});

describe("the extension's check of webview messages", () => {
  const shown = { views: [design, scenario] };
  const png = `data:image/png;base64,${Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('base64')}`;

  it('accepts the messages the webview sends', () => {
    expect(parseFromWebview({ type: 'ready' }, shown)).toEqual({ type: 'ready' });
    expect(parseFromWebview({ type: 'reveal', view: 'bilbao/design', index: 3 }, shown)).toEqual({ type: 'reveal', view: 'bilbao/design', index: 3 });
    expect(parseFromWebview({ type: 'savePng', view: 'bilbao/design', dataUrl: png }, shown)).toEqual({ type: 'savePng', view: 'bilbao/design', dataUrl: png });
    expect(parseFromWebview({ type: 'renderError', view: 'bilbao/design', message: 'x'.repeat(5000) }, shown))
      .toEqual({ type: 'renderError', view: 'bilbao/design', message: 'x'.repeat(2000) });
  });

  it('drops anything else', () => {
    const bad: unknown[] = [
      null, 'reveal', [], { type: 'openExternal', url: 'https://example.com' }, { type: 'constructor' }, { type: 'toString' },
      { type: 'reveal', view: 'bilbao/design', index: 5 },
      { type: 'reveal', view: 'bilbao/design', index: -1 },
      { type: 'reveal', view: 'bilbao/design', index: 1.5 },
      { type: 'reveal', view: 'bilbao/design', index: '2' },
      { type: 'reveal', view: 'other', index: 0 },
      { type: 'reveal', index: 0 },
      { type: 'copy', view: 'bilbao/design' },
      { type: 'saveSvg', view: 'bilbao/design', svg: '<?xml version="1.0"?><svg/>' },
      { type: 'saveSvg', view: 'bilbao/design', svg: '<html><svg/></html>' },
      { type: 'savePng', view: 'bilbao/design', dataUrl: 'data:image/svg+xml;base64,PHN2Zy8+' },
      { type: 'savePng', view: 'bilbao/design', dataUrl: 'data:image/png;base64,' },
      { type: 'savePng', view: 'bilbao/design', dataUrl: 'data:image/png;base64,iVBOR<script>' },
      { type: 'savePng', view: 'bilbao/design', dataUrl: 'https://example.com/x.png' },
    ];
    for (const message of bad) expect(parseFromWebview(message, shown), JSON.stringify(message)).toBeUndefined();
    // Nothing shown yet: nothing to reveal or save.
    expect(parseFromWebview({ type: 'saveMarkdown' }, { views: [] })).toBeUndefined();
    expect(parseFromWebview({ type: 'reveal', view: 'bilbao/design', index: 0 }, { views: [] })).toBeUndefined();
  });

  it('saves Markdown with one mermaid block per view, fenced so the source cannot close it', () => {
    const tricky: PreviewView = { ...scenario, title: '# not a heading\nsecond line', mermaid: 'sequenceDiagram\n  a->>b: ```` fence\n' };
    expect(markdownOf('bilbao.surv', [design, tricky])).toBe([
      '# Ladder diagrams of bilbao.surv',
      '',
      '## bilbao: design',
      '',
      '```mermaid',
      design.mermaid.trimEnd(),
      '```',
      '',
      '## \\# not a heading second line',
      '',
      '`````mermaid',
      'sequenceDiagram',
      '  a->>b: ```` fence',
      '`````',
      '',
    ].join('\n'));
  });
});
