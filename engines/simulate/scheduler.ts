// A discrete-event scheduler on a virtual clock: integer milliseconds, no real timers.
// Events at the same time run in insertion order (a sequence number breaks ties), so a
// run is deterministic.

interface Entry {
  readonly time: number;
  readonly seq: number;
  readonly run: () => void;
  cancelled: boolean;
}

/** What `at`/`after` return, for `cancel`. */
export type TimerHandle = object;

export class Scheduler {
  private heap: Entry[] = [];
  private seq = 0;
  private clock = 0;
  private steps = 0;

  /** The current virtual time in ms. */
  get now(): number {
    return this.clock;
  }

  /** Runs `run` at virtual time `time` (never earlier than now). */
  at(time: number, run: () => void): TimerHandle {
    const entry: Entry = { time: Math.max(Math.round(time), this.clock), seq: this.seq++, run, cancelled: false };
    this.push(entry);
    return entry;
  }

  /** Runs `run` `delayMs` after now. */
  after(delayMs: number, run: () => void): TimerHandle {
    return this.at(this.clock + delayMs, run);
  }

  cancel(handle: TimerHandle | undefined): void {
    // A flag, not a removal: the entry is skipped when it comes up.
    if (handle !== undefined) (handle as Entry).cancelled = true;
  }

  /** Runs events until none is left, or the clock would pass `untilMs`, or `maxSteps` ran. */
  run(untilMs = Number.POSITIVE_INFINITY, maxSteps = 1_000_000): void {
    while (this.heap.length > 0 && this.steps < maxSteps) {
      const top = this.heap[0]!;
      if (top.time > untilMs) break;
      this.pop();
      if (top.cancelled) continue;
      this.clock = top.time;
      this.steps++;
      top.run();
    }
  }

  private less(a: Entry, b: Entry): boolean {
    return a.time < b.time || (a.time === b.time && a.seq < b.seq);
  }

  // A binary heap; entries move into the hole instead of being swapped.
  private push(entry: Entry): void {
    const h = this.heap;
    let i = h.length;
    h.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent]!;
      if (!this.less(entry, p)) break;
      h[i] = p;
      i = parent;
    }
    h[i] = entry;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    const n = h.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.less(h[r]!, h[l]!) ? r : l;
      if (!this.less(h[c]!, last)) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
  }
}
