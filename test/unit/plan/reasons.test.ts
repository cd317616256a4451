// One table of reason phrases: the simulator's actors and edge and the exporter's cfg
// all read engines/plan/reasons.ts.
import { describe, expect, it } from 'vitest';
import { reasonOf as exporterReasonOf } from '../../../engines/export/plan.js';
import { proxyReplies, reasonOf, reasons } from '../../../engines/plan/index.js';
import { reasonOf as simulatorReasonOf } from '../../../engines/simulate/actors.js';

describe('reason phrases', () => {
  it('are one table for the simulator and the exporter', () => {
    expect(simulatorReasonOf).toBe(reasonOf);
    expect(exporterReasonOf).toBe(reasonOf);
  });

  it('fall back by class for a code the table does not hold', () => {
    expect([100, 199, 250, 302, 399, 477, 699].map(reasonOf)).toEqual([
      'Trying', 'Progress', 'OK', 'Moved Temporarily', 'Error', 'Unfortunately error on sending to next hop occurred', 'Error',
    ]);
    expect(Object.keys(reasons).map(Number).filter((c) => reasons[c] !== reasonOf(c))).toEqual([]);
  });

  it('name the edge\'s own refusals with words of their own', () => {
    expect(Object.values(proxyReplies).map((r) => `${r.code} ${r.reason}`)).toEqual([
      '403 Forbidden', '403 Preloaded Route Refused', '403 Not From This Branch', '403 Relaying Denied', '200 OK', '404 Not Here',
      '404 Not Found', '404 No Inbound Route', '500 No Route', '480 Temporarily Unavailable', '408 Request Timeout',
      '503 No Gateway Available', '480 Temporarily Unavailable',
      // tm's remap of a 503 keeps the 503's words (t_reply.c relay_reply: error_text(503)).
      '500 Service Unavailable',
    ]);
  });
});
