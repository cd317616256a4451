// The routing plan of a few branches, as exact data: what the simulator's edge
// interprets and the exporter translates.
import { describe, expect, it } from 'vitest';
import { analyze, type Branch } from '../../../grammar/src/index.js';
import { buildRoutingPlan, inboundMatch, passes, rewriteNumber, type RoutingPlan } from '../../../engines/plan/index.js';

function branchOf(text: string): Branch {
  const { model, diagnostics } = analyze([{ uri: 'test.surv', text }], { symbols: false });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(errors.map((d) => d.message).join('\n'));
  return model.branches[0]!;
}

/** The plan without origins, so the data reads plainly. */
function bare(plan: RoutingPlan): unknown {
  return JSON.parse(JSON.stringify(plan, (k, v: unknown) => (/origin$/i.test(k) ? undefined : v)));
}

const bilbao = `
branch bilbao {
  edge listen udp 10.222.237.1:5060
  lan 10.222.237.0/24
  gateway pstn { address 10.10.1.3  kind bri  channels 2 }
  upstream cloud { proxy sip:pbx.example.com:5060 }
  timers { no-answer 10s  ringing 60s  budget 15s }
  phone reception 100 at 10.222.237.10
  phone desk1 101 at 10.222.237.11
  phone desk2 102 registered
  group front parallel [reception, desk1] ring 20s
  group night serial [desk1, desk2] ring 5s
  register { forward cloud with path  keep local copy }
  outbound from lan via cloud {
    on timeout { announce 181 "Survival Activated"  redirect 302 to pstn }
    emergency 112, 091 direct to pstn
    pass 404, 6xx
    rewrite { match 0  strip 1  prefix 34 }
  }
  inbound from pstn { did 944000100 to night  ring front then ring reception }
}
`;

describe('the routing plan', () => {
  it('says once whether a peer is known by address or by name (compare_ips or dns_int_match_ip in the cfg)', () => {
    const plan = buildRoutingPlan(branchOf(bilbao.replace('sip:pbx.example.com', 'sip:[2001:db8::5]')));
    expect(plan.trust.peers.map((p) => [p.name, p.host, p.hostIsAddress])).toEqual([['pstn', '10.10.1.3', true], ['cloud', '2001:db8::5', true]]);
    const named = buildRoutingPlan(branchOf(bilbao));
    expect(named.trust.peers.map((p) => p.hostIsAddress)).toEqual([true, false]);
  });

  it('holds every decision of the edge as data', () => {
    const plan = bare(buildRoutingPlan(branchOf(bilbao))) as Record<string, unknown>;
    expect(plan.trust).toEqual({
      peers: [
        { kind: 'gateway', name: 'pstn', host: '10.10.1.3', hostIsAddress: true },
        { kind: 'upstream', name: 'cloud', host: 'pbx.example.com', hostIsAddress: false },
      ],
      lans: [{ cidr: '10.222.237.0/24', address: '10.222.237.0', prefix: 24, family: 4 }],
      rules: {
        lan: { invite: 'outbound', register: 'accept', other: 'first-upstream' },
        gateway: { invite: 'inbound', register: 'refuse', other: 'refuse' },
        upstream: { invite: 'to-branch', register: 'refuse', other: 'to-branch' },
        stranger: { invite: 'refuse', register: 'refuse', other: 'refuse' },
      },
    });
    const pstn = { name: 'pstn', address: { address: '10.10.1.3', family: 4, port: 5060 }, transport: 'udp', channels: 2, contactHost: '10.10.1.3', callerIds: [] };
    expect(plan.outbound).toEqual({
      chain: [{ name: 'cloud', upstream: { index: 1, name: 'cloud', proxy: { uri: 'sip:pbx.example.com:5060', host: 'pbx.example.com', port: 5060, secure: false }, transport: 'udp' } }],
      actions: [
        { kind: 'announce', code: 181, reason: 'Survival Activated' },
        { kind: 'redirect', code: 302, reason: 'Moved Temporarily', gatewayName: 'pstn', gateway: pstn, contactHost: '10.10.1.3', gateways: [{ name: 'pstn', gateway: pstn, contactHost: '10.10.1.3' }] },
      ],
      pass: [{ code: 404 }, { class: 6 }],
      emergency: { numbers: ['112', '091'], gatewayName: 'pstn', gateway: pstn, gateways: [{ name: 'pstn', gateway: pstn, contactHost: '10.10.1.3' }] },
      rewrite: [{ match: '0', strip: 1, prefix: '34' }],
      // Its routes, exactly, in test/unit/plan/local.test.ts.
      local: expect.objectContaining({ mode: 'survival' }),
    });
    expect(plan.register).toMatchObject({ forwardName: 'cloud', withPath: true, keepLocalCopy: true, forward: { name: 'cloud' } });
    // trying is not written: the no-answer value.
    expect(plan.timers).toEqual({ noAnswerMs: 10_000, ringingMs: 60_000, tryingMs: 10_000, t1Ms: 500, t2Ms: 4000 });
  });

  it('gives each inbound route its ring steps: the chain, then dids, then extensions', () => {
    const ib = buildRoutingPlan(branchOf(bilbao)).inbound!;
    const steps = ib.routes.map((r) => `${r.id} ${r.kind} ${r.number ?? '-'}: ${r.steps.map((s) => `[${s.phones.map((p) => p.name).join(',')}] ${s.ringMs}`).join(' then ')}`);
    expect(steps).toEqual([
      // A one-step target rings for the chain's time.
      '0 chain -: [reception,desk1] 20000 then [reception] 20000',
      // A serial group: one step per member, each for the group's time.
      '1 did 944000100: [desk1] 5000 then [desk2] 5000',
      // A phone on its own rings for 20 s.
      '2 extension 100: [reception] 20000',
      '3 extension 101: [desk1] 20000',
      '4 extension 102: [desk2] 20000',
    ]);
    expect(ib.from.map((f) => f.name)).toEqual(['pstn']);
    expect(inboundMatch(ib, '944000100').route.id).toBe(1);
    expect(inboundMatch(ib, '102').route.id).toBe(4);
    expect(inboundMatch(ib, '999').route.id).toBe(0);
  });

  it('keeps each route\'s steps as written beside the ring steps derived from them', () => {
    const ib = buildRoutingPlan(branchOf(bilbao)).inbound!;
    const written = ib.routes.map((r) => `${r.id} ${r.kind}: ${r.written.map((s) => `${s.target}${s.group ? ` (${s.group.mode} ${s.group.ringMs})` : ''} [${s.members.join(',')}] ${s.ringMs ?? '-'}`).join(' then ')}`);
    expect(written).toEqual([
      // The chain's steps keep the ring time written on them; a group keeps its own beside it.
      '0 chain: front (parallel 20000) [reception,desk1] 20000 then reception [reception] 20000',
      // A did's serial group stays one step (the edge's steps split it): no ring time of its own.
      '1 did: night (serial 5000) [desk1,desk2] -',
      '2 extension: reception [reception] -',
      '3 extension: desk1 [desk1] -',
      '4 extension: desk2 [desk2] -',
    ]);
    expect(ib.routes[1]!.written[0]!.phones.map((p) => p.name)).toEqual(['desk1', 'desk2']);
  });

  it('keeps a chain step\'s ring time even where the edge splits a serial group', () => {
    const ib = buildRoutingPlan(branchOf(`
branch b {
  edge listen udp 10.0.0.1:5060
  lan 10.0.0.0/24
  gateway pstn { address 10.0.1.3  kind bri }
  upstream cloud { proxy sip:pbx.example.com }
  phone a 100 at 10.0.0.10
  phone b 101 at 10.0.0.11
  group pair serial [a, b] ring 7s
  inbound from pstn { ring pair for 30s then ring a for 9s }
}
`)).inbound!;
    const chain = ib.routes[0]!;
    expect(chain.written.map((s) => [s.target, s.ringMs, s.group?.ringMs])).toEqual([['pair', 30_000, 7000], ['a', 9000, undefined]]);
    // The edge rings the group's members one by one for the group's time, then a for the step's.
    expect(chain.steps.map((s) => [s.phones.map((p) => p.name).join(','), s.ringMs])).toEqual([['a', 7000], ['b', 7000], ['a', 9000]]);
  });

  it('decides where a REGISTER goes and the phones\' domain', () => {
    const plan = buildRoutingPlan(branchOf(bilbao));
    expect(plan.register.forwardTo).toBe('cloud');
    expect(plan.phoneDomain?.host).toBe('pbx.example.com');
    // No forward written: the first of the outbound chain, with Path.
    const second = buildRoutingPlan(branchOf(bilbao.replace('register { forward cloud with path  keep local copy }', 'register { keep local copy }')));
    expect(second.register).toMatchObject({ forwardTo: 'cloud', keepLocalCopy: true, withPath: true });
    // No outbound policy: no domain of an upstream, so the phones use the edge's.
    const alone = buildRoutingPlan({ ...branchOf(bilbao), outbound: undefined });
    expect(alone.phoneDomain).toBeUndefined();
  });

  it('sends the LAN\'s other requests (MESSAGE, SUBSCRIBE...) along the outbound chain, else to every upstream in order', () => {
    const two = bilbao.replace('upstream cloud { proxy sip:pbx.example.com:5060 }', 'upstream cloud { proxy sip:pbx.example.com:5060 }\n  upstream backup { proxy sip:10.0.0.9 }');
    expect(buildRoutingPlan(branchOf(two)).otherVia).toEqual(['cloud']);
    // No outbound policy: the phones still reach their PBX, as the exported route[OTHER] does.
    expect(buildRoutingPlan({ ...branchOf(two), outbound: undefined }).otherVia).toEqual(['cloud', 'backup']);
  });

  it('is total: names that resolve to nothing stay names, for the simulator of a broken design', () => {
    const plan = buildRoutingPlan({
      ...branchOf(bilbao),
      gateways: [],
    });
    expect(plan.outbound!.actions[1]).toMatchObject({ kind: 'redirect', gatewayName: 'pstn', gateway: undefined, contactHost: 'pstn' });
    expect(plan.outbound!.emergency.gateway).toBeUndefined();
    expect(plan.trust.peers.map((p) => p.name)).toEqual(['cloud']);
  });

  it('decides rewrites and the pass list the same way for every back end', () => {
    const rules = [{ match: '00', strip: 2, prefix: '+' }, { match: '0', strip: 1, prefix: '34' }, { match: '', strip: 0, prefix: '9' }]
      .map((r) => ({ ...r, origin: { kind: 'default' as const } }));
    expect(['0044123', '0944', '112', '0'].map((n) => rewriteNumber(rules, n))).toEqual(['+44123', '34944', '9112', '34']);
    expect(rewriteNumber([], '0944')).toBe('0944');
    expect([404, 486, 603, 699, 500].map((c) => passes([{ code: 404 }, { class: 6 }], c))).toEqual([true, false, true, true, false]);
    expect(passes('all', 500)).toBe(true);
  });
});
