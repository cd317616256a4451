// The TextMate grammar of .surv (syntaxes/surv.tmLanguage.json), run through the same
// engine VS Code uses (vscode-textmate + vscode-oniguruma), and the editor's language
// configuration (client/language-configuration.json).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { documentedKeywords } from '../../support/docs.js';
import oniguruma from 'vscode-oniguruma';
import vsctm from 'vscode-textmate';

const root = (relative: string): string => fileURLToPath(new URL(`../../../${relative}`, import.meta.url));
const GRAMMAR = root('syntaxes/surv.tmLanguage.json');
const ONIG_WASM = root('node_modules/vscode-oniguruma/release/onig.wasm');
const LANGUAGE_CONFIGURATION = root('client/language-configuration.json');
const SPEC = root('docs/language.md');

interface Token {
  line: number;
  start: number;
  text: string;
  /** Scopes without the root `source.surv`, outermost first. */
  scopes: string[];
}

let grammar: vsctm.IGrammar;

beforeAll(async () => {
  await oniguruma.loadWASM(readFileSync(ONIG_WASM));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName: string) =>
      scopeName === 'source.surv' ? vsctm.parseRawGrammar(readFileSync(GRAMMAR, 'utf8'), GRAMMAR) : null,
  });
  const loaded = await registry.loadGrammar('source.surv');
  if (!loaded) throw new Error('grammar source.surv did not load');
  grammar = loaded;
});

/** Tokenizes a whole text, line by line, carrying the rule stack across lines. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let state = vsctm.INITIAL;
  text.split('\n').forEach((lineText, line) => {
    const result = grammar.tokenizeLine(lineText, state);
    state = result.ruleStack;
    for (const t of result.tokens) {
      const end = Math.min(t.endIndex, lineText.length);
      if (end <= t.startIndex) continue;
      expect(t.scopes[0]).toBe('source.surv');
      tokens.push({ line, start: t.startIndex, text: lineText.slice(t.startIndex, end), scopes: t.scopes.slice(1) });
    }
  });
  return tokens;
}

/**
 * The scopes of the token that is exactly `text`, at its `nth` occurrence in `source`
 * (which may span several lines). Throws if the grammar cut the text differently, so
 * every assertion also checks the token's boundaries.
 */
function scopesAt(source: string, text: string, nth = 0): string[] {
  let offset = -1;
  for (let i = 0; i <= nth; i++) {
    offset = source.indexOf(text, offset + 1);
    if (offset < 0) throw new Error(`${JSON.stringify(text)} (occurrence ${nth}) not in ${JSON.stringify(source)}`);
  }
  const before = source.slice(0, offset).split('\n');
  const line = before.length - 1;
  const start = before[line]!.length;
  const token = tokenize(source).find((t) => t.line === line && t.start === start);
  if (!token || token.text !== text) {
    const got = tokenize(source)
      .filter((t) => t.line === line)
      .map((t) => `${JSON.stringify(t.text)}=${t.scopes.join(' ')}`)
      .join(', ');
    throw new Error(`no token exactly ${JSON.stringify(text)} in line ${line}: ${got}`);
  }
  return token.scopes;
}

/** The innermost scope of the token `text`. */
const scopeOf = (source: string, text: string, nth = 0): string => scopesAt(source, text, nth).at(-1) ?? '';

const BILBAO = `# bilbao.surv: the seed's own design
branch bilbao {
  edge listen udp 10.222.237.1:5060
  lan 10.222.237.0/24
  gateway pstn { address 10.10.1.3  kind bri  channels 2 }
  upstream cloud { proxy sip:pbx.example.com:5060 }
  timers { no-answer 10s  ringing 60s  budget 15s }
  phone reception 100 at 10.222.237.10
  phone desk1 101 at 10.222.237.11
  group front parallel [reception, desk1] ring 20s
  register { forward cloud with path }
  outbound from lan via cloud {
    on timeout { announce 181 "Survival Activated - please standby"  redirect 302 to pstn }
    emergency 112, 091 direct to pstn
  }
  inbound from pstn { ring front then ring reception }
}

scenario "cloud down, desk dials out" in bilbao {
  cloud silent
  desk1 calls 944000000
  expect desk1 gets 181 at 10s
  expect desk1 gets 302 at 10s contact sip:944000000@10.10.1.3
}
`;

describe('surv TextMate grammar: comments and strings', () => {
  it('scopes a whole-line comment and its # marker', () => {
    const line = '# head office';
    expect(scopesAt(line, '#')).toEqual(['comment.line.number-sign.surv', 'punctuation.definition.comment.surv']);
    expect(scopesAt(line, ' head office')).toEqual(['comment.line.number-sign.surv']);
  });

  it('scopes a comment after code, and leaves the code before it alone', () => {
    const line = 'lan 10.222.237.0/24  # the office LAN';
    expect(scopeOf(line, 'lan')).toBe('keyword.other.surv');
    expect(scopesAt(line, ' the office LAN')).toEqual(['comment.line.number-sign.surv']);
  });

  it('keeps a # inside a string in the string, and comments after the string', () => {
    const line = 'announce 181 "press # now" # real comment';
    expect(scopesAt(line, 'press # now')).toEqual(['string.quoted.double.surv']);
    expect(scopesAt(line, '"', 0)).toEqual(['string.quoted.double.surv', 'punctuation.definition.string.begin.surv']);
    expect(scopesAt(line, '"', 1)).toEqual(['string.quoted.double.surv', 'punctuation.definition.string.end.surv']);
    expect(scopesAt(line, ' real comment')).toEqual(['comment.line.number-sign.surv']);
  });

  it('scopes the escapes of the spec and flags the others as invalid', () => {
    const line = String.raw`announce 180 "a \"b\" \\ \n \r \t \q"`;
    for (const escape of [String.raw`\"`, String.raw`\\`, String.raw`\n`, String.raw`\r`, String.raw`\t`]) {
      expect(scopesAt(line, escape)).toEqual(['string.quoted.double.surv', 'constant.character.escape.surv']);
    }
    expect(scopesAt(line, String.raw`\q`)).toEqual(['string.quoted.double.surv', 'invalid.illegal.unknown-escape.surv']);
    // the escaped quote did not end the string
    expect(scopeOf(line, '"', 3)).toBe('punctuation.definition.string.end.surv');
  });

  it('ends an unterminated string at the end of its line, flagged, without swallowing the next line', () => {
    const source = 'announce 181 "oops\nlan 10.0.0.0/8';
    expect(scopesAt(source, 'oop')).toEqual(['string.quoted.double.surv']);
    expect(scopesAt(source, 's')).toEqual(['string.quoted.double.surv', 'invalid.illegal.newline.surv']);
    expect(scopesAt(source, 'lan')).toEqual(['keyword.other.surv']);
    expect(scopeOf(source, '10.0.0.0')).toBe('constant.numeric.address.surv');
  });
});

describe('surv TextMate grammar: keywords', () => {
  it('scopes the top-level declaration keywords', () => {
    expect(scopesAt('branch bilbao {', 'branch')).toEqual(['keyword.declaration.branch.surv']);
    expect(scopesAt('profile station {', 'profile')).toEqual(['keyword.declaration.profile.surv']);
    expect(scopesAt('scenario "x" in bilbao {', 'scenario')).toEqual(['keyword.declaration.scenario.surv']);
    const use = 'use "../shared/station-profile.surv"';
    expect(scopesAt(use, 'use')).toEqual(['keyword.declaration.use.surv']);
    expect(scopesAt(use, '../shared/station-profile.surv')).toEqual(['string.quoted.double.surv']);
  });

  it('scopes setting keywords as keyword.other and flow keywords as keyword.control', () => {
    const line = 'on timeout { announce 181 "x"  redirect 302 to pstn }';
    expect(scopesAt(line, 'on')).toEqual(['keyword.control.surv']);
    expect(scopesAt(line, 'timeout')).toEqual(['keyword.other.surv']);
    expect(scopesAt(line, 'announce')).toEqual(['keyword.control.surv']);
    expect(scopesAt(line, 'redirect')).toEqual(['keyword.control.surv']);
    expect(scopesAt(line, 'to')).toEqual(['keyword.other.surv']);
    const ring = 'ring front for 20s then ring reception';
    expect(scopesAt(ring, 'then')).toEqual(['keyword.control.surv']);
    expect(scopesAt(ring, 'for')).toEqual(['keyword.other.surv']);
    const expectation = 'expect desk1 gets 181 within 10s';
    expect(scopesAt(expectation, 'expect')).toEqual(['keyword.control.surv']);
    expect(scopesAt(expectation, 'gets')).toEqual(['keyword.control.surv']);
    expect(scopesAt(expectation, 'within')).toEqual(['keyword.control.surv']);
  });

  it('scopes transports and gateway kinds as support.constant', () => {
    const edge = 'edge listen udp 10.0.0.1:5060, tcp 10.0.0.1:5060, tls 10.0.0.1:5061';
    for (const transport of ['udp', 'tcp', 'tls']) {
      expect(scopesAt(edge, transport)).toEqual(['support.constant.transport.surv']);
    }
    for (const kind of ['bri', 'pri', 'fxo', 'trunk']) {
      expect(scopesAt(`gateway g { kind ${kind} }`, kind)).toEqual(['support.constant.gateway-kind.surv']);
    }
  });

  it('gives every reserved word of the spec a keyword or support.constant scope', () => {
    const reserved = documentedKeywords();
    for (const word of reserved) {
      const scopes = scopesAt(`${word} `, word);
      expect(scopes, word).toHaveLength(1);
      expect(scopes[0], word).toMatch(/^(keyword\.(other|control|declaration\.\w+)|support\.constant\.[\w-]+)\.surv$/);
    }
  });

  it('matches keywords as whole words only (names may contain -)', () => {
    const line = 'no-answer desk-no-answer1 upstream-2 up-link t10 inbound';
    expect(scopesAt(line, 'no-answer')).toEqual(['keyword.other.surv']);
    expect(scopesAt(line, 'desk-no-answer1')).toEqual(['variable.other.surv']);
    expect(scopesAt(line, 'upstream-2')).toEqual(['variable.other.surv']);
    expect(scopesAt(line, 'up-link')).toEqual(['variable.other.surv']);
    expect(scopesAt(line, 't10')).toEqual(['variable.other.surv']);
    expect(scopesAt(line, 'inbound')).toEqual(['keyword.other.surv']);
    // `up` and `upstream` both stay whole keywords
    expect(scopesAt('up after 3 upstream', 'up')).toEqual(['keyword.other.surv']);
    expect(scopesAt('silent udp-backup tcp2 brick', 'udp-backup')).toEqual(['variable.other.surv']);
    expect(scopesAt('silent udp-backup tcp2 brick', 'tcp2')).toEqual(['variable.other.surv']);
    expect(scopesAt('silent udp-backup tcp2 brick', 'brick')).toEqual(['variable.other.surv']);
  });
});

describe('surv TextMate grammar: literals', () => {
  it('scopes durations, with the unit as a separate token', () => {
    const line = 'timers { no-answer 10s  t1 500ms  ringing 2m  budget 1h }';
    expect(scopesAt(line, '10')).toEqual(['constant.numeric.duration.surv']);
    expect(scopesAt(line, 's', 2)).toEqual(['constant.numeric.duration.surv', 'keyword.other.unit.surv']);
    expect(scopesAt(line, '500')).toEqual(['constant.numeric.duration.surv']);
    expect(scopesAt(line, 'ms')).toEqual(['constant.numeric.duration.surv', 'keyword.other.unit.surv']);
    expect(scopeOf(line, '2')).toBe('constant.numeric.duration.surv');
    expect(scopesAt(line, 'h')).toEqual(['constant.numeric.duration.surv', 'keyword.other.unit.surv']);
  });

  it('scopes numbers, kept as text: leading zeros and a leading +', () => {
    const line = 'emergency 112, 091 direct to pstn  rewrite { prefix +34 }  did +34944000101 to desk1';
    expect(scopesAt(line, '112')).toEqual(['constant.numeric.integer.surv']);
    expect(scopesAt(line, '091')).toEqual(['constant.numeric.integer.surv']);
    expect(scopesAt(line, '+34', 0)).toEqual(['constant.numeric.integer.surv']);
    expect(scopesAt(line, '+34944000101')).toEqual(['constant.numeric.integer.surv']);
    expect(scopesAt(line, ',')).toEqual(['punctuation.separator.comma.surv']);
  });

  it('scopes reply classes and percentages', () => {
    const pass = 'pass 404, 4xx, 5xx, 6xx';
    expect(scopesAt(pass, '404')).toEqual(['constant.numeric.integer.surv']);
    for (const cls of ['4xx', '5xx', '6xx']) expect(scopesAt(pass, cls)).toEqual(['constant.numeric.reply-class.surv']);
    const loss = 'network loss 5%';
    expect(scopesAt(loss, '5')).toEqual(['constant.numeric.percentage.surv']);
    expect(scopesAt(loss, '%')).toEqual(['constant.numeric.percentage.surv', 'keyword.other.unit.percent.surv']);
    expect(scopesAt('network loss 0.5%', '0.5')).toEqual(['constant.numeric.percentage.surv']);
  });

  it('scopes IPv4 addresses, with a port or a prefix', () => {
    const line = 'lan 10.222.237.0/24  edge listen udp 10.10.1.3:5080  gateway g { address 10.10.1.3 }';
    expect(scopesAt(line, '10.222.237.0')).toEqual(['constant.numeric.address.surv']);
    expect(scopesAt(line, '/')).toEqual(['constant.numeric.address.surv', 'punctuation.separator.prefix.surv']);
    expect(scopesAt(line, '24')).toEqual(['constant.numeric.address.surv', 'constant.numeric.prefix.surv']);
    expect(scopesAt(line, '10.10.1.3', 0)).toEqual(['constant.numeric.address.surv']);
    expect(scopesAt(line, ':')).toEqual(['constant.numeric.address.surv', 'punctuation.separator.port.surv']);
    expect(scopesAt(line, '5080')).toEqual(['constant.numeric.address.surv', 'constant.numeric.port.surv']);
    expect(scopesAt(line, '10.10.1.3', 1)).toEqual(['constant.numeric.address.surv']);
  });

  it('scopes IPv6 addresses as addresses, not as numbers and names', () => {
    const line = 'lan 2001:db8:10::/64, fd00::/64  address 2001:db8::1  address ::1  address ::ffff:10.0.0.1';
    expect(scopesAt(line, '2001:db8:10::')).toEqual(['constant.numeric.address.surv']);
    expect(scopesAt(line, '64')).toEqual(['constant.numeric.address.surv', 'constant.numeric.prefix.surv']);
    expect(scopesAt(line, 'fd00::')).toEqual(['constant.numeric.address.surv']);
    expect(scopesAt(line, '2001:db8::1')).toEqual(['constant.numeric.address.surv']);
    expect(scopesAt(line, '::1', 1)).toEqual(['constant.numeric.address.surv']);
    expect(scopesAt(line, '::ffff:10.0.0.1')).toEqual(['constant.numeric.address.surv']);
    expect(scopesAt('address 2001:0db8:0000:0000:0000:0000:0000:0001', '2001:0db8:0000:0000:0000:0000:0000:0001')).toEqual([
      'constant.numeric.address.surv',
    ]);
  });

  it('scopes a bracketed IPv6 address with its port as one address, not as a list', () => {
    const line = 'edge listen tls [2001:db8::1]:5061';
    expect(scopesAt(line, '[')).toEqual(['constant.numeric.address.surv', 'punctuation.definition.address.begin.surv']);
    expect(scopesAt(line, '2001:db8::1')).toEqual(['constant.numeric.address.surv']);
    expect(scopesAt(line, ']')).toEqual(['constant.numeric.address.surv', 'punctuation.definition.address.end.surv']);
    expect(scopesAt(line, ':', 3)).toEqual(['constant.numeric.address.surv', 'punctuation.separator.port.surv']);
    expect(scopesAt(line, '5061')).toEqual(['constant.numeric.address.surv', 'constant.numeric.port.surv']);
  });

  it('scopes SIP URIs up to a space, brace, bracket, comma or #', () => {
    const proxy = 'upstream cloud { proxy sip:pbx.example.com:5060;transport=tcp }';
    expect(scopesAt(proxy, 'sip:pbx.example.com:5060;transport=tcp')).toEqual(['markup.underline.link.surv']);
    expect(scopeOf(proxy, '}')).toBe('punctuation.section.block.end.surv');
    const contact = 'expect desk1 gets 302 at 10s contact sip:944000000@10.10.1.3';
    expect(scopesAt(contact, 'sip:944000000@10.10.1.3')).toEqual(['markup.underline.link.surv']);
    expect(scopesAt('proxy sips:hq.example.com#primary', 'sips:hq.example.com')).toEqual(['markup.underline.link.surv']);
    expect(scopeOf('proxy sips:hq.example.com#primary', 'primary')).toBe('comment.line.number-sign.surv');
    expect(scopesAt('proxy sip:a.example.com}', 'sip:a.example.com')).toEqual(['markup.underline.link.surv']);
    // `sip` as part of a name is not a URI
    expect(scopesAt('voip-gw calls 100', 'voip-gw')).toEqual(['variable.other.surv']);
  });

  it('flags characters that cannot appear outside strings, URIs and comments', () => {
    expect(scopesAt('lan 10.0.0.0/8;', ';')).toEqual(['invalid.illegal.character.surv']);
  });
});

describe('surv TextMate grammar: names and punctuation', () => {
  it('scopes the declared names of branches and profiles, and the profile after uses', () => {
    const line = 'branch station-017 uses station-24h {';
    expect(scopesAt(line, 'station-017')).toEqual(['entity.name.type.branch.surv']);
    expect(scopesAt(line, 'uses')).toEqual(['keyword.other.surv']);
    expect(scopesAt(line, 'station-24h')).toEqual(['entity.other.inherited-class.surv']);
    expect(scopesAt('profile station {', 'station')).toEqual(['entity.name.type.profile.surv']);
  });

  it('scopes the declared names of gateways, upstreams, phones and groups', () => {
    expect(scopesAt('gateway pstn { address 10.10.1.3 }', 'pstn')).toEqual(['entity.name.function.gateway.surv']);
    expect(scopesAt('upstream hq-madrid { proxy sip:hq.example.com }', 'hq-madrid')).toEqual([
      'entity.name.function.upstream.surv',
    ]);
    expect(scopesAt('phone reception 100 at 10.222.237.10', 'reception')).toEqual(['entity.name.function.phone.surv']);
    expect(scopesAt('phone laptop 120 registered', '120')).toEqual(['constant.numeric.integer.surv']);
    expect(scopesAt('phone laptop 120 registered', 'registered')).toEqual(['keyword.other.surv']);
    expect(scopesAt('group front parallel [reception, desk1] ring 20s', 'front')).toEqual(['entity.name.function.group.surv']);
  });

  it('scopes referenced names as variables', () => {
    const line = 'outbound from lan via hq-madrid, hq-barcelona {';
    expect(scopesAt(line, 'hq-madrid')).toEqual(['variable.other.surv']);
    expect(scopesAt(line, 'hq-barcelona')).toEqual(['variable.other.surv']);
    expect(scopesAt('register { forward cloud with path }', 'cloud')).toEqual(['variable.other.surv']);
  });

  it('finds a declared name on the next line, even after a comment', () => {
    const source = 'phone # the front desk\n  reception 100 at 10.222.237.10\n';
    expect(scopesAt(source, 'reception')).toEqual(['entity.name.function.phone.surv']);
    expect(scopesAt(source, '100')).toEqual(['constant.numeric.integer.surv']);
    const branch = 'branch\n  bilbao\n{';
    expect(scopesAt(branch, 'bilbao')).toEqual(['entity.name.type.branch.surv']);
    expect(scopesAt(branch, '{')).toEqual(['punctuation.section.block.begin.surv']);
  });

  it('does not take a keyword as the declared name', () => {
    const line = 'phone at 10.0.0.1';
    expect(scopesAt(line, 'at')).toEqual(['keyword.other.surv']);
    expect(scopesAt(line, '10.0.0.1')).toEqual(['constant.numeric.address.surv']);
  });

  it('scopes the scenario title, and the branch it runs in as a name', () => {
    const line = 'scenario "cloud down, desk dials out" in bilbao {';
    expect(scopesAt(line, 'cloud down, desk dials out')).toEqual([
      'string.quoted.double.surv',
      'entity.name.section.scenario.surv',
    ]);
    expect(scopesAt(line, '"')).toEqual(['string.quoted.double.surv', 'punctuation.definition.string.begin.surv']);
    expect(scopesAt(line, 'in')).toEqual(['keyword.other.surv']);
    expect(scopesAt(line, 'bilbao')).toEqual(['variable.other.surv']);
    // a title on the next line, with an escape in it
    const split = 'scenario\n  "say \\"hi\\"" in x {';
    expect(scopesAt(split, 'say ')).toEqual(['string.quoted.double.surv', 'entity.name.section.scenario.surv']);
    expect(scopesAt(split, '\\"', 0)).toEqual([
      'string.quoted.double.surv',
      'entity.name.section.scenario.surv',
      'constant.character.escape.surv',
    ]);
    // other strings in a scenario are plain strings
    expect(scopesAt('expect desk1 gets 181 "Survival"', 'Survival')).toEqual(['string.quoted.double.surv']);
  });

  it('scopes braces, brackets and commas', () => {
    const line = 'group front parallel [reception, desk1] ring 20s  gateway g { kind bri }';
    expect(scopesAt(line, '[')).toEqual(['punctuation.section.brackets.begin.surv']);
    expect(scopesAt(line, ']')).toEqual(['punctuation.section.brackets.end.surv']);
    expect(scopesAt(line, ',')).toEqual(['punctuation.separator.comma.surv']);
    expect(scopesAt(line, '{')).toEqual(['punctuation.section.block.begin.surv']);
    expect(scopesAt(line, '}')).toEqual(['punctuation.section.block.end.surv']);
    expect(scopesAt(line, 'reception')).toEqual(['variable.other.surv']);
  });
});

describe('surv TextMate grammar: whole files', () => {
  it('tokenizes the bilbao example without any invalid scope', () => {
    const tokens = tokenize(BILBAO);
    const invalid = tokens.filter((t) => t.scopes.some((s) => s.startsWith('invalid')));
    expect(invalid).toEqual([]);
    // every non-blank character outside comments and strings got some scope
    const bare = tokens.filter((t) => t.scopes.length === 0 && t.text.trim() !== '');
    expect(bare).toEqual([]);
    expect(scopesAt(BILBAO, 'bilbao', 1)).toEqual(['entity.name.type.branch.surv']);
    expect(scopesAt(BILBAO, 'cloud down, desk dials out')).toEqual([
      'string.quoted.double.surv',
      'entity.name.section.scenario.surv',
    ]);
    expect(scopesAt(BILBAO, 'Survival Activated - please standby')).toEqual(['string.quoted.double.surv']);
  });

  it('tokenizes every surv example of docs/language.md without any invalid scope', () => {
    const spec = readFileSync(SPEC, 'utf8');
    const blocks = [...spec.matchAll(/^```surv\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThan(5);
    for (const block of blocks) {
      const invalid = tokenize(block).filter((t) => t.scopes.some((s) => s.startsWith('invalid')));
      expect(invalid, block).toEqual([]);
    }
  });
});

describe('surv language configuration', () => {
  const config = JSON.parse(readFileSync(LANGUAGE_CONFIGURATION, 'utf8')) as {
    comments: { lineComment: string };
    brackets: string[][];
    autoClosingPairs: { open: string; close: string }[];
    surroundingPairs: string[][];
    folding: { markers: { start: string; end: string } };
    indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string };
    wordPattern: string;
  };

  it('declares # comments, {} and [] brackets and auto-closed quotes', () => {
    expect(config.comments.lineComment).toBe('#');
    expect(config.brackets).toEqual([
      ['{', '}'],
      ['[', ']'],
    ]);
    expect(config.autoClosingPairs.map((p) => p.open + p.close)).toEqual(['{}', '[]', '""']);
    expect(config.surroundingPairs).toContainEqual(['"', '"']);
  });

  it('indents after an open { or [ and outdents at } or ]', () => {
    const increase = new RegExp(config.indentationRules.increaseIndentPattern);
    const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
    expect(increase.test('branch bilbao {')).toBe(true);
    expect(increase.test('  outbound from lan via cloud {  # policy')).toBe(true);
    expect(increase.test('  group hunt serial [reception,')).toBe(true);
    expect(increase.test('  gateway pstn { address 10.10.1.3 }')).toBe(false);
    expect(increase.test('  announce 181 "{"')).toBe(false);
    expect(increase.test('  lan 10.0.0.0/8  # {')).toBe(false);
    expect(decrease.test('  }')).toBe(true);
    expect(decrease.test(']')).toBe(true);
    expect(decrease.test('  lan 10.0.0.0/8')).toBe(false);
  });

  it('folds from a line ending in { to the line starting with }', () => {
    const start = new RegExp(config.folding.markers.start);
    const end = new RegExp(config.folding.markers.end);
    expect(start.test('scenario "a } b" in bilbao {')).toBe(true);
    expect(start.test('  timers { no-answer 10s }')).toBe(false);
    expect(end.test('}')).toBe(true);
  });

  it('takes names with - as one word', () => {
    const words = 'desk-no-answer1 upstream-2 10s +34944000000'.match(new RegExp(config.wordPattern, 'g'));
    expect(words).toEqual(['desk-no-answer1', 'upstream-2', '10s', '+34944000000']);
  });
});
