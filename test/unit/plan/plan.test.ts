// The routing plan of a few branches, as exact data: what the simulator's edge
// interprets and the exporter translates.
import { describe, expect, it } from 'vitest';
import { analyze, type Branch } from '../../../grammar/src/index.js';
import { buildRoutingPlan, inboundRouteFor, passes, rewriteNumber, type RoutingPlan } from '../../../engines/plan/index.js';

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
  it('holds every decision of the edge as data', () => {
    const plan = bare(buildRoutingPlan(branchOf(bilbao))) as Record<string, unknown>;
    expect(plan.trust).toEqual({
      peers: [
        { kind: 'gateway', name: 'pstn', host: '10.10.1.3' },
        { kind: 'upstream', name: 'cloud', host: 'pbx.example.com' },
      ],
      lans: [{ cidr: '10.222.237.0/24', address: '10.222.237.0', prefix: 24, family: 4 }],
      rules: {
        lan: { invite: 'outbound', register: 'accept', other: 'first-upstream' },
        gateway: { invite: 'inbound', register: 'refuse', other: 'refuse' },
        upstream: { invite: 'to-branch', register: 'refuse', other: 'to-branch' },
        stranger: { invite: 'refuse', register: 'refuse', other: 'refuse' },
      },
    });
    const pstn = { name: 'pstn', address: { address: '10.10.1.3', family: 4, port: 5060 }, transport: 'udp', channels: 2, contactHost: '10.10.1.3' };
    expect(plan.outbound).toEqual({
      chain: [{ name: 'cloud', upstream: { index: 1, name: 'cloud', proxy: { uri: 'sip:pbx.example.com:5060', host: 'pbx.example.com', port: 5060, secure: false }, transport: 'udp' } }],
      actions: [
        { kind: 'announce', code: 181, reason: 'Survival Activated' },
        { kind: 'redirect', code: 302, reason: 'Moved Temporarily', gatewayName: 'pstn', gateway: pstn, contactHost: '10.10.1.3' },
      ],
      pass: [{ code: 404 }, { class: 6 }],
      emergency: { numbers: ['112', '091'], gatewayName: 'pstn', gateway: pstn },
      rewrite: [{ match: '0', strip: 1, prefix: '34' }],
    });
    expect(plan.register).toMatchObject({ forwardName: 'cloud', withPath: true, keepLocalCopy: true, forward: { name: 'cloud' } });
    expect(plan.timers).toEqual({ noAnswerMs: 10_000, ringingMs: 60_000, t1Ms: 500, t2Ms: 4000 });
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
    expect(inboundRouteFor(ib, '944000100').id).toBe(1);
    expect(inboundRouteFor(ib, '102').id).toBe(4);
    expect(inboundRouteFor(ib, '999').id).toBe(0);
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
