// Writes Mermaid `sequenceDiagram` source. Every label goes through escape.ts here, so
// the diagram builders never write user text into the source themselves; every
// message arrow is recorded with its details, in source order, for the preview.
import type { Origin } from '../../grammar/src/index.js';
import { escapeLabel, participantId } from './escape.js';

/** A label as written into the source: escaped, trimmed, never empty (Mermaid would keep a dangling space). */
function label(text: string): string {
  return escapeLabel(text.trim()) || '(empty)';
}

function lines(texts: readonly string[]): string {
  return texts.map(label).join('<br/>');
}

/**
 * `->>` request, `-->>` reply, `-)` / `--)` a retransmission (open arrowhead),
 * `-x` / `--x` a message the network lost.
 */
export type Arrow = '->>' | '-->>' | '-)' | '--)' | '-x' | '--x';

export interface MessageInfo {
  /** The full SIP text (scenario views). */
  readonly text?: string | undefined;
  readonly origin?: Origin | undefined;
  readonly atMs?: number | undefined;
  readonly cause?: string | undefined;
  /** The expectation this message satisfied, when one did. */
  readonly expectation?: Origin | undefined;
}

export interface RecordedMessage extends MessageInfo {
  readonly index: number;
  readonly from: string;
  readonly to: string;
  /** The label as shown (before escaping). */
  readonly summary: string;
}

/** Highlight colours: the survival phase, and nothing else, is tinted. */
export const SURVIVAL_TINT = 'rgba(255, 170, 0, 0.14)';

type Block = 'alt' | 'opt' | 'par' | 'rect' | 'critical' | 'loop';

export class SequenceBuilder {
  private readonly lines: string[] = ['sequenceDiagram'];
  private readonly stack: Block[] = [];
  private readonly ids = new Map<string, string>();
  private readonly taken = new Set<string>();
  private readonly order: string[] = [];
  readonly messages: RecordedMessage[] = [];

  constructor(title: string, autonumber: boolean) {
    this.write(`title ${label(title)}`);
    if (autonumber) this.write('autonumber');
  }

  /** Declares a participant (in display order) under `key`, the name messages use; its id is made from `idName`. */
  participant(key: string, names: readonly string[], idName = key): void {
    if (this.ids.has(key)) return;
    const id = participantId(idName, this.taken);
    this.ids.set(key, id);
    this.order.push(key);
    this.write(`participant ${id} as ${lines(names)}`);
  }

  has(key: string): boolean {
    return this.ids.has(key);
  }

  /** The participants' keys, left to right. */
  get participants(): readonly string[] {
    return this.order;
  }

  message(from: string, arrow: Arrow, to: string, summary: string, info: MessageInfo = {}): void {
    this.write(`${this.id(from)}${arrow}${this.id(to)}: ${label(summary)}`);
    this.messages.push({ index: this.messages.length, from, to, summary, ...info });
  }

  /** A note over one participant, or spanning from the first to the last of `over`; an array is one line each. */
  note(over: readonly string[], text: string | readonly string[]): void {
    const first = over[0];
    const last = over[over.length - 1];
    if (first === undefined || last === undefined) throw new Error('a note needs a participant');
    const span = first === last ? this.id(first) : `${this.id(first)},${this.id(last)}`;
    this.write(`Note over ${span}: ${typeof text === 'string' ? label(text) : lines(text)}`);
  }

  open(block: Exclude<Block, 'rect'>, text: string): void {
    this.write(`${block} ${label(text)}`);
    this.stack.push(block);
  }

  /** A tinted background; `colour` is one of this module's constants, never user text. */
  tint(colour: typeof SURVIVAL_TINT): void {
    this.write(`rect ${colour}`);
    this.stack.push('rect');
  }

  /** `else` of an `alt`, `and` of a `par`, `option` of a `critical`. */
  next(text: string): void {
    const block = this.stack[this.stack.length - 1];
    const word = block === 'alt' ? 'else' : block === 'par' ? 'and' : block === 'critical' ? 'option' : undefined;
    if (!word) throw new Error(`no alternative inside ${block ?? 'no block'}`);
    this.lines.push(`${'  '.repeat(this.stack.length)}${word} ${label(text)}`);
  }

  close(): void {
    if (this.stack.pop() === undefined) throw new Error('no block to close');
    this.write('end');
  }

  toString(): string {
    if (this.stack.length > 0) throw new Error(`unclosed ${this.stack.join(', ')}`);
    return `${this.lines.join('\n')}\n`;
  }

  private id(key: string): string {
    const id = this.ids.get(key);
    if (id === undefined) throw new Error(`undeclared participant ${key}`);
    return id;
  }

  private write(line: string): void {
    // Indentation is for people reading the source; Mermaid ignores it.
    this.lines.push(`${'  '.repeat(this.stack.length + 1)}${line}`);
  }
}
