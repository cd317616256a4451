// Gateway lists in the routing plan (issue 12, item 2): the lists in order, the failover
// rules, and which gateway of a list the edge may send to.
import { describe, expect, it } from 'vitest';
import { analyze, type Branch } from '../../../grammar/src/index.js';
import { buildRoutingPlan, chooseGateway, failsOver, gatewayFull, proxyReplies, type PlanGatewayRef } from '../../../engines/plan/index.js';

function branchOf(text: string): Branch {
  const { model, diagnostics } = analyze([{ uri: 'test.surv', text }], { symbols: false });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(errors.map((d) => d.message).join('\n'));
  return model.branches[0]!;
}

const plan = buildRoutingPlan(branchOf(`branch b {
  edge listen udp 10.1.0.1:5060
  lan 10.1.0.0/24
  gateway isdn { address 10.1.0.3  kind bri }
  gateway lte { address 10.1.0.4:5080  kind trunk  channels 4  probe options every 5s  up after 2 }
  upstream cloud { proxy sip:pbx.example.com:5060 }
  phone desk 100 at 10.1.0.10
  outbound from lan via cloud {
    on timeout { announce 181 "S"  relay to lte, isdn }
    emergency 112, 091
  }
}
`));
const names = (list: readonly PlanGatewayRef[]) => list.map((g) => [g.name, g.contactHost, g.gateway?.channels]);

describe('routing plan: gateway lists', () => {
  it('the relay list in order, its first also as gateway/gatewayName; emergency defaults to the same list', () => {
    const relay = plan.outbound!.actions[1]!;
    expect(relay.kind).toBe('relay');
    if (relay.kind !== 'relay') return;
    expect(names(relay.gateways)).toEqual([['lte', '10.1.0.4:5080', 4], ['isdn', '10.1.0.3', 2]]);
    expect([relay.gatewayName, relay.contactHost]).toEqual(['lte', '10.1.0.4:5080']);
    expect(names(plan.outbound!.emergency.gateways)).toEqual([['lte', '10.1.0.4:5080', 4], ['isdn', '10.1.0.3', 2]]);
    expect(plan.outbound!.emergency.gatewayName).toBe('lte');
  });

  it('a gateway\'s probe is in the plan as an upstream\'s', () => {
    const lte = plan.gateways.find((g) => g.name === 'lte')!;
    expect(lte.probe && { ...lte.probe, origin: undefined }).toEqual({ everyMs: 5000, timeoutMs: 2000, downAfter: 2, upAfter: 2, holdoffMs: 0, origin: undefined });
    expect(plan.gateways.find((g) => g.name === 'isdn')!.probe).toBeUndefined();
  });

  it('fails over on 408, 486, 503 and 600 only; emergency calls are not held back by the count', () => {
    expect(plan.gatewayFailover).toEqual({ nextOn: [408, 486, 503, 600], emergencySkipsFull: false });
    expect([404, 408, 480, 484, 486, 500, 503, 600, 603].filter((c) => failsOver(plan.gatewayFailover, c))).toEqual([408, 486, 503, 600]);
    expect(proxyReplies.noGateway).toEqual({ code: 503, reason: 'No Gateway Available' });
  });
});

describe('chooseGateway', () => {
  const relay = plan.outbound!.actions[1]!;
  const list = relay.kind === 'relay' ? relay.gateways : [];
  const none = () => false;
  const counts = (c: Record<string, number>) => (name: string) => c[name] ?? 0;

  it('the first gateway that is not marked down and has a free channel, with what it passed over', () => {
    expect(chooseGateway(list, 0, none, counts({}), false)).toEqual({ index: 0, skipped: [] });
    expect(chooseGateway(list, 0, none, counts({ lte: 4 }), false)).toEqual({ index: 1, skipped: [{ name: 'lte', why: 'full' }] });
    expect(chooseGateway(list, 0, (n) => n === 'lte', counts({}), false)).toEqual({ index: 1, skipped: [{ name: 'lte', why: 'marked down' }] });
    expect(chooseGateway(list, 1, none, counts({}), false)).toEqual({ index: 1, skipped: [] });
  });

  it('none left: every gateway full or down', () => {
    expect(chooseGateway(list, 0, (n) => n === 'isdn', counts({ lte: 5 }), false)).toEqual({ index: undefined, skipped: [{ name: 'lte', why: 'full' }, { name: 'isdn', why: 'marked down' }] });
    expect(chooseGateway(list, 2, none, counts({}), false)).toEqual({ index: undefined, skipped: [] });
  });

  it('an emergency call ignores the count, never a gateway marked down', () => {
    expect(chooseGateway(list, 0, none, counts({ lte: 4, isdn: 2 }), true)).toEqual({ index: 0, skipped: [] });
    expect(chooseGateway(list, 0, (n) => n === 'lte', counts({ isdn: 2 }), true)).toEqual({ index: 1, skipped: [{ name: 'lte', why: 'marked down' }] });
    expect(gatewayFull(list[1]!.gateway, 2)).toBe(true);
    expect(gatewayFull(undefined, 99)).toBe(false);
  });
});
