// Lexing of every literal kind of docs/language.md ("Lexical structure"): each is one
// token with the exact source text, and reaches the AST with the right ValueType.
// A literal is put where the grammar takes any value (`lan X`), so the parser
// accepts it and the checker would judge it.
import { describe, expect, it } from 'vitest';
import { keywordWords } from '../../../grammar/src/lexer.js';
import { documentedKeywords } from '../../support/docs.js';
import { analyze, parse, type ast, type SurvDiagnostic } from '../../../grammar/src/index.js';
import { located, spanOf } from './helpers.js';

/** Lexes `literal` in a value slot; returns its AST value and every token image. */
function lexValue(literal: string): { value: ast.Value | undefined; images: string[]; diagnostics: readonly SurvDiagnostic[] } {
  const text = `branch b { lan ${literal} }`;
  const r = parse(text, 'lex.surv');
  const branch = r.ast.declarations[0] as ast.ContainerNode | undefined;
  const lan = branch?.settings[0] as ast.LanNode | undefined;
  return { value: lan?.networks[0], images: r.tokens.map((t) => t.image), diagnostics: r.diagnostics };
}

function expectLiteral(literal: string, type: ast.ValueType, text = literal): void {
  const { value, images, diagnostics } = lexValue(literal);
  expect(diagnostics, literal).toEqual([]);
  expect(images, literal).toEqual(['branch', 'b', '{', 'lan', literal, '}']);
  expect(value, literal).toMatchObject({ type, text });
}

describe('names', () => {
  it.each(['desk1', 'head-office', '_x', 'a-b_c', 'Reception', 'x9-'])('%s is one name', (literal) => {
    expectLiteral(literal, 'name');
  });

  it('every reserved word of the docs is a keyword token, not a name', () => {
    const words = documentedKeywords();
    const r = parse(words.join(' '), 'kw.surv');
    expect(r.tokens).toHaveLength(words.length);
    for (const [i, token] of r.tokens.entries()) {
      expect(token.image).toBe(words[i]);
      expect(token.tokenType.CATEGORIES?.map((c) => c.name), token.image).toContain('Keyword');
    }
  });

  it('the docs list exactly the keywords of the lexer, no more and no fewer', () => {
    expect([...new Set(documentedKeywords())].sort()).toEqual([...keywordWords].sort());
  });

  it('a keyword prefix or suffix does not make a keyword: upstream2, uplink, lan-phone, in_x', () => {
    for (const literal of ['upstream2', 'uplink', 'lan-phone', 'in_x', 'ringing-x', 'tlsx']) expectLiteral(literal, 'name');
  });
});

describe('numbers', () => {
  it.each(['101', '0', '+34944000000', '944000000'])('%s is one number', (literal) => {
    expectLiteral(literal, 'number');
  });

  it('keeps leading zeros as text: 091 stays 091', () => {
    expectLiteral('091', 'number', '091');
  });
});

describe('durations', () => {
  it.each(['500ms', '10s', '2m', '1h', '0s'])('%s is one duration', (literal) => {
    expectLiteral(literal, 'duration');
  });

  it.each(['10sec', '10x', '5S', '3d', '1ms2'])('%s (a bad unit) is still one duration token', (literal) => {
    expectLiteral(literal, 'duration');
  });

  it('the checker names the bad unit, exactly at the literal', () => {
    const text = 'branch b { timers { no-answer 10sec  ringing 60x  t1 1h } }';
    const diagnostics = analyze([{ uri: 'd.surv', text }]).diagnostics.filter((d) => d.code === 'SURV025');
    expect(diagnostics.map((d) => [d.message, d.range.start.offset, d.range.end.offset])).toEqual([
      ["unknown unit 'sec' in '10sec': use ms, s, m or h", ...Object.values(spanOf(text, '10sec'))],
      ["unknown unit 'x' in '60x': use ms, s, m or h", ...Object.values(spanOf(text, '60x'))],
    ]);
  });

  it('a bare number where a duration goes asks for a unit', () => {
    const text = 'branch b { timers { no-answer 10 } }';
    const d = analyze([{ uri: 'd.surv', text }]).diagnostics.find((x) => x.code === 'SURV025');
    expect(d?.message).toBe("'10' needs a unit: 10s or 10ms");
    expect(d?.data?.replacements).toEqual(['10s', '10ms']);
  });
});

describe('addresses', () => {
  it.each([
    '10.10.1.3', '10.10.1.3:5080', '10.222.237.0/24', '0.0.0.0/0',
  ])('IPv4 %s is one address', (literal) => {
    expectLiteral(literal, 'address');
  });

  it.each([
    '2001:db8::1', 'fd00::/64', '2001:db8:10::/64', '::1', '::', 'fe80::1', '2001:DB8:0:0:0:0:0:1', '::ffff:10.0.0.1',
    '2001:db8:700:1::/64',
  ])('bare IPv6 %s is one address', (literal) => {
    expectLiteral(literal, 'address');
  });

  it.each(['[2001:db8::1]:5060', '[2001:db8:10::1]', '[::1]:5061'])('bracketed IPv6 %s is one address', (literal) => {
    expectLiteral(literal, 'address');
  });

  it.each(['10.10.1', '300.1.1.1', '10.0.0.1:99999'])('a malformed IPv4 %s still lexes as one address for the checker to judge', (literal) => {
    expectLiteral(literal, 'address');
  });

  it('a bracketed IPv6 list: brackets belong to the address, commas separate', () => {
    const text = 'branch b { edge listen udp [2001:db8::1]:5060, tcp [2001:db8::1]:5062 }';
    const r = parse(text, 'e.surv');
    expect(r.diagnostics).toEqual([]);
    const edge = (r.ast.declarations[0] as ast.ContainerNode).settings[0] as ast.EdgeNode;
    expect(edge.listens.map((l) => l.address?.text)).toEqual(['[2001:db8::1]:5060', '[2001:db8::1]:5062']);
  });
});

describe('brackets of a member list are not an IPv6 address', () => {
  it.each(['cafe', 'a', 'bed', 'f00d', 'dead-beef'])('group g parallel [%s]', (member) => {
    const r = parse(`branch b { group g parallel [${member}] }`, 'g.surv');
    expect(r.diagnostics).toEqual([]);
    const group = (r.ast.declarations[0] as ast.ContainerNode).settings[0] as ast.GroupNode;
    expect(group.members.map((m) => m.text)).toEqual([member]);
  });

  it('an empty member list parses, and the checker says the group has no members', () => {
    const text = 'branch b { group g parallel [] }';
    expect(parse(text, 'g.surv').diagnostics).toEqual([]);
    const d = analyze([{ uri: 'g.surv', text }]).diagnostics.filter((x) => x.code === 'SURV032' && x.message.includes("group 'g'"));
    expect(d.map((x) => x.message)).toEqual(["group 'g' has no members"]);
  });
});

describe('SIP URIs', () => {
  it.each([
    'sip:pbx.example.com', 'sip:pbx.example.com:5060', 'sip:pbx.example.com:5060;transport=tcp', 'sips:pbx.example.com',
    'sip:944000000@10.10.1.3', 'sip:[2001:db8::5]:5060', 'sip:user@[2001:db8::5]:5060;transport=tls', 'sip:[2001:db8::5]',
  ])('%s is one URI', (literal) => {
    expectLiteral(literal, 'uri');
  });

  it.each([
    ['sip:a@b,c', ['sip:a@b', ',', 'c']],
    ['sip:a@b}', ['sip:a@b', '}']],
    ['sip:a@b{', ['sip:a@b', '{']],
    ['sip:a@b]', ['sip:a@b', ']']],
    ['sip:a@b"x"', ['sip:a@b', '"x"']],
    ['sip:a@b\tc', ['sip:a@b', 'c']],
  ])('%j ends at a space, brace, bracket, comma or quote', (text, images) => {
    expect(parse(text, 'u.surv').tokens.map((t) => t.image)).toEqual(images);
  });

  it('a URI ends at #, which starts a comment', () => {
    const r = parse('sip:a@b#c d', 'u.surv');
    expect(r.tokens.map((t) => t.image)).toEqual(['sip:a@b']);
    expect(r.comments.map((c) => c.text)).toEqual(['#c d']);
  });
});

describe('reply classes and percentages', () => {
  it.each(['1xx', '4xx', '5xx', '6xx', '9xx'])('%s is one reply class', (literal) => {
    expectLiteral(literal, 'class');
  });

  it('0xx and 4xxa are not reply classes', () => {
    expect(lexValue('0xx').value?.type).not.toBe('class');
    expect(lexValue('4xxa').value?.type).not.toBe('class');
    expect(lexValue('4xxa').images).toContain('4xxa');
  });

  it.each(['5%', '0.5%', '100%', '0%', '12.25%'])('%s is one percentage', (literal) => {
    expectLiteral(literal, 'percent');
  });
});

describe('strings', () => {
  it('a plain string: its text is the content, its span includes the quotes', () => {
    expectLiteral('"Survival Activated - please standby"', 'string', 'Survival Activated - please standby');
  });

  it('the empty string', () => {
    expectLiteral('""', 'string', '');
  });

  it('decodes every escape: \\" \\\\ \\n \\r \\t', () => {
    const { value, diagnostics } = lexValue(String.raw`"a\"b\\c\nd\re\tf"`);
    expect(diagnostics).toEqual([]);
    expect(value).toMatchObject({ type: 'string', text: 'a"b\\c\nd\re\tf', terminated: true, badEscapes: [] });
  });

  it('an escaped backslash before the closing quote leaves the string closed', () => {
    const { value, diagnostics } = lexValue(String.raw`"a\\"`);
    expect(diagnostics).toEqual([]);
    expect(value).toMatchObject({ text: 'a\\', terminated: true });
  });

  it('an unknown escape is SURV003 at the escape, and the string goes on', () => {
    const text = String.raw`use "a\qb\zc"`;
    const r = parse(text, 's.surv');
    expect(r.ast.uses[0]?.path).toMatchObject({ text: 'aqbzc', terminated: true });
    expect(r.ast.uses[0]?.path?.badEscapes).toEqual([spanOf(text, String.raw`\q`), spanOf(text, String.raw`\z`)]);
    expect(r.diagnostics.map((d) => [d.code, d.range.start.offset, d.range.end.offset, d.message])).toEqual([
      ['SURV003', text.indexOf('\\q'), text.indexOf('\\q') + 2, String.raw`unknown escape '\q': use \" \\ \n \r or \t`],
      ['SURV003', text.indexOf('\\z'), text.indexOf('\\z') + 2, String.raw`unknown escape '\z': use \" \\ \n \r or \t`],
    ]);
  });

  it('an unterminated string ends at the line end: SURV003, and the next line still parses', () => {
    const text = 'branch b {\n  outbound from lan via cloud {\n    on timeout { announce 181 "Survival\n      redirect 302 to pstn }\n  }\n}\n';
    const r = parse(text, 's.surv');
    expect(r.diagnostics.map(located)).toEqual([['SURV003', 3, 31]]);
    expect(r.diagnostics[0]?.message).toBe('unterminated string: add the closing quote');
    expect(r.diagnostics[0]?.range.end.offset).toBe(text.indexOf('\n', text.indexOf('"Survival')));
    const out = (r.ast.declarations[0] as ast.ContainerNode).settings[0] as ast.OutboundNode;
    const actions = (out.items[0] as ast.OnTimeoutNode).actions;
    expect(actions.map((a) => a.kind)).toEqual(['Announce', 'Redirect']);
    expect(actions[0]?.text).toMatchObject({ text: 'Survival', terminated: false });
    expect(actions[1]?.target?.text).toBe('pstn');
  });

  it('a string whose last quote is escaped is unterminated', () => {
    const r = parse('use "abc\\"\n', 's.surv');
    expect(r.ast.uses[0]?.path).toMatchObject({ terminated: false });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['SURV003']);
  });

  it('an unterminated string at the end of the file', () => {
    const text = 'scenario "never closed';
    const r = parse(text, 's.surv');
    expect(r.diagnostics.some((d) => d.code === 'SURV003' && d.message.startsWith('unterminated'))).toBe(true);
    expect(r.diagnostics.every((d) => d.range.end.offset <= text.length)).toBe(true);
  });

  it('spans count UTF-16 code units (an astral character counts two)', () => {
    const text = 'use "☎😀" # é\nbranch b { lan 10.0.0.0/24 }';
    const r = parse(text, 's.surv');
    expect(r.ast.uses[0]?.path).toMatchObject({ text: '☎😀', start: 4, end: 9 });
    expect(r.comments[0]).toMatchObject({ text: '# é', start: 10, end: 13 });
    const lan = ((r.ast.declarations[0] as ast.ContainerNode).settings[0] as ast.LanNode).networks[0];
    expect(lan).toMatchObject(spanOf(text, '10.0.0.0/24'));
  });
});

describe('literal spans', () => {
  const literals = [
    'desk1', 'head-office', '+34944000000', '091', '500ms', '10sec', '10.10.1.3:5080', '10.222.237.0/24', '2001:db8::1',
    'fd00::/64', '[2001:db8::1]:5060', 'sip:[2001:db8::5]:5060', 'sip:pbx.example.com:5060;transport=tcp', '4xx', '0.5%',
    '"Survival Activated"', String.raw`"a\"b"`,
  ];
  it('every kind of literal spans exactly its source text', () => {
    const wrong: string[] = [];
    for (const literal of literals) {
      const { value } = lexValue(literal);
      // 'branch b { lan ' is 15 characters.
      if (value?.start !== 15 || value.end !== 15 + literal.length) wrong.push(`${literal}: [${value?.start}, ${value?.end}) instead of [15, ${15 + literal.length})`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('lexing errors', () => {
  it('an unexpected character is SURV001 at that character, and lexing goes on', () => {
    const text = 'branch b {\n  lan 10.0.0.0/24 $\n  phone p 100 at 10.0.0.10\n}';
    const r = parse(text, 'x.surv');
    const lexing = r.diagnostics.filter((d) => d.code === 'SURV001');
    expect(lexing.map(located)).toEqual([['SURV001', 2, 19]]);
    expect(lexing[0]?.message).toBe('unexpected character "$"');
    expect(lexing[0]?.range.end.offset).toBe(text.indexOf('$') + 1);
    const b = r.ast.declarations[0] as ast.ContainerNode;
    expect(b.settings.map((s) => s.kind)).toEqual(['Lan', 'Phone']);
  });

  it('positions are 0-based line and UTF-16 column; CRLF ends a line', () => {
    const text = 'branch b {\r\n  lan 10.0.0.0/24\r\n  @\r\n}';
    const d = parse(text, 'x.surv').diagnostics.find((x) => x.code === 'SURV001');
    expect(d?.range.start).toEqual({ line: 2, character: 2, offset: text.indexOf('@') });
  });
});
