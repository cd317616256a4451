// A discrete-event scheduler on a virtual clock: integer milliseconds, no real timers.
// Events at the same time run in insertion order (a sequence number breaks ties), so a
// run is deterministic.

interface Entry {
  readonly time: number;
  readonly seq: number;
  readonly run: () => void;
}

export type TimerHandle = number;

export class Scheduler {
  private heap: Entry[] = [];
  private seq = 0;
  private readonly cancelled = new Set<number>();
  private clock = 0;
  private steps = 0;

  /** The current virtual time in ms. */
  get now(): number {
    return this.clock;
  }

  /** Runs `run` at virtual time `time` (never earlier than now). */
  at(time: number, run: () => void): TimerHandle {
    const entry: Entry = { time: Math.max(Math.round(time), this.clock), seq: this.seq++, run };
    this.push(entry);
    return entry.seq;
  }

  /** Runs `run` `delayMs` after now. */
  after(delayMs: number, run: () => void): TimerHandle {
    return this.at(this.clock + delayMs, run);
  }

  cancel(handle: TimerHandle | undefined): void {
    if (handle !== undefined) this.cancelled.add(handle);
  }

  /** Runs events until none is left, or the clock would pass `untilMs`, or `maxSteps` ran. */
  run(untilMs = Number.POSITIVE_INFINITY, maxSteps = 1_000_000): void {
    while (this.heap.length > 0 && this.steps < maxSteps) {
      const top = this.heap[0]!;
      if (top.time > untilMs) break;
      this.pop();
      if (this.cancelled.delete(top.seq)) continue;
      this.clock = top.time;
      this.steps++;
      top.run();
    }
  }

  private less(a: Entry, b: Entry): boolean {
    return a.time < b.time || (a.time === b.time && a.seq < b.seq);
  }

  private push(entry: Entry): void {
    const h = this.heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
