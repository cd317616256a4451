import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../../engines/simulate/index.js';
import { mulberry32 } from '../../../engines/simulate/random.js';

describe('Scheduler', () => {
  it('runs events by time, equal times in insertion order, and skips cancelled ones', () => {
    const s = new Scheduler();
    const log: string[] = [];
    s.at(10, () => log.push(`a@${s.now}`));
    s.at(5, () => log.push(`b@${s.now}`));
    const c = s.at(5, () => log.push('cancelled'));
    s.at(5, () => {
      log.push(`d@${s.now}`);
      s.after(0, () => log.push(`e@${s.now}`));
    });
    s.cancel(c);
    s.run();
    expect(log).toEqual(['b@5', 'd@5', 'e@5', 'a@10']);
  });

  it('stops at untilMs', () => {
    const s = new Scheduler();
    const log: number[] = [];
    for (const t of [1, 2, 3, 100]) s.at(t, () => log.push(t));
    s.run(50);
    expect(log).toEqual([1, 2, 3]);
  });

  it('runs many random events in (time, insertion) order, cancelled ones skipped', () => {
    const random = mulberry32(42);
    const s = new Scheduler();
    const ran: number[] = [];
    const expected: { time: number; id: number }[] = [];
    for (let id = 0; id < 2000; id++) {
      const time = Math.floor(random() * 300);
      const h = s.at(time, () => ran.push(id));
      if (random() < 0.2) s.cancel(h);
      else expected.push({ time, id });
    }
    s.run();
    expect(ran).toEqual([...expected].sort((a, b) => a.time - b.time || a.id - b.id).map((e) => e.id));
  });
});

describe('mulberry32', () => {
  it('is a function of its seed: the same sequence again, another for another seed, all in [0, 1)', () => {
    const take = (seed: number) => { const r = mulberry32(seed); return Array.from({ length: 1000 }, () => r()); };
    expect(take(7)).toEqual(take(7));
    expect(take(7)).not.toEqual(take(8));
    const all = take(123);
    expect(all.every((x) => x >= 0 && x < 1)).toBe(true);
    // Roughly uniform: each tenth of [0, 1) gets 60-140 of 1,000 draws.
    for (let k = 0; k < 10; k++) {
      const n = all.filter((x) => x >= k / 10 && x < (k + 1) / 10).length;
      expect(n).toBeGreaterThan(60);
      expect(n).toBeLessThan(140);
    }
  });
});
