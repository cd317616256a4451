// Where a position is, read from the tokens the core lexed: the stack of blocks
// around it (which keyword opened each `{`), the word being typed, and the
// significant tokens before it. Robust on broken text: it needs no parse tree,
// only braces and keywords, and it follows the parser's own recovery rule (a
// top-level keyword closes every open block).
import type { IToken } from 'chevrotain';
import type { ast, KeywordWord, ParseResult } from '../../../../grammar/src/index.js';
import { catalogue, keywordWords } from '../../../../grammar/src/index.js';

/** A block of the catalogue, or `unknown` for a `{` no opener keyword explains. */
export type BlockKind = catalogue.BlockKind | 'unknown';

/** The keyword that opens each kind of `{ ... }` block. */
const openers = new Map<string, BlockKind>(
  (Object.entries(catalogue.blocks) as [catalogue.BlockKind, catalogue.BlockSpec][]).flatMap(([kind, spec]) => spec.openers.map((word) => [word, kind] as const)),
);

/** Keywords only the top level takes: the parser ends any open block before them. */
const topLevel = new Set<string>(catalogue.blocks.top.statements);

const keywordSet = new Set<string>(keywordWords);

/** The keyword a token is, or undefined for names, literals and punctuation. */
export function wordOf(token: IToken | undefined): KeywordWord | undefined {
  if (!token || !token.tokenType.name.startsWith('kw_')) return undefined;
  return keywordSet.has(token.image) ? (token.image as KeywordWord) : undefined;
}

export function typeOf(token: IToken | undefined): string | undefined {
  return token?.tokenType.name;
}

export function tokenEnd(token: IToken): number {
  return token.startOffset + token.image.length;
}

export interface Block {
  readonly kind: BlockKind;
  /** The keyword that opened it (`gateway`, `on`, `branch`...). */
  readonly head: IToken | undefined;
  /** Index of its `{` in the token list. */
  readonly open: number;
}

/** The top-level declaration around a position, from its header tokens and the AST. */
export interface Enclosing {
  readonly kind: 'branch' | 'profile' | 'scenario';
  /** The branch or profile name; for a scenario, the branch after `in`. */
  readonly name: string | undefined;
  readonly node: ast.Declaration | undefined;
  /** Its tokens, header included, up to the next top-level keyword (for text the parser dropped). */
  readonly tokens: readonly IToken[];
  /** The profile after `uses`, read from the header tokens. */
  readonly uses: string | undefined;
}

export interface Where {
  readonly offset: number;
  readonly tokens: readonly IToken[];
  /** Significant tokens before the cursor, the word being typed excluded. */
  readonly before: readonly IToken[];
  /** The word (name, keyword, number, duration) the cursor is at the end or in the middle of. */
  readonly partial: IToken | undefined;
  /** The text of `partial` up to the cursor. */
  readonly typed: string;
  /** Open blocks, outermost first. */
  readonly blocks: readonly Block[];
  /** True inside `[ ... ]` (a group's members). */
  readonly inBrackets: boolean;
  readonly enclosing: Enclosing | undefined;
  /** Inside a comment or a string: nothing to complete. */
  readonly inert: boolean;
}

const wordTypes = new Set(['Name', 'Number', 'NumberPattern', 'Duration', 'ReplyClass', 'Percent']);

/** A string token with its closing quote (not an escaped one). */
function closedString(image: string): boolean {
  if (image.length < 2 || !image.endsWith('"')) return false;
  let backslashes = 0;
  for (let i = image.length - 2; i >= 1 && image[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 0;
}

function isWord(token: IToken): boolean {
  return wordTypes.has(token.tokenType.name) || token.tokenType.name.startsWith('kw_');
}

/** The innermost open block (the top level when none). */
export function innermost(where: Where): Block {
  return where.blocks[where.blocks.length - 1] ?? { kind: 'top', head: undefined, open: -1 };
}

/** Which block a `{` at `index` opens: the nearest opener keyword before it in the same statement. */
function blockKindAt(tokens: readonly IToken[], index: number): { kind: BlockKind; head: IToken | undefined } {
  for (let i = index - 1; i >= 0 && i >= index - 16; i--) {
    const t = tokens[i] as IToken;
    const type = t.tokenType.name;
    if (type === 'LCurly' || type === 'RCurly') break;
    const word = wordOf(t);
    const kind = word ? openers.get(word) : undefined;
    // `timeout` alone is a probe field; `on timeout` opens a block.
    if (kind) return { kind, head: t };
  }
  return { kind: 'unknown', head: undefined };
}

export function locate(file: ParseResult, offset: number): Where {
  const tokens = file.tokens;
  const inComment = file.comments.some((c) => c.start < offset && offset <= c.end);
  let partial: IToken | undefined;
  let inert = inComment;
  let end = 0;
  while (end < tokens.length && (tokens[end] as IToken).startOffset < offset) {
    const t = tokens[end] as IToken;
    const stop = tokenEnd(t);
    if (stop >= offset) {
      // Inside a string (or just after an unterminated one): nothing to complete.
      if (t.tokenType.name === 'String') {
        if (offset < stop || !closedString(t.image)) {
          inert = true;
          break;
        }
      } else if (isWord(t)) {
        partial = t;
        break;
      }
    }
    end++;
  }
  const before = tokens.slice(0, end);
  const blocks: Block[] = [];
  let inBrackets = false;
  before.forEach((t, i) => {
    const type = t.tokenType.name;
    if (type === 'LCurly') blocks.push({ ...blockKindAt(tokens, i), open: i });
    else if (type === 'RCurly') blocks.pop();
    else if (type === 'LBracket') inBrackets = true;
    else if (type === 'RBracket') inBrackets = false;
    else if (topLevel.has(wordOf(t) ?? '') && blocks.length > 0) blocks.length = 0;
    if (type === 'LCurly' || type === 'RCurly' || blocks.length === 0) inBrackets = inBrackets && type === 'LBracket';
  });
  const typed = partial ? partial.image.slice(0, offset - partial.startOffset) : '';
  return { offset, tokens, before, partial, typed, blocks, inBrackets, enclosing: enclosingOf(file, blocks, tokens), inert };
}

function enclosingOf(file: ParseResult, blocks: readonly Block[], tokens: readonly IToken[]): Enclosing | undefined {
  const outer = blocks[0];
  if (!outer?.head || (outer.kind !== 'container' && outer.kind !== 'scenario')) return undefined;
  const head = outer.head;
  const node = file.ast.declarations.find((d) => d.keywordSpan.start === head.startOffset);
  const first = tokens.indexOf(head);
  let last = first + 1;
  while (last < tokens.length && !topLevel.has(wordOf(tokens[last]) ?? '')) last++;
  const own = tokens.slice(first, last);
  const header = tokens.slice(first, outer.open);
  const after = (word: KeywordWord) => {
    const i = header.findIndex((t) => wordOf(t) === word);
    const next = i >= 0 ? header[i + 1] : undefined;
    return next && next.tokenType.name !== 'LCurly' ? next.image : undefined;
  };
  if (outer.kind === 'scenario') {
    const name = node?.kind === 'Scenario' && node.branch ? node.branch.text : after('in');
    return { kind: 'scenario', name, node, tokens: own, uses: undefined };
  }
  const nameToken = header[1];
  const name = node && node.kind !== 'Scenario' && node.name ? node.name.text : nameToken && nameToken.tokenType.name !== 'LCurly' ? nameToken.image : undefined;
  return { kind: head.image === 'profile' ? 'profile' : 'branch', name, node, tokens: own, uses: after('uses') };
}

/**
 * The tokens directly inside a block (nested blocks left out), before and after
 * the cursor, up to its closing brace or the next top-level keyword.
 */
export function blockTokens(where: Where, block: Block): IToken[] {
  const out: IToken[] = [];
  let depth = 0;
  for (let i = block.open + 1; i < where.tokens.length; i++) {
    const t = where.tokens[i] as IToken;
    const type = t.tokenType.name;
    if (type === 'LCurly') depth++;
    else if (type === 'RCurly') {
      if (depth === 0) break;
      depth--;
    } else if (topLevel.has(wordOf(t) ?? '')) break;
    else if (depth === 0) out.push(t);
  }
  return out;
}
