// Renders Mermaid source to SVG or PNG in headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core; never a downloaded browser), with the Mermaid bundle from
// node_modules (never a CDN; the page may load nothing from the network). The CLI
// loads this only for `--format svg|png`, so other commands do not pay for the browser.
import { existsSync } from 'node:fs';
import { PAGE_HTML, PAGE_SCRIPT, renderCall } from './page.js';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

export type RenderProblem = 'no-chromium' | 'no-playwright' | 'mermaid';

/** Why a diagram could not be rendered; `problem` tells the missing browser from a bad diagram. */
export class RenderError extends Error {
  constructor(message: string, readonly problem: RenderProblem) {
    super(message);
    this.name = 'RenderError';
  }
}

export interface RenderedSvg {
  /** The SVG document (XML). */
  readonly svg: string;
  /** Participant boxes and message labels Mermaid drew: a cheap check of what came out. */
  readonly participants: number;
  readonly messages: number;
}

export interface Renderer {
  svg(source: string): Promise<RenderedSvg>;
  /** A PNG of the diagram at twice its CSS size. */
  png(source: string): Promise<Uint8Array>;
  /** Console errors, uncaught page errors and dialogs seen so far (there should be none). */
  readonly problems: readonly string[];
  /** Evaluates a JavaScript expression in the page (tests check that a label ran no script). */
  evaluate(expression: string): Promise<unknown>;
  close(): Promise<void>;
}

export interface RendererOptions {
  /** Default /usr/bin/chromium. */
  readonly chromiumPath?: string;
}

export function missingChromiumMessage(path: string): string {
  return `Chromium not found at ${path}; svg and png need it. Install it with \`apt-get install -y chromium\` `
    + '(or point SURV_CHROMIUM at a Chromium binary), or use --format mmd or md, which need no browser';
}

/** The Mermaid bundle shipped in node_modules. */
export function mermaidScriptPath(): string {
  return require.resolve('mermaid/dist/mermaid.min.js');
}

/** Starts Chromium with a page that has Mermaid loaded; reuse it for many diagrams, then close it. */
export async function openRenderer(options: RendererOptions = {}): Promise<Renderer> {
  const chromiumPath = options.chromiumPath ?? DEFAULT_CHROMIUM;
  if (!existsSync(chromiumPath)) throw new RenderError(missingChromiumMessage(chromiumPath), 'no-chromium');
  let playwright: typeof import('playwright-core');
  try {
    playwright = await import('playwright-core');
  } catch {
    throw new RenderError('playwright-core is not installed (run npm install in the surv folder); svg and png need it', 'no-playwright');
  }
  const browser = await playwright.chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  }).catch((error: unknown) => {
    throw new RenderError(`cannot start Chromium at ${chromiumPath}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, 'no-chromium');
  });
  try {
    const context = await browser.newContext({ deviceScaleFactor: 2, javaScriptEnabled: true });
    // Nothing is fetched: Mermaid comes from node_modules and a label can load no image.
    await context.route('**/*', (route) => route.abort());
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.type()} ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.setContent(PAGE_HTML);
    await page.addScriptTag({ path: mermaidScriptPath() });
    await page.addScriptTag({ content: PAGE_SCRIPT });

    const svg = async (source: string): Promise<RenderedSvg> => {
      try {
        return (await page.evaluate(renderCall(source))) as RenderedSvg;
      } catch (error) {
        const message = error instanceof Error ? error.message.replace(/^page\.evaluate: (Error: )?/, '').split('\n')[0] : String(error);
        throw new RenderError(`Mermaid could not render the diagram: ${message}`, 'mermaid');
      }
    };
    return {
      svg,
      async png(source: string): Promise<Uint8Array> {
        await svg(source);
        return page.locator('#diagram').screenshot({ type: 'png' });
      },
      problems,
      evaluate: (expression: string) => page.evaluate(expression),
      close: () => browser.close(),
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
