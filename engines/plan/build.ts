// Builds the routing plan of a resolved branch. Total: any branch the model can hold
// gives a plan (a name that resolves to nothing stays a name, a missing value stays
// undefined), because the simulator and verify run on designs the exporter refuses.
import type { Branch, Group, Origin, Phone } from '../../grammar/src/index.js';
import type {
  PlanAction, PlanGateway, PlanInbound, PlanInboundRoute, PlanOutbound, PlanPhone, PlanRegister, PlanRingStep,
  PlanTrust, PlanUpstream, RoutingPlan, SourceKind, SourceRules,
} from './plan.js';
import { reasonOf } from './reasons.js';

/** The ring time of a phone rung on its own (a did or extension to a phone): tm's default fr_inv_timer in surv. */
export const DEFAULT_RING_MS = 20_000;

/** docs/security.md, "Who may send what". The same for every branch. */
export const sourceRules: Readonly<Record<SourceKind, SourceRules>> = {
  lan: { invite: 'outbound', register: 'accept', other: 'first-upstream' },
  gateway: { invite: 'inbound', register: 'refuse', other: 'refuse' },
  upstream: { invite: 'to-branch', register: 'refuse', other: 'to-branch' },
  stranger: { invite: 'refuse', register: 'refuse', other: 'refuse' },
};

/** `host[:port]` as in a SIP URI: the port left out when 5060, an IPv6 host bracketed. */
export function sipHostPort(host: string, port: number | undefined): string {
  const h = host.includes(':') ? `[${host}]` : host;
  return port === undefined || port === 5060 ? h : `${h}:${port}`;
}

export function buildRoutingPlan(branch: Branch): RoutingPlan {
  const b = branch;
  const gateways = b.gateways.map((g): PlanGateway => {
    const a = g.address.value;
    return {
      name: g.name, address: a, transport: g.transport.value, transportOrigin: g.transport.origin.kind === 'source' ? g.transport.origin : g.origin,
      channels: g.channels.value, contactHost: sipHostPort(a?.address ?? g.name, a?.port), origin: g.origin,
    };
  });
  const upstreams = b.upstreams.map((u, i): PlanUpstream => {
    const p = u.proxy.value;
    const probe = u.probe && {
      everyMs: u.probe.everyMs.value, timeoutMs: u.probe.timeoutMs.value, downAfter: u.probe.downAfter.value,
      upAfter: u.probe.upAfter.value, holdoffMs: u.probe.holdoffMs.value, origin: u.probe.origin,
    };
    return {
      index: i + 1, name: u.name, proxy: p, transport: p?.secure ? 'tls' : u.transport.value,
      proxyOrigin: u.proxy.origin.kind === 'source' ? u.proxy.origin : u.origin, probe, origin: u.origin,
    };
  });
  const phones = b.phones.map((p): PlanPhone => ({
    name: p.name, extension: p.extension.value, address: p.address.value, registered: p.registered, origin: p.origin,
  }));
  const gatewayNamed = (name: string | undefined) => gateways.find((g) => g.name === name);
  const t = b.timers;
  const outbound = b.outbound && buildOutbound(b.outbound, gatewayNamed, upstreams);
  const trust: PlanTrust = {
    peers: [
      ...gateways.map((g) => ({ kind: 'gateway' as const, name: g.name, host: g.address?.address, origin: g.origin })),
      ...upstreams.map((u) => ({ kind: 'upstream' as const, name: u.name, host: u.proxy?.host, origin: u.origin })),
    ],
    lans: b.lans.value,
    lansOrigin: b.lans.origin,
    rules: sourceRules,
  };
  const l = b.limits;
  return {
    branch: b.name,
    origin: b.origin,
    listens: b.listens.value.map((x) => ({ transport: x.transport, address: x.address, port: x.port, origin: x.origin })),
    listensOrigin: b.listens.origin,
    gateways,
    upstreams,
    phones,
    timers: {
      noAnswerMs: t.noAnswerMs.value, ringingMs: t.ringingMs.value, t1Ms: t.t1Ms.value, t2Ms: t.t2Ms.value,
      origin: t.noAnswerMs.origin, noAnswerOrigin: t.noAnswerMs.origin, t1Origin: t.t1Ms.origin, t2Origin: t.t2Ms.origin,
    },
    trust,
    limits: {
      perSource: l.perSource.value, outside: l.outside.value, maxExpiresS: l.maxExpiresS.value, maxContacts: l.maxContacts.value,
      origin: l.perSource.origin,
    },
    register: buildRegister(b, upstreams, outbound),
    outbound,
    inbound: b.inbound && buildInbound(b, b.inbound, gatewayNamed, phones),
  };
}

function buildOutbound(
  o: NonNullable<Branch['outbound']>,
  gatewayNamed: (name: string | undefined) => PlanGateway | undefined,
  upstreams: readonly PlanUpstream[],
): PlanOutbound {
  const actions = o.onTimeout.value.map((a): PlanAction => {
    if (a.kind === 'announce') return { kind: 'announce', code: a.code, reason: a.reason, origin: a.origin };
    const gateway = gatewayNamed(a.gateway);
    const contactHost = gateway?.contactHost ?? sipHostPort(a.gateway, undefined);
    if (a.kind === 'redirect') return { kind: 'redirect', code: a.code, reason: reasonOf(a.code), gatewayName: a.gateway, gateway, contactHost, origin: a.origin };
    return { kind: 'relay', gatewayName: a.gateway, gateway, contactHost, origin: a.origin };
  });
  const gatewayName = o.emergencyGateway.value;
  return {
    origin: o.origin,
    chain: o.via.value.map((name) => ({ name, upstream: upstreams.find((u) => u.name === name) })),
    chainOrigin: o.viaSpan ?? o.via.origin,
    viaOrigin: o.via.origin,
    actions,
    actionsOrigin: o.onTimeout.origin,
    pass: o.pass.value,
    passOrigin: o.pass.origin,
    emergency: {
      numbers: o.emergency.value, gatewayName, gateway: gatewayNamed(gatewayName), origin: o.emergency.origin, gatewayOrigin: o.emergencyGateway.origin,
    },
    rewrite: o.rewrite.value,
    rewriteOrigin: o.rewrite.origin,
  };
}

function buildRegister(b: Branch, upstreams: readonly PlanUpstream[], outbound: PlanOutbound | undefined): PlanRegister {
  const reg = b.register;
  const forwardName = reg.forward.value;
  return {
    forward: forwardName === undefined ? outbound?.chain[0]?.upstream : upstreams.find((u) => u.name === forwardName),
    forwardName,
    forwardOrigin: reg.forward.origin,
    withPath: reg.withPath.value,
    keepLocalCopy: reg.keepLocalCopy.value,
    origin: reg.forward.origin.kind === 'source' ? reg.forward.origin : reg.keepLocalCopy.origin,
  };
}

interface Unknown { readonly name: string; readonly origin: Origin }

/** The steps that ring `target` (a phone or a group): a serial group is one step per member. */
function stepsOf(b: Branch, phones: readonly PlanPhone[], target: string, origin: Origin, unknown: Unknown[]): PlanRingStep[] {
  const group: Group | undefined = b.groups.find((g) => g.name === target);
  const members = group ? group.members.value : [target];
  const found: PlanPhone[] = [];
  for (const m of members) {
    const p = phones.find((x) => x.name === m);
    if (p) found.push(p);
    else unknown.push({ name: m, origin });
  }
  const g = group && { name: group.name, mode: group.mode.value };
  if (group?.mode.value === 'serial') return found.map((p) => ({ target, group: g, phones: [p], ringMs: group.ringMs.value, origin }));
  return [{ target, group: g, phones: found, ringMs: group?.ringMs.value ?? DEFAULT_RING_MS, origin }];
}

function buildInbound(
  b: Branch,
  ib: NonNullable<Branch['inbound']>,
  gatewayNamed: (name: string | undefined) => PlanGateway | undefined,
  phones: readonly PlanPhone[],
): PlanInbound {
  const routes: PlanInboundRoute[] = [];
  const chainUnknown: Unknown[] = [];
  // A chain step that is one step rings for the chain's time; a serial group keeps its own per member.
  const chainSteps = ib.chain.value.flatMap((s) => {
    const st = stepsOf(b, phones, s.target, s.origin, chainUnknown);
    return st.length === 1 ? [{ ...st[0]!, ringMs: s.ringMs }] : st;
  });
  routes.push({ id: 0, kind: 'chain', number: undefined, target: undefined, steps: chainSteps, unknown: chainUnknown, origin: ib.chain.origin });
  for (const d of ib.dids) {
    const unknown: Unknown[] = [];
    routes.push({ id: routes.length, kind: 'did', number: d.number, target: d.target, steps: stepsOf(b, phones, d.target, d.origin, unknown), unknown, origin: d.origin });
  }
  const dids = new Set(ib.dids.map((d) => d.number));
  const seen = new Set<string>();
  for (const p of b.phones as readonly Phone[]) {
    const ext = p.extension.value;
    // A did wins over an extension, and the first phone with an extension wins over the others.
    if (ext === undefined || dids.has(ext) || seen.has(ext)) continue;
    seen.add(ext);
    const unknown: Unknown[] = [];
    routes.push({ id: routes.length, kind: 'extension', number: ext, target: p.name, steps: stepsOf(b, phones, p.name, p.origin, unknown), unknown, origin: p.origin });
  }
  return { origin: ib.origin, from: ib.from.value.map((name) => ({ name, gateway: gatewayNamed(name) })), fromOrigin: ib.from.origin, routes };
}
