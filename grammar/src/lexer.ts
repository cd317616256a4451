import { createToken, Lexer, type ILexingResult, type TokenType } from 'chevrotain';
import { gatewayKindWords, keywordWords, transportWords, type KeywordWord } from './catalogue.js';

// Token order matters: chevrotain takes the first pattern that matches, so the
// specific literal shapes (URIs, addresses, durations) come before plain numbers
// and names, and longer keywords before their prefixes (`upstream` before `up`).

/** Any single-token value: the parser takes one wherever a value goes, the checker judges it. */
export const Literal = createToken({ name: 'Literal', pattern: Lexer.NA, label: 'a value' });

/** A name, or a keyword standing where a name goes (reported, but parsed as a name). */
export const NameLike = createToken({ name: 'NameLike', pattern: Lexer.NA, label: 'a name' });
export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\f]+/, group: Lexer.SKIPPED, line_breaks: true });
export const Comment = createToken({ name: 'Comment', pattern: /#[^\r\n]*/, group: 'comments' });

/** Unterminated strings are lexed too (no closing quote) so the parser can go on; the AST flags them. */
export const StringLit = createToken({ name: 'String', pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*"?/ , categories: [Literal] });
// A bracketed IPv6 host is part of the URI; otherwise brackets, braces, commas, quotes and `#` end it.
export const SipUri = createToken({ name: 'SipUri', pattern: /sips?:(?:\[[0-9A-Fa-f:.]*\]|[^\s{}[\],#"])+/ , categories: [Literal] });
export const Address = createToken({ name: 'Address', pattern: Lexer.NA, categories: [Literal] });
// At least one colon inside, so a group's member list `[cafe]` or `[]` is never an address.
export const Ipv6Bracketed = createToken({ name: 'Ipv6Bracketed', pattern: /\[[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*\](?::\d+)?/, categories: [Address] });
// Bare IPv6 needs two colons somewhere; that keeps it apart from every other token.
export const Ipv6 = createToken({ name: 'Ipv6', pattern: /(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f.]*(?:\/\d+)?/, categories: [Address] });
export const Percent = createToken({ name: 'Percent', pattern: /\d+(?:\.\d+)?%/ , categories: [Literal] });
// Lenient on purpose (any dotted digits): `10.10.1` or `300.1.1.1` reach the checker,
// which says precisely what is wrong, instead of a vague lexing error.
export const Ipv4 = createToken({ name: 'Ipv4', pattern: /\d+(?:\.\d+)+(?::\d+)?(?:\/\d+)?/, categories: [Address] });
// A number pattern: digits (optionally led by +) then uppercase X, one per any digit (`9441231XX`,
// `+349441231XX`). Before ReplyClass and Duration, which would take `1XX` as a bad duration.
export const NumberPattern = createToken({ name: 'NumberPattern', pattern: /\+?\d+X+(?![A-Za-z0-9_-])/, categories: [Literal] });
export const ReplyClass = createToken({ name: 'ReplyClass', pattern: /[1-9]xx(?![A-Za-z0-9_-])/ , categories: [Literal] });
// Any digits followed by letters is a duration; the checker names a bad unit.
export const Duration = createToken({ name: 'Duration', pattern: /\d+[A-Za-z][A-Za-z0-9_]*/ , categories: [Literal] });
export const NumberLit = createToken({ name: 'Number', pattern: /\+?\d+/ , categories: [Literal] });

export const Name = createToken({ name: 'Name', pattern: /[A-Za-z_][A-Za-z0-9_-]*/, categories: [Literal, NameLike] });

export const LCurly = createToken({ name: 'LCurly', pattern: '{', label: "'{'" });
export const RCurly = createToken({ name: 'RCurly', pattern: '}', label: "'}'" });
export const LBracket = createToken({ name: 'LBracket', pattern: '[', label: "'['" });
export const RBracket = createToken({ name: 'RBracket', pattern: ']', label: "']'" });
export const Comma = createToken({ name: 'Comma', pattern: ',', label: "','" });

/** Every keyword token is in this category, for completion and semantic tokens. */
export const Keyword = createToken({ name: 'Keyword', pattern: Lexer.NA });
/** A transport keyword (udp, tcp, tls). */
export const Transport = createToken({ name: 'Transport', pattern: Lexer.NA });
/** A gateway kind keyword (bri, pri, fxo, trunk). */
export const GatewayKind = createToken({ name: 'GatewayKind', pattern: Lexer.NA });

// The reserved words and which of them are transports or gateway kinds come from the catalogue.
export { keywordWords, type KeywordWord } from './catalogue.js';

const transports = new Set<string>(transportWords.map((t) => t.word));
const gatewayKinds = new Set<string>(gatewayKindWords);

export const keywords = new Map<KeywordWord, TokenType>(
  keywordWords.map((word) => {
    const categories = [Keyword, NameLike];
    if (transports.has(word)) categories.push(Transport);
    if (gatewayKinds.has(word)) categories.push(GatewayKind);
    return [
      word,
      // Keywords are not matched by the lexer: a Name whose text is a keyword is
      // retyped after lexing (one map lookup instead of ~100 regex attempts per word).
      createToken({ name: `kw_${word}`, pattern: Lexer.NA, categories, label: `'${word}'` }),
    ];
  }),
);

/** Keyword token types by word, as plain properties (the parser reads them on every rule call). */
export const K = Object.fromEntries(keywords) as Record<KeywordWord, TokenType>;

export const allTokens: TokenType[] = [
  WhiteSpace, Comment, StringLit, SipUri, Ipv6Bracketed, Ipv6, Percent, Ipv4, NumberPattern, ReplyClass,
  Duration, NumberLit, Name, ...keywords.values(), LCurly, RCurly, LBracket, RBracket, Comma,
  Literal, Address, NameLike, Keyword, Transport, GatewayKind,
];

const chevrotainLexer = new Lexer(allTokens, {
  positionTracking: 'onlyOffset',
  ensureOptimizations: true,
  // Our diagnostics carry their own messages; chevrotain's default text names internal patterns.
  errorMessageProvider: {
    buildUnexpectedCharactersMessage(fullText, startOffset, length) {
      const text = fullText.substr(startOffset, length);
      return text.length === 1 ? `unexpected character ${JSON.stringify(text)}` : `unexpected characters ${JSON.stringify(text)}`;
    },
    buildUnableToPopLexerModeMessage() {
      return 'internal lexer error';
    },
  },
});

const keywordByText = new Map<string, TokenType>([...keywords].map(([word, type]) => [word, type]));

/** Lexes `text`; names spelled like keywords become keyword tokens. */
export function tokenize(text: string): ILexingResult {
  const result = chevrotainLexer.tokenize(text);
  for (const token of result.tokens) {
    if (token.tokenType !== Name) continue;
    const keyword = keywordByText.get(token.image);
    if (keyword) {
      token.tokenType = keyword;
      token.tokenTypeIdx = keyword.tokenTypeIdx as number;
    }
  }
  return result;
}
