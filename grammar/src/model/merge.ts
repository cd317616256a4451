// Phase "link" (first half): a branch and its profile chain merged into one set of
// settings, still as AST pieces, each remembering the file it came from.
import type * as ast from '../ast.js';
import type { Reporter } from './reporter.js';
import { suggestion } from './names.js';
import type { NamedContainer, Scope } from './scope.js';
import type { SymbolCollector } from './symbols.js';

export interface Src<T> {
  readonly node: T;
  readonly uri: string;
}

export interface MergedNamed<T> {
  readonly name: string;
  /** Every declaration merged into this one, farthest profile first. */
  readonly decls: Src<T>[];
  readonly props: Map<ast.PropertyKey, Src<ast.Property>>;
}

export interface MergedBranch {
  readonly container: NamedContainer;
  /** The profiles applied, nearest first. */
  readonly profiles: NamedContainer[];
  listens: Src<ast.ListenNode>[] | undefined;
  lans: Src<ast.Value>[] | undefined;
  /** Where the winning `edge` / `lan` lines are (for provenance). */
  listensFrom: Src<ast.EdgeNode> | undefined;
  lansFrom: Src<ast.LanNode> | undefined;
  readonly gateways: Map<string, MergedNamed<ast.GatewayNode>>;
  readonly upstreams: Map<string, MergedNamed<ast.UpstreamNode>>;
  readonly phones: Map<string, Src<ast.PhoneNode>>;
  readonly groups: Map<string, Src<ast.GroupNode>>;
  /** Every phone and group declaration by name, overridden ones included (one symbol each). */
  readonly replaced: Map<string, Src<ast.PhoneNode | ast.GroupNode>[]>;
  readonly timers: Map<ast.PropertyKey, Src<ast.Property>>;
  readonly register: Map<ast.PropertyKey, Src<ast.Property>>;
  outbound: MergedOutbound | undefined;
  inbound: MergedInbound | undefined;
}

export interface MergedOutbound {
  from: Src<ast.OutboundNode>;
  onTimeout: Src<ast.OnTimeoutNode> | undefined;
  pass: Src<ast.PassNode> | undefined;
  emergency: Src<ast.EmergencyNode> | undefined;
  rewrite: Src<ast.RewriteNode>[] | undefined;
  localCalls?: Src<ast.LocalCallsNode> | undefined;
}

export interface MergedInbound {
  from: Src<ast.InboundNode>;
  chain: Src<ast.RingChainNode> | undefined;
  readonly dids: Map<string, Src<ast.DidNode>>;
  /** The inbound normalisation: the nearest block's `rewrite` rules win whole, like the outbound ones. */
  rewrite?: Src<ast.RewriteNode>[] | undefined;
}

/** The chain of profiles `container` uses, nearest first; reports unknown names and cycles. */
export function profileChain(
  container: NamedContainer, scope: Scope, reporter: Reporter, symbols: SymbolCollector, usedProfiles: Set<ast.ContainerNode>,
): NamedContainer[] {
  const chain: NamedContainer[] = [];
  const seen = new Set<ast.ContainerNode>([container.node]);
  let current = container;
  while (current.node.uses) {
    const ref = current.node.uses;
    const next = scope.profile(current.uri, ref.text);
    if (!next) {
      const branchWithName = scope.branches.get(ref.text);
      if (branchWithName) {
        reporter.error('SURV012', `'${ref.text}' is a branch; only a profile can be used`, current.uri, ref, { data: { name: ref.text } });
      } else {
        const near = suggestion(ref.text, scope.visibleProfileNames(current.uri));
        // The likely intended profile is not "unused": one mistake, one finding.
        const intended = near ? scope.profile(current.uri, near) : undefined;
        if (intended) usedProfiles.add(intended.node);
        reporter.error('SURV010', `no profile named '${ref.text}'${near ? `; did you mean '${near}'?` : ''}`, current.uri, ref, {
          data: { name: ref.text, ...(near ? { replacements: [near] } : {}) },
        });
      }
      break;
    }
    symbols.reference(next.node, current.uri, ref);
    if (seen.has(next.node)) {
      const message = next.node === current.node
        ? `profile '${current.name}' uses itself`
        : `profile cycle: '${current.name}' uses '${ref.text}', which leads back to '${current.name}'`;
      reporter.error('SURV013', message, current.uri, ref, { data: { name: ref.text } });
      break;
    }
    seen.add(next.node);
    chain.push(next);
    current = next;
  }
  return chain;
}

function mergeProps(target: Map<ast.PropertyKey, Src<ast.Property>>, props: readonly ast.Property[], uri: string): void {
  for (const prop of props) target.set(prop.key, { node: prop, uri });
}

function mergeNamed<T extends { readonly name: ast.Value | undefined; readonly properties: readonly ast.Property[] }>(
  table: Map<string, MergedNamed<T>>, node: T, uri: string,
): void {
  if (!node.name) return;
  let entry = table.get(node.name.text);
  if (!entry) {
    entry = { name: node.name.text, decls: [], props: new Map() };
    table.set(node.name.text, entry);
  }
  entry.decls.push({ node, uri });
  mergeProps(entry.props, node.properties, uri);
}

/** Applies containers farthest first, so nearer settings override. */
export function mergeBranch(container: NamedContainer, profiles: NamedContainer[]): MergedBranch {
  const merged: MergedBranch = {
    container, profiles, listens: undefined, lans: undefined, listensFrom: undefined, lansFrom: undefined,
    gateways: new Map(), upstreams: new Map(), phones: new Map(), groups: new Map(), replaced: new Map(), timers: new Map(),
    register: new Map(), outbound: undefined, inbound: undefined,
  };
  for (const level of [...profiles].reverse().concat(container)) {
    let edgeSeen = false;
    let lanSeen = false;
    for (const setting of level.node.settings) {
      const uri = level.uri;
      switch (setting.kind) {
        case 'Edge':
          // Several `edge` lines in one block add up; a nearer block replaces them all.
          if (!edgeSeen) { merged.listens = []; merged.listensFrom = { node: setting, uri }; edgeSeen = true; }
          merged.listens?.push(...setting.listens.map((node) => ({ node, uri })));
          break;
        case 'Lan':
          if (!lanSeen) { merged.lans = []; merged.lansFrom = { node: setting, uri }; lanSeen = true; }
          merged.lans?.push(...setting.networks.map((node) => ({ node, uri })));
          break;
        case 'Gateway': mergeNamed(merged.gateways, setting, uri); break;
        case 'Upstream': mergeNamed(merged.upstreams, setting, uri); break;
        case 'Phone': case 'Group': {
          if (!setting.name) break;
          const src = { node: setting, uri };
          if (setting.kind === 'Phone') merged.phones.set(setting.name.text, { node: setting, uri });
          else merged.groups.set(setting.name.text, { node: setting, uri });
          const earlier = merged.replaced.get(setting.name.text);
          if (earlier) earlier.push(src);
          else merged.replaced.set(setting.name.text, [src]);
          break;
        }
        case 'Timers': mergeProps(merged.timers, setting.properties, uri); break;
        case 'Register': mergeProps(merged.register, setting.properties, uri); break;
        case 'Outbound': mergeOutbound(merged, setting, uri); break;
        case 'Inbound': mergeInbound(merged, setting, uri); break;
      }
    }
  }
  return merged;
}

function mergeOutbound(merged: MergedBranch, node: ast.OutboundNode, uri: string): void {
  const out = merged.outbound ?? { from: { node, uri }, onTimeout: undefined, pass: undefined, emergency: undefined, rewrite: undefined };
  out.from = { node, uri };
  let rewriteSeen = false;
  for (const item of node.items) {
    switch (item.kind) {
      case 'OnTimeout': out.onTimeout = { node: item, uri }; break;
      case 'Pass': out.pass = { node: item, uri }; break;
      case 'Emergency': out.emergency = { node: item, uri }; break;
      case 'LocalCalls': out.localCalls = { node: item, uri }; break;
      case 'Rewrite':
        if (!rewriteSeen) { out.rewrite = []; rewriteSeen = true; }
        out.rewrite?.push({ node: item, uri });
        break;
    }
  }
  merged.outbound = out;
}

function mergeInbound(merged: MergedBranch, node: ast.InboundNode, uri: string): void {
  const inbound: MergedInbound = merged.inbound ?? { from: { node, uri }, chain: undefined, dids: new Map() };
  inbound.from = { node, uri };
  const chains = node.items.filter((i): i is ast.RingChainNode => i.kind === 'RingChain');
  const first = chains[0];
  const last = chains[chains.length - 1];
  if (first && last) {
    // Two chains in one block are an error (SURV014); read them as if joined with
    // `then`, so every name in them is still resolved and counted as used.
    inbound.chain = chains.length === 1 ? { node: first, uri }
      : { node: { kind: 'RingChain', steps: chains.flatMap((c) => c.steps), start: first.start, end: last.end }, uri };
  }
  const rewrites = node.items.filter((i): i is ast.RewriteNode => i.kind === 'Rewrite');
  if (rewrites.length > 0) inbound.rewrite = rewrites.map((r) => ({ node: r, uri }));
  const here = new Set<string>();
  for (const item of node.items) {
    if (item.kind !== 'Did' || !item.number) continue;
    // Within one block the first mapping stands (the second is SURV014); a nearer block overrides.
    if (here.has(item.number.text)) continue;
    here.add(item.number.text);
    inbound.dids.set(item.number.text, { node: item, uri });
  }
  merged.inbound = inbound;
}
