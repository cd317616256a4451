// The keyword catalogue (grammar/src/catalogue.ts) against the lexer and the parser:
// the keyword map is built from it, the parser's messages and recovery words name
// the statements it lists, and the catalogue itself names only keywords and leaves
// none out.
import { describe, expect, it } from 'vitest';
import * as catalogue from '../../../grammar/src/catalogue.js';
import { GatewayKind, keywords, Transport } from '../../../grammar/src/lexer.js';
import { resumeTokens, ruleDescriptions } from '../../../grammar/src/parser.js';
import { parse, type KeywordWord } from '../../../grammar/src/index.js';

const words = (phrase: string): string[] => phrase.split(' ');
const keywordSet = new Set<string>(catalogue.keywordWords);
const blockKinds = Object.keys(catalogue.blocks) as catalogue.BlockKind[];

/** The keywords a parser message names, in order: its list in parentheses, else the whole text. */
function namedKeywords(description: string): string[] {
  const list = /\(([^)]*)\)/.exec(description)?.[1] ?? description;
  return (list.match(/[a-z][a-z0-9-]*/g) ?? []).filter((w) => keywordSet.has(w));
}

/** Keyword phrases anywhere in a `Next`. */
function phrasesOf(next: catalogue.Next): string[] {
  if (next.kind === 'keyword') return [next.phrase];
  if (next.kind === 'keywords') return [...next.phrases];
  return [];
}

describe('the lexer keyword map comes from the catalogue', () => {
  it('one keyword token per reserved word, and no other', () => {
    expect([...keywords.keys()]).toEqual([...catalogue.keywordWords]);
    expect(new Set(catalogue.keywordWords).size).toBe(catalogue.keywordWords.length);
  });

  it('transports and gateway kinds are the catalogue\'s value words', () => {
    const inCategory = (category: typeof Transport) =>
      [...keywords].filter(([, type]) => type.CATEGORIES?.includes(category)).map(([word]) => word);
    expect(inCategory(Transport)).toEqual(catalogue.transportWords.map((t) => t.word));
    expect(inCategory(GatewayKind)).toEqual([...catalogue.gatewayKindWords]);
  });

  it('every word of the catalogue lexes as its keyword token', () => {
    const all = catalogue.keywordWords.join(' ');
    expect(parse(all, 'kw.surv').tokens.map((t) => t.tokenType.name)).toEqual(catalogue.keywordWords.map((w) => `kw_${w}`));
  });
});

describe('the parser names the statements of the catalogue', () => {
  // Each block's rule, by the name its "expected ..." message is looked up with.
  const rules: Record<string, catalogue.BlockKind> = {
    file: 'top', setting: 'container', gatewayProperty: 'gateway', upstreamProperty: 'upstream', timer: 'timers',
    registerProperty: 'register', limit: 'limits', tlsFile: 'tls', outboundItem: 'outbound', survivalAction: 'on-timeout',
    rewriteProperty: 'rewrite', inboundItem: 'inbound',
  };

  it.each(Object.entries(rules))('%s lists the statements of its block, in order', (rule, block) => {
    // A message names a statement by its leading keywords: `relay to GATEWAY` is 'relay'.
    const expected = catalogue.blocks[block].statements.flatMap((s) => words(s.replace(/ to$/, '')));
    expect(namedKeywords(ruleDescriptions[rule] ?? '')).toEqual(expected);
  });

  it('scenarioItem names the keyword statements of a scenario block', () => {
    const named = new Set(namedKeywords(ruleDescriptions['scenarioItem'] ?? ''));
    expect(named).toEqual(new Set(catalogue.blocks.scenario.statements.map((s) => words(s)[0])));
  });

  it('actorState names every actor state of the catalogue, in order', () => {
    const states = [...new Set(catalogue.actorWords.filter((w) => w.role === 'state').map((w) => words(w.label)[0]))];
    expect(namedKeywords(ruleDescriptions['actorState'] ?? '')).toEqual(states);
  });

  it('the words that end an unclosed block start a declaration, a setting or a statement', () => {
    const resume = [...resumeTokens].map((t) => t.name.replace(/^kw_/, ''));
    const starts = new Set(blockKinds.flatMap((b) => catalogue.blocks[b].statements.map((s) => words(s)[0])));
    for (const word of resume) expect(starts, word).toContain(word);
    // Declarations, settings and outbound statements always resume, so one missing `}` does not swallow them.
    for (const block of ['top', 'container', 'outbound'] as const) {
      for (const statement of catalogue.blocks[block].statements) expect(resume, statement).toContain(words(statement)[0]);
    }
  });
});

describe('the catalogue is whole', () => {
  it('names only keywords in its statements, openers, follows and actor words', () => {
    const phrases = [
      ...blockKinds.flatMap((b) => [...catalogue.blocks[b].statements, ...catalogue.blocks[b].openers]),
      ...catalogue.probeFields,
      ...catalogue.actorWords.map((w) => w.label),
      ...catalogue.groupModes.map((m) => m.word),
      ...Object.values(catalogue.follows).flatMap((fs) => (fs ?? []).flatMap((f) => f.next.flatMap(phrasesOf))),
    ];
    for (const phrase of phrases) for (const word of words(phrase)) expect(keywordSet, `${word} in '${phrase}'`).toContain(word);
  });

  it('places every keyword: a statement, a value, an actor word, or what follows a keyword or a value', () => {
    const placed = new Set<string>([
      ...blockKinds.flatMap((b) => catalogue.blocks[b].statements.flatMap(words)),
      ...catalogue.probeFields.flatMap(words),
      ...catalogue.actorWords.flatMap((w) => words(w.label)),
      ...catalogue.groupModes.map((m) => m.word),
      ...catalogue.transportWords.map((t) => t.word),
      ...catalogue.gatewayKindWords,
      ...Object.values(catalogue.follows).flatMap((fs) => (fs ?? []).flatMap((f) => f.next.flatMap(phrasesOf).flatMap(words))),
      ...Object.values(catalogue.afterValue).flatMap((phrases) => (phrases ?? []).flatMap(words)),
    ]);
    // Not in the catalogue's tables yet: `all` (completion's pass list offers it), the tails of a
    // scenario line (completion reads them from the AST), and `sends ... route ... to-tag` and
    // `expect X receives nothing`, which completion does not offer at all.
    const unplaced = ['all', 'within', 'contact', 'until', 'route', 'to-tag', 'receives', 'nothing'];
    expect(catalogue.keywordWords.filter((w) => !placed.has(w))).toEqual(unplaced);
  });

  it('opens each block with a keyword that opens no other', () => {
    const openers = blockKinds.flatMap((b) => catalogue.blocks[b].openers);
    expect(new Set(openers).size).toBe(openers.length);
    expect(catalogue.blocks.top.openers).toEqual([]);
  });

  it('says what follows each opener and each statement\'s first keyword', () => {
    const firsts = blockKinds.flatMap((b) => [...catalogue.blocks[b].openers, ...catalogue.blocks[b].statements.map((s) => words(s)[0] as KeywordWord)]);
    // After `stranger` completion offers the scenario's statements (an address is typed next).
    const unsaid = ['stranger'];
    expect(firsts.filter((word) => catalogue.follows[word] === undefined)).toEqual(unsaid);
  });

  it('gives every keyword a meaning with its syntax, and context meanings only to keywords', () => {
    for (const word of catalogue.keywordWords) {
      expect(catalogue.keywordDocs[word].syntax.length, word).toBeGreaterThan(0);
      expect(catalogue.keywordDocs[word].text.length, word).toBeGreaterThan(10);
    }
    for (const word of Object.keys(catalogue.contextualDocs)) expect(keywordSet).toContain(word);
    expect(catalogue.keywordDoc('timeout', 'on-timeout')).toBe(catalogue.keywordDocs.on);
    expect(catalogue.keywordDoc('timeout')).toBe(catalogue.keywordDocs.timeout);
  });

  it('picks the first follow that holds where a keyword stands', () => {
    expect(catalogue.followAt('ring', (w) => w.prev?.includes(']') ?? false)?.next).toEqual([{ kind: 'duration', slot: 'ring' }]);
    expect(catalogue.followAt('ring', () => false)?.next).toEqual([{ kind: 'names', of: ['phone', 'group'] }]);
    expect(catalogue.followAt('redirect', () => false)).toBeUndefined();
    expect(catalogue.followAt('silent', () => true)).toBeUndefined();
  });
});
