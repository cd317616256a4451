// The messages between the extension and the preview webview, both ways, and the
// check every message from the webview passes before the extension acts on it. The
// webview runs mermaid on text taken from .surv files, so the extension treats what
// it posts as untrusted: a whitelist of types, indexes in range, known view ids,
// bounded sizes, and a data URL prefix for PNGs. No `vscode` import: the webview
// script bundles this file too, and tests run it as is.

/** What the webview needs of one message arrow (no source ranges: those stay in the extension). */
export interface PreviewMessage {
  readonly index: number;
  readonly summary: string;
  readonly text: string | null;
}

export interface PreviewView {
  readonly id: string;
  readonly title: string;
  readonly kind: 'design' | 'scenario' | 'observed' | 'expected';
  readonly branch: string;
  readonly mermaid: string;
  readonly messages: readonly PreviewMessage[];
}

export interface PreviewError {
  readonly message: string;
  /** One-based, as people count lines. */
  readonly line: number;
}

/** Extension -> webview. */
export type ToWebview =
  | {
      readonly type: 'views';
      readonly uri: string;
      /** The file's name, for titles and the Markdown export. */
      readonly fileName: string;
      /**
       * The diagrams to show. Empty with an `error` for the same `uri`: keep what is
       * shown (the last good diagrams) and show the banner.
       */
      readonly views: readonly PreviewView[];
      readonly error: PreviewError | null;
    }
  | { readonly type: 'status'; readonly message: string };

/** Webview -> extension. */
export type FromWebview =
  | { readonly type: 'ready' }
  | { readonly type: 'reveal'; readonly view: string; readonly index: number }
  | { readonly type: 'copy'; readonly view: string; readonly mermaid: string }
  | { readonly type: 'saveSvg'; readonly view: string; readonly svg: string }
  | { readonly type: 'savePng'; readonly view: string; readonly dataUrl: string }
  | { readonly type: 'saveMarkdown' }
  | { readonly type: 'renderError'; readonly view: string; readonly message: string };

export const pngDataUrlPrefix = 'data:image/png;base64,';

/** Bounds on what the webview may post: a ladder of a few hundred messages is far below them. */
export const limits = {
  id: 200,
  mermaid: 2_000_000,
  svg: 20_000_000,
  png: 40_000_000,
  message: 2_000,
} as const;

/** What the extension has shown, to check ids and indexes against. */
export interface Shown {
  readonly views: readonly { readonly id: string; readonly messages: readonly unknown[] }[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function boundedString(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length <= max;
}

const base64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The webview's message if it is one we accept, else undefined (the caller logs and
 * drops it). `shown` is what the extension last sent: a view id must be one of them,
 * a message index an integer in range for that view.
 */
export function parseFromWebview(value: unknown, shown: Shown): FromWebview | undefined {
  if (!isRecord(value) || typeof value['type'] !== 'string') return undefined;
  const view = value['view'];
  const known = boundedString(view, limits.id) ? shown.views.find((v) => v.id === view) : undefined;
  switch (value['type']) {
    case 'ready':
      return { type: 'ready' };
    case 'saveMarkdown':
      return shown.views.length > 0 ? { type: 'saveMarkdown' } : undefined;
    case 'reveal': {
      const index = value['index'];
      if (!known || typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= known.messages.length) return undefined;
      return { type: 'reveal', view: known.id, index };
    }
    case 'copy': {
      const mermaid = value['mermaid'];
      return known && boundedString(mermaid, limits.mermaid) ? { type: 'copy', view: known.id, mermaid } : undefined;
    }
    case 'saveSvg': {
      const svg = value['svg'];
      return known && boundedString(svg, limits.svg) && svg.startsWith('<svg') ? { type: 'saveSvg', view: known.id, svg } : undefined;
    }
    case 'savePng': {
      const dataUrl = value['dataUrl'];
      if (!known || !boundedString(dataUrl, limits.png) || !dataUrl.startsWith(pngDataUrlPrefix)) return undefined;
      const payload = dataUrl.slice(pngDataUrlPrefix.length);
      return payload.length > 0 && base64.test(payload) ? { type: 'savePng', view: known.id, dataUrl } : undefined;
    }
    case 'renderError': {
      const message = value['message'];
      return known && typeof message === 'string' ? { type: 'renderError', view: known.id, message: message.slice(0, limits.message) } : undefined;
    }
    default:
      return undefined;
  }
}
