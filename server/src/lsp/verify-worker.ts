// The worker thread that runs `surv verify` for the language server (verify-pool.ts):
// exploring a branch's fault space takes 0.2-1 s, which on the server's own thread
// would hold every hover and completion behind it. Bundled on its own by
// scripts/build.mjs, beside the server bundle.
import { parentPort } from 'node:worker_threads';
import type { Branch } from '../../../grammar/src/index.js';
import { verifyBranch, type VerifyOptions } from '../../../engines/verify/index.js';

export interface VerifyJob {
  readonly id: number;
  readonly branch: Branch;
  readonly options: VerifyOptions | undefined;
}

export type VerifyResult =
  | { readonly id: number; readonly report: ReturnType<typeof verifyBranch> }
  | { readonly id: number; readonly error: string };

parentPort?.on('message', (job: VerifyJob) => {
  let result: VerifyResult;
  try {
    result = { id: job.id, report: verifyBranch(job.branch, job.options) };
  } catch (error) {
    result = { id: job.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  parentPort?.postMessage(result);
});
