// Checks that need only one branch or profile block as written: every literal's
// value, settings given twice, the shape of `on timeout`, reply codes. They run
// once per block, used or not, so a profile is judged where it is written.
import type * as ast from '../ast.js';
import type { Values } from '../model/values.js';
import type { Reporter } from './reporter.js';
import { checkCallerIds, checkInboundNumbers, checkRewriteOrder } from './numbers.js';

/**
 * `convertValues` is false for branches: building the branch's model converts every
 * value it keeps anyway, so converting them here too would only cost time.
 */
export function checkContainer(node: ast.ContainerNode, uri: string, values: Values, reporter: Reporter, convertValues: boolean): void {
  const names = new Map<string, ast.Value>();
  const once = new Map<string, ast.Setting>();
  for (const setting of node.settings) {
    if ('name' in setting && setting.name) {
      const first = names.get(setting.name.text);
      if (first) {
        reporter.error('SURV011', `'${setting.name.text}' is already defined in this ${node.kind === 'Branch' ? 'branch' : 'profile'}`, uri, setting.name, {
          related: [{ uri, span: first, message: 'first definition' }], data: { name: setting.name.text },
        });
      } else {
        names.set(setting.name.text, setting.name);
      }
    }
    if (setting.kind === 'Timers' || setting.kind === 'Register' || setting.kind === 'Limits' || setting.kind === 'Tls' || setting.kind === 'Router' || setting.kind === 'Outbound' || setting.kind === 'Inbound') {
      const first = once.get(setting.kind);
      if (first) {
        reporter.error('SURV014', `only one '${setting.kind.toLowerCase()}' block is allowed per ${node.kind === 'Branch' ? 'branch' : 'profile'}`, uri, { start: setting.start, end: setting.start + setting.kind.length }, {
          related: [{ uri, span: { start: first.start, end: first.start + first.kind.length }, message: 'first one' }],
        });
      }
      once.set(setting.kind, setting);
    }
    checkSetting(setting, uri, values, reporter, convertValues);
  }
}

/** How each property is written, for messages. */
const written: Record<ast.PropertyKey, string> = {
  address: 'address', transport: 'transport', kind: 'kind', channels: 'channels', proxy: 'proxy', probe: 'probe options',
  'probe-every': 'every', 'probe-timeout': 'timeout', 'probe-down-after': 'down after', 'probe-up-after': 'up after',
  'probe-holdoff': 'holdoff', 'no-answer': 'no-answer', ringing: 'ringing', trying: 'trying', t1: 't1', t2: 't2', budget: 'budget',
  forward: 'forward', 'with-path': 'with path', 'keep-local-copy': 'keep local copy', match: 'match', strip: 'strip', prefix: 'prefix',
  'per-source': 'per-source', 'per-source-window': 'per', outside: 'outside', 'outside-window': 'per',
  'max-expires': 'max-expires', 'max-contacts': 'max-contacts', certificate: 'certificate', key: 'key', ca: 'ca',
  platform: 'platform', manage: 'manage', user: 'user',
};

/** Keys that are the second half of another key's statement: a repeat is reported once, at the first half. */
const secondHalf = new Set<ast.PropertyKey>(['per-source-window', 'outside-window']);

function duplicateProperties(props: readonly ast.Property[], uri: string, reporter: Reporter): void {
  const seen = new Map<ast.PropertyKey, ast.Property>();
  for (const prop of props) {
    if (secondHalf.has(prop.key)) continue;
    const first = seen.get(prop.key);
    if (first) {
      reporter.error('SURV014', `'${written[prop.key]}' is given twice in this block`, uri, prop.keySpan, {
        related: [{ uri, span: first.keySpan, message: 'first given here' }],
      });
    }
    seen.set(prop.key, prop);
  }
}

function checkProperty(prop: ast.Property, values: Values): void {
  switch (prop.key) {
    case 'address': values.hostPort(prop.value, 5060); break;
    case 'transport': values.transport(prop.value); break;
    case 'kind': values.gatewayKind(prop.value); break;
    case 'channels': values.integer(prop.value, 'a channel count', 0, 100_000); break;
    case 'proxy': values.sipUri(prop.value); break;
    case 'probe-down-after': case 'probe-up-after': values.integer(prop.value, 'a probe count', 1, 100); break;
    case 'probe-every': case 'probe-timeout': case 'probe-holdoff':
    case 'no-answer': case 'ringing': case 'trying': case 't1': case 't2': case 'budget':
      values.durationMs(prop.value); break;
    case 'match': case 'prefix': values.digits(prop.value, 'a number prefix'); break;
    case 'strip': values.integer(prop.value, 'a digit count', 0, 32); break;
    case 'per-source': values.limitCount(prop.value, "the per-source rate's request count", 1, 100_000); break;
    case 'outside': values.limitCount(prop.value, "the outside rate's request count", 1, 100_000); break;
    case 'per-source-window': values.limitSeconds(prop.value, "the per-source rate's window", 1, 60); break;
    case 'outside-window': values.limitSeconds(prop.value, "the outside rate's window", 1, 60); break;
    case 'max-expires': values.limitSeconds(prop.value, 'max-expires', 60, 86_400); break;
    case 'max-contacts': values.limitCount(prop.value, 'max-contacts', 1, 100); break;
    case 'certificate': case 'key': case 'ca': values.tlsPath(prop.value, prop.key); break;
    case 'platform': values.platform(prop.value); break;
    case 'manage': values.hostPort(prop.value, 22); break;
    case 'user': values.loginName(prop.value); break;
    default: break;
  }
}

function checkSetting(setting: ast.Setting, uri: string, values: Values, reporter: Reporter, convert: boolean): void {
  switch (setting.kind) {
    case 'Edge':
      if (!convert) break;
      for (const l of setting.listens) {
        const transport = values.transport(l.transport);
        values.hostPort(l.address, transport === 'tls' ? 5061 : 5060);
      }
      break;
    case 'Lan':
      if (convert) for (const n of setting.networks) values.network(n);
      break;
    case 'Gateway': case 'Upstream': case 'Timers': case 'Register': case 'Limits': case 'Tls': case 'Router':
      duplicateProperties(setting.properties, uri, reporter);
      if (convert) for (const p of setting.properties) checkProperty(p, values);
      if (setting.kind === 'Gateway') {
        for (const r of setting.rewrites) checkRewriteBlock(r, uri, values, reporter);
        checkRewriteOrder(setting.rewrites, uri, reporter);
        checkCallerIds(setting.callerIds, uri, values, reporter);
      }
      break;
    case 'Phone':
      if (!convert) break;
      values.digits(setting.extension, 'an extension');
      if (setting.address) values.hostPort(setting.address, 5060);
      if (setting.transport) values.transport(setting.transport.value);
      break;
    case 'Group': {
      if (setting.ring) ringTime(setting.ring, uri, values, reporter);
      if (convert && setting.number) values.digits(setting.number, 'a group number');
      if (setting.members.length === 0) {
        reporter.error('SURV032', `group '${setting.name?.text ?? ''}' has no members`, uri, setting.name ?? setting, { data: { name: setting.name?.text ?? '', missing: 'members' } });
      }
      const members = new Map<string, ast.Value>();
      for (const m of setting.members) {
        const first = members.get(m.text);
        if (first) reporter.error('SURV014', `'${m.text}' is listed twice in this group`, uri, m, { related: [{ uri, span: first, message: 'first listed here' }] });
        else members.set(m.text, m);
      }
      break;
    }
    case 'Outbound':
      checkOutbound(setting, uri, values, reporter);
      break;
    case 'Inbound': {
      let chain: ast.RingChainNode | undefined;
      const dids = new Map<string, ast.DidNode>();
      for (const item of setting.items) {
        if (item.kind === 'RingChain') {
          for (const s of item.steps) if (s.duration) ringTime(s.duration, uri, values, reporter);
          if (chain) {
            reporter.error('SURV014', "only one ring chain is allowed per inbound policy: join them with 'then'", uri, { start: item.start, end: item.start + 'ring'.length }, {
              related: [{ uri, span: { start: chain.start, end: chain.start + 'ring'.length }, message: 'first ring chain' }],
            });
          }
          chain = item;
        } else if (item.kind === 'Did') {
          values.numberPattern(item.number, 'a DID number');
          const first = item.number ? dids.get(item.number.text) : undefined;
          if (item.number && first) {
            reporter.error('SURV014', `DID ${item.number.text} is mapped twice in this inbound policy`, uri, item.number, {
              related: [{ uri, span: first.number ?? first, message: 'first mapping' }],
            });
          } else if (item.number) {
            dids.set(item.number.text, item);
          }
        } else {
          checkRewriteBlock(item, uri, values, reporter);
        }
      }
      checkInboundNumbers(setting, uri, reporter);
      break;
    }
  }
}

function checkRewriteBlock(node: ast.RewriteNode, uri: string, values: Values, reporter: Reporter): void {
  duplicateProperties(node.properties, uri, reporter);
  for (const p of node.properties) checkProperty(p, values);
}

/** A ring time: positive and at most an hour, like every timer. */
function ringTime(v: ast.Value, uri: string, values: Values, reporter: Reporter): void {
  const ms = values.durationMs(v);
  if (ms !== undefined && (ms <= 0 || ms > 3_600_000)) {
    reporter.error('SURV040', `a ring time must be more than 0 and at most 1h, not ${v.text}`, uri, v);
  }
}

function checkOutbound(node: ast.OutboundNode, uri: string, values: Values, reporter: Reporter): void {
  const seen = new Map<string, ast.OutboundItem>();
  for (const item of node.items) {
    if (item.kind !== 'Rewrite') {
      const first = seen.get(item.kind);
      if (first) {
        const word = item.kind === 'OnTimeout' ? 'on timeout' : item.kind === 'LocalCalls' ? 'local-calls' : item.kind.toLowerCase();
        reporter.error('SURV014', `'${word}' is given twice in this outbound policy`, uri, { start: item.start, end: item.start + word.length }, {
          related: [{ uri, span: { start: first.start, end: first.start + word.length }, message: 'first given here' }],
        });
      }
      seen.set(item.kind, item);
    }
    if (item.kind === 'OnTimeout') checkOnTimeout(item, uri, values, reporter);
    if (item.kind === 'Emergency') for (const n of item.numbers) values.digits(n, 'an emergency number');
    if (item.kind === 'Rewrite') checkRewriteBlock(item, uri, values, reporter);
  }
  checkRewriteOrder(node.items.filter((i): i is ast.RewriteNode => i.kind === 'Rewrite'), uri, reporter);
}

function checkOnTimeout(node: ast.OnTimeoutNode, uri: string, values: Values, reporter: Reporter): void {
  let diversion: ast.SurvivalActionNode | undefined;
  let announce: ast.SurvivalActionNode | undefined;
  for (const action of node.actions) {
    const code = action.code ? values.replyCode(action.code) : undefined;
    if (action.kind === 'Announce') {
      if (code !== undefined && (code < 101 || code > 199)) {
        reporter.error('SURV050', `an announcement must be a provisional reply (101-199), not ${code}${code === 100 ? ': 100 Trying is hop-by-hop and never reaches the phone' : ''}`, uri, action.code ?? action, { data: { replacements: ['181'] } });
      }
      if (action.text) values.headerText(action.text, 'the announcement text');
      if (announce) reporter.error('SURV057', 'only one announcement is allowed', uri, action.keywordSpan);
      if (diversion) reporter.error('SURV057', `the announcement must come before '${diversion.kind.toLowerCase()}': nothing can follow a final reply`, uri, action.keywordSpan);
      announce = action;
      continue;
    }
    if (action.kind === 'Redirect' && code !== undefined) {
      if (code < 300 || code > 399) {
        reporter.error('SURV051', `a redirect must be a 3xx reply, not ${code}`, uri, action.code ?? action, { data: { replacements: ['302'] } });
      } else if (code === 380) {
        reporter.warning('SURV052', '380 Alternative Service leaves the format of its alternatives undefined (RFC 3261 §21.3.5); 302 is what phones follow', uri, action.code ?? action, { data: { replacements: ['302'] } });
      } else if (code === 301) {
        reporter.warning('SURV052', '301 Moved Permanently lets phones remember the gateway for good; an outage is temporary, so use 302', uri, action.code ?? action, { data: { replacements: ['302'] } });
      } else if (code !== 302) {
        reporter.warning('SURV052', `${code} is an unusual redirect for survival; 302 is what phones follow`, uri, action.code ?? action, { data: { replacements: ['302'] } });
      }
    }
    if (diversion) {
      const same = action.kind === diversion.kind ? `; to try several gateways in order, name them in one list: '${diversion.kind.toLowerCase()} ${diversion.kind === 'Redirect' ? `${diversion.code?.text ?? '302'} ` : ''}to ${[...diversion.targets, ...action.targets].map((t) => t.text).join(', ')}'` : '';
      reporter.error('SURV057', `'${diversion.kind.toLowerCase()}' already ends the call's survival path; only one 'redirect' or 'relay' is allowed${same}`, uri, action.keywordSpan);
    }
    diversion ??= action;
  }
  if (!diversion) {
    reporter.error('SURV057', "'on timeout' needs a 'redirect ... to GATEWAY' or a 'relay to GATEWAY': an announcement alone is not a final reply", uri, { start: node.start, end: node.start + 'on timeout'.length });
  }
}
