// The one way user text (names, reason phrases, numbers, URIs, SIP text) enters Mermaid
// source. Mermaid has no quoting for sequence-diagram labels: a label ends at `;`, `#`
// or a line break, `%%{...}%%` anywhere is a directive, and the rendered text is HTML.
// So every character outside a small safe set becomes a Mermaid entity code (`#60;`),
// which Mermaid turns into an HTML character reference after parsing: it can end no
// statement, open no directive and form no tag, yet the reader sees the character.
// Bidi and invisible characters would still act once rendered, so they are drawn as U+FFFD.
import { isUnsafeCharacter } from '../../grammar/src/strings.js';

/** Characters that mean nothing to Mermaid, HTML or Markdown in label position. */
const SAFE = /^[\p{L}\p{M}\p{N} .,_@/()!?*+='[\]~^|-]$/u;

/** Decorations surv itself writes in labels; harmless, and kept readable in the source. */
const OWN_SYMBOLS = new Set(['↻', '→', '←', '✗', '·', '–', '…', '↵']);

/** Longest label, in code points, before it is cut with `…` (a 10 kB reason phrase stays one line). */
export const MAX_LABEL = 120;

/**
 * Escapes `text` for any label position of a sequence diagram (message, note, block
 * label, participant alias, title). A line break is shown as ↵ and other control
 * characters as their Unicode control pictures (a tab as ␉), so they read as text.
 */
export function escapeLabel(text: string, max = MAX_LABEL): string {
  let out = '';
  let count = 0;
  for (const char of text) {
    if (count === max) {
      out += '…';
      break;
    }
    count++;
    const shown = visible(char);
    out += SAFE.test(shown) || OWN_SYMBOLS.has(shown) ? shown : `#${shown.codePointAt(0)!};`;
  }
  return out;
}

/** A label of several lines, each escaped, joined by Mermaid's line break. */
export function escapeLines(lines: readonly string[]): string {
  return lines.map((line) => escapeLabel(line)).join('<br/>');
}

/** Line breaks in any of Unicode's spellings. */
const BREAKS = new Set(['\n', '\r', '\v', '\f', '\u0085', '\u2028', '\u2029']);

/**
 * The character as it should be drawn: line breaks as ↵, other control characters as
 * control pictures (XML forbids most of them even as references), and what is no
 * character at all (a lone surrogate, U+FFFE/U+FFFF) as U+FFFD.
 */
function visible(char: string): string {
  const code = char.codePointAt(0)!;
  if (BREAKS.has(char)) return '↵';
  if (code < 0x20) return String.fromCodePoint(0x2400 + code);
  if (code === 0x7f) return '\u2421';
  if (code >= 0x80 && code < 0xa0) return '\ufffd';
  if ((code >= 0xd800 && code <= 0xdfff) || code === 0xfffe || code === 0xffff) return '\ufffd';
  // Bidi controls, zero-width characters, the soft hyphen (docs/security.md).
  if (isUnsafeCharacter(char)) return '\ufffd';
  return char;
}

/** Words Mermaid's sequence lexer reads as keywords where a participant id stands. */
const KEYWORDS = new Set([
  'participant', 'actor', 'create', 'destroy', 'as', 'box', 'loop', 'rect', 'opt', 'alt', 'else', 'par', 'par_over',
  'and', 'critical', 'option', 'break', 'end', 'left', 'right', 'of', 'links', 'link', 'properties', 'details', 'over',
  'note', 'activate', 'deactivate', 'title', 'acctitle', 'accdescr', 'sequencediagram', 'autonumber', 'off',
]);

/**
 * A participant id for `name`, unique within `taken` (which it extends). Ids are
 * `[A-Za-z][A-Za-z0-9_]*` and never a keyword: a hyphen could start an arrow (`-x`,
 * `-)`), and `end` or `note` would end a block or start a note. The name itself is
 * shown through the participant's label.
 */
export function participantId(name: string, taken: Set<string>): string {
  let base = name.replace(/[^A-Za-z0-9_]/g, '_');
  if (!/^[A-Za-z]/.test(base) || KEYWORDS.has(base.toLowerCase())) base = `p_${base}`;
  let id = base;
  for (let n = 2; taken.has(id.toLowerCase()); n++) id = `${base}_${n}`;
  taken.add(id.toLowerCase());
  return id;
}

/** Markdown heading text: no line break, and no character Markdown or HTML would act on. */
export function escapeMarkdown(text: string): string {
  let out = '';
  for (const char of text) {
    const shown = visible(char);
    out += /^[\p{L}\p{M}\p{N} .,/()?'=-]$/u.test(shown) || OWN_SYMBOLS.has(shown) ? shown : `&#${shown.codePointAt(0)!};`;
  }
  return out;
}
