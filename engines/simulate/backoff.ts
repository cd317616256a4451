// The SIP retransmission back-off (RFC 3261 timers A, E and G, and tm's equivalents):
// resend after `first`, doubling each interval up to `cap`, until `giveUpMs` after the
// start. Only unreliable hops (UDP) use it.
import type { Scheduler, TimerHandle } from './scheduler.js';

export class Backoff {
  private handle: TimerHandle | undefined;
  private giveUp: TimerHandle | undefined;
  private interval: number;
  private count = 0;
  private stopped = false;
  private readonly deadline: number;

  /** `resend(n)` sends retransmission n (1, 2...); `onGiveUp` runs at `giveUpMs` unless stopped. */
  constructor(
    private readonly clock: Scheduler, first: number, private readonly cap: number, giveUpMs: number,
    private readonly resend: (n: number) => void, onGiveUp?: () => void,
  ) {
    this.interval = first;
    this.deadline = clock.now + giveUpMs;
    this.arm();
    if (onGiveUp) this.giveUp = clock.after(giveUpMs, () => { this.stop(); onGiveUp(); });
  }

  private arm(): void {
    if (this.clock.now + this.interval >= this.deadline) return;
    this.handle = this.clock.after(this.interval, () => {
      this.interval = Math.min(this.interval * 2, this.cap);
      this.resend(++this.count);
      if (!this.stopped) this.arm();
    });
  }

  /** Keeps resending every `interval` from now on (a non-INVITE after a provisional: T2). */
  slowTo(interval: number): void {
    if (this.stopped) return;
    this.clock.cancel(this.handle);
    this.interval = interval;
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    this.clock.cancel(this.handle);
    this.clock.cancel(this.giveUp);
  }
}
