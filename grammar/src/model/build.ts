// Phase "link" (second half): a merged branch becomes the typed model. Names are
// resolved here (with did-you-mean), defaults filled, values converted.
import type * as ast from '../ast.js';
import type { Span } from '../ast.js';
import type { ReportOptions, Reporter } from './reporter.js';
import { BranchReporter, defaultOrigin, sourceOrigin } from './reporter.js';
import { defaults, defaultChannels } from './defaults.js';
import type { MergedBranch, MergedNamed, Src } from './merge.js';
import { suggestion } from './names.js';
import { callerIdRules, patternFits, patternText, rewriteRules } from './numbers.js';
import type {
  Branch, CallerIdRule, DidPattern, Gateway, Group, InboundPolicy, Limits, Listen, TlsSettings, RouterSettings, LocalCallsMode, Network, Origin, OutboundPolicy, Phone, Probe, Rate, RegisterPolicy,
  ReplyPattern, RewriteRule, RingStep, Setting, SurvivalAction, Timers, Upstream,
} from './types.js';
import type { SymbolCollector, SymbolKind } from './symbols.js';
import type { Values } from './values.js';

export type EntityKind = 'gateway' | 'upstream' | 'phone' | 'group';

const article: Record<EntityKind, string> = { gateway: 'a gateway', upstream: 'an upstream', phone: 'a phone', group: 'a group' };

/** Declarations that some reference resolved to; the rest are reported unused. */
export type UsageSet = Set<object>;

export class BranchBuilder {
  private readonly kinds = new Map<string, EntityKind>();
  private readonly site: BranchReporter;
  private builtGroups: readonly Group[] = [];

  constructor(
    private readonly merged: MergedBranch,
    private readonly values: Values,
    private readonly reporter: Reporter,
    private readonly used: UsageSet,
    private readonly symbols: SymbolCollector,
  ) {
    const c = merged.container;
    this.site = new BranchReporter(reporter, { name: c.name, uri: c.uri, span: c.node, nameSpan: c.node.name ?? c.node });
  }

  private report(severity: 'error' | 'warning', code: string, message: string, uri: string, span: Span, options: ReportOptions = {}): void {
    this.site.at(severity, code, message, { uri, span }, options);
  }

  private origin(src: { uri: string }, span: Span): Origin {
    return sourceOrigin(src.uri, span);
  }

  private setting<T>(
    src: Src<ast.Property> | undefined, convert: (values: Values, v: ast.Value | undefined) => T | undefined, fallback: T,
  ): Setting<T> {
    if (!src) return { value: fallback, origin: defaultOrigin };
    const value = convert(this.values.at(src.uri), src.node.value);
    return { value: value ?? fallback, origin: this.origin(src, src.node.value ?? src.node) };
  }

  build(): Branch {
    const m = this.merged;
    this.indexNames();
    const gateways = [...m.gateways.values()].map((g) => this.gateway(g));
    const upstreams = [...m.upstreams.values()].map((u) => this.upstream(u));
    const phones = [...m.phones.values()].map((p) => this.phone(p));
    const groups = [...m.groups.values()].map((g) => this.group(g));
    if (upstreams.length === 0) this.missing('upstream', "add e.g. 'upstream cloud { proxy sip:pbx.example.com }'");
    const outbound = this.outbound(gateways);
    this.builtGroups = groups;
    return {
      name: m.container.name,
      uri: m.container.uri,
      origin: this.origin(m.container, m.container.node.name ?? m.container.node),
      profiles: m.profiles.map((p) => p.name),
      listens: this.listens(),
      lans: this.lans(),
      gateways, upstreams, phones, groups,
      timers: this.timers(),
      register: this.register(outbound),
      limits: this.limits(),
      tls: this.tls(),
      router: this.router(),
      outbound,
      inbound: this.inbound(),
    };
  }

  private indexNames(): void {
    const m = this.merged;
    const firstAt = new Map<string, Src<Span & { readonly name: ast.Value | undefined }>>();
    // Only called on a conflict, which is rare.
    const sameBlock = (a: Src<Span>, b: Src<Span>) => {
      const block = [m.container, ...m.profiles].find((c) => c.uri === a.uri && a.node.start >= c.node.start && a.node.end <= c.node.end);
      return block !== undefined && b.uri === block.uri && b.node.start >= block.node.start && b.node.end <= block.node.end;
    };
    const add = (kind: EntityKind, name: string, src: Src<Span & { readonly name: ast.Value | undefined }>) => {
      const existing = this.kinds.get(name);
      const first = firstAt.get(name);
      if (existing && existing !== kind) {
        // Two definitions in one block are the block check's finding (SURV011 there).
        if (first && !sameBlock(first, src)) {
          this.report('error', 'SURV011', `'${name}' is already ${article[existing]} in this branch; a ${kind} needs another name`, src.uri, src.node.name ?? src.node, { data: { name } });
        }
        return;
      }
      this.kinds.set(name, kind);
      if (!first) firstAt.set(name, src);
    };
    for (const g of m.gateways.values()) for (const d of g.decls) add('gateway', g.name, d);
    for (const u of m.upstreams.values()) for (const d of u.decls) add('upstream', u.name, d);
    for (const [name, p] of m.phones) add('phone', name, p);
    for (const [name, g] of m.groups) add('group', name, g);
    const declare = (kind: SymbolKind, name: string, decls: readonly Src<{ readonly name: ast.Value | undefined }>[]) => {
      const first = decls[0];
      for (const d of decls) {
        if (!d.node.name) continue;
        this.symbols.declare(d.node, kind, name, d.uri, d.node.name);
        if (first) this.symbols.join(first.node, d.node);
      }
    };
    for (const g of m.gateways.values()) declare('gateway', g.name, g.decls);
    for (const u of m.upstreams.values()) declare('upstream', u.name, u.decls);
    for (const [name, decls] of m.replaced) declare(m.phones.has(name) ? 'phone' : 'group', name, decls);
  }

  /** Marks a name of this branch used (a scenario names it). */
  markUsedByName(name: string): void {
    const kind = this.kinds.get(name);
    if (kind) this.markUsed(kind, name);
  }

  /** The first declaration of an entity of this branch: its symbol's key. */
  declarationOf(name: string): object | undefined {
    const m = this.merged;
    return m.gateways.get(name)?.decls[0]?.node ?? m.upstreams.get(name)?.decls[0]?.node ?? m.replaced.get(name)?.[0]?.node;
  }

  /** Resolves a reference to one of `kinds`; reports unknown names and wrong kinds. */
  private resolve(ref: ast.Value | undefined, uri: string, kinds: readonly EntityKind[], role: string): string | undefined {
    if (!ref) return undefined;
    const kind = this.kinds.get(ref.text);
    if (kind && kinds.includes(kind)) {
      this.markUsed(kind, ref.text);
      const decl = this.declarationOf(ref.text);
      if (decl) this.symbols.reference(decl, uri, ref);
      return ref.text;
    }
    const wanted = kinds.map((k) => article[k]).join(' or ');
    if (kind) {
      this.report('error', 'SURV012', `'${ref.text}' is ${article[kind]}, but ${role} needs ${wanted}`, uri, ref, { data: { name: ref.text } });
      return undefined;
    }
    const candidates = [...this.kinds].filter(([, k]) => kinds.includes(k)).map(([n]) => n);
    const near = suggestion(ref.text, candidates);
    // The likely intended definition is not "unused": one mistake, one finding.
    if (near) this.markUsed(this.kinds.get(near) ?? 'phone', near);
    this.report('error', 'SURV010', `no ${kinds.join(' or ')} named '${ref.text}'${near ? `; did you mean '${near}'?` : ''}`, uri, ref, {
      data: { name: ref.text, ...(near ? { replacements: [near] } : {}) },
    });
    return undefined;
  }

  private markUsed(kind: EntityKind, name: string): void {
    const m = this.merged;
    const decls = kind === 'gateway' ? m.gateways.get(name)?.decls
      : kind === 'upstream' ? m.upstreams.get(name)?.decls
        : m.replaced.get(name);
    for (const d of decls ?? []) this.used.add(d.node);
  }

  private missing(what: string, fix: string): void {
    const c = this.merged.container;
    this.reporter.error('SURV032', `branch '${c.name}' has no ${what}: ${fix}`, c.uri, c.node.name ?? c.node, { data: { name: c.name, missing: what } });
  }

  private listens(): Setting<readonly Listen[]> {
    const m = this.merged;
    if (!m.listens || m.listens.length === 0) {
      this.missing('edge listen address', "add e.g. 'edge listen udp 10.0.0.1:5060'");
      return { value: [], origin: defaultOrigin };
    }
    const out: Listen[] = [];
    for (const { node, uri } of m.listens) {
      const values = this.values.at(uri);
      const transport = values.transport(node.transport) ?? 'udp';
      const hp = values.hostPort(node.address, transport === 'tls' ? 5061 : 5060);
      if (hp) out.push({ ...hp, transport, origin: sourceOrigin(uri, node) });
    }
    return { value: out, origin: m.listensFrom ? sourceOrigin(m.listensFrom.uri, m.listensFrom.node) : defaultOrigin };
  }

  private lans(): Setting<readonly Network[]> {
    const m = this.merged;
    if (!m.lans || m.lans.length === 0) {
      this.missing('lan', "add e.g. 'lan 10.0.0.0/24': only phones inside a LAN get survival");
      return { value: [], origin: defaultOrigin };
    }
    const out: Network[] = [];
    for (const { node, uri } of m.lans) {
      const values = this.values.at(uri);
      const net = values.network(node);
      if (net) out.push({ ...net, origin: sourceOrigin(uri, node) });
    }
    return { value: out, origin: m.lansFrom ? sourceOrigin(m.lansFrom.uri, m.lansFrom.node) : defaultOrigin };
  }

  private declOrigin<T extends Span & { readonly name: ast.Value | undefined }>(n: MergedNamed<T>): Origin {
    const last = n.decls[n.decls.length - 1] as Src<T>;
    return sourceOrigin(last.uri, last.node.name ?? last.node);
  }

  private gateway(g: MergedNamed<ast.GatewayNode>): Gateway {
    const p = (key: ast.PropertyKey) => g.props.get(key);
    const transport = this.setting(p('transport'), (values, v) => values.transport(v), 'udp' as const);
    const address = this.setting(p('address'), (values, v) => values.hostPort(v, transport.value === 'tls' ? 5061 : 5060), undefined);
    const kind = this.setting(p('kind'), (values, v) => values.gatewayKind(v), undefined);
    const channelsSrc = p('channels');
    const channels: Setting<number | undefined> = channelsSrc
      ? this.setting(channelsSrc, (values, v) => values.integer(v, 'a channel count', 0, 100_000), undefined)
      : { value: kind.value ? defaultChannels[kind.value] : undefined, origin: defaultOrigin };
    const origin = this.declOrigin(g);
    const where = g.decls[g.decls.length - 1] as Src<ast.GatewayNode>;
    const at = where.node.name ?? where.node;
    if (!p('address')) this.report('error', 'SURV032', `gateway '${g.name}' has no address`, where.uri, at, { data: { name: g.name, missing: 'address' } });
    if (!p('kind')) this.report('error', 'SURV032', `gateway '${g.name}' has no kind: say bri, pri, fxo or trunk`, where.uri, at, { data: { name: g.name, missing: 'kind' } });
    if (kind.value === 'trunk' && !channelsSrc) {
      this.report('error', 'SURV032', `gateway '${g.name}' is a SIP trunk: say how many channels it carries`, where.uri, at, { data: { name: g.name, missing: 'channels' } });
    }
    if (channels.value === 0 && channelsSrc) {
      const fallback = kind.value ? defaultChannels[kind.value] : undefined;
      this.report('error', 'SURV055', `gateway '${g.name}' has no channels: no call could ever use it`, channelsSrc.uri, channelsSrc.node.value ?? channelsSrc.node, fallback ? { data: { replacements: [String(fallback)] } } : {});
    } else if (kind.value === 'bri' && channels.value !== undefined && channels.value % 2 !== 0 && channelsSrc) {
      const fixed = String(Math.max(2, Math.round(channels.value / 2) * 2));
      this.report('warning', 'SURV056', `an ISDN BRI has 2 channels per line, so ${channels.value} is not a whole number of BRIs`, channelsSrc.uri, channelsSrc.node.value ?? channelsSrc.node, { data: { replacements: [fixed] } });
    }
    // Number rules win whole where the nearest level writes any, like the outbound block's.
    const rewriteSrc = [...g.decls].reverse().find((d) => d.node.rewrites.length > 0);
    const rewrite: Setting<readonly RewriteRule[]> | undefined = rewriteSrc && {
      value: rewriteRules(this.values, rewriteSrc.node.rewrites.map((node) => ({ node, uri: rewriteSrc.uri }))),
      origin: sourceOrigin(rewriteSrc.uri, rewriteSrc.node.rewrites[0]!),
    };
    const callerSrc = [...g.decls].reverse().find((d) => d.node.callerIds.length > 0);
    const callerIds: Setting<readonly CallerIdRule[]> = callerSrc
      ? { value: callerIdRules(this.values, callerSrc), origin: sourceOrigin(callerSrc.uri, callerSrc.node.callerIds[0]!) }
      : { value: [], origin: defaultOrigin };
    return { name: g.name, origin, address, transport, kind, channels, rewrite, callerIds, probe: this.probe((key) => p(key)) };
  }

  private upstream(u: MergedNamed<ast.UpstreamNode>): Upstream {
    const p = (key: ast.PropertyKey) => u.props.get(key);
    const proxy = this.setting(p('proxy'), (values, v) => values.sipUri(v), undefined);
    const where = u.decls[u.decls.length - 1] as Src<ast.UpstreamNode>;
    if (!p('proxy')) this.report('error', 'SURV032', `upstream '${u.name}' has no proxy URI`, where.uri, where.node.name ?? where.node, { data: { name: u.name, missing: 'proxy' } });
    const transportSrc = p('transport');
    const transport: Setting<'udp' | 'tcp' | 'tls'> = transportSrc
      ? this.setting(transportSrc, (values, v) => values.transport(v), 'udp' as const)
      : proxy.value?.transportParam || proxy.value?.secure
        ? { value: proxy.value.transportParam ?? 'tls', origin: proxy.origin }
        : { value: 'udp', origin: defaultOrigin };
    return { name: u.name, origin: this.declOrigin(u), proxy, transport, probe: this.probe(p) };
  }

  /** `probe options ...` of an upstream or a gateway: the same properties, the same defaults. */
  private probe(p: (key: ast.PropertyKey) => Src<ast.Property> | undefined): Probe | undefined {
    const probeSrc = p('probe');
    if (!probeSrc) return undefined;
    const d = defaults.probe;
    const duration = (key: ast.PropertyKey, fallback: number) => this.setting(p(key), (values, v) => values.durationMs(v), fallback);
    const count = (key: ast.PropertyKey, fallback: number) => this.setting(p(key), (values, v) => values.integer(v, 'a probe count', 1, 100), fallback);
    return {
      origin: sourceOrigin(probeSrc.uri, probeSrc.node),
      everyMs: duration('probe-every', d.everyMs),
      timeoutMs: duration('probe-timeout', d.timeoutMs),
      downAfter: count('probe-down-after', d.downAfter),
      upAfter: count('probe-up-after', d.upAfter),
      holdoffMs: duration('probe-holdoff', d.holdoffMs),
    };
  }

  private timers(): Timers {
    const t = this.merged.timers;
    const d = defaults.timers;
    const duration = (key: ast.PropertyKey, fallback: number) => this.setting(t.get(key), (values, v) => values.durationMs(v), fallback);
    const noAnswerMs = duration('no-answer', d.noAnswerMs);
    return {
      noAnswerMs,
      ringingMs: duration('ringing', d.ringingMs),
      // After a bare 100 Trying an upstream gets as long as one that sent nothing, unless told otherwise.
      tryingMs: duration('trying', noAnswerMs.value),
      t1Ms: duration('t1', d.t1Ms),
      t2Ms: duration('t2', d.t2Ms),
      budgetMs: duration('budget', d.budgetMs),
    };
  }

  private limits(): Limits {
    const m = this.merged;
    // Merged field by field like timers: farthest profile first, so nearer blocks override.
    const props = new Map<ast.PropertyKey, Src<ast.Property>>();
    for (const level of [...m.profiles].reverse().concat(m.container)) {
      for (const s of level.node.settings) {
        if (s.kind === 'Limits') for (const p of s.properties) props.set(p.key, { node: p, uri: level.uri });
      }
    }
    const d = defaults.limits;
    const rate = (key: 'per-source' | 'outside', fallback: Rate): Setting<Rate> => {
      const count = props.get(key);
      if (!count) return { value: fallback, origin: defaultOrigin };
      const window = props.get(`${key}-window`);
      const values = this.values.at(count.uri);
      const what = key === 'outside' ? 'the outside rate' : 'the per-source rate';
      const n = values.limitCount(count.node.value, `${what}'s request count`, 1, 100_000);
      const w = window ? this.values.at(window.uri).limitSeconds(window.node.value, `${what}'s window`, 1, 60) : undefined;
      const end = window && window.uri === count.uri ? (window.node.value ?? window.node).end : (count.node.value ?? count.node).end;
      return { value: { count: n ?? fallback.count, windowS: w ?? fallback.windowS }, origin: sourceOrigin(count.uri, { start: (count.node.value ?? count.node).start, end }) };
    };
    return {
      perSource: rate('per-source', d.perSource),
      outside: rate('outside', d.outside),
      maxExpiresS: this.setting(props.get('max-expires'), (values, v) => values.limitSeconds(v, 'max-expires', 60, 86_400), d.maxExpiresS),
      maxContacts: this.setting(props.get('max-contacts'), (values, v) => values.limitCount(v, 'max-contacts', 1, 100), d.maxContacts),
    };
  }

  /**
   * The properties of every `kind` block from the farthest profile to the branch, the
   * nearer one winning per field, and the nearest block (where a missing field is reported).
   */
  private fieldByField(kind: 'Tls' | 'Router'): { props: Map<ast.PropertyKey, Src<ast.Property>>; nearest: Src<ast.TlsNode | ast.RouterNode> | undefined } {
    const m = this.merged;
    const props = new Map<ast.PropertyKey, Src<ast.Property>>();
    let nearest: Src<ast.TlsNode | ast.RouterNode> | undefined;
    for (const level of [...m.profiles].reverse().concat(m.container)) {
      for (const s of level.node.settings) {
        if (s.kind !== kind) continue;
        nearest = { node: s, uri: level.uri };
        for (const p of s.properties) props.set(p.key, { node: p, uri: level.uri });
      }
    }
    return { props, nearest };
  }

  private tls(): TlsSettings | undefined {
    // Field by field like limits: a profile can hold the CA, each branch its own certificate.
    const { props, nearest } = this.fieldByField('Tls');
    if (!nearest) return undefined;
    const file = (key: 'certificate' | 'key' | 'ca') => this.setting(props.get(key), (values, v) => values.tlsPath(v, key), undefined);
    return {
      origin: sourceOrigin(nearest.uri, { start: nearest.node.start, end: nearest.node.start + 'tls'.length }),
      certificate: file('certificate'), key: file('key'), ca: file('ca'),
    };
  }

  private router(): RouterSettings | undefined {
    // Field by field like tls: a profile gives the platform and user, each branch its address.
    const { props, nearest } = this.fieldByField('Router');
    if (!nearest) return undefined;
    return {
      origin: sourceOrigin(nearest.uri, { start: nearest.node.start, end: nearest.node.start + 'router'.length }),
      platform: this.setting(props.get('platform'), (values, v) => values.platform(v), undefined),
      manage: this.setting(props.get('manage'), (values, v) => values.hostPort(v, 22), undefined),
      user: this.setting(props.get('user'), (values, v) => values.loginName(v), undefined),
    };
  }

  private phone(src: Src<ast.PhoneNode>): Phone {
    const node = src.node;
    const values = this.values.at(src.uri);
    const name = node.name?.text ?? '';
    const extension = values.digits(node.extension, 'an extension');
    const address = node.address ? values.hostPort(node.address, 5060) : undefined;
    return {
      name, origin: sourceOrigin(src.uri, node.name ?? node),
      extension: { value: extension, origin: sourceOrigin(src.uri, node.extension ?? node) },
      address: { value: address, origin: sourceOrigin(src.uri, node.address ?? node) },
      registered: node.registered !== undefined,
      transport: node.transport
        ? { value: values.transport(node.transport.value) ?? 'udp', origin: sourceOrigin(src.uri, node.transport.value ?? node.transport) }
        : { value: 'udp', origin: defaultOrigin },
    };
  }

  private group(src: Src<ast.GroupNode>): Group {
    const node = src.node;
    // Members and mode come from the nearest line; the ring time from the nearest that gives one.
    const ringSrc = [...(this.merged.replaced.get(node.name?.text ?? '') ?? [])].reverse()
      .find((d): d is Src<ast.GroupNode> => d.node.kind === 'Group' && d.node.ring !== undefined);
    const ringMs = ringSrc?.node.ring ? this.values.at(ringSrc.uri).durationMs(ringSrc.node.ring) : undefined;
    // A group with a number is an extension of the branch: dialling it uses it.
    if (node.number && node.name) this.markUsed('group', node.name.text);
    const members: string[] = [];
    for (const member of node.members) {
      const name = this.resolve(member, src.uri, ['phone'], `group '${node.name?.text ?? ''}'`);
      if (name) members.push(name);
    }
    return {
      name: node.name?.text ?? '',
      origin: sourceOrigin(src.uri, node.name ?? node),
      mode: { value: node.mode?.text === 'serial' ? 'serial' : 'parallel', origin: sourceOrigin(src.uri, node.mode ?? node) },
      number: { value: node.number ? this.values.at(src.uri).digits(node.number, 'a group number') : undefined, origin: sourceOrigin(src.uri, node.number ?? node) },
      members: { value: members, origin: sourceOrigin(src.uri, node) },
      ringMs: { value: ringMs ?? defaults.groupRingMs, origin: ringSrc?.node.ring ? sourceOrigin(ringSrc.uri, ringSrc.node.ring) : defaultOrigin },
    };
  }

  private outbound(gateways: readonly Gateway[]): OutboundPolicy | undefined {
    const out = this.merged.outbound;
    const c = this.merged.container;
    if (!out) {
      this.reporter.warning('SURV058', `branch '${c.name}' has no outbound policy: calls from its LAN get no survival`, c.uri, c.node.name ?? c.node, { data: { name: c.name } });
      return undefined;
    }
    const from = out.from;
    const via: string[] = [];
    for (const ref of from.node.via) {
      const name = this.resolve(ref, from.uri, ['upstream'], "the outbound 'via' chain");
      if (name) via.push(name);
    }
    const actions: SurvivalAction[] = [];
    if (out.onTimeout) {
      const values = this.values.at(out.onTimeout.uri);
      for (const action of out.onTimeout.node.actions) {
        const origin = sourceOrigin(out.onTimeout.uri, action);
        if (action.kind === 'Announce') {
          const code = values.replyCode(action.code);
          const reason = action.text ? values.headerText(action.text, 'the announcement text') : undefined;
          if (code !== undefined && reason !== undefined) actions.push({ kind: 'announce', code, reason, origin });
        } else {
          const list = this.gatewayList(action.targets, out.onTimeout.uri, `'${action.kind.toLowerCase()}'`);
          const gateway = list[0];
          if (action.kind === 'Redirect') {
            const code = values.replyCode(action.code);
            if (code !== undefined && gateway) actions.push({ kind: 'redirect', code, gateway, gateways: list, origin });
          } else if (gateway) {
            actions.push({ kind: 'relay', gateway, gateways: list, origin });
          }
        }
      }
    } else {
      this.report('warning', 'SURV058', "the outbound policy has no 'on timeout' actions: a dead upstream leaves callers with a 408", from.uri, { start: from.node.start, end: from.node.start + 'outbound'.length }, { data: { name: c.name } });
    }
    const pass = this.pass(out.pass);
    const emergencyNumbers: string[] = [];
    let emergencyGateways: Setting<readonly string[]> = { value: [], origin: defaultOrigin };
    if (out.emergency) {
      const e = out.emergency;
      const values = this.values.at(e.uri);
      for (const n of e.node.numbers) {
        const digits = values.digits(n, 'an emergency number');
        if (digits) emergencyNumbers.push(digits);
      }
      const first = e.node.gateways[0];
      const last = e.node.gateways[e.node.gateways.length - 1];
      if (first && last) {
        emergencyGateways = { value: this.gatewayList(e.node.gateways, e.uri, "'emergency ... direct to'"), origin: sourceOrigin(e.uri, { start: first.start, end: last.end }) };
      } else {
        const survivalGateway = actions.find((a) => a.kind !== 'announce');
        const fallback = survivalGateway?.gateways ?? (gateways[0] ? [gateways[0].name] : []);
        for (const g of fallback) this.markUsed('gateway', g);
        emergencyGateways = { value: fallback, origin: defaultOrigin };
        if (fallback.length === 0) {
          this.report('error', 'SURV054', 'emergency numbers need a gateway, and this branch has none: they could not be dialled in an outage', e.uri, { start: e.node.start, end: e.node.start + 'emergency'.length });
        }
      }
    }
    const rewrite: RewriteRule[] = rewriteRules(this.values, out.rewrite ?? []);
    const firstVia = from.node.via[0];
    const lastVia = from.node.via[from.node.via.length - 1];
    return {
      origin: sourceOrigin(from.uri, from.node),
      via: { value: via, origin: sourceOrigin(from.uri, from.node) },
      viaSpan: firstVia && lastVia ? sourceOrigin(from.uri, { start: firstVia.start, end: lastVia.end }) : undefined,
      onTimeout: { value: actions, origin: out.onTimeout ? sourceOrigin(out.onTimeout.uri, out.onTimeout.node) : defaultOrigin },
      pass,
      emergency: { value: emergencyNumbers, origin: out.emergency ? sourceOrigin(out.emergency.uri, out.emergency.node) : defaultOrigin },
      emergencyGateway: { value: emergencyGateways.value[0], origin: emergencyGateways.origin },
      emergencyGateways,
      rewrite: { value: rewrite, origin: out.rewrite?.[0] ? sourceOrigin(out.rewrite[0].uri, out.rewrite[0].node) : defaultOrigin },
      localCalls: localCallsSetting(out.localCalls),
    };
  }

  /** The gateways a list names, in order; a name given twice is reported (SURV036) and kept once. */
  private gatewayList(refs: readonly ast.Value[], uri: string, what: string): string[] {
    const names: string[] = [];
    for (const ref of refs) {
      const name = this.resolve(ref, uri, ['gateway'], what);
      if (!name) continue;
      if (names.includes(name)) {
        this.report('error', 'SURV036', `gateway '${name}' is named twice in ${what}: it would be tried again after it failed`, uri, ref, { data: { name } });
        continue;
      }
      names.push(name);
    }
    return names;
  }

  private pass(src: Src<ast.PassNode> | undefined): Setting<'all' | readonly ReplyPattern[]> {
    if (!src) return { value: 'all', origin: defaultOrigin };
    if (!src.node.codes) return { value: 'all', origin: sourceOrigin(src.uri, src.node) };
    const values = this.values.at(src.uri);
    const patterns: ReplyPattern[] = [];
    for (const v of src.node.codes) {
      if (v.type === 'class') {
        const cls = Number(v.text[0]);
        if (cls < 3 || cls > 6) this.reporter.error('SURV060', `only final error and redirect replies can be listed: ${v.text} is not 3xx-6xx`, src.uri, v);
        else patterns.push({ class: cls });
        continue;
      }
      const code = values.replyCode(v);
      if (code === undefined) continue;
      if (code < 300) this.reporter.error('SURV060', `only final error and redirect replies can be listed: ${code} always passes`, src.uri, v);
      else patterns.push({ code });
    }
    return { value: patterns, origin: sourceOrigin(src.uri, src.node) };
  }

  private register(outbound: OutboundPolicy | undefined): RegisterPolicy {
    const r = this.merged.register;
    const forwardSrc = r.get('forward');
    let forward: Setting<string | undefined>;
    if (forwardSrc) {
      forward = { value: this.resolve(forwardSrc.node.value, forwardSrc.uri, ['upstream'], "'register forward'"), origin: sourceOrigin(forwardSrc.uri, forwardSrc.node) };
    } else {
      forward = { value: outbound?.via.value[0], origin: defaultOrigin };
    }
    const pathSrc = r.get('with-path');
    if (forwardSrc && !pathSrc) {
      this.report('warning', 'SURV059', "REGISTERs are forwarded without Path: the central PBX will send calls straight to the phones, bypassing this branch's proxy", forwardSrc.uri, forwardSrc.node, { data: { replacements: [`forward ${forwardSrc.node.value?.text ?? ''} with path`] } });
    }
    const keep = r.get('keep-local-copy');
    return {
      forward,
      withPath: { value: !forwardSrc || pathSrc !== undefined, origin: pathSrc ? sourceOrigin(pathSrc.uri, pathSrc.node) : defaultOrigin },
      keepLocalCopy: { value: keep !== undefined, origin: keep ? sourceOrigin(keep.uri, keep.node) : defaultOrigin },
    };
  }

  private inbound(): InboundPolicy | undefined {
    const inbound = this.merged.inbound;
    if (!inbound) return undefined;
    const from: string[] = [];
    for (const ref of inbound.from.node.from) {
      const name = this.resolve(ref, inbound.from.uri, ['gateway'], "'inbound from'");
      if (name) from.push(name);
    }
    const steps: RingStep[] = [];
    if (inbound.chain) {
      const c = inbound.chain;
      const values = this.values.at(c.uri);
      for (const step of c.node.steps) {
        const target = this.resolve(step.target, c.uri, ['phone', 'group'], "'ring'");
        const ringMs = step.duration ? values.durationMs(step.duration) : undefined;
        if (!target) continue;
        const fallback = this.builtGroups.find((g) => g.name === target)?.ringMs.value ?? defaults.groupRingMs;
        steps.push({ target, ringMs: ringMs ?? fallback, origin: sourceOrigin(c.uri, step) });
      }
    }
    const dids: { number: string; target: string; origin: Origin }[] = [];
    const didPatterns: DidPattern[] = [];
    for (const d of inbound.dids.values()) {
      const values = this.values.at(d.uri);
      if (d.node.number?.type === 'pattern') {
        didPatterns.push(...this.didPattern(d));
        continue;
      }
      // The block check's conversion, so a bad number is reported once, in its words.
      const number = values.numberPattern(d.node.number, 'a DID number')?.prefix;
      if (d.node.target?.type === 'pattern') continue; // SURV047: a pattern target needs a pattern did
      const target = this.resolve(d.node.target, d.uri, ['phone', 'group'], "'did'");
      if (number && target) dids.push({ number, target, origin: sourceOrigin(d.uri, d.node) });
    }
    const normalise = inbound.rewrite;
    return {
      origin: sourceOrigin(inbound.from.uri, inbound.from.node),
      from: { value: from, origin: sourceOrigin(inbound.from.uri, inbound.from.node) },
      chain: { value: steps, origin: inbound.chain ? sourceOrigin(inbound.chain.uri, inbound.chain.node) : defaultOrigin },
      dids,
      didPatterns,
      normalise: normalise?.[0]
        ? { value: rewriteRules(this.values, normalise), origin: sourceOrigin(normalise[0].uri, normalise[0].node) }
        : { value: [], origin: defaultOrigin },
    };
  }

  /** `did PATTERN to NAME` or `did PATTERN to EXTENSION-PATTERN` (X counts are the block check's, SURV047). */
  private didPattern(d: Src<ast.DidNode>): DidPattern[] {
    const values = this.values.at(d.uri);
    const pattern = values.numberPattern(d.node.number, 'a DID number');
    const origin = sourceOrigin(d.uri, d.node);
    const t = d.node.target;
    if (!pattern || !t) return [];
    if (t.type !== 'pattern') {
      const target = this.resolve(t, d.uri, ['phone', 'group'], "'did'");
      return target ? [{ pattern, target, extension: undefined, origin }] : [];
    }
    const extension = values.numberPattern(t, 'an extension');
    if (!extension || extension.digits !== pattern.digits) return [];
    // The extensions the inbound routes ring: phones' and groups' numbers.
    const numbers = [
      ...[...this.merged.phones.values()].map((p) => p.node.extension?.text),
      ...[...this.merged.groups.values()].map((g) => g.node.number?.text),
    ];
    if (!numbers.some((n) => n !== undefined && patternFits(extension, n))) {
      this.report('warning', 'SURV049', `no phone or group of this branch has an extension ${patternText(extension)}: every call to ${patternText(pattern)} rings the ring chain`, d.uri, t);
    }
    return [{ pattern, target: undefined, extension, origin }];
  }

  /** Entity kind of a name in this branch (for scenarios). */
  kindOf(name: string): EntityKind | undefined {
    return this.kinds.get(name);
  }

  names(): ReadonlyMap<string, EntityKind> {
    return this.kinds;
  }
}

/** `local-calls`, default `survival`: an existing design keeps internal calls local in an outage with no new setting. */
function localCallsSetting(src: Src<ast.LocalCallsNode> | undefined): Setting<LocalCallsMode> {
  const word = src?.node.mode?.text;
  const value: LocalCallsMode = word === 'always' || word === 'off' ? word : 'survival';
  return { value, origin: src ? sourceOrigin(src.uri, src.node) : defaultOrigin };
}
