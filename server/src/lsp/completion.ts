// Completion that knows where it is: the block around the cursor (from the
// tokens' braces), the tokens just before it, and the resolved model for names.
// Works on broken text, since it needs neither a complete statement nor a tree.
import type { IToken } from 'chevrotain';
import {
  CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type CompletionList, type Position, type Range,
} from 'vscode-languageserver-types';
import type { ast, KeywordWord } from '../../../grammar/src/index.js';
import { catalogue, defaultChannels, defaults, formatMs } from '../../../grammar/src/index.js';
import type { DocumentContext } from './context.js';
import { offsetAt, spanToRange } from './convert.js';
import { blockTokens, innermost, locate, typeOf, wordOf, type BlockKind, type Where } from './knowledge/blocks.js';
import { keywordDoc, keywordMarkdown } from './knowledge/keywords.js';
import { entitiesAt, fileLabel, visibleProfiles, type Entity, type EntityKind } from './knowledge/names.js';
import { allReplyCodes, replyClasses, replyCodes } from './knowledge/reply-codes.js';

const empty: CompletionList = { isIncomplete: false, items: [] };

/** Keywords (or fixed keyword phrases) each block takes at the start of a statement. */
function blockKeywords(block: BlockKind): readonly string[] {
  return block === 'unknown' ? [] : catalogue.blocks[block].statements;
}

/** Blocks whose settings may each be given once: written ones are not offered again. */
function onceEach(block: BlockKind): boolean {
  return block !== 'unknown' && catalogue.blocks[block].onceEach;
}

const { probeFields, actorWords } = catalogue;
type ActorKind = catalogue.ActorKind;

/** The keywords that may follow the value of a statement started by `word`. */
function tails(word: KeywordWord): readonly string[] {
  return catalogue.afterValue[word] ?? [];
}

/** Keywords that stand as items of a comma list, not at its head. */
const listValues = new Set<string>([...catalogue.transportWords.map((t) => t.word), 'all']);

/** Suggested durations per slot; the first is surv's default where there is one. */
const durationSlots: Record<catalogue.DurationSlot, { readonly values: readonly string[]; readonly defaultValue?: string }> = {
  'no-answer': { values: ['10s', '5s', '8s', '15s'], defaultValue: formatMs(defaults.timers.noAnswerMs) },
  ringing: { values: ['120s', '45s', '60s', '90s'], defaultValue: formatMs(defaults.timers.ringingMs) },
  // Its default is the no-answer value, so the branch's own is offered first.
  trying: { values: ['10s', '5s', '8s', '15s'], defaultValue: formatMs(defaults.timers.noAnswerMs) },
  t1: { values: ['500ms', '1s'], defaultValue: formatMs(defaults.timers.t1Ms) },
  t2: { values: ['4s', '8s'], defaultValue: formatMs(defaults.timers.t2Ms) },
  budget: { values: ['20s', '10s', '15s', '30s'], defaultValue: formatMs(defaults.timers.budgetMs) },
  every: { values: ['15s', '10s', '30s', '60s'], defaultValue: formatMs(defaults.probe.everyMs) },
  timeout: { values: ['2s', '1s', '5s'], defaultValue: formatMs(defaults.probe.timeoutMs) },
  holdoff: { values: ['0s', '30s', '60s', '2m'], defaultValue: formatMs(defaults.probe.holdoffMs) },
  ring: { values: ['20s', '15s', '25s', '30s'], defaultValue: formatMs(defaults.groupRingMs) },
  for: { values: ['20s', '15s', '30s', '45s', '60s'], defaultValue: formatMs(defaults.groupRingMs) },
  time: { values: ['1s', '2s', '5s', '10s', '30s'] },
  per: { values: ['1s', '2s', '5s', '10s'] },
  'max-expires': { values: ['1h', '10m', '2h', '24h'], defaultValue: formatMs(defaults.limits.maxExpiresS * 1000) },
};

/** Collects items; every item replaces the word being typed. */
class Items {
  readonly list: CompletionItem[] = [];
  private readonly labels = new Set<string>();

  constructor(private readonly range: Range) {}

  add(item: CompletionItem & { readonly insert?: string }): void {
    if (this.labels.has(item.label)) return;
    this.labels.add(item.label);
    const { insert, ...rest } = item;
    this.list.push({ ...rest, textEdit: { range: this.range, newText: insert ?? item.label } });
  }

  keyword(phrase: string, context?: Parameters<typeof keywordMarkdown>[1]): void {
    const first = phrase.split(' ')[0] as KeywordWord;
    this.add({
      label: phrase, kind: CompletionItemKind.Keyword, detail: keywordDoc(first, context).syntax,
      documentation: { kind: MarkupKind.Markdown, value: keywordMarkdown(first, context) },
    });
  }

  keywords(phrases: readonly string[]): void {
    for (const p of phrases) this.keyword(p);
  }

  snippet(label: string, body: string, detail: string, filterText = label.split(' ')[0] ?? label): void {
    this.add({
      label, kind: CompletionItemKind.Snippet, insertTextFormat: InsertTextFormat.Snippet, insert: body, detail, filterText,
      documentation: { kind: MarkupKind.Markdown, value: `\`\`\`surv\n${body.replace(/\$\{\d+[:|]([^}|]*)[^}]*\}/g, '$1').replace(/\$\d/g, '')}\n\`\`\`` },
    });
  }

  /** Values in the order given (sortText keeps it), the first `preferred` ones preselected. */
  values(values: readonly { label: string; detail?: string; documentation?: string; kind?: CompletionItemKind }[]): void {
    values.forEach((v, i) => this.add({
      label: v.label, kind: v.kind ?? CompletionItemKind.Value, sortText: String(i).padStart(3, '0'),
      ...(v.detail !== undefined ? { detail: v.detail } : {}),
      ...(v.documentation !== undefined ? { documentation: { kind: MarkupKind.Markdown, value: v.documentation } } : {}),
    }));
  }

  names(entities: readonly Entity[], kinds: readonly EntityKind[]): void {
    for (const kind of kinds) {
      for (const e of entities) if (e.kind === kind) this.add({ label: e.name, kind: CompletionItemKind.Reference, detail: e.detail });
    }
  }
}

export function completion(ctx: DocumentContext, position: Position): CompletionList {
  const offset = offsetAt(ctx.file, position);
  const where = locate(ctx.file, offset);
  if (where.inert) return empty;
  const start = where.partial ? where.partial.startOffset : offset;
  const items = new Items(spanToRange(ctx.file, { start, end: offset }));
  new Completer(ctx, where, items).run();
  return { isIncomplete: false, items: items.list };
}

class Completer {
  private readonly block: BlockKind;
  private readonly p1: IToken | undefined;
  private readonly p2: IToken | undefined;
  private readonly p3: IToken | undefined;
  private entityCache: Entity[] | undefined;
  /** The cursor is on a later line than the last token: optional continuations are not offered. */
  private readonly freshLine: boolean;

  constructor(private readonly ctx: DocumentContext, private readonly where: Where, private readonly items: Items) {
    this.block = innermost(where).kind;
    const b = where.before;
    this.p1 = b[b.length - 1];
    this.p2 = b[b.length - 2];
    this.p3 = b[b.length - 3];
    this.freshLine = this.p1 !== undefined && ctx.file.text.slice(this.p1.startOffset + this.p1.image.length, where.offset).includes('\n');
  }

  private get entities(): Entity[] {
    return (this.entityCache ??= entitiesAt(this.ctx.analysis, this.ctx.uri, this.where.enclosing));
  }

  private names(...kinds: EntityKind[]): void {
    this.items.names(this.entities, kinds);
  }

  run(): void {
    const w1 = wordOf(this.p1);
    if (w1 && this.afterKeyword(w1)) return;
    if (!w1 && this.afterOther()) return;
    if (this.block === 'scenario') this.scenarioTail();
    else this.statementStart();
  }

  /** The keywords (and snippets) that may start a statement in the current block. */
  private statementStart(): void {
    const { items } = this;
    const block = this.block;
    if (block === 'scenario') {
      this.names('phone', 'gateway', 'upstream');
      items.keywords(blockKeywords('scenario'));
      return;
    }
    let words = blockKeywords(block);
    if (onceEach(block)) {
      const written = new Set(blockTokens(this.where, innermost(this.where)).map((t) => wordOf(t)).filter((w) => w !== undefined));
      const again = new Set(block === 'unknown' ? [] : catalogue.blocks[block].repeatable ?? []);
      words = words.filter((w) => again.has(w) || !written.has(w.split(' ')[0] as KeywordWord));
    }
    items.keywords(words);
    if (block === 'top') this.topSnippets();
    else if (block === 'container') this.containerSnippets();
    else if (block === 'upstream' && words.includes('probe')) items.snippet('probe options', 'probe options every ${1:15s} timeout ${2:2s} down after ${3:2} up after ${4:3} holdoff ${5:60s}', 'OPTIONS keepalive (dispatcher)', 'probe');
    else if (block === 'outbound') {
      items.snippet('on timeout block', 'on timeout { announce 181 "${1:Survival Activated - please standby}"  redirect 302 to ${2:' + this.firstName('gateway', 'pstn') + '} }', 'survival actions', 'on');
      items.snippet('rewrite block', 'rewrite { match ${1:0}  strip ${2:1} }', 'number rewriting in survival');
    }
  }

  /** The branches of the fleet, and those of this file the parser could not keep (an unfinished file). */
  private branchNames(): string[] {
    const names = this.ctx.analysis.model.branches.map((b) => b.name);
    this.where.tokens.forEach((t, i) => {
      const next = this.where.tokens[i + 1];
      if (wordOf(t) === 'branch' && next && typeOf(next) === 'Name') names.push(next.image);
    });
    return [...new Set(names)].sort();
  }

  private firstName(kind: EntityKind, fallback: string): string {
    return this.entities.find((e) => e.kind === kind)?.name ?? fallback;
  }

  /** `${n|a,b|}` when names are known, else a placeholder. */
  private choice(n: number, kind: EntityKind, fallback: string): string {
    const names = this.entities.filter((e) => e.kind === kind).map((e) => e.name);
    return names.length > 1 ? `\${${n}|${names.join(',')}|}` : `\${${n}:${names[0] ?? fallback}}`;
  }

  private topSnippets(): void {
    this.items.snippet('branch block', [
      'branch ${1:name} {',
      '  edge listen udp ${2:10.0.0.1}:5060',
      '  lan ${3:10.0.0.0/24}',
      '  gateway ${4:pstn} { address ${5:10.0.1.3}  kind ${6|bri,pri,fxo,trunk|} }',
      '  upstream ${7:cloud} { proxy ${8:sip:pbx.example.com:5060} }',
      '  timers { no-answer ${9:10s}  ringing ${10:60s}  budget ${11:15s} }',
      '  register { forward ${7:cloud} with path }',
      '  outbound from lan via ${7:cloud} {',
      '    on timeout { announce 181 "Survival Activated - please standby"  redirect 302 to ${4:pstn} }',
      '  }',
      '  $0',
      '}',
    ].join('\n'), 'a branch skeleton');
    this.items.snippet('profile block', 'profile ${1:name} {\n  $0\n}', 'a reusable bundle of settings');
    const branches = this.branchNames();
    const branch = branches.length > 1 ? `\${2|${branches.join(',')}|}` : `\${2:${branches[0] ?? 'branch'}}`;
    this.items.snippet('scenario block', [
      'scenario "${1:what happens}" in ' + branch + ' {',
      '  ${3:cloud} silent',
      '  ${4:desk1} calls ${5:944000000}',
      '  expect ${4:desk1} gets ${6:302} at ${7:10s}',
      '  $0',
      '}',
    ].join('\n'), 'a scenario skeleton');
  }

  private containerSnippets(): void {
    const { items } = this;
    items.snippet('gateway block', 'gateway ${1:pstn} { address ${2:10.0.1.3}  kind ${3|bri,pri,fxo,trunk|} }', 'a local PSTN gateway');
    items.snippet('upstream block', 'upstream ${1:cloud} {\n  proxy ${2:sip:pbx.example.com:5060}\n  probe options every ${3:15s} timeout ${4:2s} down after ${5:2} up after ${6:3} holdoff ${7:60s}\n}', 'a central proxy with OPTIONS probing');
    items.snippet('timers block', 'timers { no-answer ${1:10s}  ringing ${2:60s}  budget ${3:20s} }', 'tm fr_timer, fr_inv_timer and the budget');
    items.snippet('register block', 'register { forward ' + this.choice(1, 'upstream', 'cloud') + ' with path }', 'REGISTERs up with a Path header');
    const l = defaults.limits;
    items.snippet('limits block', `limits { per-source \${1:${l.perSource.count}} per \${2:${l.perSource.windowS}s}  outside \${3:${l.outside.count}} per \${4:${l.outside.windowS}s}  max-expires \${5:${formatMs(l.maxExpiresS * 1000)}}  max-contacts \${6:${l.maxContacts}} }`, 'flood limits and the registration copy\'s bounds');
    items.snippet('tls block', 'tls { certificate "${1:/etc/kamailio/tls/cert.pem}"  key "${2:/etc/kamailio/tls/key.pem}" }', 'the certificate and key of the edge\'s tls listen addresses');
    items.snippet('outbound block', 'outbound from lan via ' + this.choice(1, 'upstream', 'cloud') + ' {\n  on timeout { announce 181 "${2:Survival Activated - please standby}"  redirect 302 to ' + this.choice(3, 'gateway', 'pstn') + ' }\n}', 'upstreams in order, then survival');
    items.snippet('inbound block', 'inbound from ' + this.choice(1, 'gateway', 'pstn') + ' { ring ${2:' + this.firstName('group', this.firstName('phone', 'reception')) + '} }', 'incoming PSTN calls');
  }

  private durations(slot: catalogue.DurationSlot): void {
    const spec = durationSlots[slot];
    const values: { label: string; detail?: string; kind?: CompletionItemKind }[] = [];
    const digits = /^\d+/.exec(this.where.typed)?.[0];
    if (digits) for (const unit of ['ms', 's', 'm']) values.push({ label: `${digits}${unit}`, kind: CompletionItemKind.Unit, detail: unitName[unit] });
    for (const v of spec?.values ?? []) values.push({ label: v, ...(v === spec?.defaultValue ? { detail: 'default' } : {}) });
    this.items.values(values);
  }

  private codes(list: readonly number[]): void {
    this.items.values(list.map((code) => {
      const known = replyCodes.get(code);
      return { label: String(code), detail: known?.reason ?? '', ...(known ? { documentation: `**${code} ${known.reason}** (${known.source})${known.note ? `\n\n${known.note}` : ''}` } : {}) };
    }));
  }

  private passValues(withAll: boolean): void {
    const values: { label: string; detail: string }[] = withAll ? [{ label: 'all', detail: 'every final reply passes (default)' }] : [];
    for (const digit of [3, 4, 5, 6]) values.push({ label: `${digit}xx`, detail: replyClasses.get(digit)?.name ?? '' });
    for (const code of [404, 408, 480, 486, 487, 503, 603]) values.push({ label: String(code), detail: replyCodes.get(code)?.reason ?? '' });
    this.items.values(values);
  }

  private actorKind(name: string): ActorKind | undefined {
    const kind = this.entities.find((e) => e.name === name)?.kind;
    return kind === 'group' ? undefined : kind;
  }

  private actorStates(actor: string): void {
    const kind = this.actorKind(actor);
    for (const w of actorWords) {
      if (kind && !w.kinds.includes(kind)) continue;
      const first = w.label.split(' ')[0] as KeywordWord;
      this.items.add({
        label: w.label, kind: CompletionItemKind.Keyword, detail: w.detail,
        documentation: { kind: MarkupKind.Markdown, value: keywordMarkdown(first, first === 'down' || first === 'up' || first === 'no-answer' || first === 'trying' ? 'scenario-state' : undefined) },
      });
    }
  }

  /** The scenario statement that `token` belongs to, from the AST. */
  private scenarioItem(token: IToken | undefined): ast.ScenarioItem | undefined {
    const node = this.where.enclosing?.node;
    if (!token || node?.kind !== 'Scenario') return undefined;
    return node.items.find((i) => i.start <= token.startOffset && token.startOffset < i.end);
  }

  /** After a complete scenario statement: what may still follow it, then a new statement. */
  private scenarioTail(): void {
    const item = this.freshLine ? undefined : this.scenarioItem(this.p1);
    if (item?.kind === 'State') {
      if (item.state === 'answers' && !item.delay) this.items.keyword('after', 'scenario-state');
      if (!item.from) this.items.keyword('from', 'scenario-state');
      if (!item.until) this.items.keyword('until');
    } else if (item?.kind === 'Event' && !item.at) this.items.keyword('at', 'scenario-time');
    else if (item?.kind === 'Expect' && item.what === 'gets') {
      if (!item.at && !item.within) this.items.keywords(['at', 'within']);
      if (!item.contact) this.items.keyword('contact');
    } else if (item?.kind === 'Expect' && item.what === 'answers' && !item.at) this.items.keyword('at', 'scenario-time');
    this.statementStart();
  }

  /** Whether the cursor stands where `when` says (the keyword being `p1`). */
  private holds(when: catalogue.When): boolean {
    const { block } = this;
    if (when.scenario !== undefined && (block === 'scenario') !== when.scenario) return false;
    if (when.block !== undefined && block !== when.block) return false;
    if (when.prev !== undefined) {
      const type = typeOf(this.p2);
      const prev = type === 'Comma' ? ',' : type === 'RBracket' ? ']' : wordOf(this.p2);
      if (prev === undefined || !when.prev.includes(prev)) return false;
    }
    if (when.prev2 !== undefined && wordOf(this.p3) !== when.prev2) return false;
    if (when.notPrev2 !== undefined && wordOf(this.p3) === when.notPrev2) return false;
    return true;
  }

  /** Completion after a keyword, from what the catalogue says follows it there; false to fall back to the start of a statement. */
  private afterKeyword(w1: KeywordWord): boolean {
    // `phone NAME EXT registered [transport T]`: the optional transport, then the next statement.
    if (w1 === 'registered' && this.block === 'container' && !this.freshLine) {
      this.items.keyword('transport');
      return false;
    }
    const follow = catalogue.followAt(w1, (when) => this.holds(when));
    if (!follow) return false;
    for (const next of follow.next) this.offer(next);
    return true;
  }

  private offer(next: catalogue.Next): void {
    const { items } = this;
    switch (next.kind) {
      case 'names':
        this.names(...next.of);
        return;
      case 'keyword': {
        if (next.unlessActor?.includes(this.actorKind(this.p2?.image ?? '') as ActorKind)) return;
        if (next.detail === undefined) {
          items.keyword(next.phrase, next.context);
          return;
        }
        const first = next.phrase.split(' ')[0] as KeywordWord;
        items.add({
          label: next.phrase, kind: CompletionItemKind.Keyword, detail: next.detail,
          documentation: { kind: MarkupKind.Markdown, value: keywordMarkdown(first, next.context) },
        });
        return;
      }
      case 'keywords':
        items.keywords(next.phrases);
        return;
      case 'duration':
        this.durations(next.slot);
        return;
      case 'code':
        this.codes(next.suggest === 'any' ? allReplyCodes().map((c) => c.code) : next.suggest);
        if (next.preselect !== undefined) {
          const preselected = items.list.find((i) => i.label === String(next.preselect));
          if (preselected) preselected.preselect = true;
        }
        if (next.withReason) {
          items.add({
            label: '181 "Survival Activated - please standby"', kind: CompletionItemKind.Snippet, insertTextFormat: InsertTextFormat.Snippet,
            insert: '181 "${1:Survival Activated - please standby}"', detail: '181 Call Is Being Forwarded, with its text', filterText: '181', sortText: '000',
          });
        }
        return;
      case 'pass-list':
        this.passValues(true);
        return;
      case 'transport':
        items.values(catalogue.transportWords.map((t) => ({ label: t.word, detail: t.detail })));
        return;
      case 'gateway-kind':
        items.values(catalogue.gatewayKindWords.map((k) => {
          const channels = defaultChannels[k];
          return {
            label: k, detail: channels !== undefined ? `${channels} channel${channels === 1 ? '' : 's'} by default` : 'channels required',
            documentation: keywordMarkdown(k),
          };
        }));
        return;
      case 'profile': {
        const self = this.p2?.image;
        items.values(visibleProfiles(this.ctx.analysis, this.ctx.uri).filter((p) => !(wordOf(this.p3) === 'profile' && p.name === self)).map((p) => ({
          label: p.name, kind: CompletionItemKind.Reference,
          detail: `profile${p.uri === this.ctx.uri ? '' : ` · ${fileLabel(p.uri)}`}${p.node.uses ? ` · uses ${p.node.uses.text}` : ''}`,
        })));
        return;
      }
      case 'file': {
        const here = this.ctx.uri.slice(0, this.ctx.uri.lastIndexOf('/') + 1);
        const files = [...this.ctx.analysis.files.keys()].filter((u) => u !== this.ctx.uri && u.startsWith(here)).map((u) => u.slice(here.length));
        items.values(files.map((f) => ({ label: JSON.stringify(f), kind: CompletionItemKind.File })));
        return;
      }
      case 'branch':
        items.values(this.branchNames().map((name) => ({ label: name, kind: CompletionItemKind.Reference, detail: 'branch' })));
        return;
      case 'literal':
        // A name, a number, an address, a URI, a string or a brace comes next: nothing to offer.
        return;
    }
  }

  /** The keyword that heads a comma list ending at the cursor (`via a, b,` → via). */
  private listHead(): { word: KeywordWord | undefined; block: boolean } {
    const b = this.where.before;
    for (let i = b.length - 1; i >= 0; i--) {
      const t = b[i] as IToken;
      const type = t.tokenType.name;
      if (type === 'LCurly' || type === 'RCurly') return { word: undefined, block: true };
      const word = wordOf(t);
      if (word && !listValues.has(word)) return { word, block: false };
    }
    return { word: undefined, block: false };
  }

  /** Completion after a name, a literal or punctuation; false to fall back to the start of a statement. */
  private afterOther(): boolean {
    const { items, block } = this;
    const type = typeOf(this.p1);
    const w2 = wordOf(this.p2);
    const w3 = wordOf(this.p3);
    if (type === 'LBracket' || (type === 'Comma' && this.where.inBrackets)) {
      this.names('phone');
      return true;
    }
    if (type === 'Comma') {
      switch (this.listHead().word) {
        case 'via': this.names('upstream'); break;
        case 'from': this.names('gateway'); break;
        // `relay to lte, `, `redirect 302 to lte, `, `direct to isdn, `: the next gateway of the list.
        case 'to': this.names('gateway'); break;
        case 'pass': this.passValues(false); break;
        case 'listen': this.items.values(catalogue.transportWords.map((t) => ({ label: t.word }))); break;
        default: break;
      }
      return true;
    }
    if (type === 'RBracket') {
      if (!this.freshLine) items.keyword('ring', 'group');
      return false;
    }
    // `phone NAME EXT at ADDRESS [transport T]`: the optional transport, then the next statement.
    if ((type === 'Ipv4' || type === 'Ipv6' || type === 'Ipv6Bracketed') && w2 === 'at' && block === 'container' && !this.freshLine) {
      items.keyword('transport');
      return false;
    }
    if (type === 'String') {
      if (w2 === 'scenario') {
        items.keywords(tails(w2));
        return true;
      }
      return false;
    }
    if (block === 'top') {
      if (type === 'Name' && (w2 === 'branch' || w2 === 'profile')) items.keywords(tails(w2));
      return type === 'Name' || type === 'Number';
    }
    // `group NAME NUMBER`: the mode follows the group's number too.
    if ((type === 'Name' && w2 === 'group') || (type === 'Number' && w3 === 'group')) {
      items.values(catalogue.groupModes.map((m) => ({ label: m.word, detail: m.detail, kind: CompletionItemKind.Keyword })));
      return true;
    }
    if (type === 'Name') {
      if (w2 === 'gateway' || w2 === 'upstream' || w2 === 'phone' || w2 === 'via' || w2 === 'from') return true;
      if (w2 === 'forward') {
        if (!this.freshLine) items.keywords(tails(w2));
        return false;
      }
      if (w2 === 'ring') {
        if (!this.freshLine) items.keywords(tails(w2));
        return false;
      }
      if (block === 'scenario') {
        if (w2 === 'expect') {
          items.keywords(tails(w2));
          return true;
        }
        if (w2 === 'calls') return false;
        this.actorStates(this.p1?.image ?? '');
        return true;
      }
      return false;
    }
    if (type === 'Number') {
      if (w3 === 'phone') {
        items.keywords(tails(w3));
        return true;
      }
      if (w2 === 'redirect' || w2 === 'did') {
        items.keywords(tails(w2));
        return true;
      }
      if (w2 === 'announce') return true;
      if (block === 'outbound' && this.listHead().word === 'emergency') {
        if (!this.freshLine) items.keywords(tails('emergency'));
        return false;
      }
    }
    // `caller-id NUMBER [for EXTENSION] [private]`: the rest of the line, then the gateway's statements.
    if ((type === 'Number' || type === 'NumberPattern') && block === 'gateway' && !this.freshLine) {
      const words = blockTokens(this.where, innermost(this.where)).map((t) => wordOf(t));
      const afterFor = w2 === 'for' && words.lastIndexOf('caller-id') > words.lastIndexOf('private');
      if (w2 === 'caller-id') items.keywords(tails(w2));
      else if (afterFor) items.keywords(['private']);
      if (w2 === 'caller-id' || afterFor) return false;
    }
    if (block === 'upstream' && blockTokens(this.where, innermost(this.where)).some((t) => wordOf(t) === 'probe')) {
      // Still on the probe line: its remaining fields, then the upstream's.
      const written = new Set(blockTokens(this.where, innermost(this.where)).map((t) => wordOf(t)));
      items.keywords(probeFields.filter((f) => !written.has(f.split(' ')[0] as KeywordWord)));
      return false;
    }
    if (block === 'limits' && type === 'Number' && (w2 === 'per-source' || w2 === 'outside') && !this.freshLine) {
      items.keywords(tails(w2));
      return true;
    }
    if (block === 'inbound' && type === 'Duration' && w2 === 'for' && !this.freshLine) {
      items.keywords(tails(w2));
      return false;
    }
    return false;
  }
}

const unitName: Record<string, string> = { ms: 'milliseconds', s: 'seconds', m: 'minutes' };
