// Runs verifyBranch in one long-lived worker thread (verify-worker.ts), so a save never
// stalls the language server's answers. One worker, kept warm: a verify after the
// first runs on JIT-compiled simulator code, several times faster than a cold one.
// Models are plain data, so they cross to the worker by structured clone.
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { Branch } from '../../../grammar/src/index.js';
import type { VerifyOptions, VerifyReport } from '../../../engines/verify/index.js';
import type { VerifyFunction } from './verify-on-save.js';
import type { VerifyJob, VerifyResult } from './verify-worker.js';

interface Pending {
  readonly resolve: (report: VerifyReport) => void;
  readonly reject: (error: Error) => void;
}

export class VerifyWorker {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private next = 0;

  /** `file`: the bundled worker (scripts/build.mjs writes it beside the server). */
  constructor(private readonly file: string, private readonly log: (message: string) => void) {}

  static available(file: string): boolean {
    return existsSync(file);
  }

  readonly verify: VerifyFunction = (branch: Branch, options?: VerifyOptions) => new Promise<VerifyReport>((resolve, reject) => {
    const id = ++this.next;
    this.pending.set(id, { resolve, reject });
    const job: VerifyJob = { id, branch, options };
    this.start().postMessage(job);
  });

  /** Stops the worker; pending runs fail. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new Error('verify worker stopped'));
    await worker?.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.file);
    // The server must be able to exit with the worker idle.
    worker.unref();
    worker.on('message', (result: VerifyResult) => {
      const waiting = this.pending.get(result.id);
      if (!waiting) return;
      this.pending.delete(result.id);
      if ('error' in result) waiting.reject(new Error(`verify worker: ${result.error}`));
      else waiting.resolve(result.report);
    });
    // A crashed worker fails what it held; the next verify starts a fresh one.
    const lost = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.log(`surv: verify worker ${why}; it restarts on the next save`);
      this.failAll(new Error(`verify worker ${why}`));
    };
    worker.on('error', (error) => lost(`failed: ${error.message}`));
    worker.on('exit', (code) => lost(`exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}
