// The shipped examples are the first thing a user runs the checker on.
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, surv } from './helpers.js';

beforeAll(ensureBuilt);

describe('surv check on examples/', () => {
  it('finds nothing in the good examples', () => {
    const run = surv([
      'check', 'examples/bilbao.surv', 'examples/two-head-offices.surv', 'examples/critical-branch.surv',
      'examples/ipv6-branch.surv', 'examples/petrol-stations',
    ]);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^no problems in \d+ files\n$/);
    expect(run.status).toBe(0);
  });

  it('reports errors in examples/broken and exits 1', () => {
    const run = surv(['check', 'examples/broken']);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^examples\/broken\/[a-z-]+\.surv:\d+:\d+: error SURV\d{3}: /m);
    expect(run.stderr).toMatch(/^\d+ errors, \d+ warnings in 12 files\n$/);
  });
});
