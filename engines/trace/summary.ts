// The summary of a trace, bounded whatever the capture's size: counts, and the post-dial
// delays in a histogram of 1 ms buckets (exact percentiles to the millisecond, 2 minutes
// of range, a constant 480 KB) instead of a list that grows with the calls.
import type { CallKind, CallOutcome, TracedCall, TraceSummary } from './types.js';

const buckets = 120_000;

export class SummaryCounter {
  private messages = 0;
  private calls = 0;
  private readonly byKind: Record<CallKind, number> = { outbound: 0, emergency: 0, local: 0, inbound: 0, stranger: 0, register: 0, other: 0 };
  private readonly byOutcome: Record<CallOutcome, number> = { answered: 0, failed: 0, cancelled: 0, 'no-final': 0, refused: 0, 'not-a-call': 0 };
  private survival = 0;
  private readonly verdicts = { pass: 0, violation: 0, unjudged: 0 };
  private readonly pdd = new Uint32Array(buckets);
  private pddCount = 0;
  private pddMax = 0;
  private readonly notices = new Map<string, { count: number; first: string }>();

  message(): void {
    this.messages++;
  }

  notice(code: string, message: string): void {
    const known = this.notices.get(code);
    if (known) known.count++;
    // A hostile capture could invent codes; a reader's are a fixed few.
    else if (this.notices.size < 100) this.notices.set(code, { count: 1, first: message });
  }

  call(c: TracedCall): void {
    this.calls++;
    this.byKind[c.kind]++;
    this.byOutcome[c.outcome]++;
    if (c.survival) this.survival++;
    if (c.verdict) this.verdicts[c.verdict.status]++;
    const pdd = c.postDialDelayMs;
    if (pdd !== undefined) {
      const ms = Math.max(0, Math.round(pdd));
      this.pdd[Math.min(buckets - 1, ms)]!++;
      this.pddCount++;
      this.pddMax = Math.max(this.pddMax, ms);
    }
  }

  summary(): TraceSummary {
    return {
      messages: this.messages, calls: this.calls, byKind: { ...this.byKind }, byOutcome: { ...this.byOutcome },
      survivalActivations: this.survival, verdicts: { ...this.verdicts },
      postDialDelayMs: this.pddCount === 0 ? undefined : {
        p50: this.percentile(0.5), p90: this.percentile(0.9), p99: this.percentile(0.99), max: this.pddMax, count: this.pddCount,
      },
      notices: [...this.notices].map(([code, n]) => ({ code, count: n.count, first: n.first })),
    };
  }

  /** The nearest-rank percentile: the smallest delay that at least `q` of the calls had. */
  private percentile(q: number): number {
    const rank = Math.max(1, Math.ceil(q * this.pddCount));
    let seen = 0;
    for (let ms = 0; ms < buckets; ms++) {
      seen += this.pdd[ms]!;
      if (seen >= rank) return ms === buckets - 1 ? this.pddMax : ms;
    }
    return this.pddMax;
  }
}
