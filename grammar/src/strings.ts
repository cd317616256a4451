import type { Span } from './ast.js';

export interface DecodedString {
  readonly value: string;
  readonly terminated: boolean;
  readonly badEscapes: readonly Span[];
}

const escapes: Record<string, string> = { '"': '"', '\\': '\\', n: '\n', r: '\r', t: '\t' };

/**
 * Decodes a string token's image; `start` is the token's offset, so bad escapes
 * can be reported where they stand.
 */
export function decodeString(image: string, start: number): DecodedString {
  const terminated = image.length >= 2 && image.endsWith('"') && !isEscapedQuote(image);
  const body = image.slice(1, terminated ? -1 : undefined);
  let value = '';
  const badEscapes: Span[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch !== '\\') {
      value += ch;
      continue;
    }
    const next = body[i + 1];
    const decoded = next === undefined ? undefined : escapes[next];
    if (decoded === undefined) {
      const offset = start + 1 + i;
      badEscapes.push({ start: offset, end: offset + (next === undefined ? 1 : 2) });
      if (next !== undefined) value += next;
    } else {
      value += decoded;
    }
    i++;
  }
  return { value, terminated, badEscapes };
}

/** True when the final quote is the escaped one of `"abc\"` (so the string is open). */
function isEscapedQuote(image: string): boolean {
  let backslashes = 0;
  for (let i = image.length - 2; i >= 1 && image[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 1;
}

/** Characters that must never reach a SIP header: CR, LF and other C0/C1 controls, DEL. */
// eslint-disable-next-line no-control-regex
export const controlCharacters = /[\u0000-\u001f\u007f-\u009f]/;
