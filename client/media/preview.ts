// The preview webview's script (bundled by scripts/build.mjs, target `preview`, to
// client/dist/media/preview.js). It draws the chosen view with the bundled mermaid,
// ties every message arrow to its index so a click reveals the policy line that
// caused it and a hover shows the full SIP text, and turns the toolbar's buttons into
// messages for the extension, which does the copying and saving.
//
// User text (labels, SIP text, titles, errors) only ever reaches the page as text:
// textContent, option labels, attributes. The SVG comes from mermaid in strict mode,
// is parsed by an inert DOMParser document and stripped of anything active before
// it joins the page.
import type { FromWebview, PreviewError, PreviewView, ToWebview } from '../src/preview/protocol.js';

interface Mermaid {
  initialize(config: Record<string, unknown>): void;
  render(id: string, text: string): Promise<{ svg: string }>;
}
interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare const mermaid: Mermaid;
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`preview: the page has no #${id}`);
  return found as T;
}

const picker = element<HTMLSelectElement>('view');
const banner = element<HTMLDivElement>('banner');
const viewport = element<HTMLElement>('viewport');
const diagram = element<HTMLDivElement>('diagram');
const placeholder = element<HTMLParagraphElement>('placeholder');
const tooltip = element<HTMLDivElement>('tooltip');

type Zoom = number | 'fit';
interface Saved {
  selected?: string;
  zoom?: Zoom;
  /** The document shown: VS Code hands the state back to the extension after a reload. */
  uri?: string;
}

const saved = ((): Saved => {
  const state = vscode.getState();
  if (typeof state !== 'object' || state === null) return {};
  const { selected, zoom, uri } = state as Record<string, unknown>;
  return {
    ...(typeof selected === 'string' ? { selected } : {}),
    ...(typeof uri === 'string' ? { uri } : {}),
    ...(zoom === 'fit' || (typeof zoom === 'number' && zoom > 0) ? { zoom: zoom as Zoom } : {}),
  };
})();

let uri: string | undefined;
let views: readonly PreviewView[] = [];
let selected: string | undefined = saved.selected;
let zoom: Zoom = saved.zoom ?? 'fit';
/** What is on screen: theme, view id and source. Equal key, no redraw. */
let drawnKey = '';
let drawnView: PreviewView | undefined;
let drawCount = 0;
let initializedTheme: string | undefined;
/** Finished draw passes, drawn or not: tests and the benchmark wait on it (body[data-drawn]). */
let passes = 0;
let queue: Promise<void> = Promise.resolve();

function persist(): void {
  const shown = uri ?? saved.uri;
  vscode.setState({ selected, zoom, ...(shown === undefined ? {} : { uri: shown }) } satisfies Saved);
}

function current(): PreviewView | undefined {
  return views.find((v) => v.id === selected) ?? views[0];
}

/** VS Code puts its theme kind on <body>; high contrast dark counts as dark. */
function theme(): 'dark' | 'default' {
  const classes = document.body.classList;
  return classes.contains('vscode-dark') || (classes.contains('vscode-high-contrast') && !classes.contains('vscode-high-contrast-light')) ? 'dark' : 'default';
}

function setBanner(text: string | undefined): void {
  banner.textContent = text ?? '';
  banner.hidden = text === undefined;
}

/** The server's error, shown again once a failed draw is followed by a good one. */
let serverBanner: string | undefined;

function showBanner(error: PreviewError | null, keeping: boolean): void {
  serverBanner = error ? `Line ${error.line}: ${error.message}${keeping ? ' (showing the last good diagram)' : ''}` : undefined;
  setBanner(serverBanner);
}

function showPlaceholder(text: string | undefined): void {
  placeholder.textContent = text ?? '';
  placeholder.hidden = text === undefined;
}

// ---------------------------------------------------------------------------------
// The picker: one group per branch, its design view first, then its scenarios.

function fillPicker(): void {
  const signature = JSON.stringify(views.map((v) => [v.id, v.title, v.branch]));
  if (picker.dataset['signature'] !== signature) {
    picker.dataset['signature'] = signature;
    const groups = new Map<string, HTMLOptGroupElement>();
    const children: HTMLOptGroupElement[] = [];
    for (const view of views) {
      let group = groups.get(view.branch);
      if (!group) {
        group = document.createElement('optgroup');
        group.label = `branch ${view.branch}`;
        groups.set(view.branch, group);
        children.push(group);
      }
      const option = document.createElement('option');
      option.value = view.id;
      option.textContent = view.title;
      group.append(option);
    }
    picker.replaceChildren(...children);
  }
  picker.disabled = views.length === 0;
  const view = current();
  if (view) picker.value = view.id;
}

// ---------------------------------------------------------------------------------
// Drawing.

const inertTags = new Set(['script', 'foreignobject', 'iframe', 'object', 'embed', 'img', 'image', 'a', 'animate', 'set']);

/** Mermaid's SVG, parsed where nothing runs, without any element or attribute that could. */
function inertSvg(markup: string): SVGSVGElement {
  const parsed = new DOMParser().parseFromString(markup, 'text/html');
  const svg = parsed.body.querySelector('svg');
  if (!svg) throw new Error('mermaid returned no <svg>');
  for (const node of [...svg.querySelectorAll('*')]) {
    if (inertTags.has(node.localName.toLowerCase())) {
      node.remove();
      continue;
    }
    for (const attribute of [...node.attributes]) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value.trim().toLowerCase();
      if (name.startsWith('on') || ((name === 'href' || name === 'xlink:href' || name === 'src') && !value.startsWith('#'))) {
        node.removeAttribute(attribute.name);
      }
    }
  }
  return document.importNode(svg, true);
}

/**
 * Mermaid draws each message as its label text(s) followed by one line or path of
 * class messageLine0/1; notes and boxes use other classes. So the n-th such line is
 * message n, and the label texts before it are its own.
 */
function markMessages(svg: SVGSVGElement, view: PreviewView): number {
  let index = 0;
  let labels: Element[] = [];
  for (const node of [...svg.querySelectorAll('.messageText, .messageLine0, .messageLine1')]) {
    if (node.classList.contains('messageText')) {
      labels.push(node);
      continue;
    }
    const message = view.messages[index];
    const mark = (target: Element) => target.setAttribute('data-surv-index', String(index));
    labels.forEach(mark);
    mark(node);
    // The arrow is 2 px wide: a wide transparent copy under it takes the pointer.
    const hit = node.cloneNode(false) as Element;
    for (const name of ['marker-start', 'marker-end', 'class', 'style']) hit.removeAttribute(name);
    hit.setAttribute('class', 'surv-hit');
    hit.setAttribute('tabindex', '0');
    hit.setAttribute('role', 'button');
    hit.setAttribute('aria-label', message ? message.summary : `message ${index + 1}`);
    mark(hit);
    node.before(hit);
    labels = [];
    index += 1;
  }
  return index;
}

interface Size {
  readonly width: number;
  readonly height: number;
}

function naturalSize(svg: SVGSVGElement): Size {
  const box = svg.viewBox.baseVal;
  if (box && box.width > 0 && box.height > 0) return { width: box.width, height: box.height };
  const rect = svg.getBBox();
  return { width: Math.max(1, rect.width), height: Math.max(1, rect.height) };
}

function scale(): number {
  const svg = diagram.querySelector('svg');
  if (!svg) return 1;
  if (zoom !== 'fit') return zoom;
  const available = Math.max(100, viewport.clientWidth - 32);
  return Math.min(1, available / naturalSize(svg).width);
}

function applyZoom(): void {
  const svg = diagram.querySelector('svg');
  const reset = element<HTMLButtonElement>('zoom-reset');
  if (!svg) return;
  const size = naturalSize(svg);
  const factor = scale();
  svg.style.maxWidth = 'none';
  svg.setAttribute('width', String(Math.round(size.width * factor)));
  svg.setAttribute('height', String(Math.round(size.height * factor)));
  reset.textContent = `${Math.round(factor * 100)}%`;
}

function setZoom(next: Zoom, anchor?: { x: number; y: number }): void {
  const before = scale();
  zoom = next === 'fit' ? 'fit' : Math.min(8, Math.max(0.1, next));
  persist();
  // Keep the point under the pointer where it was.
  const x = anchor ? (viewport.scrollLeft + anchor.x) / before : 0;
  const y = anchor ? (viewport.scrollTop + anchor.y) / before : 0;
  applyZoom();
  if (anchor) {
    const after = scale();
    viewport.scrollLeft = x * after - anchor.x;
    viewport.scrollTop = y * after - anchor.y;
  }
}

async function drawNow(): Promise<void> {
  const view = current();
  if (!view) {
    diagram.replaceChildren();
    drawnKey = '';
    drawnView = undefined;
    showPlaceholder(uri === undefined ? 'Waiting for the language server\u2026' : serverBanner ? 'No diagram until the error above is fixed.' : 'This file has no branch to draw.');
    return;
  }
  const key = `${theme()}\0${view.id}\0${view.mermaid}`;
  if (key === drawnKey) {
    // Same picture; the messages' texts may still be new.
    drawnView = view;
    return;
  }
  drawCount += 1;
  const id = `surv-diagram-${drawCount}`;
  if (initializedTheme !== theme()) {
    // Costs a few milliseconds: only when the theme changed.
    initializedTheme = theme();
    mermaid.initialize({
      startOnLoad: false,
      securityLevel: 'strict',
      theme: initializedTheme,
      sequence: { useMaxWidth: false },
      // mermaid's default (50,000 characters) is below a big branch's scenario ladder.
      maxTextSize: 500_000,
    });
  }
  try {
    const { svg } = await mermaid.render(id, view.mermaid);
    const drawn = inertSvg(svg);
    const count = markMessages(drawn, view);
    diagram.replaceChildren(drawn);
    drawnKey = key;
    drawnView = view;
    showPlaceholder(undefined);
    setBanner(serverBanner);
    applyZoom();
    if (count !== view.messages.length) {
      vscode.postMessage({ type: 'renderError', view: view.id, message: `the diagram has ${count} message arrows, the server listed ${view.messages.length}` });
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    vscode.postMessage({ type: 'renderError', view: view.id, message });
    setBanner(`Could not draw "${view.title}": ${message}`);
  } finally {
    // On a parse error mermaid leaves its scratch element (and an error picture) in <body>.
    for (const scratch of [document.getElementById(id), document.getElementById(`d${id}`)]) {
      if (scratch && !diagram.contains(scratch)) scratch.remove();
    }
  }
}

/** One render at a time: mermaid keeps global state while it works. */
function draw(): Promise<void> {
  const pass = () => drawNow().finally(() => {
    passes += 1;
    document.body.dataset['drawn'] = String(passes);
  });
  queue = queue.then(pass, pass);
  return queue;
}

// ---------------------------------------------------------------------------------
// Messages from the extension.

function isView(value: unknown): value is PreviewView {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['id'] === 'string' && typeof v['title'] === 'string' && typeof v['branch'] === 'string'
    && typeof v['mermaid'] === 'string' && Array.isArray(v['messages']);
}

function isError(value: unknown): value is PreviewError {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  return typeof e['message'] === 'string' && typeof e['line'] === 'number';
}

function receive(data: unknown): void {
  if (typeof data !== 'object' || data === null) return;
  const message = data as Partial<Record<keyof Extract<ToWebview, { type: 'views' }>, unknown>> & { type?: unknown; message?: unknown };
  if (message.type === 'status' && typeof message.message === 'string') {
    if (views.length === 0) showPlaceholder(message.message);
    return;
  }
  if (message.type !== 'views' || typeof message.uri !== 'string' || !Array.isArray(message.views)) return;
  const error = isError(message.error) ? message.error : null;
  const incoming = message.views.filter(isView);
  if (error && incoming.length === 0 && message.uri === uri && views.length > 0) {
    // The last good diagram stays; the banner says why it is not current.
    showBanner(error, true);
    return;
  }
  const moved = message.uri !== uri;
  uri = message.uri;
  if (moved) {
    hideTooltip();
    persist();
  }
  views = incoming;
  showBanner(error, false);
  fillPicker();
  void draw();
}

window.addEventListener('message', (event: MessageEvent<unknown>) => receive(event.data));

// ---------------------------------------------------------------------------------
// Pointer: click or Enter reveals, hover shows the SIP text, drag pans, Ctrl+wheel zooms.

function indexOf(target: EventTarget | null): number | undefined {
  const marked = target instanceof Element ? target.closest('[data-surv-index]') : null;
  if (!marked) return undefined;
  const index = Number(marked.getAttribute('data-surv-index'));
  return Number.isInteger(index) ? index : undefined;
}

function reveal(index: number): void {
  if (drawnView && index < drawnView.messages.length) vscode.postMessage({ type: 'reveal', view: drawnView.id, index });
}

function hideTooltip(): void {
  tooltip.hidden = true;
  tooltip.textContent = '';
}

function showTooltip(index: number, x: number, y: number): void {
  const message = drawnView?.messages[index];
  if (!message) return hideTooltip();
  const text = message.text ?? message.summary;
  if (tooltip.hidden || tooltip.dataset['index'] !== String(index)) {
    tooltip.textContent = text;
    tooltip.dataset['index'] = String(index);
    tooltip.hidden = false;
  }
  const margin = 12;
  const width = tooltip.offsetWidth;
  const height = tooltip.offsetHeight;
  const left = x + margin + width > window.innerWidth ? Math.max(0, x - margin - width) : x + margin;
  const top = y + margin + height > window.innerHeight ? Math.max(0, y - margin - height) : y + margin;
  tooltip.style.left = `${left}px`;
  tooltip.style.top = `${top}px`;
}

let drag: { x: number; y: number; left: number; top: number; pointer: number; moved: boolean } | undefined;
let suppressClick = false;

viewport.addEventListener('pointerdown', (event) => {
  if (event.button !== 0) return;
  drag = { x: event.clientX, y: event.clientY, left: viewport.scrollLeft, top: viewport.scrollTop, pointer: event.pointerId, moved: false };
});
viewport.addEventListener('pointermove', (event) => {
  if (drag && drag.pointer === event.pointerId) {
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) > 4) {
      drag.moved = true;
      // Captured only once it is a drag: a capture would send a plain click to the viewport.
      viewport.setPointerCapture(event.pointerId);
      viewport.classList.add('panning');
      hideTooltip();
    }
    if (drag.moved) {
      viewport.scrollLeft = drag.left - dx;
      viewport.scrollTop = drag.top - dy;
      return;
    }
  }
  const index = indexOf(event.target);
  if (index === undefined) hideTooltip();
  else showTooltip(index, event.clientX, event.clientY);
});
const endDrag = (event: PointerEvent) => {
  if (!drag || drag.pointer !== event.pointerId) return;
  suppressClick = drag.moved;
  if (viewport.hasPointerCapture(event.pointerId)) viewport.releasePointerCapture(event.pointerId);
  viewport.classList.remove('panning');
  drag = undefined;
};
viewport.addEventListener('pointerup', endDrag);
viewport.addEventListener('pointercancel', endDrag);
viewport.addEventListener('pointerleave', () => {
  if (!drag) hideTooltip();
});
viewport.addEventListener('click', (event) => {
  if (suppressClick) {
    suppressClick = false;
    return;
  }
  const index = indexOf(event.target);
  if (index !== undefined) reveal(index);
});
viewport.addEventListener('keydown', (event) => {
  const index = indexOf(event.target);
  if (index !== undefined && (event.key === 'Enter' || event.key === ' ')) {
    event.preventDefault();
    reveal(index);
  }
});
viewport.addEventListener('focusin', (event) => {
  const index = indexOf(event.target);
  if (index === undefined || !(event.target instanceof Element)) return;
  const box = event.target.getBoundingClientRect();
  showTooltip(index, box.left + box.width / 2, box.bottom);
});
viewport.addEventListener('focusout', hideTooltip);
viewport.addEventListener('wheel', (event) => {
  if (!event.ctrlKey) return;
  event.preventDefault();
  const box = viewport.getBoundingClientRect();
  setZoom(scale() * (event.deltaY < 0 ? 1.1 : 1 / 1.1), { x: event.clientX - box.left, y: event.clientY - box.top });
}, { passive: false });

new ResizeObserver(() => {
  if (zoom === 'fit') applyZoom();
}).observe(viewport);

// VS Code swaps the theme classes on <body> when the colour theme changes.
new MutationObserver(() => void draw()).observe(document.body, { attributes: true, attributeFilter: ['class'] });

// ---------------------------------------------------------------------------------
// The toolbar.

picker.addEventListener('change', () => {
  selected = picker.value;
  persist();
  hideTooltip();
  void draw();
});
element('zoom-in').addEventListener('click', () => setZoom(scale() * 1.25));
element('zoom-out').addEventListener('click', () => setZoom(scale() / 1.25));
element('zoom-reset').addEventListener('click', () => setZoom(1));
element('zoom-fit').addEventListener('click', () => setZoom('fit'));

/** The SVG on screen as a file: natural size, the editor's background, no preview-only parts. */
function exportSvg(): { markup: string; size: Size; background: string } | undefined {
  const svg = diagram.querySelector('svg');
  if (!svg) return undefined;
  const size = naturalSize(svg);
  const copy = svg.cloneNode(true) as SVGSVGElement;
  for (const hit of [...copy.querySelectorAll('.surv-hit')]) hit.remove();
  for (const marked of [...copy.querySelectorAll('[data-surv-index]')]) marked.removeAttribute('data-surv-index');
  const background = getComputedStyle(document.body).backgroundColor || 'white';
  copy.setAttribute('width', String(size.width));
  copy.setAttribute('height', String(size.height));
  copy.style.maxWidth = '';
  copy.style.backgroundColor = background;
  return { markup: new XMLSerializer().serializeToString(copy), size, background };
}

element('copy').addEventListener('click', () => {
  const view = drawnView;
  if (view) vscode.postMessage({ type: 'copy', view: view.id, mermaid: view.mermaid });
});
element('save-svg').addEventListener('click', () => {
  const view = drawnView;
  const svg = exportSvg();
  if (view && svg) vscode.postMessage({ type: 'saveSvg', view: view.id, svg: svg.markup });
});
element('save-png').addEventListener('click', () => {
  const view = drawnView;
  const svg = exportSvg();
  if (!view || !svg) return;
  void (async () => {
    try {
      vscode.postMessage({ type: 'savePng', view: view.id, dataUrl: await rasterize(svg.markup, svg.size, svg.background) });
    } catch (error) {
      vscode.postMessage({ type: 'renderError', view: view.id, message: `PNG: ${error instanceof Error ? error.message : String(error)}` });
    }
  })();
});
element('save-markdown').addEventListener('click', () => {
  if (views.length > 0) vscode.postMessage({ type: 'saveMarkdown' });
});

/** The SVG drawn onto a canvas at twice its size (sharp on high-DPI screens), as a PNG data URL. */
async function rasterize(markup: string, size: Size, background: string): Promise<string> {
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(markup)}`;
  await image.decode();
  // Browsers refuse canvases much above 16k pixels a side.
  const factor = Math.min(2, 16_000 / size.width, 16_000 / size.height);
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(size.width * factor));
  canvas.height = Math.max(1, Math.round(size.height * factor));
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D canvas');
  context.fillStyle = background;
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL('image/png');
}

fillPicker();
showPlaceholder('Waiting for the language server\u2026');
vscode.postMessage({ type: 'ready' });
