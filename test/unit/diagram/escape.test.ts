// The one escaping module: no user text can end a Mermaid statement, open a directive,
// draw an arrow, break a line, or reach the page as HTML.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeLabel, escapeLines, escapeMarkdown, participantId } from '../../../engines/diagram/escape.js';
import { isUnsafeCharacter } from '../../../grammar/src/strings.js';

/** What Mermaid shows for an escaped label: its entity codes decoded. */
const decode = (escaped: string) => escaped.replace(/#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)));

/** Every character left as is is harmless; everything else is a `#N;` entity code. */
const SAFE_OUTPUT = /^(?:[\p{L}\p{M}\p{N} .,_@/()!?*+='[\]~^|\-↻→←✗·–…↵]|#\d+;)*$/u;

const hostile = [
  '<img src=x onerror=alert(1)>',
  '%%{init: {"theme":"dark"}}%%',
  'a-->>b: injected',
  'one\ntwo',
  'one\r\ntwo',
  'end; participant evil as x',
  '# comment',
  '#35; entity',
  'style:#f00;',
  'wrap:text',
  '$$x^2$$',
  '`code` & "quote" \\ {brace}',
  'ﬂ°°60¶ß',
  '\u2028\u2029\u0085\t\u0000\u007f\u009b',
  '\ud800 lone surrogate \uffff',
];

describe('escapeLabel', () => {
  it.each(hostile)('leaves nothing Mermaid or HTML acts on: %j', (text) => {
    const escaped = escapeLabel(text);
    expect(escaped).toMatch(SAFE_OUTPUT);
    expect(escaped.replace(/#\d+;/g, '')).not.toMatch(/[\n\r;:%<>"&`{}$\\#]/);
  });

  it('encodes exactly the characters that matter, as decimal entity codes', () => {
    expect(escapeLabel('<img src=x onerror=alert(1)>')).toBe('#60;img src=x onerror=alert(1)#62;');
    expect(escapeLabel('%%{init: {"theme":"dark"}}%%')).toBe('#37;#37;#123;init#58; #123;#34;theme#34;#58;#34;dark#34;#125;#125;#37;#37;');
    expect(escapeLabel('a-->>b')).toBe('a--#62;#62;b');
    expect(escapeLabel('x;y#z')).toBe('x#59;y#35;z');
    expect(escapeLabel('#35;')).toBe('#35;35#59;');
    expect(escapeLabel('sip:944@10.10.1.3')).toBe('sip#58;944@10.10.1.3');
  });

  it('keeps letters, digits and plain punctuation as they are', () => {
    expect(escapeLabel('Survival Activated - please standby (10.000s)')).toBe('Survival Activated - please standby (10.000s)');
    expect(escapeLabel('Zaragoza señal 電話 ↻ → …')).toBe('Zaragoza señal 電話 ↻ → …');
  });

  it('shows line breaks as ↵ and other control characters as control pictures', () => {
    expect(escapeLabel('a\nb')).toBe('a↵b');
    expect(escapeLabel('a\r\nb')).toBe('a↵↵b');
    expect(escapeLabel('a\u2028b\u0085c')).toBe('a↵b↵c');
    expect(decode(escapeLabel('a\tb\u0000c\u007f'))).toBe('a\u2409b\u2400c\u2421');
    expect(decode(escapeLabel('x\ud800y\uffff\u009b'))).toBe('x\ufffdy\ufffd\ufffd');
  });

  it('cuts a label longer than the limit with …', () => {
    expect(escapeLabel('x'.repeat(500))).toBe(`${'x'.repeat(120)}…`);
    expect(escapeLabel('x'.repeat(120))).toBe('x'.repeat(120));
    expect(escapeLabel('abcdef', 3)).toBe('abc…');
  });

  it('any string: safe output that decodes to what was written', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
      const escaped = escapeLabel(text, 1000);
      expect(escaped).toMatch(SAFE_OUTPUT);
      const expected = [...text].map((c) => {
        const code = c.codePointAt(0)!;
        if ('\n\r\v\f\u0085\u2028\u2029'.includes(c)) return '↵';
        if (code < 0x20) return String.fromCodePoint(0x2400 + code);
        if (code === 0x7f) return '\u2421';
        if ((code >= 0x80 && code < 0xa0) || (code >= 0xd800 && code <= 0xdfff) || code === 0xfffe || code === 0xffff) return '\ufffd';
        // Bidi and invisible characters would act once rendered (docs/security.md).
        if (isUnsafeCharacter(c)) return '\ufffd';
        return c;
      }).join('');
      expect(decode(escaped)).toBe(expected);
    }), { numRuns: 500 });
  });
});

describe('escapeLines', () => {
  it('joins escaped lines with the one line break surv writes itself', () => {
    expect(escapeLines(['desk1', '10.222.237.11'])).toBe('desk1<br/>10.222.237.11');
    expect(escapeLines(['<br/>', 'x'])).toBe('#60;br/#62;<br/>x');
  });
});

describe('participantId', () => {
  it('keeps a plain name, and makes the rest safe and unique', () => {
    const taken = new Set<string>();
    expect(['desk1', 'hq-madrid', 'hq_madrid', 'end', 'Note', 'loop-x', 'x', '2fast', 'a.b c'].map((n) => participantId(n, taken)))
      .toEqual(['desk1', 'hq_madrid', 'hq_madrid_2', 'p_end', 'p_Note', 'loop_x', 'x', 'p_2fast', 'a_b_c']);
  });

  it('never gives a keyword, a hyphen or a character outside [A-Za-z0-9_]', () => {
    fc.assert(fc.property(fc.array(fc.string({ maxLength: 12 }), { maxLength: 20 }), (names) => {
      const taken = new Set<string>();
      const ids = names.map((n) => participantId(n, taken));
      for (const id of ids) {
        expect(id).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
        expect(['end', 'note', 'loop', 'alt', 'else', 'par', 'and', 'rect', 'opt', 'critical', 'box', 'participant', 'actor', 'as', 'title', 'autonumber']).not.toContain(id.toLowerCase());
      }
      expect(new Set(ids.map((i) => i.toLowerCase())).size).toBe(ids.length);
    }));
  });
});

describe('escapeMarkdown', () => {
  it('leaves no Markdown or HTML syntax and no line break', () => {
    expect(escapeMarkdown('a <b>*c*</b> `d` [e](f) # g\nh')).toBe('a &#60;b&#62;&#42;c&#42;&#60;/b&#62; &#96;d&#96; &#91;e&#93;(f) &#35; g↵h');
  });
});
