// Scenarios: actors resolved against their branch, times in ms, and the checks
// that an actor, a state and an expectation make sense together.
import ipaddr from 'ipaddr.js';
import type * as ast from '../ast.js';
import type { Reporter } from './reporter.js';
import { sourceOrigin } from './reporter.js';
import type { EntityKind } from './build.js';
import { defaults } from './defaults.js';
import { suggestion } from './names.js';
import type { ActorKind, ActorState, ActorStateName, Branch, Expectation, Scenario, ScenarioEvent, SendEvent, SentMethod } from './types.js';
import type { SymbolCollector } from './symbols.js';
import type { Values } from './values.js';

const applicable: Record<ActorStateName, readonly ActorKind[]> = {
  up: ['upstream', 'gateway', 'phone'],
  silent: ['upstream', 'gateway', 'phone'],
  slow: ['upstream', 'gateway'],
  answers: ['upstream', 'gateway', 'phone'],
  trying: ['upstream'],
  'ignores-invite': ['upstream'],
  flapping: ['upstream'],
  busy: ['gateway', 'phone'],
  full: ['gateway'],
  down: ['upstream', 'gateway'],
  'no-answer': ['phone'],
  unregistered: ['phone'],
  'ignores-redirect': ['phone'],
};

const stateText: Record<ActorStateName, string> = {
  up: 'up', silent: 'silent', slow: 'slow', answers: 'answers', trying: 'trying', 'ignores-invite': 'ignores invite',
  flapping: 'flapping', busy: 'busy', full: 'full', down: 'down', 'no-answer': 'no-answer', unregistered: 'unregistered',
  'ignores-redirect': 'ignores redirect',
};

/** `a, b or c`. */
function either(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1] ?? ''}`;
}

function an(kind: string): string {
  return `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`;
}

function cap(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export interface BranchNames {
  readonly branch: Branch;
  readonly names: ReadonlyMap<string, EntityKind>;
  /** The symbol key of the branch block, and of each of its entities. */
  readonly node: object;
  declarationOf(name: string): object | undefined;
  markUsed(name: string): void;
}

export function buildScenario(
  node: ast.ScenarioNode, uri: string, branches: ReadonlyMap<string, BranchNames>, values: Values, reporter: Reporter, symbols: SymbolCollector,
): Scenario | undefined {
  const title = node.title?.text ?? '';
  if (!node.branch) return undefined;
  const target = branches.get(node.branch.text);
  if (!target) {
    const near = suggestion(node.branch.text, branches.keys());
    reporter.error('SURV010', `no branch named '${node.branch.text}'${near ? `; did you mean '${near}'?` : ''}`, uri, node.branch, {
      data: { name: node.branch.text, ...(near ? { replacements: [near] } : {}) },
    });
    return undefined;
  }
  const { branch, names } = target;
  symbols.reference(target.node, uri, node.branch);
  const cite = (ref: ast.Value) => {
    target.markUsed(ref.text);
    const decl = target.declarationOf(ref.text);
    if (decl) symbols.reference(decl, uri, ref);
  };

  const actor = (ref: ast.Value | undefined, kinds: readonly ActorKind[], role: string): { name: string; kind: ActorKind } | undefined => {
    if (!ref) return undefined;
    const kind = names.get(ref.text);
    if (kind === 'group') {
      reporter.error('SURV070', `'${ref.text}' is a group; ${role} must be ${either(kinds.map(an))}`, uri, ref, { data: { name: ref.text } });
      return undefined;
    }
    if (kind === undefined) {
      const candidates = [...names].filter(([, k]) => k !== 'group' && kinds.includes(k)).map(([n]) => n);
      const near = suggestion(ref.text, candidates);
      reporter.error('SURV070', `branch '${branch.name}' has no ${kinds.join(', ').replace(/, ([^,]*)$/, ' or $1')} named '${ref.text}'${near ? `; did you mean '${near}'?` : ''}`, uri, ref, {
        data: { name: ref.text, ...(near ? { replacements: [near] } : {}) },
      });
      return undefined;
    }
    if (!kinds.includes(kind)) {
      reporter.error('SURV070', `'${ref.text}' is ${an(kind)}; ${role} must be ${either(kinds.map(an))}`, uri, ref, { data: { name: ref.text } });
      return undefined;
    }
    cite(ref);
    return { name: ref.text, kind };
  };

  const states: ActorState[] = [];
  const events: ScenarioEvent[] = [];
  const expectations: Expectation[] = [];
  let lossPercent: number = defaults.lossPercent;
  let seed: number = defaults.seed;

  for (const item of node.items) {
    const origin = sourceOrigin(uri, item);
    switch (item.kind) {
      case 'State': {
        const who = actor(item.actor, ['upstream', 'gateway', 'phone'], 'an actor');
        const fromMs = item.from ? values.durationMs(item.from) : 0;
        const untilMs = item.until ? values.durationMs(item.until) : undefined;
        const delayMs = item.delay ? values.durationMs(item.delay) : undefined;
        const code = item.code ? values.replyCode(item.code) : undefined;
        const downForMs = item.downFor ? values.durationMs(item.downFor) : undefined;
        const upForMs = item.upFor ? values.durationMs(item.upFor) : undefined;
        if (fromMs !== undefined && untilMs !== undefined && untilMs <= fromMs) {
          reporter.error('SURV074', `'until' must be later than 'from' (${item.until?.text ?? ''} is not after ${item.from?.text ?? '0s'})`, uri, item.until ?? item);
        }
        if (!who || !item.state) break;
        if (!applicable[item.state].includes(who.kind)) {
          const fits = (Object.keys(applicable) as ActorStateName[]).filter((s) => applicable[s].includes(who.kind)).map((s) => stateText[s]);
          const word = stateText[item.state];
          const span = { start: item.stateSpan.start, end: Math.min(item.stateSpan.end, item.stateSpan.start + word.length) };
          reporter.error('SURV071', `${cap(an(who.kind))} cannot be '${word}'; ${an(who.kind)} can be: ${fits.join(', ')}`, uri, span);
          break;
        }
        states.push({
          actor: who.name, actorKind: who.kind, state: item.state, code, delayMs, downForMs, upForMs,
          fromMs: fromMs ?? 0, untilMs, origin,
        });
        break;
      }
      case 'Event': {
        const atMs = (item.at ? values.durationMs(item.at) : 0) ?? 0;
        if (item.verb === 'registers') {
          const who = actor(item.actor, ['phone'], 'who registers');
          if (who) events.push({ kind: 'register', phone: who.name, atMs, origin });
          break;
        }
        const who = actor(item.actor, ['phone', 'gateway'], 'a caller');
        let callee: { target: string; targetIsPhone: boolean } | undefined;
        if (item.target?.type === 'name') {
          const kind = names.get(item.target.text);
          if (kind === 'phone' || kind === 'group') {
            cite(item.target);
            callee = { target: item.target.text, targetIsPhone: true };
          } else {
            const near = suggestion(item.target.text, [...names].filter(([, k]) => k === 'phone' || k === 'group').map(([n]) => n));
            reporter.error('SURV070', `branch '${branch.name}' has no phone or group named '${item.target.text}'${near ? `; did you mean '${near}'?` : ''}`, uri, item.target, {
              data: { name: item.target.text, ...(near ? { replacements: [near] } : {}) },
            });
          }
        } else if (item.target) {
          const digits = values.digits(item.target, 'a number to call');
          if (digits) callee = { target: digits, targetIsPhone: false };
        } else {
          reporter.error('SURV002', "'calls' needs a number or a phone", uri, item);
        }
        if (who && callee) events.push({ kind: 'call', caller: who.name, callerKind: who.kind, ...callee, atMs, origin });
        break;
      }
      case 'Send': {
        const sent = buildSend(item, uri, origin, branch, actor, values, reporter);
        if (sent) events.push(sent);
        break;
      }
      case 'Network': {
        if (item.setting === 'loss') lossPercent = values.percent(item.value) ?? lossPercent;
        else seed = values.integer(item.value, 'a seed', 0, 2 ** 31 - 1) ?? seed;
        break;
      }
      case 'Expect': {
        const expectation = buildExpectation(item, uri, origin, actor, values, reporter, branch);
        if (expectation) expectations.push(expectation);
        break;
      }
    }
  }
  // A registration alone is traffic worth replaying (surv verify prints such scenarios).
  if (!node.items.some((i) => i.kind === 'Event' || i.kind === 'Send')) {
    reporter.warning('SURV073', `scenario "${title}" places no call: add e.g. '${branch.phones[0]?.name ?? 'phone'} calls 944000000'`, uri, node.title ?? node);
  }
  return {
    title, uri, origin: sourceOrigin(uri, node.title ?? node), branch: branch.name,
    states, events, lossPercent, seed, expectations,
  };
}

const sentMethods: readonly SentMethod[] = ['INVITE', 'REGISTER', 'OPTIONS', 'MESSAGE', 'BYE'];

/** The same address, whatever way it is written (IPv6 compressed or not). */
function sameAddress(a: string, b: string): boolean {
  const canonical = (text: string) => (ipaddr.isValid(text) ? ipaddr.parse(text).toString() : text.toLowerCase());
  return canonical(a) === canonical(b);
}

/** The LAN `address` is in, if any. */
function lanOf(branch: Branch, address: string): string | undefined {
  if (!ipaddr.isValid(address)) return undefined;
  const ip = ipaddr.parse(address);
  return branch.lans.value.find((n) => {
    const net = ipaddr.parse(n.address);
    return net.kind() === ip.kind() && ip.match(net, n.prefix);
  })?.cidr;
}

/** `stranger ADDRESS sends ...` / `NAME sends ...`: one request to the edge (docs/security.md). */
function buildSend(
  item: ast.SendNode, uri: string, origin: ReturnType<typeof sourceOrigin>, branch: Branch,
  actor: (ref: ast.Value | undefined, kinds: readonly ActorKind[], role: string) => { name: string; kind: ActorKind } | undefined,
  values: Values, reporter: Reporter,
): SendEvent | undefined {
  let source: { name: string; kind: SendEvent['sourceKind']; address: string } | undefined;
  if (item.address) {
    const hp = values.hostPort(item.address, 5060);
    if (hp) {
      const inside = lanOf(branch, hp.address);
      const gateway = branch.gateways.find((g) => g.address.value && sameAddress(g.address.value.address, hp.address));
      const upstream = branch.upstreams.find((u) => u.proxy.value && sameAddress(u.proxy.value.host, hp.address));
      const why = gateway ? `is the address of gateway '${gateway.name}': write '${gateway.name} sends ...'`
        : upstream ? `is the address of upstream '${upstream.name}': write '${upstream.name} sends ...'`
          : inside ? `is inside LAN ${inside} of branch '${branch.name}': the edge trusts it as a phone`
            : undefined;
      if (why) reporter.error('SURV075', `a stranger comes from outside the trust model, but ${hp.address} ${why}`, uri, item.address);
      else source = { name: 'stranger', kind: 'stranger', address: hp.address };
    }
  } else {
    const who = actor(item.actor, ['upstream', 'gateway'], 'who sends a request');
    if (who?.kind === 'upstream') {
      source = { name: who.name, kind: 'upstream', address: branch.upstreams.find((u) => u.name === who.name)?.proxy.value?.host ?? `${who.name}.invalid` };
    } else if (who?.kind === 'gateway') {
      source = { name: who.name, kind: 'gateway', address: branch.gateways.find((g) => g.name === who.name)?.address.value?.address ?? `${who.name}.invalid` };
    }
  }
  let method: SentMethod | undefined;
  if (item.method) {
    method = sentMethods.find((m) => m === item.method?.text);
    if (!method) {
      const upper = sentMethods.find((m) => m === item.method?.text.toUpperCase());
      reporter.error('SURV075', `'${item.method.text}' is not a request a scenario sends: ${upper ? `write ${upper}` : `one of ${sentMethods.join(', ')}`}`, uri, item.method,
        upper ? { data: { replacements: [upper] } } : undefined);
    }
  }
  const target = values.sipUri(item.uri);
  const route = item.route.map((r) => values.sipUri(r)?.uri);
  const atMs = (item.at ? values.durationMs(item.at) : 0) ?? 0;
  if (!source || !method || !target || route.some((r) => r === undefined)) return undefined;
  return {
    kind: 'send', source: source.name, sourceKind: source.kind, address: source.address, method, uri: target.uri,
    route: route.filter((r): r is string => r !== undefined), toTag: item.toTag !== undefined, atMs, origin,
  };
}

function buildExpectation(
  item: ast.ExpectNode, uri: string, origin: ReturnType<typeof sourceOrigin>,
  actor: (ref: ast.Value | undefined, kinds: readonly ActorKind[], role: string) => { name: string; kind: ActorKind } | undefined,
  values: Values, reporter: Reporter, branch: Branch,
): Expectation | undefined {
  if (item.what === 'gets') {
    // `stranger` stands for every `stranger ... sends` line of the scenario.
    const who = item.actor?.text === 'stranger' ? { name: 'stranger' } : actor(item.actor, ['phone', 'gateway'], 'who gets a reply');
    const code = values.replyCode(item.code);
    const atMs = item.at ? values.durationMs(item.at) : undefined;
    const withinMs = item.within ? values.durationMs(item.within) : undefined;
    const contact = item.contact ? values.sipUri(item.contact)?.uri : undefined;
    if (item.at && item.within) {
      reporter.error('SURV072', "say 'at' or 'within', not both", uri, item.within);
    }
    if (item.contact && code !== undefined && (code < 300 || code > 399)) {
      reporter.error('SURV072', `only a 3xx reply carries a Contact to check, not ${code}`, uri, item.contact);
    }
    const reason = item.reason ? values.headerText(item.reason, 'the expected reason phrase') : undefined;
    if (!who || code === undefined) return undefined;
    return { kind: 'gets', actor: who.name, code, atMs, withinMs, contact, reason, origin };
  }
  if (item.what === 'answers') {
    const who = actor(item.actor, ['phone', 'gateway'], 'who answers');
    const atMs = item.at ? values.durationMs(item.at) : undefined;
    return who ? { kind: 'answers', actor: who.name, atMs, origin } : undefined;
  }
  if (item.what === 'receives-nothing') {
    const who = actor(item.actor, ['upstream', 'gateway', 'phone'], 'who receives nothing');
    return who ? { kind: 'receives-nothing', actor: who.name, origin } : undefined;
  }
  if (item.what === 'marked-down') {
    // A probed gateway is marked down as an upstream is.
    const who = actor(item.actor, ['upstream', 'gateway'], "what is 'marked down'");
    const atMs = values.durationMs(item.at);
    if (!who || atMs === undefined) return undefined;
    const probed = [...branch.upstreams, ...branch.gateways].find((u) => u.name === who.name)?.probe;
    if (!probed) {
      const kind = branch.gateways.some((g) => g.name === who.name) ? 'gateway' : 'upstream';
      reporter.error('SURV072', `${kind} '${who.name}' is not probed, so it is never marked down: add 'probe options' to it`, uri, item.actor ?? item);
      return undefined;
    }
    return { kind: 'marked-down', actor: who.name, atMs, origin };
  }
  return undefined;
}
