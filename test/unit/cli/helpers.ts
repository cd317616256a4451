// Shared by the CLI tests: they run the BUILT bin/surv.cjs, as users and editors do,
// so a bundling mistake (a missing module, an ESM-only import) fails here too.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const survBin = join(root, 'bin/surv.cjs');

/** Everything the bundle is made from: when any is newer than bin/surv.cjs, it is rebuilt. */
const buildInputs = ['grammar/src', 'server/src', 'scripts/build.mjs', 'package.json', 'package-lock.json'];
const lockDir = join(root, 'out/.cli-test-build.lock');

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

function isStale(): boolean {
  let built: number;
  try {
    built = statSync(survBin).mtimeMs;
  } catch {
    return true;
  }
  return buildInputs.some((input) => newestMtime(join(root, input)) > built);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Builds bin/surv.cjs when it is missing or older than its sources. Test files run in
 * parallel workers, so a lock folder (mkdir is atomic) lets one build while the others
 * wait; a lock older than a minute is left over from a killed run and is taken over.
 */
export async function ensureBuilt(): Promise<void> {
  if (!isStale()) return;
  mkdirSync(dirname(lockDir), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      const lock = statSync(lockDir, { throwIfNoEntry: false });
      if (lock && Date.now() - lock.mtimeMs > 60_000) rmSync(lockDir, { recursive: true, force: true });
      await sleep(100);
      if (!isStale()) return;
    }
  }
  try {
    if (!isStale()) return;
    const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), 'cli'], { cwd: root, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`scripts/build.mjs failed:\n${build.stdout}${build.stderr}`);
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

export interface SurvRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `surv ARGS` in `cwd` (paths in the output are relative to it). */
export function surv(args: readonly string[], cwd: string = root): SurvRun {
  const result = spawnSync(process.execPath, [survBin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, SURV_DEBUG: '' } });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Lines of output, without the final newline. */
export function lines(text: string): string[] {
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

/** A temporary folder holding `files` (path -> text); removed by `cleanup`. */
export function fixture(files: Readonly<Record<string, string>>): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'surv-cli-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A complete, clean branch; `n` picks a LAN (10.n.0.0/24) so several can share a fleet. */
export function cleanBranch(name: string, n: number, extra = ''): string {
  return `branch ${name} {
  edge listen udp 10.${n}.0.1:5060
  lan 10.${n}.0.0/24
  gateway pstn { address 10.${n}.0.3  kind bri  channels 2 }
  upstream cloud { proxy sip:pbx.example.com:5060 }
  phone desk 100 at 10.${n}.0.10
  register { forward cloud with path }
  outbound from lan via cloud {
    on timeout { redirect 302 to pstn }
  }
  inbound from pstn { ring desk }${extra}
}
`;
}

/** Two errors, on lines 6 and 10: a duration without a unit and a misspelt gateway. */
export const twoErrors = `branch beta {
  edge listen udp 10.2.0.1:5060
  lan 10.2.0.0/24
  gateway pstn { address 10.2.0.3  kind bri  channels 2 }
  upstream cloud { proxy sip:pbx.example.com:5060 }
  timers { no-answer 10 }
  phone desk 100 at 10.2.0.10
  register { forward cloud with path }
  outbound from lan via cloud {
    on timeout { redirect 302 to psnt }
  }
  inbound from pstn { ring desk }
}
`;

/** One warning only (SURV059, line 7): REGISTER forwarded without Path. */
export const warningOnly = cleanBranch('gamma', 3).replace('forward cloud with path', 'forward cloud');
