// `surv diagram FILE`: the ladder diagrams of a .surv file (docs/diagrams.md) as
// Mermaid source, a Markdown page, or SVG/PNG rendered in headless Chromium.
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { Option, type Command } from 'commander';
import { analyze } from '../../grammar/src/index.js';
import { diagramsFor, escapeMarkdown, type DiagramView } from '../../engines/diagram/index.js';
import { DEFAULT_CHROMIUM, openRenderer, RenderError } from '../../io/render/index.js';
import { CliError, exit } from './errors.js';
import { formatSummary, formatText } from './format-text.js';
import type { CommandContext } from './io.js';
import { terminalText } from './terminal-text.js';
import { loadFiles, normalisePath } from './load.js';

export const diagramFormats = ['mmd', 'md', 'svg', 'png'] as const;
export type DiagramFormat = (typeof diagramFormats)[number];

export interface DiagramOptions {
  readonly scenario?: string;
  readonly design?: boolean;
  readonly format?: DiagramFormat;
  readonly out?: string;
  readonly autonumber?: boolean;
}

export function registerDiagram(program: Command, context: CommandContext): void {
  program
    .command('diagram')
    .summary('draw ladder diagrams of a .surv file (Mermaid, Markdown, SVG, PNG)')
    .description(
      'Draw ladder diagrams: a design view of each branch (normal and survival paths) and a '
      + 'simulated view of each scenario. mmd and md need no browser; svg and png are rendered in '
      + 'headless Chromium (/usr/bin/chromium, or SURV_CHROMIUM). The format defaults to the '
      + "extension of --out, else md. Several diagrams as mmd, svg or png need --out DIR (one file each).\n\n"
      + 'Exit status: 0 drawn, 1 the file has errors, 2 usage, I/O error or no browser.',
    )
    .argument('<file>', '.surv file')
    .option('-s, --scenario <name>', 'only the scenario with this title')
    .option('-d, --design', 'only the design views')
    .addOption(new Option('-f, --format <format>', 'output format').choices(diagramFormats))
    .option('-o, --out <path>', 'write to this file, or to this folder one file per diagram')
    .option('-n, --autonumber', 'number the messages')
    .action(async (file: string, options: DiagramOptions) => {
      context.exitCode = await runDiagram(file, options, context);
    });
}

export async function runDiagram(file: string, options: DiagramOptions, context: CommandContext): Promise<number> {
  const loaded = loadFiles([file]);
  const { model, diagnostics } = analyze(loaded.sources, { parsed: loaded.parsed, symbols: false });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    context.stderr(formatText(errors));
    context.stderr(formatSummary(errors, loaded.sources.length));
    return exit.findings;
  }
  const uri = statSync(file).isDirectory() ? undefined : normalisePath(file);
  const views = select(diagramsFor(model, { autonumber: options.autonumber ?? false, ...(uri === undefined ? {} : { uri }) }), options, file);
  const format = options.format ?? formatOf(options.out) ?? 'md';
  if (format === 'md') {
    emit(context, options.out, join(options.out ?? '.', `${basename(file, extname(file))}.md`), markdown(views, file));
    return exit.ok;
  }
  const single = views.length === 1 ? views[0] : undefined;
  if (!single && options.out === undefined) {
    throw new CliError(`${views.length} diagrams in '${file}': pick one with --scenario NAME or --design, or give --out DIR for one file each`);
  }
  if (format === 'mmd') {
    writeAll(context, views, options.out, 'mmd', (v) => v.mermaid);
    return exit.ok;
  }
  if (format === 'png' && options.out === undefined) throw new CliError('png is binary: give --out FILE or --out DIR');
  const renderer = await openRenderer({ chromiumPath: process.env['SURV_CHROMIUM'] || DEFAULT_CHROMIUM }).catch((error: unknown) => {
    throw error instanceof RenderError ? new CliError(`cannot render ${format}: ${error.message}`) : error;
  });
  try {
    const rendered = new Map<DiagramView, string | Uint8Array>();
    for (const view of views) {
      try {
        rendered.set(view, format === 'svg' ? `${(await renderer.svg(view.mermaid)).svg}\n` : await renderer.png(view.mermaid));
      } catch (error) {
        throw error instanceof RenderError ? new CliError(`cannot render '${view.title}': ${error.message}`) : error;
      }
    }
    for (const problem of renderer.problems) context.stderr(`surv: warning: while rendering: ${terminalText(problem)}\n`);
    writeAll(context, views, options.out, format, (v) => rendered.get(v)!);
  } finally {
    await renderer.close();
  }
  return exit.ok;
}

function select(views: readonly DiagramView[], options: DiagramOptions, file: string): DiagramView[] {
  if (views.length === 0) throw new CliError(`'${file}' has no branch or scenario to draw`);
  if (options.scenario === undefined && !options.design) return [...views];
  const chosen = views.filter((v) => (options.design && v.kind === 'design') || (v.kind === 'scenario' && v.title === options.scenario));
  if (options.scenario !== undefined && !chosen.some((v) => v.kind === 'scenario')) {
    const titles = views.filter((v) => v.kind === 'scenario').map((v) => JSON.stringify(v.title));
    throw new CliError(`no scenario ${JSON.stringify(options.scenario)} in '${file}'${titles.length ? `; its scenarios: ${titles.join(', ')}` : ''}`);
  }
  return chosen;
}

function formatOf(out: string | undefined): DiagramFormat | undefined {
  const ext = out === undefined ? '' : extname(out).slice(1).toLowerCase();
  return (diagramFormats as readonly string[]).includes(ext) ? (ext as DiagramFormat) : undefined;
}

/** A Markdown page: a heading and a fenced mermaid block per diagram. */
export function markdown(views: readonly DiagramView[], file: string): string {
  const parts = [`# Ladder diagrams of ${escapeMarkdown(file)}\n`];
  for (const v of views) {
    const heading = v.kind === 'design' ? `Design of branch ${escapeMarkdown(v.branch)}` : `Scenario: ${escapeMarkdown(v.title)} (branch ${escapeMarkdown(v.branch)})`;
    parts.push(`## ${heading}\n\n\`\`\`mermaid\n${v.mermaid}\`\`\`\n`);
  }
  return parts.join('\n');
}

/** File names for the views: `BRANCH.design`, `BRANCH.TITLE-SLUG`, each unique. */
export function fileNames(views: readonly DiagramView[]): Map<DiagramView, string> {
  const names = new Map<DiagramView, string>();
  const used = new Set<string>();
  for (const v of views) {
    const slug = v.kind === 'design' ? 'design' : (v.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'scenario');
    const base = `${v.branch.replace(/[^A-Za-z0-9_-]+/g, '-')}.${slug}`;
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
    used.add(name);
    names.set(v, name);
  }
  return names;
}

/** One view to stdout or `out`; several into the folder `out`, created if missing. */
function writeAll(context: CommandContext, views: readonly DiagramView[], out: string | undefined, ext: string, content: (v: DiagramView) => string | Uint8Array): void {
  const names = fileNames(views);
  const only = views.length === 1 ? views[0]! : undefined;
  if (only && (out === undefined || !isDirectory(out))) {
    emit(context, out, out ?? '', content(only));
    return;
  }
  const dir = out!;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new CliError(`cannot create folder '${dir}': ${(error as Error).message}`);
  }
  for (const v of views) write(context, join(dir, `${names.get(v)!}.${ext}`), content(v));
}

function emit(context: CommandContext, out: string | undefined, path: string, content: string | Uint8Array): void {
  if (out === undefined) {
    context.stdout(typeof content === 'string' ? content : Buffer.from(content).toString('latin1'));
    return;
  }
  write(context, isDirectory(out) ? path : out, content);
}

function write(context: CommandContext, path: string, content: string | Uint8Array): void {
  try {
    // `--out docs/ladders/bilbao.md` in a fresh checkout: make the folders, as export does.
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  } catch (error) {
    throw new CliError(`cannot write '${path}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  context.stderr(`wrote ${terminalText(path)}\n`);
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}
