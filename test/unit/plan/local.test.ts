// The local calls of the routing plan: one route per phone extension and group number,
// with the ring steps the edge runs, and localRouteFor, which both back ends follow.
import { describe, expect, it } from 'vitest';
import { analyze, type Branch } from '../../../grammar/src/index.js';
import { buildRoutingPlan, localRouteFor } from '../../../engines/plan/index.js';

function branchOf(text: string): Branch {
  const { model, diagnostics } = analyze([{ uri: 'test.surv', text }], { symbols: false });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(errors.map((d) => d.message).join('\n'));
  return model.branches[0]!;
}

const office = (localCalls = '') => `
branch office {
  edge listen udp 10.1.0.1:5060
  lan 10.1.0.0/24
  gateway pstn { address 10.10.1.3  kind bri  channels 2 }
  upstream cloud { proxy sip:10.2.0.1:5060 }
  phone desk1 101 at 10.1.0.11
  phone desk2 102 at 10.1.0.12
  phone dect 120 registered
  group front 200 parallel [desk1, desk2]
  group hunt 300 serial [desk2, dect] ring 5s
  register { forward cloud with path  keep local copy }
  outbound from lan via cloud {
    ${localCalls}
    on timeout { relay to pstn }
    emergency 112
  }
}
`;

describe('the local calls of the plan', () => {
  it('one route per extension and group number, phones first, with their ring steps', () => {
    const local = buildRoutingPlan(branchOf(office())).outbound!.local;
    expect(local.mode).toBe('survival');
    expect(local.origin).toEqual({ kind: 'default' });
    const summary = local.routes.map((r) => `${r.number} ${r.kind} ${r.target}: ${r.steps.map((s) => `[${s.phones.map((p) => p.name).join(', ')}] ${s.ringMs}`).join(' then ')}`);
    expect(summary).toEqual([
      '101 phone desk1: [desk1] 20000',
      '102 phone desk2: [desk2] 20000',
      '120 phone dect: [dect] 20000',
      '200 group front: [desk1, desk2] 20000',
      '300 group hunt: [desk2] 5000 then [dect] 5000',
    ]);
    expect(local.routes[3]!.written).toMatchObject([{ target: 'front', group: { name: 'front', mode: 'parallel', ringMs: 20_000 }, members: ['desk1', 'desk2'], ringMs: undefined }]);
  });

  it('localRouteFor: a local number in survival or always; nothing with off, for an emergency number, or another number', () => {
    const plan = (lc: string) => buildRoutingPlan(branchOf(office(lc)));
    expect(localRouteFor(plan(''), '200')?.target).toBe('front');
    expect(localRouteFor(plan('local-calls always'), '102')?.target).toBe('desk2');
    expect(localRouteFor(plan('local-calls off'), '102')).toBeUndefined();
    expect(localRouteFor(plan(''), '944000000')).toBeUndefined();
    const always = plan('local-calls always');
    expect(always.outbound!.local.mode).toBe('always');
    expect(always.outbound!.local.origin).toMatchObject({ kind: 'source' });
  });

  it('an emergency number equal to an extension (SURV034) never selects the local route', () => {
    // The plan is total: the simulator and verify run on designs with errors too.
    const { model, diagnostics } = analyze([{ uri: 'test.surv', text: office().replace('phone desk1 101', 'phone desk1 112') }], { symbols: false });
    expect(diagnostics.map((d) => d.code)).toEqual(['SURV034']);
    expect(localRouteFor(buildRoutingPlan(model.branches[0]!), '112')).toBeUndefined();
  });
});
