// The shipped examples as fleets for the language-service tests, and a way to put
// the `<|>` cursor into one of them.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cursor } from './helper.js';

const root = (relative: string): string => fileURLToPath(new URL(`../../../${relative}`, import.meta.url));
export const read = (relative: string): string => readFileSync(root(relative), 'utf8');

/** An example file: its URI and text, and the other files of its fleet. */
export interface Example {
  readonly uri: string;
  readonly text: string;
  readonly others: Record<string, string>;
}

export function example(relative: string): Example {
  const uri = `file:///ws/${relative}`;
  const others: Record<string, string> = {};
  if (relative.startsWith('examples/petrol-stations/')) {
    for (const f of readdirSync(root('examples/petrol-stations'))) {
      const other = `examples/petrol-stations/${f}`;
      if (f.endsWith('.surv') && other !== relative) others[`file:///ws/${other}`] = read(other);
    }
  }
  return { uri, text: read(relative), others };
}

/**
 * The text with the cursor placed in it: after the `nth` occurrence of `needle`,
 * or inside it where the needle itself holds `<|>` (`'no-<|>answer 10s'`).
 */
export function at(text: string, needle: string, nth = 1): string {
  const mark = needle.indexOf(cursor);
  const plain = mark >= 0 ? needle.slice(0, mark) + needle.slice(mark + cursor.length) : needle;
  let index = -1;
  for (let i = 0; i < nth; i++) {
    index = text.indexOf(plain, index + 1);
    if (index < 0) throw new Error(`'${plain}' (occurrence ${nth}) is not in the text`);
  }
  const offset = index + (mark >= 0 ? mark : plain.length);
  return text.slice(0, offset) + cursor + text.slice(offset);
}
