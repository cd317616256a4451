// Bundles surv's programs with esbuild, one CommonJS file each. Bundling matters for
// start-up: chevrotain's ESM entry is ~640 small files, which cost ~200 ms per start
// to resolve and load; one bundled file starts about as fast as bare Node.
//
//   node scripts/build.mjs            build every target
//   node scripts/build.mjs cli ...    build the named targets only
//
// To add a program (the language server, the VS Code client), add a target below;
// `external` lists modules supplied at run time (e.g. 'vscode' for the client).
import { build } from 'esbuild';
import { chmodSync, copyFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Source maps go here rather than beside the program, so bin/ holds only what runs. */
const mapDir = resolve(root, 'out');

/**
 * `companions`: programs the target starts itself and finds beside its own file (the
 * language server's verify worker thread), built with it so they never go stale apart.
 * @type {{ name: string, entry: string, outfile: string, executable?: boolean, external?: string[], browser?: boolean, assets?: [string, string][], companions?: { entry: string, outfile: string }[] }[]}
 */
export const targets = [
  // playwright-core (loaded only for `surv diagram --format svg|png`) and mermaid's
  // browser bundle (read from disk, never run by Node) stay in node_modules.
  { name: 'cli', entry: 'cli/src/main.ts', outfile: 'bin/surv.cjs', executable: true, external: ['playwright-core', 'mermaid'] },
  {
    name: 'server', entry: 'server/src/main-server.ts', outfile: 'bin/surv-language-server.cjs', executable: true,
    companions: [{ entry: 'server/src/lsp/verify-worker.ts', outfile: 'bin/surv-verify-worker.cjs' }],
  },
  // The VS Code extension (scripts/package.mjs makes the .vsix): its code and the
  // language server it starts over Node IPC, both bundled so the .vsix needs no npm install.
  { name: 'client', entry: 'client/src/extension.ts', outfile: 'client/dist/extension.cjs', external: ['vscode'] },
  {
    name: 'client-server', entry: 'server/src/main-server.ts', outfile: 'client/dist/server.cjs',
    companions: [{ entry: 'server/src/lsp/verify-worker.ts', outfile: 'client/dist/surv-verify-worker.cjs' }],
  },
  // The diagram preview's webview script, for the browser, with what the page loads
  // beside it: mermaid itself (bundled in the .vsix, never from a CDN) and the CSS.
  {
    name: 'preview', entry: 'client/media/preview.ts', outfile: 'client/dist/media/preview.js', browser: true,
    assets: [
      ['node_modules/mermaid/dist/mermaid.min.js', 'client/dist/media/mermaid.min.js'],
      ['node_modules/mermaid/LICENSE', 'client/dist/media/mermaid.LICENSE.txt'],
      ['client/media/preview.css', 'client/dist/media/preview.css'],
    ],
  },
];

export async function buildTarget(target) {
  const outfile = resolve(root, target.outfile);
  const result = await build({
    absWorkingDir: root,
    entryPoints: [resolve(root, target.entry)],
    outfile,
    bundle: true,
    platform: target.browser ? 'browser' : 'node',
    target: target.browser ? 'chrome120' : 'node20',
    format: target.browser ? 'iife' : 'cjs',
    minify: false,
    sourcemap: 'external',
    external: target.external ?? [],
    banner: target.executable ? { js: '#!/usr/bin/env node' } : {},
    write: false,
    logLevel: 'warning',
  });
  const code = result.outputFiles.find((f) => f.path === outfile);
  const map = result.outputFiles.find((f) => f.path === `${outfile}.map`);
  if (!code || !map) throw new Error(`esbuild gave no output for ${target.entry}`);

  const mapFile = resolve(mapDir, `${basename(outfile)}.map`);
  // The map's `sources` are relative to where esbuild meant to put it (beside the program).
  const sourceMap = JSON.parse(map.text);
  sourceMap.sources = sourceMap.sources.map((s) => toPosix(relative(mapDir, resolve(dirname(outfile), s))));
  const mapUrl = toPosix(relative(dirname(outfile), mapFile));
  writeAtomically(mapFile, JSON.stringify(sourceMap));
  writeAtomically(outfile, `${code.text}//# sourceMappingURL=${mapUrl}\n`, target.executable);
  for (const [from, to] of target.assets ?? []) copyFileSync(resolve(root, from), resolve(root, to));
  for (const companion of target.companions ?? []) await buildTarget({ name: `${target.name} companion`, ...companion });
  return outfile;
}

/**
 * Writes beside the target, then renames: a test or an editor that runs the program
 * while it is being rebuilt sees the old file or the new one, never half of one.
 */
function writeAtomically(path, text, executable = false) {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  if (executable) chmodSync(temporary, 0o755);
  renameSync(temporary, path);
}

function toPosix(path) {
  return path.split('\\').join('/');
}

async function main(names) {
  const unknown = names.filter((n) => !targets.some((t) => t.name === n));
  if (unknown.length > 0) {
    console.error(`build: unknown target ${unknown.join(', ')} (known: ${targets.map((t) => t.name).join(', ')})`);
    process.exit(2);
  }
  const chosen = names.length > 0 ? targets.filter((t) => names.includes(t.name)) : targets;
  for (const target of chosen) await buildTarget(target);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error) => {
    // esbuild has already printed its own messages for build errors.
    if (!error?.errors) console.error(error);
    process.exit(1);
  });
}
