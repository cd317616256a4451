import { posix } from 'node:path';

/**
 * Resolves the path of a `use "..."` line against the using file. Works on plain
 * paths (the CLI) and on URIs with a scheme (`file:///...` from an editor).
 */
export function resolveUse(fromUri: string, spec: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(fromUri)) return new URL(spec, fromUri).toString();
  if (spec.startsWith('/')) return posix.normalize(spec);
  return posix.normalize(posix.join(posix.dirname(fromUri), spec));
}
