// A trace entry whose SIP text is rendered on first read. To every reader (property
// access, spread, Object.keys, JSON.stringify) it is a plain object with its fields in
// the documented order, `text` an ordinary enumerable string: only the time of the
// rendering changes.
import { render, type Msg } from './message.js';
import { parse } from './sip.js';
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
  declare readonly lost?: true;
  readonly #msg: Msg;
  #text: string | undefined;

  constructor(atMs: number, from: string, to: string, msg: Msg, call: number, cause: string, lost: boolean) {
    this.#msg = msg;
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
    if (lost) this.lost = true;
  }

  /** The message the receiver acted on. */
  get message(): Msg {
    return this.#msg;
  }

  renderText(): string {
    return (this.#text ??= render(this.#msg));
  }
}

/** The Contact URIs and reason phrase of a trace entry (parsed from its text when it is not ours). */
export function contactsOf(entry: TraceEntry): readonly string[] {
  if (entry instanceof TraceRecord) return (entry.message.contact ?? []).map((c) => c.uri);
  const c = parse(entry.text).headers.contact;
  return Array.isArray(c) ? c.map((x) => x.uri) : [];
}

export function reasonOf(entry: TraceEntry): string {
  if (entry instanceof TraceRecord) return entry.message.reason ?? '';
  return /^SIP\/2\.0 \d+ (.*)$/m.exec(entry.text)?.[1] ?? '';
}

/** The Call-ID of an entry: from the message it carries (no rendering), else from its text. */
export function callIdOf(entry: TraceEntry): string {
  const message = (entry as { message?: { callId?: unknown } }).message;
  if (message && typeof message.callId === 'string') return message.callId;
  return /^(?:Call-ID|i)\s*:\s*(\S+)/im.exec(entry.text)?.[1] ?? '';
}
