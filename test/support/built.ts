// Tests run the BUILT programs (bin/*.cjs), as users and editors do, so a bundling
// mistake (a missing module, an ESM-only import) fails a test too. This rebuilds a
// target when its bundle is missing or older than its sources.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Everything a bundle is made from: when any is newer than the bundle, it is rebuilt. */
const buildInputs = ['grammar/src', 'engines', 'io', 'cli/src', 'server/src', 'protocol/src', 'scripts/build.mjs', 'package.json', 'package-lock.json'];

function newestMtime(path: string): number {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(stats.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

function isStale(bundle: string): boolean {
  let built: number;
  try {
    built = statSync(bundle).mtimeMs;
  } catch {
    return true;
  }
  return buildInputs.some((input) => newestMtime(join(root, input)) > built);
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Builds `target` (a scripts/build.mjs target) into `bundle` when stale. Test files
 * run in parallel workers, so a lock folder (mkdir is atomic) lets one build while
 * the others wait; a lock older than a minute is left from a killed run and taken over.
 */
export async function ensureBuilt(target: string, bundle: string): Promise<void> {
  if (!isStale(bundle)) return;
  const lockDir = join(root, `out/.test-build-${target}.lock`);
  mkdirSync(dirname(lockDir), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      const lock = statSync(lockDir, { throwIfNoEntry: false });
      if (lock && Date.now() - lock.mtimeMs > 60_000) rmSync(lockDir, { recursive: true, force: true });
      await sleep(100);
      if (!isStale(bundle)) return;
    }
  }
  try {
    if (!isStale(bundle)) return;
    const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), target], { cwd: root, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`scripts/build.mjs ${target} failed:\n${build.stdout}${build.stderr}`);
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}
