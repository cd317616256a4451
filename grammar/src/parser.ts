import { EmbeddedActionsParser, EOF, type IParserErrorMessageProvider, type IRecognitionException, type IToken, type TokenType } from 'chevrotain';
import type * as ast from './ast.js';
import {
  allTokens, Literal, Address, Comma, Duration, GatewayKind, Keyword, K, NameLike, LBracket, LCurly, Name, NumberLit, Percent,
  NumberPattern, RBracket, RCurly, ReplyClass, SipUri, StringLit, Transport,
} from './lexer.js';
import { decodeString } from './strings.js';

/** Human names for grammar rules, used in "expected ..." messages (a test holds their keywords to the catalogue's blocks). */
export const ruleDescriptions: Readonly<Record<string, string>> = {
  file: "'branch', 'profile', 'scenario' or 'use'",
  setting: "a setting (edge, lan, gateway, upstream, timers, phone, group, register, limits, tls, router, outbound, inbound)",
  gatewayProperty: "a gateway property (address, transport, kind, channels, probe, rewrite, caller-id)",
  upstreamProperty: "an upstream property (proxy, transport, probe)",
  timer: "a timer (no-answer, ringing, trying, t1, t2, budget)",
  registerProperty: "'forward' or 'keep local copy'",
  limit: "a limit (per-source, outside, max-expires, max-contacts)",
  tlsFile: "'certificate', 'key' or 'ca'",
  routerProperty: "'platform', 'manage' or 'user'",
  outboundItem: "'on timeout', 'pass', 'emergency', 'rewrite' or 'local-calls'",
  survivalAction: "'announce', 'redirect' or 'relay'",
  rewriteProperty: "'match', 'strip' or 'prefix'",
  inboundItem: "'ring', 'did' or 'rewrite'",
  scenarioItem: "an actor state, a call, 'stranger', 'network', 'seed' or 'expect'",
  actorState: 'a state (up, silent, slow, answers, trying, ignores, flapping, busy, full, down, no-answer, unregistered)',
};

/**
 * Words that start a declaration, a setting or a policy statement: when one stands
 * where a `}` was expected, the `}` is missing and the enclosing block goes on.
 */
export const resumeTokens: ReadonlySet<TokenType> = new Set<TokenType>([
  'branch', 'profile', 'scenario', 'use', 'edge', 'lan', 'gateway', 'upstream', 'timers', 'phone', 'group',
  'register', 'limits', 'tls', 'router', 'outbound', 'inbound', 'on', 'pass', 'emergency', 'rewrite', 'local-calls', 'caller-id', 'did', 'expect', 'network', 'seed',
].map((w) => K[w as keyof typeof K]));

/** What a block may hold, by the rule that parses the block, for "expected ... or '}'". */
const blockContents: Record<string, string> = {
  container: ruleDescriptions['setting'] ?? '', gateway: ruleDescriptions['gatewayProperty'] ?? '',
  upstream: ruleDescriptions['upstreamProperty'] ?? '', timers: ruleDescriptions['timer'] ?? '',
  register: ruleDescriptions['registerProperty'] ?? '', limits: ruleDescriptions['limit'] ?? '', tls: ruleDescriptions['tlsFile'] ?? '', router: ruleDescriptions['routerProperty'] ?? '', outbound: ruleDescriptions['outboundItem'] ?? '',
  onTimeout: ruleDescriptions['survivalAction'] ?? '', rewrite: ruleDescriptions['rewriteProperty'] ?? '',
  inbound: ruleDescriptions['inboundItem'] ?? '', scenario: ruleDescriptions['scenarioItem'] ?? '',
};

function describeToken(token: IToken): string {
  if (token.tokenType === EOF) return 'the end of the file';
  const isKeyword = token.tokenType.CATEGORIES?.includes(Keyword) ?? false;
  return isKeyword ? `keyword '${token.image}'` : `'${token.image}'`;
}

function labelOf(type: TokenType): string {
  switch (type) {
    case Name: return 'a name';
    case NumberLit: return 'a number';
    case Duration: return 'a duration such as 10s';
    case StringLit: return 'a quoted string';
    case SipUri: return 'a SIP URI';
    case Address: return 'an address';
    case Transport: return 'a transport (udp, tcp, tls)';
    case GatewayKind: return 'a gateway kind (bri, pri, fxo, trunk)';
    case Literal: return 'a value';
    case Keyword: return 'a keyword';
    default: return type.LABEL ?? type.name;
  }
}

function firstTokens(paths: readonly (readonly TokenType[])[]): string {
  const labels = [...new Set(paths.map((p) => (p[0] ? labelOf(p[0]) : 'the end of the block')))];
  if (labels.length <= 1) return labels[0] ?? 'something else';
  return `${labels.slice(0, -1).join(', ')} or ${labels[labels.length - 1] ?? ''}`;
}

const eofToken = { image: '', tokenType: EOF } as unknown as IToken;

const errorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, ruleName }) {
    const inside = blockContents[ruleName];
    if (expected === RCurly && inside && actual.tokenType !== EOF) return `expected ${inside} or '}' but found ${describeToken(actual)}`;
    if (expected === EOF) return `unexpected ${describeToken(actual)}${actual.image === '}' ? ': is there one closing brace too many?' : ''}`;
    const reserved = expected === Name && (actual.tokenType.CATEGORIES?.includes(Keyword) ?? false)
      ? ` ('${actual.image}' is a reserved keyword and cannot be a name)` : '';
    return `expected ${labelOf(expected)} but found ${describeToken(actual)}${reserved}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected ${describeToken(firstRedundant)}${firstRedundant.image === '}' ? ': is there one closing brace too many?' : ''}`;
  },
  buildNoViableAltMessage({ actual, ruleName, expectedPathsPerAlt }) {
    const what = ruleDescriptions[ruleName] ?? firstTokens(expectedPathsPerAlt.flat());
    return `expected ${what} but found ${describeToken(actual[0] ?? eofToken)}`;
  },
  buildEarlyExitMessage({ actual, ruleName, expectedIterationPaths }) {
    const what = ruleDescriptions[ruleName] ?? firstTokens(expectedIterationPaths);
    return `expected ${what} but found ${describeToken(actual[0] ?? eofToken)}`;
  },
};

function isReal(token: IToken | undefined): token is IToken {
  // The recording-phase token has offset -1; recovery inserts tokens with NaN offsets.
  return token !== undefined && token.tokenType !== undefined && token.tokenType !== EOF && !token.isInsertedInRecovery && token.startOffset >= 0;
}

/** Subrules return placeholders while the grammar is recorded, and undefined after recovery. */
/** A node's own copy of a list's first value: reparse shifts every span object once, so none may be shared. */
function copyOf(v: ast.Value | undefined): ast.Value | undefined {
  return v && { ...v };
}

function asArray<T>(value: T[] | undefined): T[] {
  return Array.isArray(value) ? value : [];
}

/** The lexer tracks offsets only (cheaper), so a token's end comes from its text. */
function endOf(token: IToken): number {
  return token.startOffset + token.image.length;
}

export function tokenSpan(token: IToken): ast.Span {
  return { start: token.startOffset, end: endOf(token) };
}

// Frozen: it is shared, so nothing may shift it (see `reparse`).
const noSpan: ast.Span = Object.freeze({ start: 0, end: 0 });

function valueType(token: IToken): ast.ValueType {
  const type = token.tokenType;
  if (type === Name) return 'name';
  if (type === NumberLit) return 'number';
  if (type === Duration) return 'duration';
  if (type === SipUri) return 'uri';
  if (type === StringLit) return 'string';
  if (type === ReplyClass) return 'class';
  if (type === Percent) return 'percent';
  if (type === NumberPattern) return 'pattern';
  if (type.CATEGORIES?.includes(Address)) return 'address';
  return 'keyword';
}

/**
 * The .surv parser. Embedded actions build the typed AST directly (no CST), which
 * keeps a full check of a large fleet within a small multiple of lexing time.
 * Rules run once during self-analysis with placeholder tokens, so actions must
 * tolerate tokens without positions; `isReal` guards that.
 */
/**
 * The most syntax errors one file reports. Recovery costs about 0.1 ms an error, so a
 * hostile file of 100,000 stray words would hold a keystroke for seconds (the fuzzer
 * found it); past the cap the parse jumps to the end of the input.
 */
export const maxSyntaxErrors = 500;

/** Chevrotain's error sink and its jump to the end: both exist on every parser, neither is in its typings. */
interface RecognizerInternals {
  SAVE_ERROR(error: IRecognitionException): IRecognitionException;
  moveToTerminatedState(): void;
}
const recognizer = EmbeddedActionsParser.prototype as unknown as RecognizerInternals;

class SurvParser extends EmbeddedActionsParser {
  /** Keywords used where a new name is declared; the parse goes on as if they were names. */
  keywordNames: IToken[] = [];
  /** Mistakes the grammar forgives in order to keep a whole block (a missing `}` or `at`). */
  forgiven: { readonly span: ast.Span; readonly message: string }[] = [];

  /**
   * The `}` of a block. Chevrotain would drop the whole enclosing branch when one is
   * missing at the end of the file or before the next declaration (a user typing
   * at the end of a file is always in that state); taking it as optional there and
   * reporting it keeps everything the user wrote.
   */
  private closeBlock(open: IToken, what: string): void {
    const next = this.LA(1).tokenType;
    if ((next === EOF || resumeTokens.has(next)) && isReal(open)) {
      const last = this.LA(0);
      const at = isReal(last) ? endOf(last) : endOf(open);
      this.forgive({ start: at, end: at }, `expected '}' to close ${what}`);
      return;
    }
    this.CONSUME(RCurly);
  }

  /** Records a syntax error; at the cap, the rest of the input is skipped. */
  SAVE_ERROR(error: IRecognitionException): IRecognitionException {
    const saved = recognizer.SAVE_ERROR.call(this, error);
    this.capErrors();
    return saved;
  }

  /** Forgiven mistakes are syntax errors too: 50,000 unclosed blocks count like 50,000 stray words. */
  private forgive(span: ast.Span, message: string): void {
    this.forgiven.push({ span, message });
    this.capErrors();
  }

  private capErrors(): void {
    if (this.errors.length + this.forgiven.length >= maxSyntaxErrors) recognizer.moveToTerminatedState.call(this);
  }

  constructor() {
    super(allTokens, { recoveryEnabled: true, maxLookahead: 3, errorMessageProvider: errorMessages });
    this.performSelfAnalysis();
  }

  private value(token: IToken | undefined): ast.Value | undefined {
    if (!isReal(token)) return undefined;
    if (token.tokenType === StringLit) return this.stringValue(token);
    return { type: valueType(token), text: token.image, start: token.startOffset, end: endOf(token) };
  }

  private stringValue(token: IToken | undefined): ast.StringValue | undefined {
    if (!isReal(token)) return undefined;
    const decoded = decodeString(token.image, token.startOffset);
    return { type: 'string', text: decoded.value, ...tokenSpan(token), terminated: decoded.terminated, badEscapes: decoded.badEscapes };
  }

  /** The range from `first` (the rule's first token) to the last token consumed. */
  private span(first: IToken): ast.Span {
    if (!isReal(first)) return noSpan;
    const last = this.LA(0);
    const end = isReal(last) && last.startOffset >= first.startOffset ? last : first;
    return { start: first.startOffset, end: endOf(end) };
  }

  private spanOf(token: IToken): ast.Span {
    return isReal(token) ? tokenSpan(token) : noSpan;
  }

  private property(first: IToken, key: ast.PropertyKey, keyEnd: IToken, value: ast.Value | undefined): ast.Property {
    const keySpan = isReal(first) && isReal(keyEnd) ? { start: first.startOffset, end: endOf(keyEnd) } : this.spanOf(first);
    return { kind: 'Property', key, keySpan, value, ...this.span(first) };
  }

  /** Keywords used where a new name is declared; the parse goes on as if they were names. */
  /** A declared name; a reserved word here is reported by `parse`, and taken as the name so the block still parses. */
  private declName(token: IToken): ast.Value | undefined {
    if (!isReal(token)) return undefined;
    if (token.tokenType !== Name) this.keywordNames.push(token);
    return { type: 'name', text: token.image, start: token.startOffset, end: endOf(token) };
  }

  /** A reference; keywords are taken too, so a misused keyword is reported once, where it is declared. */
  private refName(token: IToken): ast.Value | undefined {
    if (!isReal(token)) return undefined;
    return { type: 'name', text: token.image, start: token.startOffset, end: endOf(token) };
  }

  public file = this.RULE('file', (): ast.FileNode => {
    const first = this.LA(1);
    const uses: ast.UseNode[] = [];
    const declarations: ast.Declaration[] = [];
    this.MANY(() => {
      this.OR([
        { ALT: () => { const u = this.SUBRULE(this.use); if (u) uses.push(u); } },
        { ALT: () => { const c = this.SUBRULE(this.container); if (c) declarations.push(c); } },
        { ALT: () => { const s = this.SUBRULE(this.scenario); if (s) declarations.push(s); } },
      ]);
    });
    return { kind: 'File', uses, declarations, ...this.span(first) };
  });

  private use = this.RULE('use', (): ast.UseNode => {
    const first = this.CONSUME(K['use']);
    const path = this.stringValue(this.CONSUME(StringLit));
    return { kind: 'Use', path, ...this.span(first) };
  });

  private container = this.RULE('container', (): ast.ContainerNode => {
    const first = this.LA(1);
    const keyword = this.OR([
      { ALT: () => this.CONSUME(K['branch']) },
      { ALT: () => this.CONSUME(K['profile']) },
    ]);
    const name = this.declName(this.CONSUME(NameLike));
    let uses: ast.Value | undefined;
    this.OPTION(() => {
      this.CONSUME(K['uses']);
      uses = this.refName(this.CONSUME2(NameLike));
    });
    this.CONSUME(LCurly);
    const settings: ast.Setting[] = [];
    this.MANY(() => {
      const s = this.SUBRULE(this.setting);
      if (s) settings.push(s);
    });
    this.closeBlock(first, `${keyword.image} '${name?.text ?? ''}'`);
    return {
      kind: keyword.image === 'profile' ? 'Profile' : 'Branch', keywordSpan: this.spanOf(keyword),
      name, uses, settings, ...this.span(first),
    };
  });

  private setting = this.RULE('setting', (): ast.Setting | undefined => this.OR([
    { ALT: () => this.SUBRULE(this.edge) },
    { ALT: () => this.SUBRULE(this.lan) },
    { ALT: () => this.SUBRULE(this.gateway) },
    { ALT: () => this.SUBRULE(this.upstream) },
    { ALT: () => this.SUBRULE(this.timers) },
    { ALT: () => this.SUBRULE(this.phone) },
    { ALT: () => this.SUBRULE(this.group) },
    { ALT: () => this.SUBRULE(this.register) },
    { ALT: () => this.SUBRULE(this.limits) },
    { ALT: () => this.SUBRULE(this.outbound) },
    { ALT: () => this.SUBRULE(this.inbound) },
    { ALT: () => this.SUBRULE(this.tls) },
    { ALT: () => this.SUBRULE(this.router) },
  ]));

  /** One literal token of any kind; the checker says whether it fits where it stands. */
  private edge = this.RULE('edge', (): ast.EdgeNode => {
    const first = this.CONSUME(K['edge']);
    this.CONSUME(K['listen']);
    const listens: ast.ListenNode[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: Comma,
      DEF: () => {
        const start = this.LA(1);
        const transport = this.value(this.OR([
          { ALT: () => this.CONSUME(Transport) },
          { ALT: () => this.CONSUME(Name) },
        ]));
        const address = this.value(this.CONSUME(Literal));
        listens.push({ kind: 'Listen', transport, address, ...this.span(start) });
      },
    });
    return { kind: 'Edge', listens, ...this.span(first) };
  });

  private lan = this.RULE('lan', (): ast.LanNode => {
    const first = this.CONSUME(K['lan']);
    const networks: ast.Value[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: Comma,
      DEF: () => { const v = this.value(this.CONSUME(Literal)); if (v) networks.push(v); },
    });
    return { kind: 'Lan', networks, ...this.span(first) };
  });

  private gateway = this.RULE('gateway', (): ast.GatewayNode => {
    const first = this.CONSUME(K['gateway']);
    const name = this.declName(this.CONSUME(NameLike));
    const properties: ast.Property[] = [];
    const rewrites: ast.RewriteNode[] = [];
    const callerIds: ast.CallerIdNode[] = [];
    this.CONSUME(LCurly);
    this.MANY(() => this.OR([
      { ALT: () => { const p = this.SUBRULE(this.gatewayProperty); if (p) properties.push(p); } },
      { ALT: () => { const r = this.SUBRULE(this.rewrite); if (r) rewrites.push(r); } },
      { ALT: () => { const c = this.SUBRULE(this.callerId); if (c) callerIds.push(c); } },
      // Probed like an upstream: the same `probe options ...` (dispatcher), the same properties.
      { ALT: () => { properties.push(...asArray(this.SUBRULE(this.probe))); } },
    ]));
    this.closeBlock(first, `gateway '${name?.text ?? ''}'`);
    return { kind: 'Gateway', name, properties, rewrites, callerIds, ...this.span(first) };
  });

  /** `caller-id NUMBER [for EXTENSION] [private]`. */
  private callerId = this.RULE('callerId', (): ast.CallerIdNode => {
    const first = this.CONSUME(K['caller-id']);
    const number = this.value(this.CONSUME(Literal));
    let extensions: ast.Value | undefined;
    let hidden: ast.Span | undefined;
    this.OPTION(() => { this.CONSUME(K['for']); extensions = this.value(this.CONSUME1(Literal)); });
    this.OPTION1(() => { hidden = this.spanOf(this.CONSUME(K['private'])); });
    return { kind: 'CallerId', number, extensions, private: hidden, ...this.span(first) };
  });

  private gatewayProperty = this.RULE('gatewayProperty', (): ast.Property => this.OR([
    { ALT: () => { const k = this.CONSUME(K['address']); return this.property(k, 'address', k, this.value(this.CONSUME1(Literal))); } },
    { ALT: () => this.SUBRULE(this.transportProperty) },
    { ALT: () => {
      const k = this.CONSUME(K['kind']);
      const v = this.OR1([
        { ALT: () => this.value(this.CONSUME(GatewayKind)) },
        { ALT: () => this.value(this.CONSUME2(Literal)) },
      ]);
      return this.property(k, 'kind', k, v);
    } },
    { ALT: () => { const k = this.CONSUME(K['channels']); return this.property(k, 'channels', k, this.value(this.CONSUME3(Literal))); } },
  ]));

  private transportProperty = this.RULE('transportProperty', (): ast.Property => {
    const k = this.CONSUME(K['transport']);
    const v = this.OR([
      { ALT: () => this.value(this.CONSUME(Transport)) },
      { ALT: () => this.value(this.CONSUME(Literal)) },
    ]);
    return this.property(k, 'transport', k, v);
  });

  private upstream = this.RULE('upstream', (): ast.UpstreamNode => {
    const first = this.CONSUME(K['upstream']);
    const name = this.declName(this.CONSUME(NameLike));
    const properties: ast.Property[] = [];
    this.CONSUME(LCurly);
    this.MANY(() => { properties.push(...asArray(this.SUBRULE(this.upstreamProperty))); });
    this.closeBlock(first, `upstream '${name?.text ?? ''}'`);
    return { kind: 'Upstream', name, properties, ...this.span(first) };
  });

  private upstreamProperty = this.RULE('upstreamProperty', (): ast.Property[] => this.OR([
    { ALT: () => { const k = this.CONSUME(K['proxy']); return [this.property(k, 'proxy', k, this.value(this.CONSUME1(Literal)))]; } },
    { ALT: () => [this.SUBRULE(this.transportProperty)] },
    { ALT: () => this.SUBRULE(this.probe) },
  ]));

  private probe = this.RULE('probe', (): ast.Property[] => {
    const first = this.CONSUME(K['probe']);
    const method = this.CONSUME(K['options']);
    const props: ast.Property[] = [this.property(first, 'probe', method, undefined)];
    this.MANY(() => {
      const p = this.OR([
        { ALT: () => { const k = this.CONSUME(K['every']); return this.property(k, 'probe-every', k, this.value(this.CONSUME1(Literal))); } },
        { ALT: () => { const k = this.CONSUME(K['timeout']); return this.property(k, 'probe-timeout', k, this.value(this.CONSUME2(Literal))); } },
        { ALT: () => {
          const k = this.CONSUME(K['down']); const a = this.CONSUME1(K['after']);
          return this.property(k, 'probe-down-after', a, this.value(this.CONSUME3(Literal)));
        } },
        { ALT: () => {
          const k = this.CONSUME(K['up']); const a = this.CONSUME2(K['after']);
          return this.property(k, 'probe-up-after', a, this.value(this.CONSUME4(Literal)));
        } },
        { ALT: () => { const k = this.CONSUME(K['holdoff']); return this.property(k, 'probe-holdoff', k, this.value(this.CONSUME5(Literal))); } },
      ]);
      props.push(p);
    });
    return props;
  });

  private timers = this.RULE('timers', (): ast.TimersNode => {
    const first = this.CONSUME(K['timers']);
    const properties: ast.Property[] = [];
    this.CONSUME(LCurly);
    this.MANY(() => { const p = this.SUBRULE(this.timer); if (p) properties.push(p); });
    this.closeBlock(first, 'timers');
    return { kind: 'Timers', properties, ...this.span(first) };
  });

  private timer = this.RULE('timer', (): ast.Property => {
    const k = this.OR([
      { ALT: () => this.CONSUME(K['no-answer']) },
      { ALT: () => this.CONSUME(K['ringing']) },
      { ALT: () => this.CONSUME(K['trying']) },
      { ALT: () => this.CONSUME(K['t1']) },
      { ALT: () => this.CONSUME(K['t2']) },
      { ALT: () => this.CONSUME(K['budget']) },
    ]);
    return this.property(k, k.image as ast.PropertyKey, k, this.value(this.CONSUME(Literal)));
  });

  private phone = this.RULE('phone', (): ast.PhoneNode => {
    const first = this.CONSUME(K['phone']);
    const name = this.declName(this.CONSUME(NameLike));
    const extension = this.value(this.CONSUME1(Literal));
    let address: ast.Value | undefined;
    let registered: ast.Span | undefined;
    this.OR([
      { ALT: () => { this.CONSUME(K['at']); address = this.value(this.CONSUME2(Literal)); } },
      { ALT: () => { registered = this.spanOf(this.CONSUME(K['registered'])); } },
      { ALT: () => {
        // `phone desk 101 10.0.0.11`: the address is there, only `at` is missing.
        const token = this.CONSUME3(Literal);
        address = this.value(token);
        if (address) this.forgive(address, "expected 'at' before the phone's address (or 'registered')");
      } },
    ]);
    const transport = this.OPTION(() => this.SUBRULE(this.transportProperty));
    return { kind: 'Phone', name, extension, address, registered, transport, ...this.span(first) };
  });

  private group = this.RULE('group', (): ast.GroupNode => {
    const first = this.CONSUME(K['group']);
    const name = this.declName(this.CONSUME(NameLike));
    let number: ast.Value | undefined;
    this.OPTION1(() => { number = this.value(this.CONSUME1(Literal)); });
    const mode = this.value(this.OR([
      { ALT: () => this.CONSUME(K['parallel']) },
      { ALT: () => this.CONSUME(K['serial']) },
    ]));
    const members: ast.Value[] = [];
    this.CONSUME(LBracket);
    this.MANY_SEP({ SEP: Comma, DEF: () => { const m = this.refName(this.CONSUME2(NameLike)); if (m) members.push(m); } });
    this.CONSUME(RBracket);
    let ring: ast.Value | undefined;
    this.OPTION(() => { this.CONSUME(K['ring']); ring = this.value(this.CONSUME(Literal)); });
    return { kind: 'Group', name, number, mode, members, ring, ...this.span(first) };
  });

  private register = this.RULE('register', (): ast.RegisterNode => {
    const first = this.CONSUME(K['register']);
    const properties: ast.Property[] = [];
    this.CONSUME(LCurly);
    this.MANY(() => { properties.push(...asArray(this.SUBRULE(this.registerProperty))); });
    this.closeBlock(first, 'register');
    return { kind: 'Register', properties, ...this.span(first) };
  });

  private registerProperty = this.RULE('registerProperty', (): ast.Property[] => this.OR([
    { ALT: () => {
      const k = this.CONSUME(K['forward']);
      const props = [this.property(k, 'forward', k, this.refName(this.CONSUME9(NameLike)))];
      this.OPTION(() => {
        const w = this.CONSUME(K['with']);
        const p = this.CONSUME(K['path']);
        props.push(this.property(w, 'with-path', p, undefined));
      });
      return props;
    } },
    { ALT: () => {
      const k = this.CONSUME(K['keep']);
      this.CONSUME(K['local']);
      const c = this.CONSUME(K['copy']);
      return [this.property(k, 'keep-local-copy', c, undefined)];
    } },
  ]));

  private limits = this.RULE('limits', (): ast.LimitsNode => {
    const first = this.CONSUME(K['limits']);
    const properties: ast.Property[] = [];
    this.CONSUME(LCurly);
    this.MANY(() => { properties.push(...asArray(this.SUBRULE(this.limit))); });
    this.closeBlock(first, 'limits');
    return { kind: 'Limits', properties, ...this.span(first) };
  });

  private tls = this.RULE('tls', (): ast.TlsNode => {
    const first = this.CONSUME(K['tls']);
    const properties: ast.Property[] = [];
    this.CONSUME(LCurly);
    this.MANY(() => { properties.push(this.SUBRULE(this.tlsFile)); });
    this.closeBlock(first, 'tls');
    return { kind: 'Tls', properties, ...this.span(first) };
  });

  private tlsFile = this.RULE('tlsFile', (): ast.Property => {
    const k = this.OR([
      { ALT: () => this.CONSUME(K['certificate']) },
      { ALT: () => this.CONSUME(K['key']) },
      { ALT: () => this.CONSUME(K['ca']) },
    ]);
    return this.property(k, k.image as 'certificate' | 'key' | 'ca', k, this.value(this.CONSUME(Literal)));
  });

  private router = this.RULE('router', (): ast.RouterNode => {
    const first = this.CONSUME(K['router']);
    const properties: ast.Property[] = [];
    this.CONSUME(LCurly);
    this.MANY(() => { properties.push(this.SUBRULE(this.routerProperty)); });
    this.closeBlock(first, 'router');
    return { kind: 'Router', properties, ...this.span(first) };
  });

  /** A platform the catalogue does not know is still a value, so the checker can name it. */
  private routerProperty = this.RULE('routerProperty', (): ast.Property => this.OR([
    { ALT: () => {
      const k = this.CONSUME(K['platform']);
      return this.property(k, 'platform', k, this.value(this.OR1([
        { ALT: () => this.CONSUME(K['edgeos']) },
        { ALT: () => this.CONSUME(K['debian']) },
        { ALT: () => this.CONSUME(K['openwrt']) },
        { ALT: () => this.CONSUME(Literal) },
      ])));
    } },
    { ALT: () => {
      const k = this.OR2([
        { ALT: () => this.CONSUME(K['manage']) },
        { ALT: () => this.CONSUME(K['user']) },
      ]);
      return this.property(k, k.image as 'manage' | 'user', k, this.value(this.CONSUME1(Literal)));
    } },
  ]));

  /** `per-source N per D` gives two properties (count, then window), like `probe options`. */
  private limit = this.RULE('limit', (): ast.Property[] => this.OR([
    { ALT: () => {
      const k = this.OR1([
        { ALT: () => this.CONSUME(K['per-source']) },
        { ALT: () => this.CONSUME(K['outside']) },
      ]);
      const key = k.image === 'outside' ? 'outside' : 'per-source';
      const props = [this.property(k, key, k, this.value(this.CONSUME1(Literal)))];
      const per = this.CONSUME(K['per']);
      props.push(this.property(per, key === 'outside' ? 'outside-window' : 'per-source-window', per, this.value(this.CONSUME2(Literal))));
      return props;
    } },
    { ALT: () => {
      const k = this.OR2([
        { ALT: () => this.CONSUME(K['max-expires']) },
        { ALT: () => this.CONSUME(K['max-contacts']) },
      ]);
      return [this.property(k, k.image === 'max-contacts' ? 'max-contacts' : 'max-expires', k, this.value(this.CONSUME3(Literal)))];
    } },
  ]));

  private outbound = this.RULE('outbound', (): ast.OutboundNode => {
    const first = this.CONSUME(K['outbound']);
    this.CONSUME(K['from']);
    this.CONSUME(K['lan']);
    this.CONSUME(K['via']);
    const via: ast.Value[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => { const v = this.refName(this.CONSUME9(NameLike)); if (v) via.push(v); } });
    const items: ast.OutboundItem[] = [];
    this.CONSUME(LCurly);
    this.MANY(() => { const i = this.SUBRULE(this.outboundItem); if (i) items.push(i); });
    this.closeBlock(first, 'outbound');
    return { kind: 'Outbound', via, items, ...this.span(first) };
  });

  private outboundItem = this.RULE('outboundItem', (): ast.OutboundItem | undefined => this.OR([
    { ALT: () => this.SUBRULE(this.onTimeout) },
    { ALT: () => this.SUBRULE(this.pass) },
    { ALT: () => this.SUBRULE(this.emergency) },
    { ALT: () => this.SUBRULE(this.rewrite) },
    { ALT: () => this.SUBRULE(this.localCalls) },
  ]));

  private localCalls = this.RULE('localCalls', (): ast.LocalCallsNode => {
    const first = this.CONSUME(K['local-calls']);
    const mode = this.value(this.OR([
      { ALT: () => this.CONSUME(K['survival']) },
      { ALT: () => this.CONSUME(K['always']) },
      { ALT: () => this.CONSUME(K['off']) },
    ]));
    return { kind: 'LocalCalls', mode, ...this.span(first) };
  });

  private onTimeout = this.RULE('onTimeout', (): ast.OnTimeoutNode => {
    const first = this.CONSUME(K['on']);
    this.CONSUME(K['timeout']);
    const actions: ast.SurvivalActionNode[] = [];
    this.CONSUME(LCurly);
    this.MANY(() => { const a = this.SUBRULE(this.survivalAction); if (a) actions.push(a); });
    this.closeBlock(first, 'on timeout');
    return { kind: 'OnTimeout', actions, ...this.span(first) };
  });

  private survivalAction = this.RULE('survivalAction', (): ast.SurvivalActionNode => this.OR([
    { ALT: () => {
      const k = this.CONSUME(K['announce']);
      const code = this.value(this.CONSUME1(Literal));
      const text = this.stringValue(this.CONSUME(StringLit));
      return { kind: 'Announce' as const, keywordSpan: this.spanOf(k), code, text, target: undefined, targets: [], ...this.span(k) };
    } },
    { ALT: () => {
      const k = this.CONSUME(K['redirect']);
      const code = this.value(this.CONSUME2(Literal));
      this.CONSUME1(K['to']);
      const targets = this.SUBRULE1(this.gatewayList);
      return { kind: 'Redirect' as const, keywordSpan: this.spanOf(k), code, text: undefined, target: copyOf(targets[0]), targets, ...this.span(k) };
    } },
    { ALT: () => {
      const k = this.CONSUME(K['relay']);
      this.CONSUME2(K['to']);
      const targets = this.SUBRULE2(this.gatewayList);
      return { kind: 'Relay' as const, keywordSpan: this.spanOf(k), code: undefined, text: undefined, target: copyOf(targets[0]), targets, ...this.span(k) };
    } },
  ]));

  /** `lte, isdn`: gateways in the order they are tried (relay, redirect, emergency). */
  private gatewayList = this.RULE('gatewayList', (): ast.Value[] => {
    const list: ast.Value[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => { const v = this.refName(this.CONSUME(NameLike)); if (v) list.push(v); } });
    return list;
  });

  private pass = this.RULE('pass', (): ast.PassNode => {
    const first = this.CONSUME(K['pass']);
    const codes = this.OR([
      { ALT: () => { this.CONSUME(K['all']); return undefined; } },
      { ALT: () => {
        const list: ast.Value[] = [];
        this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => { const v = this.value(this.CONSUME(Literal)); if (v) list.push(v); } });
        return list;
      } },
    ]);
    return { kind: 'Pass', codes, ...this.span(first) };
  });

  private emergency = this.RULE('emergency', (): ast.EmergencyNode => {
    const first = this.CONSUME(K['emergency']);
    const numbers: ast.Value[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => { const v = this.value(this.CONSUME(NumberLit)); if (v) numbers.push(v); } });
    let gateways: ast.Value[] = [];
    this.OPTION(() => {
      this.CONSUME(K['direct']);
      this.CONSUME(K['to']);
      gateways = this.SUBRULE(this.gatewayList);
    });
    return { kind: 'Emergency', numbers, gateway: copyOf(gateways[0]), gateways, ...this.span(first) };
  });

  private rewrite = this.RULE('rewrite', (): ast.RewriteNode => {
    const first = this.CONSUME(K['rewrite']);
    const properties: ast.Property[] = [];
    this.CONSUME(LCurly);
    this.MANY(() => {
      const k = this.OR([
        { ALT: () => this.CONSUME(K['match']) },
        { ALT: () => this.CONSUME(K['strip']) },
        { ALT: () => this.CONSUME(K['prefix']) },
      ]);
      properties.push(this.property(k, k.image as ast.PropertyKey, k, this.value(this.CONSUME(Literal))));
    });
    this.closeBlock(first, 'rewrite');
    return { kind: 'Rewrite', properties, ...this.span(first) };
  });

  private inbound = this.RULE('inbound', (): ast.InboundNode => {
    const first = this.CONSUME(K['inbound']);
    this.CONSUME(K['from']);
    const from: ast.Value[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => { const v = this.refName(this.CONSUME9(NameLike)); if (v) from.push(v); } });
    const items: ast.InboundItem[] = [];
    this.CONSUME(LCurly);
    this.MANY(() => { const i = this.SUBRULE(this.inboundItem); if (i) items.push(i); });
    this.closeBlock(first, 'inbound');
    return { kind: 'Inbound', from, items, ...this.span(first) };
  });

  private inboundItem = this.RULE('inboundItem', (): ast.InboundItem | undefined => this.OR([
    { ALT: () => this.SUBRULE(this.ringChain) },
    { ALT: () => this.SUBRULE(this.did) },
    { ALT: () => this.SUBRULE(this.rewrite) },
  ]));

  private ringChain = this.RULE('ringChain', (): ast.RingChainNode => {
    const first = this.LA(1);
    const steps: ast.RingStepNode[] = [this.SUBRULE1(this.ringStep)].filter((s): s is ast.RingStepNode => s !== undefined);
    this.MANY(() => {
      this.CONSUME(K['then']);
      const s = this.SUBRULE2(this.ringStep);
      if (s) steps.push(s);
    });
    return { kind: 'RingChain', steps, ...this.span(first) };
  });

  private ringStep = this.RULE('ringStep', (): ast.RingStepNode => {
    const first = this.CONSUME(K['ring']);
    const target = this.refName(this.CONSUME9(NameLike));
    let duration: ast.Value | undefined;
    this.OPTION(() => { this.CONSUME(K['for']); duration = this.value(this.CONSUME(Literal)); });
    return { kind: 'RingStep', target, duration, ...this.span(first) };
  });

  private did = this.RULE('did', (): ast.DidNode => {
    const first = this.CONSUME(K['did']);
    const number = this.value(this.CONSUME(Literal));
    this.CONSUME(K['to']);
    const target = this.OR([
      { ALT: () => this.refName(this.CONSUME9(NameLike)) },
      // `did 9441231XX to 1XX`: the called number's last digits pick the extension.
      { ALT: () => this.value(this.CONSUME(NumberPattern)) },
    ]);
    return { kind: 'Did', number, target, ...this.span(first) };
  });

  private scenario = this.RULE('scenario', (): ast.ScenarioNode => {
    const first = this.CONSUME(K['scenario']);
    const title = this.stringValue(this.CONSUME(StringLit));
    this.CONSUME(K['in']);
    const branch = this.refName(this.CONSUME9(NameLike));
    const items: ast.ScenarioItem[] = [];
    this.CONSUME(LCurly);
    this.MANY(() => { const i = this.SUBRULE(this.scenarioItem); if (i) items.push(i); });
    this.closeBlock(first, `scenario ${title ? JSON.stringify(title.text) : ''}`);
    return { kind: 'Scenario', keywordSpan: this.spanOf(first), title, branch, items, ...this.span(first) };
  });

  private scenarioItem = this.RULE('scenarioItem', (): ast.ScenarioItem | undefined => this.OR([
    { ALT: () => this.SUBRULE(this.actorStatement) },
    { ALT: () => this.SUBRULE(this.stranger) },
    { ALT: () => this.SUBRULE(this.network) },
    { ALT: () => this.SUBRULE(this.expectation) },
  ]));

  /** `stranger ADDRESS sends METHOD URI ...`. */
  private stranger = this.RULE('stranger', (): ast.SendNode => {
    const first = this.CONSUME(K['stranger']);
    const address = this.value(this.CONSUME(Literal));
    this.CONSUME(K['sends']);
    const request = this.SUBRULE(this.sentRequest);
    return { kind: 'Send', actor: undefined, address, ...request, ...this.span(first) };
  });

  /** What follows `sends`: `METHOD URI [route URI {, URI}] [to-tag] [at TIME]`. */
  private sentRequest = this.RULE('sentRequest', (): Pick<ast.SendNode, 'method' | 'uri' | 'route' | 'toTag' | 'at'> => {
    const method = this.refName(this.CONSUME(NameLike));
    const uri = this.value(this.CONSUME(Literal));
    const route: ast.Value[] = [];
    let toTag: ast.Span | undefined;
    let at: ast.Value | undefined;
    this.OPTION(() => {
      this.CONSUME(K['route']);
      this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => { const r = this.value(this.CONSUME1(Literal)); if (r) route.push(r); } });
    });
    this.OPTION1(() => { toTag = this.spanOf(this.CONSUME(K['to-tag'])); });
    this.OPTION2(() => { this.CONSUME(K['at']); at = this.value(this.CONSUME2(Literal)); });
    return { method, uri, route, toTag, at };
  });

  /** `NAME state...` or `NAME calls X` / `NAME registers` / `NAME sends ...`: all start with the actor. */
  private actorStatement = this.RULE('actorStatement', (): ast.StateNode | ast.EventNode | ast.SendNode | undefined => {
    const first = this.CONSUME(Name);
    const actor = this.value(first);
    return this.OR([
      { ALT: () => {
        this.CONSUME(K['sends']);
        const request = this.SUBRULE(this.sentRequest);
        return { kind: 'Send' as const, actor, address: undefined, ...request, ...this.span(first) };
      } },
      { ALT: () => {
        const verbToken = this.OR1([
          { ALT: () => this.CONSUME(K['calls']) },
          { ALT: () => this.CONSUME(K['registers']) },
        ]);
        const verb: 'calls' | 'registers' = verbToken.image === 'registers' ? 'registers' : 'calls';
        let target: ast.Value | undefined;
        if (verb === 'calls' || !isReal(verbToken)) {
          this.OPTION(() => { target = this.value(this.CONSUME1(Literal)); });
        }
        let at: ast.Value | undefined;
        this.OPTION1(() => { this.CONSUME(K['at']); at = this.value(this.CONSUME2(Literal)); });
        return { kind: 'Event' as const, at, actor, verb, target, ...this.span(first) };
      } },
      { ALT: () => {
        const state = this.SUBRULE(this.actorState);
        let from: ast.Value | undefined;
        let until: ast.Value | undefined;
        this.OPTION2(() => { this.CONSUME(K['from']); from = this.value(this.CONSUME3(Literal)); });
        this.OPTION3(() => { this.CONSUME(K['until']); until = this.value(this.CONSUME4(Literal)); });
        if (!actor) return undefined;
        return {
          kind: 'State' as const, actor, state: state?.word, stateSpan: state?.span ?? { start: actor.start, end: actor.end },
          delay: state?.delay, code: state?.code, downFor: state?.downFor, upFor: state?.upFor, from, until,
          ...this.span(first),
        };
      } },
    ]);
  });

  private actorState = this.RULE('actorState', (): {
    word: ast.StateWord; span: ast.Span; delay?: ast.Value; code?: ast.Value; downFor?: ast.Value; upFor?: ast.Value;
  } => {
    const first = this.LA(1);
    const simple = (word: ast.StateWord) => ({ word, span: this.span(first) });
    return this.OR([
      { ALT: () => { this.CONSUME(K['up']); return simple('up'); } },
      { ALT: () => { this.CONSUME(K['silent']); return simple('silent'); } },
      { ALT: () => { this.CONSUME(K['slow']); const delay = this.value(this.CONSUME1(Literal)); return { word: 'slow' as const, span: this.span(first), delay }; } },
      { ALT: () => {
        this.CONSUME(K['answers']);
        let code: ast.Value | undefined;
        let delay: ast.Value | undefined;
        this.OPTION(() => { code = this.value(this.CONSUME(NumberLit)); });
        this.OPTION1(() => { this.CONSUME(K['after']); delay = this.value(this.CONSUME2(Literal)); });
        return { word: 'answers' as const, span: this.span(first), code, delay };
      } },
      { ALT: () => { this.CONSUME(K['trying']); return simple('trying'); } },
      { ALT: () => {
        this.CONSUME(K['ignores']);
        return this.OR1([
          { ALT: () => { this.CONSUME(K['invite']); return simple('ignores-invite'); } },
          { ALT: () => { this.CONSUME(K['redirect']); return simple('ignores-redirect'); } },
        ]);
      } },
      { ALT: () => {
        this.CONSUME(K['flapping']);
        this.CONSUME1(K['down']);
        const downFor = this.value(this.CONSUME3(Literal));
        this.CONSUME1(K['up']);
        const upFor = this.value(this.CONSUME4(Literal));
        return { word: 'flapping' as const, span: this.span(first), downFor, upFor };
      } },
      { ALT: () => { this.CONSUME(K['busy']); return simple('busy'); } },
      { ALT: () => { this.CONSUME(K['full']); return simple('full'); } },
      { ALT: () => { this.CONSUME2(K['down']); return simple('down'); } },
      { ALT: () => { this.CONSUME(K['no-answer']); return simple('no-answer'); } },
      { ALT: () => { this.CONSUME(K['unregistered']); return simple('unregistered'); } },
    ]);
  });

  private network = this.RULE('network', (): ast.NetworkNode => this.OR([
    { ALT: () => {
      const first = this.CONSUME(K['network']);
      this.CONSUME(K['loss']);
      const value = this.value(this.CONSUME1(Literal));
      return { kind: 'Network' as const, setting: 'loss' as const, value, ...this.span(first) };
    } },
    { ALT: () => {
      const first = this.CONSUME(K['seed']);
      const value = this.value(this.CONSUME2(Literal));
      return { kind: 'Network' as const, setting: 'seed' as const, value, ...this.span(first) };
    } },
  ]));

  private expectation = this.RULE('expectation', (): ast.ExpectNode => {
    const first = this.CONSUME(K['expect']);
    const actor = this.refName(this.CONSUME9(NameLike));
    let what: ast.ExpectNode['what'];
    let code: ast.Value | undefined;
    let at: ast.Value | undefined;
    let within: ast.Value | undefined;
    let contact: ast.Value | undefined;
    let reason: ast.StringValue | undefined;
    this.OR([
      { ALT: () => {
        this.CONSUME(K['gets']);
        what = 'gets';
        code = this.value(this.CONSUME1(Literal));
        this.MANY(() => {
          this.OR1([
            { ALT: () => { this.CONSUME1(K['at']); at = this.value(this.CONSUME2(Literal)); } },
            { ALT: () => { this.CONSUME(K['within']); within = this.value(this.CONSUME3(Literal)); } },
            { ALT: () => { this.CONSUME(K['contact']); contact = this.value(this.CONSUME4(Literal)); } },
            { ALT: () => { reason = this.stringValue(this.CONSUME(StringLit)); } },
          ]);
        });
      } },
      { ALT: () => {
        this.CONSUME(K['answers']);
        what = 'answers';
        this.OPTION(() => { this.CONSUME2(K['at']); at = this.value(this.CONSUME5(Literal)); });
      } },
      { ALT: () => {
        this.CONSUME(K['marked']);
        this.CONSUME(K['down']);
        what = 'marked-down';
        this.CONSUME3(K['at']);
        at = this.value(this.CONSUME6(Literal));
      } },
      { ALT: () => {
        this.CONSUME(K['receives']);
        this.CONSUME(K['nothing']);
        what = 'receives-nothing';
      } },
    ]);
    return { kind: 'Expect', actor, what, code, at, within, contact, reason, ...this.span(first) };
  });
}

/** One parser, reused: building it (self-analysis) costs far more than a parse. */
export const survParser = new SurvParser();
