// Who a source is, by its address, as the edge decides before any routing
// (docs/security.md, "Who may send what"): the plan's peers in order (gateways first: a
// gateway inside a LAN is a gateway), then the LANs, else a stranger. The simulator's edge
// and `surv trace` ask here; the exporter writes the same order as route[TRUST].
import ipaddr from 'ipaddr.js';
import type { PlanPeer, RoutingPlan, SourceKind } from './plan.js';

export interface SourceClass {
  readonly kind: SourceKind;
  /** The gateway or upstream, for a peer. */
  readonly name: string | undefined;
}

// The same few hosts are compared on every message of every run (verify and surv trace run
// thousands): their canonical text is kept, within a bound.
const canonicalOf = new Map<string, string>();

/** A host as the edge compares them: an IP in its canonical text (brackets dropped), a name in lower case. */
export function canonicalHost(host: string): string {
  const known = canonicalOf.get(host);
  if (known !== undefined) return known;
  const bare = host.replace(/^\[|\]$/g, '');
  const text = ipaddr.isValid(bare) ? ipaddr.parse(bare).toString() : bare.toLowerCase();
  if (canonicalOf.size >= 4096) canonicalOf.clear();
  canonicalOf.set(host, text);
  return text;
}

/** The host is an address inside one of the branch's LANs. */
export function inLan(plan: RoutingPlan, host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(bare)) return false;
  const ip = ipaddr.process(bare);
  return plan.trust.lans.some((n) => {
    const net = ipaddr.parse(n.address);
    return net.kind() === ip.kind() && ip.match(net, n.prefix);
  });
}

/**
 * The class of a source at `host`. `peerHost` says where a peer is: its written host by
 * default; the simulator passes its actor's (a peer written without an address has one).
 */
export function sourceOf(plan: RoutingPlan, host: string, peerHost: (peer: PlanPeer) => string | undefined = (p) => p.host): SourceClass {
  const key = canonicalHost(host);
  const peer = plan.trust.peers.find((p) => {
    const at = peerHost(p);
    return at !== undefined && canonicalHost(at) === key;
  });
  if (peer) return { kind: peer.kind, name: peer.name };
  return { kind: inLan(plan, host) ? 'lan' : 'stranger', name: undefined };
}
