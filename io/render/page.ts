// The code that runs inside the headless page. Kept as plain JavaScript text (never a
// compiled function handed to the page), so what runs there is exactly this.
//
// Mermaid runs with securityLevel 'strict' (labels sanitised, no click handlers) and
// deterministic ids; useMaxWidth off gives the SVG its real size in pixels. The SVG is
// serialised from the DOM with XMLSerializer, so a standalone .svg file is well-formed XML.
export const PAGE_HTML = '<!doctype html><html><head><meta charset="utf-8"><style>'
  + 'html,body{margin:0;background:#fff}#diagram{display:inline-block;padding:8px;background:#fff}'
  + '</style></head><body><div id="diagram"></div></body></html>';

export const PAGE_SCRIPT = `(() => {
  mermaid.initialize({
    startOnLoad: false,
    securityLevel: 'strict',
    theme: 'default',
    deterministicIds: true,
    sequence: { useMaxWidth: false },
  });
  let count = 0;
  window.__survRender = async (text) => {
    const host = document.getElementById('diagram');
    host.textContent = '';
    count += 1;
    const { svg } = await mermaid.render('surv-diagram-' + count, text);
    host.innerHTML = svg;
    const element = host.querySelector('svg');
    return {
      svg: new XMLSerializer().serializeToString(element),
      participants: element.querySelectorAll('.actor-top').length,
      messages: element.querySelectorAll('.messageText').length,
    };
  };
})();`;

/** The page-side call for one diagram: an expression whose value is a promise. */
export function renderCall(text: string): string {
  return `window.__survRender(${JSON.stringify(text)})`;
}
