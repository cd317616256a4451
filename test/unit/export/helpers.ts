// Helpers for the exporter suite: analyse .surv text in memory and build its bundle.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze, type Branch } from '../../../grammar/src/index.js';
import { buildBundle, Sources, type Bundle, type Target } from '../../../engines/export/index.js';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface Analysed {
  readonly branches: readonly Branch[];
  readonly sources: Sources;
}

/** Analyses files (uri -> text); an error diagnostic throws. */
export function analyseTexts(files: Readonly<Record<string, string>>, rootDir = '.'): Analysed {
  const a = analyze(Object.entries(files).map(([uri, text]) => ({ uri, text })), { symbols: false });
  const errors = a.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(errors.map((d) => `${d.uri}:${d.range.start.line + 1}: ${d.message}`).join('\n'));
  const sources = new Sources(new Map([...a.files].map(([uri, f]) => [uri, { text: f.text, lines: f.lines }])), rootDir);
  return { branches: a.model.branches, sources };
}

/** The bundle of the only (or the named) branch of `text`, as `test.surv`. */
export function bundleOf(text: string, target: Target = 'debian', branch?: string): Bundle {
  const a = analyseTexts({ 'test.surv': text });
  const b = branch === undefined ? a.branches[0] : a.branches.find((x) => x.name === branch);
  if (!b) throw new Error('no branch');
  return buildBundle(b, a.sources, { target, toolVersion: '9.9.9' });
}

export function fileOf(bundle: Bundle, path: string): string {
  const f = bundle.files.find((x) => x.path === path);
  if (!f) throw new Error(`no ${path} in the bundle: ${bundle.files.map((x) => x.path).join(', ')}`);
  return f.content;
}

export function cfgOf(text: string, target: Target = 'debian'): string {
  return fileOf(bundleOf(text, target), 'kamailio.cfg');
}

/** The lines of a cfg that are code (comments and blank lines dropped), trimmed. */
export function code(cfg: string): string[] {
  return cfg.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

/** The body of `route[NAME]` (or any block head given), up to its closing brace at column 0. */
export function block(cfg: string, head: string): string {
  const start = cfg.indexOf(`\n${head} {\n`);
  if (start < 0) throw new Error(`no block ${head}`);
  const end = cfg.indexOf('\n}\n', start + 1);
  return cfg.slice(start + 1, end + 2);
}

export function example(path: string): string {
  return readFileSync(resolve(root, path), 'utf8');
}

/** A plain, clean branch to vary: `extra` goes inside the branch block. */
export function plain(extra = '', outbound = 'on timeout { announce 181 "Survival Activated - please standby"  redirect 302 to pstn }'): string {
  return `branch plain {
  edge listen udp 10.1.0.1:5060
  lan 10.1.0.0/24
  gateway pstn { address 10.1.0.3  kind bri  channels 2 }
  upstream cloud { proxy sip:pbx.example.com:5060 }
  phone desk 100 at 10.1.0.10
  phone desk2 101 at 10.1.0.11
  register { forward cloud with path }
  outbound from lan via cloud {
    ${outbound}
  }
  inbound from pstn { ring desk }
${extra}}
`;
}
