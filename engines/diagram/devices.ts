// Participant labels: a device's name, then where it is. Addresses come from the model
// (canonical, IPv6 bracketed when a port follows).
import type { Branch, HostPort } from '../../grammar/src/index.js';

export function hostPortText(hp: HostPort, alwaysPort: boolean): string {
  const host = hp.family === 6 ? `[${hp.address}]` : hp.address;
  if (!alwaysPort && hp.port === 5060) return hp.address;
  return `${host}:${hp.port}`;
}

/** The edge proxy's address, as the simulator uses it (the UDP listen, else the first). */
export function edgeLabel(branch: Branch): string[] {
  const listen = branch.listens.value.find((l) => l.transport === 'udp') ?? branch.listens.value[0];
  return ['edge proxy', listen ? hostPortText(listen, true) : 'no listen address'];
}

export function phoneLabel(branch: Branch, name: string): string[] {
  const phone = branch.phones.find((p) => p.name === name);
  if (!phone) return [name];
  const address = phone.address.value;
  const where = address ? hostPortText(address, false) : phone.registered ? 'registered' : 'no address';
  // udp is the default and says nothing; a TCP or TLS phone is reached only over that.
  return [name, phone.transport.value === 'udp' ? where : `${where} over ${phone.transport.value}`];
}

export function upstreamLabel(branch: Branch, name: string): string[] {
  const proxy = branch.upstreams.find((u) => u.name === name)?.proxy.value;
  if (!proxy) return [name];
  const host = proxy.host.includes(':') ? `[${proxy.host}]` : proxy.host;
  return [name, `${host}:${proxy.port}`];
}

export function gatewayLabel(branch: Branch, name: string): string[] {
  const gateway = branch.gateways.find((g) => g.name === name);
  if (!gateway) return [name];
  const kind = gateway.kind.value;
  const address = gateway.address.value;
  return [kind ? `${name} (${kind})` : name, address ? hostPortText(address, false) : 'no address'];
}

export type DeviceKind = 'phone' | 'edge' | 'upstream' | 'gateway' | 'other';

export function kindOf(branch: Branch, name: string): DeviceKind {
  if (name === 'edge') return 'edge';
  if (branch.phones.some((p) => p.name === name)) return 'phone';
  if (branch.upstreams.some((u) => u.name === name)) return 'upstream';
  if (branch.gateways.some((g) => g.name === name)) return 'gateway';
  return 'other';
}

export function labelOf(branch: Branch, name: string): string[] {
  switch (kindOf(branch, name)) {
    case 'edge': return edgeLabel(branch);
    case 'phone': return phoneLabel(branch, name);
    case 'upstream': return upstreamLabel(branch, name);
    case 'gateway': return gatewayLabel(branch, name);
    case 'other': return [name];
  }
}

/** Upstreams in the order calls try them (`via`), then any others. */
export function upstreamOrder(branch: Branch): string[] {
  const via = branch.outbound?.via.value ?? [];
  const known = branch.upstreams.map((u) => u.name);
  return [...via.filter((n) => known.includes(n)), ...known.filter((n) => !via.includes(n))];
}
