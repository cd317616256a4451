// The preview webview's HTML: a toolbar, a banner, the diagram area and two scripts
// (mermaid and the preview's own), under a strict Content-Security-Policy. The
// extension and the browser test build the page with this same function.
//
// The policy: nothing by default; scripts only with this page's nonce (so no inline
// handlers, no eval, nothing injected); images from the extension's media folder or
// data: URLs (the PNG export draws the SVG through a data: image); styles from the
// media folder plus 'unsafe-inline', because mermaid writes a <style> element into
// every SVG it renders and sets inline style attributes on its shapes.

export interface PreviewPage {
  /** `webview.cspSource`: the origin the webview serves local resources from. */
  readonly cspSource: string;
  /** A fresh random value per page load. */
  readonly nonce: string;
  /** `webview.asWebviewUri` of media/mermaid.min.js, media/preview.js and media/preview.css. */
  readonly mermaidUri: string;
  readonly scriptUri: string;
  readonly styleUri: string;
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Base64 or hex: anything else could break out of the policy or the attribute. */
const nonceShape = /^[A-Za-z0-9+/=_-]{16,}$/;
/**
 * CSP source expressions, space separated: a quoted keyword or a host/scheme source
 * without quotes, commas or semicolons. VS Code's cspSource is such a list, e.g.
 * `'self' https://*.vscode-cdn.net`.
 */
const sourceShape = /^(?:'[a-z-]+'|[^\s;'",]+)(?: (?:'[a-z-]+'|[^\s;'",]+))*$/;

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'unsafe-inline'`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function previewHtml(page: PreviewPage): string {
  if (!nonceShape.test(page.nonce)) throw new Error('preview: the nonce must be 16 or more base64 characters');
  if (!sourceShape.test(page.cspSource)) throw new Error(`preview: not a CSP source: ${page.cspSource}`);
  const nonce = escapeAttribute(page.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(contentSecurityPolicy(page.cspSource, page.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${escapeAttribute(page.styleUri)}">
<title>surv preview</title>
</head>
<body>
<header class="toolbar" role="toolbar" aria-label="Diagram">
  <select id="view" aria-label="Branch, design or scenario" disabled></select>
  <span class="group" aria-label="Zoom">
    <button type="button" id="zoom-out" title="Zoom out (Ctrl+wheel)" aria-label="Zoom out">&minus;</button>
    <button type="button" id="zoom-reset" title="Actual size" aria-label="Actual size">100%</button>
    <button type="button" id="zoom-in" title="Zoom in (Ctrl+wheel)" aria-label="Zoom in">+</button>
    <button type="button" id="zoom-fit" title="Fit to width">Fit</button>
  </span>
  <span class="group" aria-label="Export">
    <button type="button" id="copy" title="Copy the Mermaid source of this diagram">Copy Mermaid</button>
    <button type="button" id="save-svg" title="Save this diagram as SVG">Save SVG</button>
    <button type="button" id="save-png" title="Save this diagram as PNG">Save PNG</button>
    <button type="button" id="save-markdown" title="Save every diagram of this file as Markdown">Save Markdown</button>
  </span>
</header>
<div id="banner" role="alert" hidden></div>
<main id="viewport" tabindex="0" aria-label="Ladder diagram">
  <div id="diagram"></div>
  <p id="placeholder">Waiting for the language server&hellip;</p>
</main>
<div id="tooltip" role="tooltip" hidden></div>
<script nonce="${nonce}" src="${escapeAttribute(page.mermaidUri)}"></script>
<script nonce="${nonce}" src="${escapeAttribute(page.scriptUri)}"></script>
</body>
</html>
`;
}
