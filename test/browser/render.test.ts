// Renders every shipped diagram in headless Chromium (Debian's /usr/bin/chromium) with
// the Mermaid bundle from node_modules, and checks what came out; then renders hostile
// labels and checks they stayed text and ran nothing. Without Chromium every test here
// fails: install it with `apt-get install -y chromium`.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { diagramsFor, escapeLabel, type DiagramView } from '../../engines/diagram/index.js';
import { scenarioDiagram } from '../../engines/diagram/scenario.js';
import { DEFAULT_CHROMIUM, openRenderer, type Renderer } from '../../io/render/index.js';
import { simulate, type SimulationResult, type TraceEntry } from '../../engines/simulate/index.js';
import { exampleFiles, participantsOf, viewsOf } from '../unit/diagram/helpers.js';
import { HOSTILE, hostileModel } from '../unit/diagram/hostile.js';

let renderer: Renderer;
/** SURV_CHROMIUM, as for the CLI: set it to a wrong path to see these tests fail. */
const chromium = process.env['SURV_CHROMIUM'] || DEFAULT_CHROMIUM;

let missing: Error | undefined;

beforeAll(async () => {
  if (!existsSync(chromium)) missing = new Error(`${chromium} is missing: these tests need Chromium (apt-get install -y chromium)`);
  else renderer = await openRenderer({ chromiumPath: chromium });
});

// Each test fails on its own (a failing beforeAll would report them as skipped).
beforeEach(() => {
  if (missing) throw missing;
});

afterAll(async () => {
  await renderer?.close();
});

const shipped: DiagramView[] = exampleFiles().flatMap((file) => viewsOf(file, true));

/** The text content of every <text> element of an SVG, entities decoded. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([\s\S]*?)<\/text>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n))).replace(/&amp;/g, '&'));
}

describe('every shipped diagram renders', () => {
  it.each(shipped.map((v) => [v.id, v] as const))('%s', async (_, view) => {
    const out = await renderer.svg(view.mermaid);
    expect(out.svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(out.participants).toBe(participantsOf(view.mermaid).length);
    expect(out.messages).toBe(view.messages.length);
    expect(renderer.problems).toEqual([]);
  });

  it('draws each message label as written (autonumber on: one number per message)', async () => {
    const view = shipped.find((v) => v.id === 'scenario:bilbao:cloud down, desk dials out')!;
    const shown = texts((await renderer.svg(view.mermaid)).svg);
    for (const m of view.messages) expect(shown).toContain(m.summary);
    expect(shown).toContain(String(view.messages.length));
    expect(shown).toContain('302 Moved Temporarily → sip:944000000@10.10.1.3 (10.000s)');
  });
});

describe('hostile labels stay text', () => {
  const views = diagramsFor(hostileModel());

  it.each(views.map((v) => [v.id.slice(0, 40), v] as const))('%s', async (_, view) => {
    const out = await renderer.svg(view.mermaid);
    // Give an <img onerror> (had one been made) time to fail and fire.
    await new Promise((done) => setTimeout(done, 300));
    expect(await renderer.evaluate('window.__pwned')).toBeUndefined();
    expect(await renderer.evaluate('document.querySelectorAll("#diagram img, #diagram script, #diagram foreignObject").length')).toBe(0);
    expect(out.messages).toBe(view.messages.length);
    expect(out.participants).toBe(participantsOf(view.mermaid).length);
    expect(out.svg).not.toMatch(/<img|<script|onerror="/i);
    // The %%{init}%% directive did not switch to the dark theme: actors keep the default fill.
    expect(out.svg).toContain('fill:#ECECFF');
    expect(renderer.problems).toEqual([]);
  });

  it('the checks can fail: the same text unescaped switches the theme and adds a message', async () => {
    const label = '%%{init: {"theme":"dark"}}%% x; a->>b: injected';
    const raw = await renderer.svg(`sequenceDiagram\n  a->>b: ${label}\n`);
    expect([raw.svg.includes('fill:#ECECFF'), raw.messages]).toEqual([false, 2]);
    const escaped = await renderer.svg(`sequenceDiagram\n  a->>b: ${escapeLabel(label)}\n`);
    expect([escaped.svg.includes('fill:#ECECFF'), escaped.messages]).toEqual([true, 1]);
    expect(texts(escaped.svg)).toContain(label);
  });

  it('shows the hostile text itself, line break as ↵', async () => {
    const scenario = views.find((v) => v.kind === 'scenario' && v.title.startsWith('<img'))!;
    const shown = texts((await renderer.svg(scenario.mermaid)).svg);
    expect(shown).toContain(`hostile: ${HOSTILE}↵b`);
    expect(shown).toContain(`181 ${HOSTILE} (2.000s)`);
    const design = texts((await renderer.svg(views[0]!.mermaid)).svg);
    expect(design).toEqual(expect.arrayContaining(['end', 'note', 'x', 'par', 'box (bri)', `181 ${HOSTILE}`]));
  });

  it('a lost message to a participant named x is a cross, and the count holds', async () => {
    const model = hostileModel();
    const branch = model.branches[0]!;
    const scenario = model.scenarios[1]!;
    const real = simulate(branch, scenario);
    const trace = real.trace.map((t) => (t.to === 'x' ? { ...t, lost: true } as TraceEntry : t));
    const built = scenarioDiagram(branch, scenario, { ...real, trace } as SimulationResult, false);
    expect(built.mermaid).toMatch(/edge-xx: ✗ INVITE 103/);
    const out = await renderer.svg(built.mermaid);
    expect(out.messages).toBe(trace.length);
    expect(renderer.problems).toEqual([]);
  });
});

describe('png', () => {
  it('is a PNG of the diagram', async () => {
    const png = await renderer.png(shipped[0]!.mermaid);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.length).toBeGreaterThan(10_000);
  });
});
