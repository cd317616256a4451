// Shared by the navigation, symbol, structure and semantic-token tests: the example
// fleets as URI -> text, a cursor put on a piece of text, and locations written
// compactly as `file:line:char-line:char` (zero-based, as LSP counts).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Location, Range } from 'vscode-languageserver-types';
import { cursor, prepare, type Prepared } from './helper.js';

const examples = join(dirname(fileURLToPath(import.meta.url)), '../../../examples');

export type Files = Record<string, string>;

/** One example file as a one-file fleet, under `file:///ex/NAME`. */
export function example(name: string): Files {
  return { [`file:///ex/${name}`]: readFileSync(join(examples, name), 'utf8') };
}

/** The petrol-station fleet (profile.surv and every station), under `file:///fleet/`. */
export function petrolFleet(): Files {
  const dir = join(examples, 'petrol-stations');
  const files: Files = {};
  for (const name of readdirSync(dir).sort()) files[`file:///fleet/${name}`] = readFileSync(join(dir, name), 'utf8');
  return files;
}

/** The URI of a fleet file by its base name. */
export function uriOf(files: Files, base: string): string {
  const uri = Object.keys(files).find((u) => u.endsWith(`/${base}`));
  if (!uri) throw new Error(`no file ${base} in the fleet`);
  return uri;
}

/**
 * Prepares `base` of the fleet with the cursor where `<|>` stands in `marked`, a
 * piece of that file's text (its first occurrence).
 */
export function cursorIn(files: Files, base: string, marked: string): Prepared {
  const uri = uriOf(files, base);
  const text = files[uri] as string;
  const plain = marked.replace(cursor, '');
  const at = text.indexOf(plain);
  if (at < 0 || !marked.includes(cursor)) throw new Error(`'${plain}' is not in ${base} (or has no ${cursor})`);
  const withCursor = text.slice(0, at) + marked + text.slice(at + plain.length);
  const others = Object.fromEntries(Object.entries(files).filter(([u]) => u !== uri));
  return prepare(withCursor, others, uri);
}

export function rangeText(range: Range): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}

/** `station-01.surv:6:10-6:14`. */
export function loc(location: Location): string {
  return `${location.uri.slice(location.uri.lastIndexOf('/') + 1)}:${rangeText(location.range)}`;
}

/** The text a range covers in `text`. */
export function slice(text: string, range: Range): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) =>
    lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return text.slice(offset(range.start), offset(range.end));
}
