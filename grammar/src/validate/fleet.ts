// Checks across the whole fleet: overlapping LANs between branches, and
// definitions nothing uses.
import ipaddr from 'ipaddr.js';
import type * as ast from '../ast.js';
import type { UsageSet } from '../model/build.js';
import type { NamedContainer, Scope } from '../model/scope.js';
import type { Branch, Network } from '../model/types.js';
import type { Reporter } from './reporter.js';

interface Interval {
  readonly first: bigint;
  readonly last: bigint;
  readonly branch: Branch;
  readonly network: Network;
}

function interval(network: Network, branch: Branch): Interval {
  const bytes = ipaddr.parse(network.address).toByteArray();
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  const bits = BigInt(bytes.length * 8);
  const size = 1n << (bits - BigInt(network.prefix));
  // IPv6 ranges are shifted above every IPv4 range so the two families never meet.
  const base = network.family === 6 ? 1n << 33n : 0n;
  return { first: base + value, last: base + value + size - 1n, branch, network };
}

/** LANs of different branches must not overlap: central routing back to phones would break. */
export function checkLanOverlaps(branches: readonly Branch[], reporter: Reporter): void {
  const intervals = branches.flatMap((b) => b.lans.value.map((n) => interval(n, b)))
    .sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : a.last < b.last ? 1 : a.last > b.last ? -1 : 0));
  let widest: Interval | undefined;
  for (const current of intervals) {
    if (widest && current.first <= widest.last) {
      const other = widest;
      const at = current.network.origin;
      if (at.kind === 'source' && other.network.origin.kind === 'source') {
        const same = other.branch.name === current.branch.name;
        reporter.error('SURV031', same
          ? `LAN ${current.network.cidr} overlaps ${other.network.cidr} of the same branch`
          : `LAN ${current.network.cidr} of branch '${current.branch.name}' overlaps ${other.network.cidr} of branch '${other.branch.name}'`,
        at.uri, { start: at.start, end: at.end }, {
          related: [{ uri: other.network.origin.uri, span: { start: other.network.origin.start, end: other.network.origin.end }, message: `${other.network.cidr} of branch '${other.branch.name}'` }],
        });
      }
    }
    if (!widest || current.last > widest.last) widest = current;
  }
}

/** Gateways, upstreams and groups that no branch uses, and profiles no block uses. */
export function checkUnused(scope: Scope, usedDecls: UsageSet, usedProfiles: ReadonlySet<ast.ContainerNode>, reporter: Reporter): void {
  for (const profile of scope.allProfiles) {
    if (!usedProfiles.has(profile.node)) {
      reporter.report('warning', 'SURV015', `profile '${profile.name}' is not used by any branch or profile`, profile.uri, profile.node.name ?? profile.node, { unnecessary: true, data: { name: profile.name } });
    }
  }
  const containers: NamedContainer[] = [...scope.allBranches, ...scope.allProfiles.filter((p) => usedProfiles.has(p.node))];
  for (const container of containers) {
    for (const setting of container.node.settings) {
      if ((setting.kind !== 'Gateway' && setting.kind !== 'Upstream' && setting.kind !== 'Group') || !setting.name) continue;
      if (usedDecls.has(setting)) continue;
      const what = setting.kind.toLowerCase();
      reporter.report('warning', 'SURV015', `${what} '${setting.name.text}' is never used`, container.uri, setting.name, {
        unnecessary: true, data: { name: setting.name.text, removeStart: setting.start, removeEnd: setting.end },
      });
    }
  }
}
