// The terminal and log sink. A file name, scenario title or reason phrase printed raw
// could move the cursor or recolour the screen (ESC), forge a `path:1:1: error` line in
// a CI log (CR, LF) or show text in another order than it is (bidi controls). Every
// user string the CLI prints (and the language server's timeline) passes `terminalText`;
// every whole CLI output passes `terminalLines` on its way out, so a string a formatter
// forgot still cannot act.
import { unsafeCharacters } from '../../grammar/src/strings.js';

const named: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visible(c: string): string {
  const shown = named[c];
  if (shown !== undefined) return shown;
  const code = c.charCodeAt(0);
  return code < 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * One user string (a path, a name, a title, a message) for one line of terminal text:
 * controls, line breaks, bidi and invisible characters become visible escapes
 * (`\x1b`, `\n`, `\u202e`). Other characters, accents and scripts included, stay.
 */
export function terminalText(text: string): string {
  return text.replace(unsafeCharacters, visible);
}

/** Text of several lines made by surv: like `terminalText`, but its line breaks stay. */
export function terminalLines(text: string): string {
  return text.replace(unsafeCharacters, (c) => (c === '\n' ? c : visible(c)));
}
