// Hovers: what a keyword means (with the Kamailio parameter or RFC behind it),
// the effective value of a timer and the branch's worst post-dial delay, a
// name's resolved definition with provenance, a reply code's reason phrase.
// Everything comes from the tokens, the AST and the resolved model.
import type { IToken } from 'chevrotain';
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver-types';
import type { Analysis, Branch, KeywordWord, Origin, Setting } from '../../../grammar/src/index.js';
import { catalogue, defaultChannels, silentUpstreamTimer, worstPostDialDelayMs } from '../../../grammar/src/index.js';
import type { DocumentContext } from './context.js';
import { offsetAt, positionAt, spanToRange } from './convert.js';
import { innermost, locate, tokenEnd, typeOf, wordOf, type Where } from './knowledge/blocks.js';
import { keywordMarkdown, type KeywordContext } from './knowledge/keywords.js';
import { branchesUsing, branchOf, describeOrigin, durationText, fileLabel, findProfile, settingText } from './knowledge/names.js';
import { replyMarkdown } from './knowledge/reply-codes.js';

type TimerKey = 'no-answer' | 'ringing' | 'trying' | 't1' | 't2' | 'budget';
const timerKeys = new Set<string>(catalogue.blocks.timers.statements);
/** `probe options` and every word of its fields. */
const probeKeys = new Set<string>(['probe', 'options', ...catalogue.probeFields.flatMap((f) => f.split(' '))]);
/** `limits`, its settings and the `per` of their windows. */
const limitKeys = new Set<string>([...catalogue.blocks.limits.openers, ...catalogue.blocks.limits.statements, 'per']);

/** The token under the cursor, or the one just before it (a cursor at a word's end). */
function tokenAt(tokens: readonly IToken[], offset: number): IToken | undefined {
  let touching: IToken | undefined;
  for (const t of tokens) {
    if (t.startOffset > offset) break;
    if (offset < tokenEnd(t)) return t;
    if (offset === tokenEnd(t)) touching = t;
  }
  return touching;
}

export function hover(ctx: DocumentContext, position: Position): Hover | null {
  const offset = offsetAt(ctx.file, position);
  if (ctx.file.comments.some((c) => c.start <= offset && offset < c.end)) return null;
  const token = tokenAt(ctx.file.tokens, offset);
  if (!token) return null;
  const where = locate(ctx.file, token.startOffset);
  const markdown = new HoverBuilder(ctx, where, token).build();
  if (!markdown) return null;
  return { contents: { kind: MarkupKind.Markdown, value: markdown }, range: spanToRange(ctx.file, { start: token.startOffset, end: tokenEnd(token) }) };
}

class HoverBuilder {
  private readonly analysis: Analysis;
  private readonly p1: IToken | undefined;
  private readonly p2: IToken | undefined;

  constructor(private readonly ctx: DocumentContext, private readonly where: Where, private readonly token: IToken) {
    this.analysis = ctx.analysis;
    const b = where.before;
    this.p1 = b[b.length - 1];
    this.p2 = b[b.length - 2];
  }

  private dur(setting: Setting<number>): string {
    return settingText(this.analysis, setting);
  }

  private origin(o: Origin): string {
    return describeOrigin(this.analysis, this.ctx.uri, o);
  }

  build(): string | undefined {
    const token = this.token;
    const occurrence = this.analysis.symbols.at(this.ctx.uri, token.startOffset);
    if (occurrence && occurrence.start === token.startOffset) {
      const symbol = this.analysis.symbols.symbols[occurrence.symbol];
      if (symbol) return this.name(symbol.kind, symbol.name, occurrence.role);
    }
    const word = wordOf(token);
    if (word) return this.keyword(word);
    const type = typeOf(token);
    const key = wordOf(this.p1);
    if (type === 'Duration' && key && (timerKeys.has(key) || probeKeys.has(key)) && innermost(this.where).kind !== 'scenario') {
      return this.keyword(key, `\`${key} ${token.image}\``);
    }
    if ((type === 'Number' || type === 'ReplyClass') && this.isCodePosition()) return replyMarkdown(token.image);
    return undefined;
  }

  /** A reply code: after announce/redirect/gets/answers, or in a `pass` list. */
  private isCodePosition(): boolean {
    const key = wordOf(this.p1);
    if (key === 'announce' || key === 'redirect' || key === 'gets' || key === 'answers' || key === 'pass') return true;
    if (typeOf(this.p1) !== 'Comma') return false;
    for (let i = this.where.before.length - 1; i >= 0; i--) {
      const w = wordOf(this.where.before[i]);
      if (w) return w === 'pass';
    }
    return false;
  }

  private context(word: KeywordWord): KeywordContext | undefined {
    const block = innermost(this.where).kind;
    const w1 = wordOf(this.p1);
    const scenario = block === 'scenario';
    switch (word) {
      case 'timeout': return w1 === 'on' ? 'on-timeout' : undefined;
      case 'down': return scenario ? (w1 === 'marked' ? 'marked' : w1 === 'flapping' ? 'flapping' : 'scenario-state') : undefined;
      case 'up': return scenario ? (wordOf(this.p2) === 'down' ? 'flapping' : 'scenario-state') : undefined;
      case 'no-answer': case 'redirect': case 'after': case 'trying': return scenario ? 'scenario-state' : undefined;
      case 'answers': return scenario && wordOf(this.p2) === 'expect' ? 'expect' : undefined;
      case 'at': return scenario ? 'scenario-time' : undefined;
      case 'from': return scenario ? 'scenario-state' : w1 === 'inbound' ? 'inbound' : w1 === 'outbound' ? 'outbound' : undefined;
      case 'lan': return w1 === 'from' ? 'outbound' : undefined;
      case 'ring': return typeOf(this.p1) === 'RBracket' ? 'group' : block === 'inbound' ? 'inbound' : undefined;
      default: return undefined;
    }
  }

  private keyword(word: KeywordWord, title?: string): string {
    const context = this.context(word);
    const parts = [title ? `${title}\n\n${keywordMarkdown(word, context)}` : keywordMarkdown(word, context)];
    const block = innermost(this.where).kind;
    if (timerKeys.has(word) && block === 'timers') parts.push(this.timerEffect(word as TimerKey));
    else if (limitKeys.has(word) && (block === 'limits' || word === 'limits')) {
      const limits = this.limitsEffect();
      if (limits) parts.push(limits);
    }
    else if (block === 'upstream' && probeKeys.has(word) && context === undefined) {
      const probe = this.probeEffect();
      if (probe) parts.push(probe);
    }
    return parts.filter((p) => p.length > 0).join('\n\n---\n\n');
  }

  /** The branches a timer or probe line applies to: the branch itself, or those using the profile. */
  private branchesHere(): { branches: Branch[]; total: number; profile: string | undefined } {
    const enclosing = this.where.enclosing;
    const own = branchOf(this.analysis, this.ctx.uri, enclosing);
    if (own) return { branches: [own], total: 1, profile: undefined };
    if (enclosing?.kind === 'profile' && enclosing.name) {
      const using = branchesUsing(this.analysis, this.ctx.uri, enclosing.name);
      return { branches: using, total: using.length, profile: enclosing.name };
    }
    return { branches: [], total: 0, profile: undefined };
  }

  private timerEffect(key: TimerKey): string {
    const { branches, total, profile } = this.branchesHere();
    if (branches.length === 0) return profile ? `No branch uses profile ${profile} yet.` : '';
    const describe = (b: Branch) => {
      const setting = timerSetting(b, key);
      return `**${key} ${this.dur(setting)}** (${this.origin(setting.origin)})  \n${this.postDial(b, key === 't1')}`;
    };
    const first = branches[0] as Branch;
    if (!profile) return `In branch ${first.name}: ${describe(first)}`;
    // Branches that see the same values are listed together.
    const groups = new Map<string, string[]>();
    for (const b of branches) {
      const text = describe(b);
      groups.set(text, [...(groups.get(text) ?? []), b.name]);
    }
    const lines = [`**In the ${total} branch${total === 1 ? '' : 'es'} using profile ${profile}:**`, ''];
    for (const [text, names] of groups) {
      const who = names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
      lines.push(`- ${who}: ${text.replace('  \n', '; ')}`);
    }
    return lines.join('\n');
  }

  /** `worst post-dial delay 1 upstream (cloud) × no-answer 10s = 10s, within the budget of 15s`. */
  private postDial(b: Branch, withTimerB: boolean): string {
    const worst = worstPostDialDelayMs(b);
    const via = b.outbound?.via.value ?? [];
    const hops = Math.max(1, via.length);
    const budget = b.timers.budgetMs.value;
    const fits = worst <= budget ? 'within' : '**over**';
    // An upstream holds a caller for the longer of no-answer (silent) and trying (100, then nothing).
    const { name, timer } = silentUpstreamTimer(b);
    let text = `worst post-dial delay ${hops} upstream${hops === 1 ? '' : 's'}${via.length ? ` (${via.join(', ')})` : ''} × ${name} ${this.dur(timer)} = **${durationText(worst)}**, ${fits} the budget of ${this.dur(b.timers.budgetMs)} (${this.origin(b.timers.budgetMs.origin)})`;
    if (withTimerB) text += `; Timer B (64×T1) = ${durationText(64 * b.timers.t1Ms.value)}`;
    return text;
  }

  /** The upstream a probe line belongs to, resolved: its probe settings and how fast an outage is noticed. */
  private probeEffect(): string | undefined {
    const block = innermost(this.where);
    const nameToken = block.head ? this.where.tokens[this.where.tokens.indexOf(block.head) + 1] : undefined;
    if (!nameToken || typeOf(nameToken) !== 'Name') return undefined;
    const { branches, profile } = this.branchesHere();
    const b = branches[0];
    const upstream = b?.upstreams.find((u) => u.name === nameToken.image);
    if (!b || !upstream?.probe) return undefined;
    const p = upstream.probe;
    const noticed = p.everyMs.value * p.downAfter.value + p.timeoutMs.value;
    return [
      `**upstream ${upstream.name}** in branch ${b.name}${profile ? ` (1 of ${branches.length} using profile ${profile})` : ''}:`,
      '',
      `- every ${this.dur(p.everyMs)} (${this.origin(p.everyMs.origin)})`,
      `- timeout ${this.dur(p.timeoutMs)} (${this.origin(p.timeoutMs.origin)})`,
      `- down after ${p.downAfter.value} (${this.origin(p.downAfter.origin)})`,
      `- up after ${p.upAfter.value} (${this.origin(p.upAfter.origin)})`,
      `- holdoff ${this.dur(p.holdoffMs)} (${this.origin(p.holdoffMs.origin)})`,
      '',
      `An outage is noticed within every × down after + timeout = ${durationText(noticed)}.`,
    ].join('\n');
  }

  /** The limits in effect for the branch (or the first branch using the profile), each with its origin. */
  private limitsEffect(): string | undefined {
    const { branches, profile } = this.branchesHere();
    const b = branches[0];
    if (!b) return profile ? `No branch uses profile ${profile} yet.` : undefined;
    const l = b.limits;
    const seconds = (s: number) => durationText(s * 1000);
    return [
      `**limits** in branch ${b.name}${profile ? ` (1 of ${branches.length} using profile ${profile})` : ''}:`,
      '',
      `- per-source ${l.perSource.value.count} per ${seconds(l.perSource.value.windowS)} (${this.origin(l.perSource.origin)})`,
      `- outside ${l.outside.value.count} per ${seconds(l.outside.value.windowS)} (${this.origin(l.outside.origin)})`,
      `- max-expires ${seconds(l.maxExpiresS.value)} (${this.origin(l.maxExpiresS.origin)})`,
      `- max-contacts ${l.maxContacts.value} (${this.origin(l.maxContacts.origin)})`,
    ].join('\n');
  }

  /** A declaration or reference of a name: its kind and resolved definition. */
  private name(kind: string, name: string, role: 'declaration' | 'reference'): string {
    if (kind === 'branch') return this.branchHover(name);
    if (kind === 'profile') return this.profileHover(name);
    const head = `**${kind} ${name}**${role === 'reference' ? ' (reference)' : ''}`;
    const { branches, profile } = this.branchesHere();
    const b = branches.find((x) => [...x.gateways, ...x.upstreams, ...x.phones, ...x.groups].some((e) => e.name === name));
    if (!b) {
      return profile ? `${head} · profile ${profile}\n\nNo branch using profile ${profile} resolves it.` : head;
    }
    const seenIn = profile ? `as resolved in branch ${b.name} (1 of ${branches.length} using profile ${profile})` : `branch ${b.name}`;
    const lines = [`${head} · ${seenIn}`, ''];
    const item = (label: string, value: string | number | undefined, origin: Origin, defaultNote = 'default') => {
      if (value === undefined) lines.push(`- ${label}: *not set*`);
      else lines.push(`- ${label} \`${value}\` — ${origin.kind === 'default' ? defaultNote : this.origin(origin)}`);
    };
    const gateway = kind === 'gateway' ? b.gateways.find((g) => g.name === name) : undefined;
    const upstream = kind === 'upstream' ? b.upstreams.find((u) => u.name === name) : undefined;
    const phone = kind === 'phone' ? b.phones.find((p) => p.name === name) : undefined;
    const group = kind === 'group' ? b.groups.find((g) => g.name === name) : undefined;
    if (gateway) {
      const a = gateway.address.value;
      item('address', a ? hostPort(a.address, a.family, a.port) : undefined, gateway.address.origin);
      item('kind', gateway.kind.value, gateway.kind.origin);
      item('channels', gateway.channels.value, gateway.channels.origin, gateway.kind.value ? `default for ${gateway.kind.value}` : 'default');
      item('transport', gateway.transport.value, gateway.transport.origin);
      const roles: string[] = [];
      // Its place in a list says whether it is the first choice or a fallback.
      const place = (list: readonly string[]) => (list.length > 1 ? ` (${list.indexOf(name) + 1} of ${list.length}: ${list.join(', ')})` : '');
      const survival = b.outbound?.onTimeout.value.find((a2) => a2.kind !== 'announce' && a2.gateways.includes(name));
      if (survival && survival.kind !== 'announce') roles.push(`survival gateway${place(survival.gateways)}`);
      const emergency = b.outbound?.emergencyGateways.value ?? [];
      if (emergency.includes(name) && b.outbound!.emergency.value.length > 0) roles.push(`emergency ${b.outbound!.emergency.value.join(', ')}${place(emergency)}`);
      if (b.inbound?.from.value.includes(name)) roles.push('inbound calls');
      if (roles.length) lines.push('', `Used for: ${roles.join('; ')}.`);
      if (gateway.kind.value && gateway.channels.value === undefined && defaultChannels[gateway.kind.value] === undefined) lines.push('', 'A trunk needs `channels`.');
    } else if (upstream) {
      item('proxy', upstream.proxy.value?.uri, upstream.proxy.origin);
      item('transport', upstream.transport.value, upstream.transport.origin, upstream.proxy.value?.transportParam ? 'from the URI' : 'default');
      const p = upstream.probe;
      if (p) {
        item('probe every', this.dur(p.everyMs), p.everyMs.origin);
        item('probe timeout', this.dur(p.timeoutMs), p.timeoutMs.origin);
        item('down after', p.downAfter.value, p.downAfter.origin);
        item('up after', p.upAfter.value, p.upAfter.origin);
        item('holdoff', this.dur(p.holdoffMs), p.holdoffMs.origin);
      } else lines.push('- no probing: every call waits its own no-answer');
      const via = b.outbound?.via.value ?? [];
      const at = via.indexOf(name);
      if (at >= 0) lines.push('', `Tried ${ordinal(at + 1)} of ${via.length} in \`via\`.`);
    } else if (phone) {
      item('extension', phone.extension.value, phone.extension.origin);
      if (phone.registered) lines.push('- registered (no fixed address)');
      else {
        const a = phone.address.value;
        item('address', a ? a.address : undefined, phone.address.origin);
      }
    } else if (group) {
      item('mode', group.mode.value, group.mode.origin);
      item('members', group.members.value.join(', '), group.members.origin);
      item('ring', this.dur(group.ringMs), group.ringMs.origin);
    }
    return lines.join('\n');
  }

  private branchHover(name: string): string {
    const b = this.analysis.model.branches.find((x) => x.name === name);
    if (!b) return `**branch ${name}**`;
    const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
    const names = (list: readonly { name: string }[]) => (list.length ? `: ${list.map((x) => x.name).join(', ')}` : '');
    const t = b.timers;
    return [
      `**branch ${b.name}** · ${fileLabel(b.uri)}`,
      '',
      b.profiles.length ? `Uses profile ${b.profiles.join(' → ')}.` : 'Uses no profile.',
      '',
      `- ${count(b.gateways.length, 'gateway')}${names(b.gateways)}`,
      `- ${count(b.upstreams.length, 'upstream')}${names(b.upstreams)}`,
      `- ${count(b.phones.length, 'phone')}, ${count(b.groups.length, 'group')}`,
      `- timers: no-answer ${this.dur(t.noAnswerMs)} · ringing ${this.dur(t.ringingMs)} · budget ${this.dur(t.budgetMs)}`,
      b.outbound ? `- ${this.postDial(b, false)}` : '- no outbound policy',
    ].join('\n');
  }

  private profileHover(name: string): string {
    const found = findProfile(this.analysis, this.ctx.uri, name);
    if (!found) return `**profile ${name}**: not visible from this file`;
    const file = this.analysis.files.get(found.uri);
    const line = (file ? positionAt(file, found.node.start).line : 0) + 1;
    const using = branchesUsing(this.analysis, found.uri, name);
    const listed = using.slice(0, 8).map((b) => b.name).join(', ') + (using.length > 8 ? `, … (${using.length - 8} more)` : '');
    return [
      `**profile ${name}** · ${fileLabel(found.uri)} line ${line}`,
      '',
      found.node.uses ? `Uses profile ${found.node.uses.text}.` : 'Uses no other profile.',
      '',
      using.length ? `Used by ${using.length} branch${using.length === 1 ? '' : 'es'}: ${listed}.` : 'No branch uses it.',
    ].join('\n');
  }
}

function timerSetting(b: Branch, key: TimerKey): Setting<number> {
  const t = b.timers;
  return { 'no-answer': t.noAnswerMs, ringing: t.ringingMs, trying: t.tryingMs, t1: t.t1Ms, t2: t.t2Ms, budget: t.budgetMs }[key];
}

function hostPort(address: string, family: 4 | 6, port: number): string {
  return family === 6 ? `[${address}]:${port}` : `${address}:${port}`;
}

function ordinal(n: number): string {
  return n === 1 ? 'first' : n === 2 ? 'second' : n === 3 ? 'third' : `${n}th`;
}
