// Builds the routing plan of a resolved branch. Total: any branch the model can hold
// gives a plan (a name that resolves to nothing stays a name, a missing value stays
// undefined), because the simulator and verify run on designs the exporter refuses.
import ipaddr from 'ipaddr.js';
import type { Branch, Origin, Phone, Probe } from '../../grammar/src/index.js';
import type {
  PlanAction, PlanDidPattern, PlanGateway, PlanGatewayRef, PlanInbound, PlanProbe, PlanLocal, PlanInboundRoute, PlanOutbound, PlanPhone, PlanRegister,
  PlanTrust, PlanUpstream, RoutingPlan, SourceKind, SourceRules,
} from './plan.js';
import { gatewayFailover } from './gateways.js';
import { buildLocal } from './local.js';
import { reasonOf } from './reasons.js';
import { ringSteps, writtenStep, type Unknown } from './steps.js';

export { DEFAULT_RING_MS } from './steps.js';

/** An IP literal as the model writes it (the grammar refused every other numeric form). */
function isAddress(host: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(host) || (host.includes(':') && ipaddr.IPv6.isValid(host));
}

/** docs/security.md, "Who may send what". The same for every branch. */
const sourceRules: Readonly<Record<SourceKind, SourceRules>> = {
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

function gatewayRef(name: string, gatewayNamed: (name: string) => PlanGateway | undefined): PlanGatewayRef {
  const gateway = gatewayNamed(name);
  return { name, gateway, contactHost: gateway?.contactHost ?? sipHostPort(name, undefined) };
}

function planProbe(p: Probe | undefined): PlanProbe | undefined {
  return p && {
    everyMs: p.everyMs.value, timeoutMs: p.timeoutMs.value, downAfter: p.downAfter.value,
    upAfter: p.upAfter.value, holdoffMs: p.holdoffMs.value, origin: p.origin,
  };
}

// A model is never changed once built, so its plan is built once: verify and surv trace
// simulate the same branch thousands of times.
const plans = new WeakMap<Branch, RoutingPlan>();

export function buildRoutingPlan(branch: Branch): RoutingPlan {
  let plan = plans.get(branch);
  if (plan === undefined) plans.set(branch, (plan = buildPlan(branch)));
  return plan;
}

function buildPlan(branch: Branch): RoutingPlan {
  const b = branch;
  const gateways = b.gateways.map((g): PlanGateway => {
    const a = g.address.value;
    return {
      name: g.name, address: a, transport: g.transport.value, transportOrigin: g.transport.origin.kind === 'source' ? g.transport.origin : g.origin,
      channels: g.channels.value, contactHost: sipHostPort(a?.address ?? g.name, a?.port), probe: planProbe(g.probe), origin: g.origin,
      rewrite: g.rewrite?.value, callerIds: g.callerIds.value,
    };
  });
  const upstreams = b.upstreams.map((u, i): PlanUpstream => {
    const p = u.proxy.value;
    const probe = planProbe(u.probe);
    return {
      index: i + 1, name: u.name, proxy: p, transport: p?.secure ? 'tls' : u.transport.value,
      proxyOrigin: u.proxy.origin.kind === 'source' ? u.proxy.origin : u.origin, probe, origin: u.origin,
    };
  });
  const phones = b.phones.map((p): PlanPhone => ({
    name: p.name, extension: p.extension.value, address: p.address.value, registered: p.registered, transport: p.transport.value, origin: p.origin,
  }));
  const gatewayNamed = (name: string | undefined) => gateways.find((g) => g.name === name);
  const t = b.timers;
  const outbound = b.outbound && buildOutbound(b.outbound, gatewayNamed, upstreams, buildLocal(b, phones));
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
    tls: b.tls && { certificate: b.tls.certificate.value, key: b.tls.key.value, ca: b.tls.ca.value, origin: b.tls.origin },
    gateways,
    upstreams,
    phones,
    timers: {
      noAnswerMs: t.noAnswerMs.value, ringingMs: t.ringingMs.value, tryingMs: t.tryingMs.value, t1Ms: t.t1Ms.value, t2Ms: t.t2Ms.value,
      origin: t.noAnswerMs.origin, noAnswerOrigin: t.noAnswerMs.origin, tryingOrigin: t.tryingMs.origin, t1Origin: t.t1Ms.origin, t2Origin: t.t2Ms.origin,
    },
    trust,
    limits: {
      perSource: l.perSource.value, outside: l.outside.value, maxExpiresS: l.maxExpiresS.value, maxContacts: l.maxContacts.value,
      origin: l.perSource.origin,
    },
    register: buildRegister(b, upstreams, outbound),
    phoneDomain: outbound?.chain[0]?.upstream?.proxy,
    otherVia: outbound ? outbound.chain.map((c) => c.name) : upstreams.map((u) => u.name),
    outbound,
    inbound: b.inbound && buildInbound(b, b.inbound, gatewayNamed, phones),
    gatewayFailover,
  };
}

function buildOutbound(
  o: NonNullable<Branch['outbound']>,
  gatewayNamed: (name: string | undefined) => PlanGateway | undefined,
  upstreams: readonly PlanUpstream[],
  local: PlanLocal,
): PlanOutbound {
  const actions = o.onTimeout.value.map((a): PlanAction => {
    if (a.kind === 'announce') return { kind: 'announce', code: a.code, reason: a.reason, origin: a.origin };
    const gateway = gatewayNamed(a.gateway);
    const contactHost = gateway?.contactHost ?? sipHostPort(a.gateway, undefined);
    const list = a.gateways.map((name) => gatewayRef(name, gatewayNamed));
    if (a.kind === 'redirect') return { kind: 'redirect', code: a.code, reason: reasonOf(a.code), gatewayName: a.gateway, gateway, contactHost, origin: a.origin, gateways: list };
    return { kind: 'relay', gatewayName: a.gateway, gateway, contactHost, origin: a.origin, gateways: list };
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
      gateways: o.emergencyGateways.value.map((name) => gatewayRef(name, gatewayNamed)),
    },
    rewrite: o.rewrite.value,
    rewriteOrigin: o.rewrite.origin,
    local,
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
  // A pattern to a phone or group is a route of its own, selected by the pattern, not by one number.
  const patterns: PlanDidPattern[] = ib.didPatterns.map((d) => {
    if (d.target === undefined) return { pattern: d.pattern, routeId: undefined, extension: d.extension, origin: d.origin };
    const routeId = routes.length;
    route('did', undefined, d.target, d.origin, [{ target: d.target, ringMs: undefined, origin: d.origin }]);
    return { pattern: d.pattern, routeId, extension: undefined, origin: d.origin };
  });
  const dids = new Set(ib.dids.map((d) => d.number));
  const seen = new Set<string>();
  for (const p of b.phones as readonly Phone[]) {
    const ext = p.extension.value;
    // A did wins over an extension, and the first phone with an extension wins over the others.
    if (ext === undefined || dids.has(ext) || seen.has(ext)) continue;
    seen.add(ext);
    route('extension', ext, p.name, p.origin, [{ target: p.name, ringMs: undefined, origin: p.origin }]);
  }
  // A group's number is an extension of the branch too (after the phones': SURV016).
  for (const g of b.groups) {
    const n = g.number.value;
    if (n === undefined || dids.has(n) || seen.has(n)) continue;
    seen.add(n);
    route('extension', n, g.name, g.origin, [{ target: g.name, ringMs: undefined, origin: g.origin }]);
  }
  return {
    origin: ib.origin, from: ib.from.value.map((name) => ({ name, gateway: gatewayNamed(name) })), fromOrigin: ib.from.origin, routes,
    normalise: ib.normalise.value, normaliseOrigin: ib.normalise.origin, patterns,
  };
}
