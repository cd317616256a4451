// The simulator's scheduler driven by the wall clock: every event still runs in the
// scheduler's order (time, then insertion), but only once its time has really come.
// The simulator's actors therefore keep their exact decision logic and timers while
// they talk to a real Kamailio.
import { performance } from 'node:perf_hooks';
import { Scheduler, type TimerHandle } from '../../engines/simulate/scheduler.js';

export class LiveClock extends Scheduler {
  private origin = performance.now();
  private readonly pending = new Set<NodeJS.Timeout>();
  private stopped = false;

  /** Real milliseconds since `begin` (fractional). */
  elapsed(): number {
    return performance.now() - this.origin;
  }

  /** Time 0 of the scenario is now, or `origin` (a `performance.now()` value) if given. */
  begin(origin = performance.now()): void {
    this.origin = origin;
  }

  override at(time: number, run: () => void): TimerHandle {
    const handle = super.at(time, run);
    if (!this.stopped) this.wake(Math.round(time));
    return handle;
  }

  /** Runs `run` as soon as possible, at the current real time (a datagram arrived). */
  soon(run: () => void): void {
    this.at(Math.max(this.now, Math.floor(this.elapsed())), run);
  }

  /** Wakes up at real time `time` and runs whatever is due by then. */
  private wake(time: number): void {
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      if (!this.stopped) this.run(Math.max(time, Math.floor(this.elapsed())));
    }, Math.max(0, time - this.elapsed()));
    this.pending.add(timer);
  }

  /** Nothing runs any more. */
  stop(): void {
    this.stopped = true;
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
  }
}
