import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../../server/src/simulate/index.js';

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
});
