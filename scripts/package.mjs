#!/usr/bin/env node
// `npm run package`: the VS Code extension as a .vsix that installs with no npm
// install (everything it runs is bundled):
//
//   1. esbuild bundles client/src/extension.ts -> client/dist/extension.cjs (vscode
//      external), the language server -> client/dist/server.cjs and the diagram
//      preview's webview script -> client/dist/media/ with mermaid.min.js beside it
//      (build.mjs targets `client`, `client-server` and `preview`);
//   2. the TextMate grammar is copied to client/syntaxes/ (the package may only hold
//      files below client/);
//   3. @vscode/vsce packages client/ into out/surv-<version>.vsix; client/.vscodeignore
//      keeps only what runs;
//   4. the .vsix's file list is checked.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTarget, targets } from './build.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const clientDir = join(root, 'client');
const manifest = JSON.parse(readFileSync(join(clientDir, 'package.json'), 'utf8'));
export const vsixPath = join(root, 'out', `${manifest.name}-${manifest.version}.vsix`);

/** What the .vsix must hold, and nothing else besides vsce's own files. */
const expected = [
  'extension/dist/extension.cjs',
  'extension/dist/server.cjs',
  'extension/dist/surv-verify-worker.cjs',
  'extension/dist/media/preview.js',
  'extension/dist/media/preview.css',
  'extension/dist/media/mermaid.min.js',
  'extension/dist/media/mermaid.LICENSE.txt',
  'extension/syntaxes/surv.tmLanguage.json',
  'extension/snippets/surv.json',
  'extension/language-configuration.json',
  'extension/package.json',
  'extension/readme.md',
];
const vsceOwn = ['[Content_Types].xml', 'extension.vsixmanifest'];

function fail(message) {
  process.stderr.write(`package: ${message}\n`);
  process.exit(1);
}

async function main() {
  const started = Date.now();
  rmSync(join(clientDir, 'dist'), { recursive: true, force: true });
  for (const name of ['client', 'client-server', 'preview']) {
    const target = targets.find((t) => t.name === name);
    if (!target) fail(`build.mjs has no target ${name}`);
    await buildTarget(target);
  }
  mkdirSync(join(clientDir, 'syntaxes'), { recursive: true });
  copyFileSync(join(root, 'syntaxes', 'surv.tmLanguage.json'), join(clientDir, 'syntaxes', 'surv.tmLanguage.json'));

  mkdirSync(dirname(vsixPath), { recursive: true });
  rmSync(vsixPath, { force: true });
  const vsce = createRequire(import.meta.url).resolve('@vscode/vsce/vsce');
  const result = spawnSync(process.execPath, [
    vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license',
    '--no-update-package-json', '--out', vsixPath,
  ], { cwd: clientDir, stdio: 'inherit' });
  if (result.status !== 0) fail(`vsce package failed (exit ${result.status ?? result.signal})`);

  // Check the contents: exactly the files that run, nothing from src/ or node_modules.
  const list = spawnSync('unzip', ['-Z1', vsixPath], { encoding: 'utf8' });
  if (list.status !== 0) fail(`unzip -Z1 ${vsixPath} failed: ${list.stderr}`);
  const files = list.stdout.split('\n').filter(Boolean);
  const missing = expected.filter((f) => !files.some((g) => g.toLowerCase() === f.toLowerCase()));
  const extra = files.filter((f) => !vsceOwn.includes(f) && !expected.some((e) => e.toLowerCase() === f.toLowerCase()));
  if (missing.length > 0) fail(`the .vsix lacks ${missing.join(', ')}`);
  if (extra.length > 0) fail(`the .vsix holds unexpected files: ${extra.join(', ')}`);
  process.stdout.write(`package: ${relative(root, vsixPath)} (${files.length} files) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

main().catch((error) => {
  if (!error?.errors) console.error(error);
  process.exit(1);
});
