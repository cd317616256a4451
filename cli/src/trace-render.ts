// A traced call's ladder as Mermaid, through the shared renderer (engines/diagram
// `callDiagram`, the same look as `surv simulate`'s ladders): what the capture shows,
// and for a violation what the design says should have happened.
import { callDiagram } from '../../engines/diagram/index.js';
import type { TracedCall } from '../../engines/trace/index.js';

/** The observed ladder, Mermaid source ending with a line break. */
export function callMermaid(call: TracedCall): string {
  return ensureNewline(callDiagram(call).mermaid);
}

/** For a violation with the simulator's ladder kept: the design's ladder for the same call. */
export function expectedMermaid(call: TracedCall): string | undefined {
  if (call.verdict?.status !== 'violation' || !call.verdict.expected || call.verdict.expected.length === 0) return undefined;
  return ensureNewline(callDiagram(call, { view: 'expected' }).mermaid);
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
