// Builds the routing plan of a resolved branch. Total: any branch the model can hold
// gives a plan (a name that resolves to nothing stays a name, a missing value stays
// undefined), because the simulator and verify run on designs the exporter refuses.
import ipaddr from 'ipaddr.js';
import type { Branch, Group, Origin, Phone } from '../../grammar/src/index.js';
import type {
  PlanAction, PlanGateway, PlanInbound, PlanInboundRoute, PlanOutbound, PlanPhone, PlanRegister, PlanRingStep,
  PlanTrust, PlanUpstream, PlanWrittenStep, RoutingPlan, SourceKind, SourceRules,
} from './plan.js';
import { reasonOf } from './reasons.js';

/** An IP literal as the model writes it (the grammar refused every other numeric form). */
function isAddress(host: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(host) || (host.includes(':') && ipaddr.IPv6.isValid(host));
}

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
      ...gateways.map((g) => ({ kind: 'gateway' as const, name: g.name, host: g.address?.address, hostIsAddress: true, origin: g.origin })),
      ...upstreams.map((u) => ({ kind: 'upstream' as const, name: u.name, host: u.proxy?.host, hostIsAddress: u.proxy !== undefined && isAddress(u.proxy.host), origin: u.origin })),
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
    phoneDomain: outbound?.chain[0]?.upstream?.proxy,
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
    forwardTo: forwardName ?? outbound?.chain[0]?.name,
    forwardOrigin: reg.forward.origin,
    withPath: reg.withPath.value,
    keepLocalCopy: reg.keepLocalCopy.value,
    origin: reg.forward.origin.kind === 'source' ? reg.forward.origin : reg.keepLocalCopy.origin,
  };
}

interface Unknown { readonly name: string; readonly origin: Origin }

/** The step that rings `target` (a phone or a group) as written; members naming no phone go to `unknown`. */
function writtenStep(b: Branch, phones: readonly PlanPhone[], target: string, ringMs: number | undefined, origin: Origin, unknown: Unknown[]): PlanWrittenStep {
  const group: Group | undefined = b.groups.find((g) => g.name === target);
  const members = group ? group.members.value : [target];
  const found: PlanPhone[] = [];
  for (const m of members) {
    const p = phones.find((x) => x.name === m);
    if (p) found.push(p);
    else unknown.push({ name: m, origin });
  }
  const g = group && { name: group.name, mode: group.mode.value, ringMs: group.ringMs.value };
  return { target, group: g, members, phones: found, ringMs, origin };
}

/**
 * The ring steps the edge runs for a written step: a serial group is one step per member,
 * each for the group's time; any other step rings its phones together, for the time written
 * on a chain step when it stays one step, else the group's, else the default.
 */
function ringSteps(w: PlanWrittenStep): PlanRingStep[] {
  const group = w.group && { name: w.group.name, mode: w.group.mode };
  const st: PlanRingStep[] = w.group?.mode === 'serial'
    ? w.phones.map((p) => ({ target: w.target, group, phones: [p], ringMs: w.group!.ringMs, origin: w.origin }))
    : [{ target: w.target, group, phones: w.phones, ringMs: w.group?.ringMs ?? DEFAULT_RING_MS, origin: w.origin }];
  return w.ringMs !== undefined && st.length === 1 ? [{ ...st[0]!, ringMs: w.ringMs }] : st;
}

function buildInbound(
  b: Branch,
  ib: NonNullable<Branch['inbound']>,
  gatewayNamed: (name: string | undefined) => PlanGateway | undefined,
  phones: readonly PlanPhone[],
): PlanInbound {
  const routes: PlanInboundRoute[] = [];
  const route = (
    kind: PlanInboundRoute['kind'], number: string | undefined, target: string | undefined, origin: Origin,
    steps: readonly { readonly target: string; readonly ringMs: number | undefined; readonly origin: Origin }[],
  ): void => {
    const unknown: Unknown[] = [];
    const written = steps.map((s) => writtenStep(b, phones, s.target, s.ringMs, s.origin, unknown));
    routes.push({ id: routes.length, kind, number, target, steps: written.flatMap(ringSteps), written, unknown, origin });
  };
  route('chain', undefined, undefined, ib.chain.origin, ib.chain.value);
  for (const d of ib.dids) route('did', d.number, d.target, d.origin, [{ target: d.target, ringMs: undefined, origin: d.origin }]);
  const dids = new Set(ib.dids.map((d) => d.number));
  const seen = new Set<string>();
  for (const p of b.phones as readonly Phone[]) {
    const ext = p.extension.value;
    // A did wins over an extension, and the first phone with an extension wins over the others.
    if (ext === undefined || dids.has(ext) || seen.has(ext)) continue;
    seen.add(ext);
    route('extension', ext, p.name, p.origin, [{ target: p.name, ringMs: undefined, origin: p.origin }]);
  }
  return { origin: ib.origin, from: ib.from.value.map((name) => ({ name, gateway: gatewayNamed(name) })), fromOrigin: ib.from.origin, routes };
}
