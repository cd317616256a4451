// The language server verifies in a worker thread (server/src/lsp/verify-pool.ts), so a
// save never holds hovers and completions behind a fault-space exploration. This runs
// the BUILT worker (bin/surv-verify-worker.cjs, bundled beside the server) and checks
// it answers exactly what verifyBranch answers in process, and that a broken worker
// fails its runs with a clear error instead of leaving them hanging.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../grammar/src/index.js';
import { VerifyWorker } from '../../server/src/lsp/verify-pool.js';
import { verifyBranch } from '../../engines/verify/index.js';
import { ensureServerBuilt, examplesDir, root } from './harness.js';

const workerFile = join(root, 'bin/surv-verify-worker.cjs');

function branchesOf(file: string) {
  const uri = join(examplesDir, file);
  return analyze([{ uri, text: readFileSync(uri, 'utf8') }], { symbols: false }).model.branches;
}

beforeAll(ensureServerBuilt);

describe('the verify worker thread', () => {
  it('is built beside the language server', () => {
    expect(VerifyWorker.available(workerFile)).toBe(true);
  });

  it('answers what verifyBranch answers in process (a violation, and a clean branch)', async () => {
    const worker = new VerifyWorker(workerFile, () => undefined);
    try {
      for (const branch of [...branchesOf('verify/relay-budget.surv'), ...branchesOf('critical-branch.surv')]) {
        const [inWorker, inProcess] = [await worker.verify(branch), verifyBranch(branch)];
        expect(inWorker).toEqual(inProcess);
      }
      const [budget] = branchesOf('verify/relay-budget.surv');
      expect((await worker.verify(budget!)).violations.map((v) => v.code)).toContain('SURV081');
    } finally {
      await worker.close();
    }
  });

  it('runs queued branches in order on one warm worker', async () => {
    const worker = new VerifyWorker(workerFile, () => undefined);
    try {
      const branches = branchesOf('two-head-offices.surv');
      const reports = await Promise.all(branches.map((b) => worker.verify(b)));
      expect(reports.map((r) => r.branch)).toEqual(branches.map((b) => b.name));
    } finally {
      await worker.close();
    }
  });

  it('a worker that cannot start fails the run with its error, and says so in the log', async () => {
    const logged: string[] = [];
    const worker = new VerifyWorker(join(root, 'package.json'), (m) => logged.push(m));
    const [branch] = branchesOf('bilbao.surv');
    await expect(worker.verify(branch!)).rejects.toThrow(/verify worker/);
    expect(logged.join('\n')).toMatch(/surv: verify worker (failed|exited)/);
    await worker.close();
  });
});
