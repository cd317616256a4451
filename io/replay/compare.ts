// The replay's side of the comparison (engines/trace/compare.ts): what crossed the wire
// around the real Kamailio, as steps.
import { numbersOf, type Step } from '../../engines/trace/compare.js';
import type { WireEntry } from './live.js';
import { fromWire } from './wire.js';

export { compare, simSteps, tickMs, type Comparison, type Row, type RowStatus, type Step } from '../../engines/trace/compare.js';

const firstLine = (text: string) => text.slice(0, Math.max(0, text.indexOf('\r\n')));

/** Kamailio's side: what crossed the wire, read from the datagrams' text (live.ts parsed it on arrival). */
export function liveSteps(wire: readonly WireEntry[]): Step[] {
  return wire.map((e) => {
    const invite = e.summary === 'INVITE' ? fromWire(e.text) : undefined;
    return {
      atMs: e.atMs, from: e.from, to: e.to, summary: e.summary, method: e.method, contact: e.contact, line: firstLine(e.text),
      numbers: invite && numbersOf(invite.uri, invite.pai, invite.privacy),
    };
  });
}

