// The README's first command runs the whole job on the flagship design; this keeps the
// README and scripts/flagship.mjs honest with each other.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { root } from '../support/built.js';
import { ensureBuilt } from './helpers.js';

beforeAll(ensureBuilt);

describe('the README\'s two commands', () => {
  it('are npm ci && npm run flagship, then npm test', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const block = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(block.split('\n').filter(Boolean).map((l) => l.replace(/\s+#.*$/, ''))).toEqual(['npm ci && npm run flagship', 'npm test']);
  });

  it('flagship checks, simulates, verifies, draws and exports examples/bilbao.surv', () => {
    const out = join(root, 'out', 'flagship');
    rmSync(out, { recursive: true, force: true });
    const run = spawnSync(process.execPath, [join(root, 'scripts', 'flagship.mjs')], { cwd: root, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.split('\n').filter((l) => l.startsWith('== '))).toEqual([
      '== surv check examples/bilbao.surv',
      '== surv simulate examples/bilbao.surv',
      '== surv verify examples/bilbao.surv',
      '== surv diagram examples/bilbao.surv --format md --out out/flagship/bilbao.md',
      '== surv export examples/bilbao.surv --target edgeos --out out/flagship/bilbao-edgeos --archive',
    ]);
    expect(run.stdout).toContain('3 scenarios, 4 expectations: 4 passed, 0 failed');
    expect(readFileSync(join(out, 'bilbao.md'), 'utf8').match(/^```mermaid$/gm)).toHaveLength(4);
    for (const f of ['kamailio.cfg', 'install.sh', 'manifest.json']) expect(existsSync(join(out, 'bilbao-edgeos', f)), f).toBe(true);
    expect(existsSync(join(out, 'bilbao-edgeos.tar.gz'))).toBe(true);
  });
});
