// The TextMate grammar and docs/language.md against the keyword catalogue
// (grammar/src/catalogue.ts): each lists every reserved word, and nothing else.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as catalogue from '../../../grammar/src/catalogue.js';
import { documentedKeywords } from '../../support/docs.js';

const GRAMMAR = fileURLToPath(new URL('../../../syntaxes/surv.tmLanguage.json', import.meta.url));

interface Pattern {
  readonly match?: string;
  readonly begin?: string;
  readonly name?: string;
  readonly patterns?: readonly Pattern[];
}

const grammar = JSON.parse(readFileSync(GRAMMAR, 'utf8')) as { repository: Record<string, Pattern> };

/** The words of a `(?<![\w-])(?:a|b\-c)(?![\w-])` keyword pattern (or its one-word `(a)` form). */
function wordsOf(regex: string): string[] {
  const m = /^\(\?<!\[\\w-\]\)\((?:\?:)?([^()]*)\)\(\?!\[\\w-\]\)$/.exec(regex);
  if (!m?.[1]) throw new Error(`not a keyword pattern: ${regex}`);
  return m[1].split('|').map((w) => w.replace(/\\-/g, '-'));
}

const sorted = (words: Iterable<string>): string[] => [...words].sort();

describe('syntaxes/surv.tmLanguage.json', () => {
  const keywordPatterns = grammar.repository['keywords']?.patterns ?? [];

  it('its keyword patterns hold every reserved word once, and nothing else', () => {
    const words = keywordPatterns.flatMap((p) => wordsOf(p.match ?? ''));
    expect(sorted(words)).toEqual(sorted(catalogue.keywordWords));
    expect(new Set(words).size).toBe(words.length);
  });

  it('scopes the transports and gateway kinds as the catalogue\'s value words', () => {
    const byScope = (scope: string) => keywordPatterns.filter((p) => p.name === scope).flatMap((p) => wordsOf(p.match ?? ''));
    expect(byScope('support.constant.transport.surv')).toEqual(catalogue.transportWords.map((t) => t.word));
    expect(byScope('support.constant.gateway-kind.surv')).toEqual([...catalogue.gatewayKindWords]);
  });

  it('scopes the top-level keywords as declarations', () => {
    const declarations = keywordPatterns.filter((p) => p.name?.startsWith('keyword.declaration.')).flatMap((p) => wordsOf(p.match ?? ''));
    expect(sorted(declarations)).toEqual(sorted(catalogue.blocks.top.statements));
  });

  it('the words its declaration and scenario rules begin with are keywords', () => {
    const begins = [
      ...(grammar.repository['declarations']?.patterns ?? []).map((p) => p.begin ?? p.match ?? ''),
      grammar.repository['scenario']?.begin ?? '',
    ].flatMap(wordsOf);
    expect(begins.length).toBeGreaterThan(0);
    for (const word of begins) expect(catalogue.keywordWords, word).toContain(word);
  });
});

describe('docs/language.md', () => {
  it('lists every reserved word once, and nothing else', () => {
    const words = documentedKeywords();
    expect(sorted(words)).toEqual(sorted(catalogue.keywordWords));
    expect(new Set(words).size).toBe(words.length);
  });
});
