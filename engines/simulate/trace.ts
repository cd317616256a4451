// A trace entry: the message the receiver acted on (`message`, parsed form) with who
// sent it to whom, when and why. Its SIP text is rendered on first read and only for
// showing it: readers take every fact from `message` and the entry's fields. To every
// reader (property access, spread, Object.keys, JSON.stringify) it is a plain object
// with its fields in the documented order, `text` an ordinary enumerable string: only
// the time of the rendering changes.
import { render, type Msg } from './message.js';
import type { TraceEntry } from './types.js';

// One shared descriptor: every entry gets the same hidden class.
const TEXT: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: TraceRecord): string {
    return this.renderText();
  },
};

export class TraceRecord implements TraceEntry {
  // `declare`: the constructor defines the fields itself, in the order JSON shows them.
  declare readonly atMs: number;
  declare readonly from: string;
  declare readonly to: string;
  declare readonly summary: string;
  declare readonly method: string;
  declare readonly status: number | undefined;
  declare readonly text: string;
  declare readonly transaction: string;
  declare readonly call: number;
  declare readonly cause: string;
  declare readonly message: Msg;
  declare readonly lost?: true;
  #text: string | undefined;

  constructor(atMs: number, from: string, to: string, msg: Msg, call: number, cause: string, lost: boolean) {
    this.#text = undefined;
    const status = msg.status;
    this.atMs = atMs;
    this.from = from;
    this.to = to;
    this.summary = status !== undefined ? String(status) : (msg.method ?? '?');
    this.method = msg.cseqMethod;
    this.status = status;
    Object.defineProperty(this, 'text', TEXT);
    this.transaction = msg.via[0]?.branch ?? '';
    this.call = call;
    this.cause = cause;
    this.message = msg;
    if (lost) this.lost = true;
  }

  renderText(): string {
    return (this.#text ??= render(this.message));
  }
}

/** The Contact URIs of an entry's message, top first. */
export function contactsOf(entry: TraceEntry): readonly string[] {
  return (entry.message.contact ?? []).map((c) => c.uri);
}

/** The reason phrase of a reply; '' for a request. */
export function reasonOf(entry: TraceEntry): string {
  return entry.message.reason ?? '';
}

export function callIdOf(entry: TraceEntry): string {
  return entry.message.callId;
}
