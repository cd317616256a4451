// Folders compared as a whole: a bundle written two ways must hold the same files.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every file below `dir`: its path relative to `dir` (with `/`) -> its bytes, in name order. */
export function filesUnder(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string, prefix: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
      else out.set(`${prefix}${e.name}`, readFileSync(join(d, e.name)));
    }
  };
  walk(dir, '');
  return out;
}
