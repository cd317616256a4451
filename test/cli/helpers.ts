// Shared by the CLI tests: they run the BUILT bin/surv.cjs, as users and editors do,
// so a bundling mistake (a missing module, an ESM-only import) fails here too.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { ensureBuilt as ensureBuiltTarget, root } from '../support/built.js';

export { root };
export const survBin = join(root, 'bin/surv.cjs');

/** Builds bin/surv.cjs when it is missing or older than its sources. */
export function ensureBuilt(): Promise<void> {
  return ensureBuiltTarget('cli', survBin);
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
