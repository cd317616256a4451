// Who is at an address: the design's devices by the addresses it gives them, so a capture's
// ladder says `desk1 -> edge -> cloud` instead of addresses, and the judge knows which
// branch a call went through and what the trust model makes of its caller. A device is
// matched by address first and by port only when two devices share an address (a phone's
// TCP connection comes from a port of its own choosing).
import ipaddr from 'ipaddr.js';
import type { Branch } from '../../grammar/src/index.js';
import { buildRoutingPlan, canonicalHost, sourceOf, type RoutingPlan, type SourceClass } from '../plan/index.js';
import type { Endpoint } from './capture.js';
import type { Participant } from './types.js';

export interface Device {
  readonly name: string;
  readonly kind: Participant['kind'];
  readonly branch: BranchEntry;
  /** undefined: any port. */
  readonly port: number | undefined;
}

export interface BranchEntry {
  readonly branch: Branch;
  readonly plan: RoutingPlan;
}

const canonical = canonicalHost;

export class Directory {
  readonly entries: readonly BranchEntry[];
  /** Canonical address -> the devices there (the edge, phones, upstreams, gateways of every branch). */
  private readonly byAddress = new Map<string, Device[]>();
  private readonly cache = new Map<string, Device | undefined>();
  /** Upstreams known by name whose address the capture has shown, per branch. */
  private readonly learned = new Map<BranchEntry, Set<string>>();

  constructor(branches: readonly Branch[]) {
    this.entries = branches.map((branch) => ({ branch, plan: buildRoutingPlan(branch) }));
    for (const entry of this.entries) {
      const { plan } = entry;
      for (const l of plan.listens) this.add(l.address, { name: 'edge', kind: 'edge', branch: entry, port: l.port });
      for (const p of plan.phones) if (p.address) this.add(p.address.address, { name: p.name, kind: 'phone', branch: entry, port: p.address.port });
      for (const g of plan.gateways) if (g.address) this.add(g.address.address, { name: g.name, kind: 'gateway', branch: entry, port: g.address.port });
      for (const u of plan.upstreams) {
        if (u.proxy && ipaddr.isValid(u.proxy.host)) this.add(u.proxy.host, { name: u.name, kind: 'upstream', branch: entry, port: u.proxy.port });
      }
    }
  }

  private add(address: string, device: Device): void {
    const key = canonical(address);
    const list = this.byAddress.get(key) ?? [];
    list.push(device);
    this.byAddress.set(key, list);
  }

  /** The device at an endpoint: the one at its address, or, of several there, the one on its port. */
  at(e: Endpoint): Device | undefined {
    const key = `${e.address}|${e.port}`;
    if (this.cache.has(key)) return this.cache.get(key);
    const list = this.byAddress.get(canonical(e.address));
    let found: Device | undefined;
    if (list !== undefined) {
      found = list.length === 1 ? list[0] : (list.find((d) => d.port === e.port) ?? list.find((d) => d.kind !== 'edge'));
    }
    // Bounded: a capture of a scan from many addresses must not grow the cache without end.
    if (this.cache.size > 100_000) this.cache.clear();
    this.cache.set(key, found);
    return found;
  }

  /**
   * An upstream known by a DNS name (`proxy sip:pbx.example.com`) has no address in the
   * design. The edge's first INVITE of a call names the first upstream in its Request-URI;
   * a failover keeps that Request-URI and goes to the next upstream of the chain. So an
   * address the edge sends an INVITE to is the named upstream if it is still unplaced,
   * else the next unplaced upstream known by name, in chain order.
   */
  learn(e: Endpoint, via: BranchEntry, requestUri: string | undefined): Device | undefined {
    const host = /^sips?:(?:[^@]*@)?(\[[^\]]+\]|[^:;>?]+)/i.exec(requestUri ?? '')?.[1]?.toLowerCase();
    if (host === undefined) return undefined;
    const named = via.plan.upstreams.filter((u) => u.proxy !== undefined && !ipaddr.isValid(u.proxy.host));
    const placed = (name: string) => (this.learned.get(via) ?? new Set()).has(name);
    const chain = via.plan.outbound?.chain.map((c) => c.name) ?? named.map((u) => u.name);
    const byHost = named.find((u) => u.proxy!.host.toLowerCase() === host);
    if (byHost === undefined) return undefined;
    const upstream = !placed(byHost.name) ? byHost : named.find((u) => !placed(u.name) && chain.indexOf(u.name) > chain.indexOf(byHost.name));
    if (upstream === undefined) return undefined;
    let set = this.learned.get(via);
    if (!set) this.learned.set(via, (set = new Set()));
    set.add(upstream.name);
    const device: Device = { name: upstream.name, kind: 'upstream', branch: via, port: e.port };
    if (this.byAddress.size < 100_000) this.add(e.address, device);
    this.cache.delete(`${e.address}|${e.port}`);
    return device;
  }

  /**
   * A `registered` phone has no address in the design: the address its REGISTER or its
   * call comes from (inside a LAN), with its extension (or name) as the From user, is that
   * phone's from then on.
   */
  learnPhone(e: Endpoint, via: BranchEntry, fromUser: string | undefined): Device | undefined {
    if (fromUser === undefined || sourceKind(via.plan, e.address).kind !== 'lan') return undefined;
    const phone = via.plan.phones.find((p) => p.address === undefined && (p.extension === fromUser || p.name === fromUser));
    if (phone === undefined) return undefined;
    const device: Device = { name: phone.name, kind: 'phone', branch: via, port: e.port };
    if (this.byAddress.size < 100_000) this.add(e.address, device);
    this.cache.delete(`${e.address}|${e.port}`);
    return device;
  }

  /** The branch whose edge listens on this endpoint's address. */
  edgeAt(e: Endpoint): BranchEntry | undefined {
    const d = this.at(e);
    if (d?.kind === 'edge') return d.branch;
    return this.byAddress.get(canonical(e.address))?.find((x) => x.kind === 'edge')?.branch;
  }
}

/**
 * What the trust model (docs/security.md) makes of a source address: the plan decides
 * (engines/plan/trust.ts); every call of a capture asks of the same few addresses.
 */
export function sourceKind(plan: RoutingPlan, address: string): SourceClass {
  let known = sources.get(plan);
  if (known === undefined) sources.set(plan, (known = new Map()));
  let kind = known.get(address);
  if (kind === undefined) {
    // Bounded: a capture of a scan from many addresses must not grow the table without end.
    if (known.size >= 10_000) known.clear();
    known.set(address, (kind = sourceOf(plan, address)));
  }
  return kind;
}

const sources = new WeakMap<RoutingPlan, Map<string, SourceClass>>();
