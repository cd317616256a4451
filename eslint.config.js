// ESLint flat config: typescript-eslint's recommended rules, with `any` forbidden, and
// the layering of docs/architecture.md: each folder may import only the folders below
// it. A wrong import is a lint error, not a review comment.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** A relative import that climbs out of its folder into one of `folders` (top-level or engines/ siblings). */
const into = (folders, message) => ({ regex: `^(\\.\\./)+(${folders.join('|')})/`, message });
/** Node's modules that do I/O or read the clock or the process: the shells' business, never an engine's. */
const nodeIo = { regex: '^node:(fs|fs/promises|net|dgram|child_process|http|https|http2|tls|os|worker_threads|process|readline|stream|perf_hooks|timers|cluster)$', message: 'Engines are pure: no file system, network, process or clock (docs/architecture.md). Do the I/O in io/, cli/ or server/.' };
const editors = { regex: '^(vscode|vscode-languageclient.*)$', message: 'Only client/ knows VS Code.' };

/** Files, then what they may not import, then the rule entry. */
function layer(files, patterns, extra = {}) {
  return { files, rules: { 'no-restricted-imports': ['error', { patterns }], ...extra } };
}

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'client/dist/', 'bin/', '.cache/', 'test-artifacts/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  // The language core: nothing above it, no I/O but node:path's pure join.
  layer(['grammar/src/**/*.ts'], [
    into(['engines', 'io', 'cli', 'server', 'client', 'protocol'], 'grammar/ is the bottom layer: it imports no engine, shell or protocol.'),
    { regex: '^node:(?!path$)', message: 'grammar/ does no I/O (node:path only).' }, editors,
    { regex: '^vscode-', message: 'grammar/ knows nothing of LSP.' },
  ], { 'no-restricted-globals': ['error', 'process'] }),
  // Engines: pure, and each imports only the engines below it (plan < simulate < verify;
  // plan < export; plan < simulate < trace; plan, simulate, trace < diagram, present).
  ...[
    ['plan', ['simulate', 'verify', 'export', 'trace', 'diagram', 'present']],
    ['simulate', ['verify', 'export', 'trace', 'diagram', 'present']],
    ['verify', ['export', 'trace', 'diagram', 'present']],
    ['export', ['simulate', 'verify', 'trace', 'diagram', 'present']],
    ['trace', ['verify', 'export', 'diagram', 'present']],
    ['diagram', ['verify', 'export', 'present']],
    ['present', ['verify', 'export', 'diagram']],
  ].map(([engine, above]) => layer([`engines/${engine}/**/*.ts`], [
    into(['io', 'cli', 'server', 'client', 'protocol'], 'Engines import only grammar/ and the engines below them.'),
    into(above, `engines/${engine} may not import an engine above it or beside it (docs/architecture.md).`),
    nodeIo, editors, { regex: '^(vscode-|commander$|playwright-core$)', message: 'Engines know no LSP, CLI or browser.' },
  ], { 'no-restricted-globals': ['error', 'process'] })),
  // I/O below the shells: the loader, the bundle writer, the renderer, the live harness.
  layer(['io/**/*.ts'], [into(['cli', 'server', 'client', 'protocol'], 'io/ serves the shells; it imports grammar/ and engines/ only.'), editors, { regex: '^vscode-', message: 'io/ knows nothing of LSP.' }]),
  // The shells.
  layer(['cli/src/**/*.ts'], [into(['server', 'client', 'protocol'], 'The CLI imports no language server, client or protocol.'), editors, { regex: '^vscode-', message: 'The CLI knows nothing of LSP.' }]),
  layer(['server/src/**/*.ts'], [into(['cli', 'client'], 'The language server imports no CLI and no client (shared formatting lives in engines/present).'), editors]),
  // convert.ts is the one place core offsets and ranges become LSP positions.
  {
    files: ['server/src/lsp/**/*.ts'],
    ignores: ['server/src/lsp/convert.ts'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: "CallExpression[callee.property.name=/^(range|position|offset)$/][callee.object.property.name='lines']",
        message: 'Offsets become LSP positions only in lsp/convert.ts (spanToRange, offsetAt).',
      }],
    },
  },
  layer(['protocol/src/**/*.ts'], [into(['grammar', 'engines', 'io', 'cli', 'server', 'client'], 'The protocol is plain data both sides import; it imports none of them.'), editors]),
  layer(['client/src/**/*.ts', 'client/media/**/*.ts'], [into(['grammar', 'engines', 'io', 'cli', 'server'], 'The client talks to the server through protocol/ only.')]),
);
