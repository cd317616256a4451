// The survival event line (engines/plan/events.ts): one format, its fields in one order,
// shared by the simulator's result and the exported proxy's xlog.
import { describe, expect, it } from 'vitest';
import { eventCallId, eventCounters, eventFields, eventLine, simulatedTime } from '../../../engines/plan/index.js';

describe('survival event lines', () => {
  it('writes the fields in the one order, leaving out those the event has not', () => {
    expect(eventLine({ 'call-id': 'c1@10.1.0.11', t: '10.000', upstream: 'cloud', direction: 'outbound', event: 'survival-start', branch: 'bilbao' }))
      .toBe('surv-event branch=bilbao event=survival-start direction=outbound upstream=cloud t=10.000 call-id=c1@10.1.0.11');
    expect(eventLine({ branch: 'bilbao', event: 'upstream-down', upstream: 'cloud', t: '12.000' })).toBe('surv-event branch=bilbao event=upstream-down upstream=cloud t=12.000');
    // The one value from the network runs to the end of the line.
    expect(eventFields[eventFields.length - 1]).toBe('call-id');
  });

  it('takes the whitespace out of a Call-ID, as {s.rmws} does in the proxy, and nothing else', () => {
    expect(eventCallId('a b\tc\r\n d=e@h"x')).toBe('abcd=e@h"x');
  });

  it('gives the simulator\'s time in seconds to the ms', () => {
    expect([simulatedTime(0), simulatedTime(5000), simulatedTime(62_537)]).toEqual(['0.000', '5.000', '62.537']);
  });

  it('names a counter per event', () => {
    expect(eventCounters).toEqual({
      'survival-start': 'survival_calls', 'upstream-down': 'upstream_down', 'upstream-up': 'upstream_up', 'local-call': 'local_calls',
      'survival-relay': 'gateway_relays', 'survival-redirect': 'gateway_redirects',
    });
  });
});
