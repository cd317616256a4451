// What each keyword of .surv means, as Markdown for hovers and completion
// documentation. The meanings themselves (with the Kamailio parameter or RFC
// behind each) are the core's keyword catalogue.
import type { KeywordWord } from '../../../../grammar/src/index.js';
import { catalogue } from '../../../../grammar/src/index.js';

export type KeywordDoc = catalogue.KeywordDoc;
export type KeywordContext = catalogue.KeywordContext;

export const keywordDocs = catalogue.keywordDocs;
export const keywordDoc = catalogue.keywordDoc;

/** The hover / completion documentation of a keyword, as Markdown. */
export function keywordMarkdown(word: KeywordWord, context?: KeywordContext): string {
  const doc = keywordDoc(word, context);
  const lines = [`**${word}** \`${doc.syntax}\``, '', doc.text];
  const facts: string[] = [];
  if (doc.kamailio) facts.push(`Kamailio: ${doc.kamailio}`);
  if (doc.rfc) facts.push(`Standard: ${doc.rfc}`);
  if (doc.default) facts.push(`Default: ${doc.default}`);
  if (facts.length > 0) lines.push('', facts.join('  \n'));
  return lines.join('\n');
}
