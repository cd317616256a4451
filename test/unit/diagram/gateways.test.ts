// The design ladder of a branch with gateway lists (issue 12, item 2): the relay list and
// the emergency list as the alternatives the edge goes through in order, then its 503.
import { describe, expect, it } from 'vitest';
import { linesOf, viewOf } from './helpers.js';

const FIXTURE = 'test/kamailio/fixtures/replay/gateways.surv';

describe('design ladder: gateway lists', () => {
  const lines = linesOf(viewOf(FIXTURE, 'design:replay-gateways').mermaid);
  const from = (first: string, n: number) => lines.slice(lines.indexOf(first), lines.indexOf(first) + n);

  it('the survival relay list: lte first, then isdn, then the edge\'s 503', () => {
    expect(from('alt lte first', 8)).toEqual([
      'alt lte first',
      'edge->>lte: INVITE number',
      'else lte full or marked down#59; or no reply, 408, 486, 503 or 600#58; isdn',
      'edge->>isdn: INVITE number',
      'else no gateway left',
      'edge-->>phones: 503 No Gateway Available',
      'end',
      'end',
    ]);
  });

  it('the emergency list in its own order', () => {
    expect(lines).toContain('opt emergency 112#58; straight to isdn, then lte, never waits');
    expect(from('alt isdn first', 6)).toEqual([
      'alt isdn first',
      'edge->>isdn: INVITE 112',
      'else isdn no reply, 408, 486, 503 or 600, or marked down#58; lte',
      'edge->>lte: INVITE 112',
      'else no gateway left',
      'edge-->>phones: 503 No Gateway Available',
    ]);
  });
});
