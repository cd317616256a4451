// SIP text <-> the simulator's parsed messages, for actors that talk to a real Kamailio.
// Outgoing messages are rendered exactly as the simulator renders its trace (message.ts
// render, i.e. the `sip` package's stringify); incoming text is parsed by
// engines/trace/sip-text.ts, which `surv trace` reads captures with too.
import { render, type Msg } from '../../engines/simulate/message.js';

export { contactOf, fromWire, headerValues, splitEntries } from '../../engines/trace/sip-text.js';

/** The datagram for a message an actor sends: the simulator's own rendering. */
export function toWire(m: Msg): string {
  return render(m);
}

