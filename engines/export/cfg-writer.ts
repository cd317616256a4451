// A tiny line builder for kamailio.cfg: tab indentation, comments that cannot break out
// of their line, and blocks; and the statements every route writer shares.
import { cfgString, commentText } from './escape.js';
import { ExportError } from './types.js';
import type { ProxyReply } from '../plan/index.js';

/** An xlog call; `text` is exporter-made (names and numbers are validated) and may hold pseudo-variables. */
export function xlog(level: 'L_NOTICE' | 'L_WARN' | 'L_INFO', text: string): string {
  if (/["\\]/.test(text)) throw new ExportError(`internal: unsafe log text ${JSON.stringify(text)}`);
  return `xlog("${level}", "${text}\\n");`;
}

/** A reply the proxy makes for a decision of the plan, in the plan's words. */
export function cfgReply(fn: 'sl_send_reply' | 't_reply' | 'send_reply', r: ProxyReply): string {
  return `${fn}("${r.code}", ${cfgString(r.reason)});`;
}

/** A tunable of the `survival` cfg group, read as an int at run time. */
export function cfgInt(name: string): string {
  return `$(sel(cfg_get.survival.${name}){s.int})`;
}

export class CfgWriter {
  private readonly out: string[] = [];
  private depth = 0;

  /**
   * `older`: the constructs to write in their older form, for the router's Kamailio
   * (kamailio-versions.ts `olderForms`); every renderer writing one asks here.
   */
  constructor(readonly older: ReadonlySet<string> = new Set()) {}

  /** One line of code at the current indentation. */
  line(text: string): this {
    this.out.push(text === '' ? '' : `${'\t'.repeat(this.depth)}${text}`);
    return this;
  }

  lines(texts: readonly string[]): this {
    for (const t of texts) this.line(t);
    return this;
  }

  /** `# text`, flattened to one line; never `#!` (a preprocessor directive). */
  comment(text: string): this {
    const flat = commentText(text, 200);
    return this.line(flat === '' ? '#' : `# ${flat}`);
  }

  blank(): this {
    if (this.out.length > 0 && this.out[this.out.length - 1] !== '') this.out.push('');
    return this;
  }

  /** `head {`, the body one level in, `}`. */
  block(head: string, body: () => void): this {
    this.line(`${head} {`);
    const start = this.out.length;
    this.depth++;
    body();
    // Kamailio's parser refuses an empty block; a design can leave one empty (no step).
    if (!this.out.slice(start).some((l) => l.trim() !== '' && !l.trim().startsWith('#'))) this.line('$var(nothing) = 0;');
    this.depth--;
    return this.line('}');
  }

  /** A section banner, as in Kamailio's sample configuration. */
  section(title: string): this {
    this.blank();
    this.line(`####### ${commentText(title, 80)} #######`);
    return this.blank();
  }

  text(): string {
    while (this.out.length > 0 && this.out[this.out.length - 1] === '') this.out.pop();
    return `${this.out.join('\n')}\n`;
  }
}
