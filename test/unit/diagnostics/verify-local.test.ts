// SURV087 (found by `surv verify`): a call between two phones of the branch never takes
// a gateway channel. It holds with the default `local-calls survival` and with `always`,
// and fails with `local-calls off` when survival relays or redirects to a gateway.
import { describe, expect, it } from 'vitest';
import { analyze, type Branch, type Scenario } from '../../../grammar/src/index.js';
import { simulate } from '../../../engines/simulate/index.js';
import { checkScenario, verifyBranch, verifyBranchDetailed } from '../../../engines/verify/index.js';

function design(localCalls: string, action = 'relay to pstn', scenario = ''): string {
  return `branch lab {
  edge listen udp 10.1.0.1:5060
  lan 10.1.0.0/24
  gateway pstn { address 10.1.0.3  kind bri  channels 2 }
  upstream cloud { proxy sip:pbx.example.com:5060 }
  timers { no-answer 10s  ringing 60s  budget 15s }
  phone desk 100 at 10.1.0.10
  phone desk2 101 at 10.1.0.11
  group front 200 parallel [desk, desk2] ring 20s
  register { forward cloud with path }
  outbound from lan via cloud {
${localCalls}    on timeout { announce 181 "Survival"  ${action} }
    emergency 112
  }
}
` + scenario;
}

function model(text: string): { branch: Branch; scenarios: readonly Scenario[] } {
  const analysis = analyze([{ uri: 'lab.surv', text }], { symbols: false });
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((d) => `${d.code} ${d.message}`).join('\n'));
  return { branch: analysis.model.branches[0]!, scenarios: analysis.model.scenarios };
}

function at(text: string, needle: string) {
  const start = text.indexOf(needle);
  return { kind: 'source', uri: 'lab.surv', start, end: start + needle.length };
}

describe('SURV087 local-stays-local', () => {
  it('with local-calls off and relay, the call to an extension takes the gateway: reported at local-calls, with the run', () => {
    const text = design('    local-calls off\n');
    const [v, ...rest] = verifyBranch(model(text).branch).violations;
    expect(rest).toEqual([]);
    expect(v).toMatchObject({
      code: 'SURV087', invariant: 'local-stays-local',
      message: 'desk calls 101 is a call between two phones of the branch, and it takes a channel of gateway pstn: the edge sends it the INVITE at 10s (cloud silent)',
      origin: at(text, 'local-calls off'),
      scenario: '# surv verify: SURV087 (local-stays-local)\nscenario "SURV087 desk calls 101, cloud silent" in lab {\n  cloud silent\n  desk calls 101\n}\n',
    });
  });

  it('with a redirect the phone follows it to the gateway, through the edge: SURV087 too', () => {
    const text = design('    local-calls off\n', 'redirect 302 to pstn');
    const [v] = verifyBranch(model(text).branch).violations;
    expect(v).toMatchObject({ code: 'SURV087', message: expect.stringContaining('takes a channel of gateway pstn: the edge sends it the INVITE at 10s') });
  });

  it('holds with the default and with always; verify places a local call to an extension and one to a group number', () => {
    for (const lc of ['', '    local-calls always\n', '    local-calls survival\n']) {
      const report = verifyBranchDetailed(model(design(lc)).branch);
      expect(report.violations, lc).toEqual([]);
      expect(report.bound).toContain('(1 outbound, 1 emergency, 2 local, 1 REGISTER)');
    }
  });

  it('a pasted scenario where a phone calls another by name is a local call too', () => {
    const text = design('    local-calls off\n', 'relay to pstn', 'scenario "s" in lab {\n  cloud silent\n  desk calls desk2\n}\n');
    const { branch, scenarios } = model(text);
    const findings = checkScenario(branch, scenarios[0]!, simulate(branch, scenarios[0]!));
    expect(findings.map((f) => [f.code, f.message])).toEqual([
      ['SURV087', 'desk calls desk2 is a call between two phones of the branch, and it takes a channel of gateway pstn: the edge sends it the INVITE at 10s (cloud silent)'],
    ]);
  });
});
