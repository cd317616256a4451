// `npm run bench -- preview`: keystroke to redrawn SVG in the diagram preview, for
// examples/bilbao.surv. The pieces are the real ones: the built language server
// (bin/surv-language-server.cjs) over stdio gets a didChange and answers
// surv/diagrams; the webview's own page (client/src/preview/html.ts, the built
// client/dist/media/preview.js and the bundled mermaid) draws the answer in headless
// Chromium (Debian's, via playwright-core). Each edit changes the 181's text, so the
// design view's picture really changes and mermaid redraws it.
//
// Printed: the server's part (didChange -> answer, which simulates every scenario
// again), the webview's part (message -> SVG in the page), their sum, and the sum
// plus the preview's 150 ms debounce, which is what a person typing waits.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import {
  createProtocolConnection, DidChangeTextDocumentNotification, DidOpenTextDocumentNotification, ExitNotification,
  InitializedNotification, InitializeRequest, ShutdownRequest, StreamMessageReader, StreamMessageWriter,
} from 'vscode-languageserver-protocol/node.js';
import { previewHtml } from '../client/src/preview/html.js';
import type { ToWebview } from '../client/src/preview/protocol.js';
import { printTable, type Row, type Timing } from './measure.js';

const warmup = 5;
const iterations = 30;
const debounceMs = 150;
const targetMs = 300;
const origin = 'https://webview.surv.test';
const chromiumPath = '/usr/bin/chromium';

interface Answer {
  version: number | null;
  views: { id: string; title: string; kind: 'design' | 'scenario'; branch: string; mermaid: string; messages: { index: number; summary: string; text: string | null }[] }[];
  error?: { message: string; range: { start: { line: number } } };
}

function timing(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { median: at(0.5), p95: at(0.95), samples };
}

const ms = (t: Timing) => `${t.median.toFixed(1)} ms (p95 ${t.p95.toFixed(1)})`;

export async function runPreviewBench(): Promise<void> {
  const root = process.cwd();
  const serverBin = join(root, 'bin/surv-language-server.cjs');
  const media = join(root, 'client/dist/media');
  for (const file of [serverBin, join(media, 'preview.js'), join(media, 'mermaid.min.js'), chromiumPath]) {
    if (!existsSync(file)) throw new Error(`preview bench: ${file} is missing (npm run bench builds the first three; Chromium is Debian's chromium package)`);
  }
  const path = join(root, 'examples/bilbao.surv');
  const uri = pathToFileURL(path).toString();
  const original = readFileSync(path, 'utf8');
  const edits = [original, original.replace('Survival Activated - please standby', 'Survival Activated - please hold')];

  const child = spawn(process.execPath, [serverBin, '--stdio'], { stdio: 'pipe' });
  child.stderr.resume();
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  connection.listen();
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, workspaceFolders: null, capabilities: {}, initializationOptions: { validationDelayMs: 0 } });
    await connection.sendNotification(InitializedNotification.type, {});
    await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'surv', version: 1, text: original } });

    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const html = previewHtml({
      cspSource: `'self' ${origin}`,
      nonce: 'YmVuY2hOb25jZUJlbmNoTm9uY2U=',
      mermaidUri: `${origin}/media/mermaid.min.js`,
      scriptUri: `${origin}/media/preview.js`,
      styleUri: `${origin}/media/preview.css`,
    });
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.origin !== origin) return route.abort('blockedbyclient');
      if (url.pathname === '/index.html') return route.fulfill({ status: 200, contentType: 'text/html', body: html });
      const file = join(media, url.pathname.replace(/^\/media\//, ''));
      return route.fulfill({ status: 200, contentType: file.endsWith('.css') ? 'text/css' : 'text/javascript', body: readFileSync(file) });
    });
    await page.addInitScript(`window.acquireVsCodeApi = () => ({ postMessage() {}, getState() {}, setState() {} });`);
    await page.goto(`${origin}/index.html`);
    await page.evaluate('document.body.className = "vscode-light"');

    /** Posts the views as the extension does; resolves with the page's own time for the draw. */
    const draw = (message: ToWebview) => page.evaluate(`new Promise((done) => {
      const before = document.body.dataset.drawn;
      const started = performance.now();
      const observer = new MutationObserver(() => {
        if (document.body.dataset.drawn === before) return;
        observer.disconnect();
        done(performance.now() - started);
      });
      observer.observe(document.body, { attributes: true, attributeFilter: ['data-drawn'] });
      window.postMessage(${JSON.stringify(message)}, '*');
    })`) as Promise<number>;

    const server: number[] = [];
    const webview: number[] = [];
    const total: number[] = [];
    const pageDraw: number[] = [];
    let version = 1;
    for (let i = 0; i < warmup + iterations; i++) {
      version += 1;
      const text = edits[version % 2] as string;
      const started = performance.now();
      await connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
      const answer = await connection.sendRequest<Answer>('surv/diagrams', { uri });
      const answered = performance.now();
      if (answer.error || answer.version !== version) throw new Error(`preview bench: unexpected answer (version ${answer.version}, error ${answer.error?.message ?? 'none'})`);
      const inPage = await draw({ type: 'views', uri, fileName: 'bilbao.surv', error: null, views: answer.views });
      const drawn = performance.now();
      if (i < warmup) continue;
      server.push(answered - started);
      webview.push(drawn - answered);
      pageDraw.push(inPage);
      total.push(drawn - started);
    }
    const svgCount = await page.evaluate('document.querySelectorAll("#diagram svg .surv-hit").length') as number;
    const overall = timing(total.map((t) => t + debounceMs));
    const rows: Row[] = [
      { name: 'server: didChange -> surv/diagrams answer', value: ms(timing(server)), target: '' },
      { name: 'webview: message -> redrawn SVG (page clock)', value: ms(timing(pageDraw)), target: '' },
      { name: 'webview: message -> redrawn SVG (with CDP)', value: ms(timing(webview)), target: '' },
      { name: 'edit -> redrawn SVG', value: ms(timing(total)), target: '' },
      { name: `keystroke -> redrawn SVG (+${debounceMs} ms debounce)`, value: ms(overall), target: `< ${targetMs} ms`, ok: overall.median < targetMs },
    ];
    printTable(`Diagram preview, examples/bilbao.surv (${iterations} edits, design view of ${svgCount} messages, median and p95)`, rows);
  } finally {
    await browser.close().catch(() => undefined);
    await connection.sendRequest(ShutdownRequest.type).catch(() => undefined);
    await connection.sendNotification(ExitNotification.type).catch(() => undefined);
    connection.dispose();
    setTimeout(() => child.kill(), 1000).unref();
  }
}
