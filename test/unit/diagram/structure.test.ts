// The shape of the diagrams: participants, one arrow per trace entry in order, the
// marks for retransmissions and lost messages, notes, the survival tint, forks, and
// the origin of each message.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, type Branch, type Origin, type Scenario } from '../../../grammar/src/index.js';
import { diagramsFor } from '../../../engines/diagram/index.js';
import { scenarioDiagram } from '../../../engines/diagram/scenario.js';
import { simulate, type SimulationResult, type TraceEntry } from '../../../engines/simulate/index.js';
import { scenarioOf } from '../simulate/helpers.js';
import { ARROW_LINE, arrowsOf, linesOf, modelOf, participantsOf, root, viewOf, viewsOf } from './helpers.js';

const BILBAO = 'examples/bilbao.surv';
const SEED = 'scenario:bilbao:cloud down, desk dials out';

/** The source text an origin points at. */
function textAt(file: string, origin: Origin | undefined): string | undefined {
  if (origin?.kind !== 'source') return undefined;
  return readFileSync(resolve(root, file), 'utf8').slice(origin.start, origin.end);
}

describe('diagramsFor', () => {
  it('gives the design views first, then the scenarios in source order, with stable ids', () => {
    expect(viewsOf(BILBAO).map((v) => [v.id, v.kind, v.branch, v.title])).toEqual([
      ['design:bilbao', 'design', 'bilbao', 'bilbao: design'],
      ['scenario:bilbao:cloud down, desk dials out', 'scenario', 'bilbao', 'cloud down, desk dials out'],
      ['scenario:bilbao:cloud up, number does not exist', 'scenario', 'bilbao', 'cloud up, number does not exist'],
      ['scenario:bilbao:incoming PSTN call forks to the front desk', 'scenario', 'bilbao', 'incoming PSTN call forks to the front desk'],
    ]);
  });

  it('restricts to one file with `uri`: the profile a station uses brings no diagram', () => {
    const model = modelOf('examples/petrol-stations/station-01.surv');
    expect(diagramsFor(model, { uri: 'examples/petrol-stations/station-01.surv' }).map((v) => v.id))
      .toEqual(['design:station-01', 'scenario:station-01:link down, shop calls a supplier']);
    expect(diagramsFor(model, { uri: 'examples/petrol-stations/profile.surv' })).toEqual([]);
  });

  it('numbers the messages with `autonumber` on request, and only then', () => {
    expect(linesOf(viewsOf(BILBAO, true)[1]!.mermaid).slice(0, 3)).toEqual(['sequenceDiagram', 'title bilbao#58; cloud down, desk dials out', 'autonumber']);
    expect(viewsOf(BILBAO)[1]!.mermaid).not.toContain('autonumber');
  });

  it('every view: messages[i] is the i-th arrow of the source, and each block is closed', () => {
    for (const v of viewsOf('examples/critical-branch.surv').concat(viewsOf(BILBAO), viewsOf('examples/two-head-offices.surv'))) {
      const arrows = arrowsOf(v.mermaid);
      expect(arrows.length, v.id).toBe(v.messages.length);
      v.messages.forEach((m, i) => expect(m.index).toBe(i));
      const lines = linesOf(v.mermaid);
      const opened = lines.filter((l) => /^(alt|opt|par|rect|critical|loop) /.test(l)).length;
      expect(lines.filter((l) => l === 'end').length, v.id).toBe(opened);
    }
  });
});

describe('scenario view of the seed case (bilbao, cloud silent)', () => {
  const view = viewOf(BILBAO, SEED);
  const { branch, scenario } = scenarioOf(BILBAO, 'cloud down, desk dials out');
  const trace = simulate(branch, scenario).trace;

  it('has one participant per device, with its address', () => {
    expect(participantsOf(view.mermaid)).toEqual([
      'participant desk1 as desk1<br/>10.222.237.11',
      'participant edge as edge proxy<br/>10.222.237.1#58;5060',
      'participant cloud as cloud<br/>pbx.example.com#58;5060',
      'participant pstn as pstn (bri)<br/>10.10.1.3',
    ]);
  });

  it('draws exactly one arrow per trace entry, in order, with its virtual time and full SIP text', () => {
    expect(view.messages.length).toBe(trace.length);
    expect(view.messages.length).toBe(24);
    view.messages.forEach((m, i) => {
      expect([m.from, m.to, m.atMs, m.text, m.cause]).toEqual([trace[i]!.from, trace[i]!.to, trace[i]!.atMs, trace[i]!.text, trace[i]!.cause]);
    });
    expect(arrowsOf(view.mermaid).slice(0, 3)).toEqual([
      'desk1->>edge: INVITE 944000000 (0.000s)',
      'edge-->>desk1: 100 Trying (0.000s)',
      'edge->>cloud: INVITE 944000000 (0.000s)',
    ]);
  });

  it('marks each retransmission with an open arrowhead and its number', () => {
    expect(arrowsOf(view.mermaid).filter((l) => l.includes('-)'))).toEqual([
      'edge-)cloud: ↻ INVITE 944000000 retransmission 1 (0.500s)',
      'edge-)cloud: ↻ INVITE 944000000 retransmission 2 (1.500s)',
      'edge-)cloud: ↻ INVITE 944000000 retransmission 3 (3.500s)',
      'edge-)cloud: ↻ INVITE 944000000 retransmission 4 (7.500s)',
    ]);
  });

  it('tints the survival phase, opening with the timer that fired and the survival actions', () => {
    const lines = linesOf(view.mermaid);
    const start = lines.indexOf('rect rgba(255, 170, 0, 0.14)');
    expect(lines.slice(start, start + 5)).toEqual([
      'rect rgba(255, 170, 0, 0.14)',
      'Note over edge: fr_timer fired on cloud (no-answer 10s)#58; survival',
      'Note over desk1,pstn: survival#58; 181 Survival Activated - please standby then 302 to pstn',
      'edge-->>desk1: 181 Survival Activated - please standby (10.000s)',
      'edge-->>desk1: 302 Moved Temporarily → sip#58;944000000@10.10.1.3 (10.000s)',
    ]);
    // The tint holds the rest of the call: the redirected call through the gateway.
    expect(lines.slice(-2)).toEqual(['edge-->>desk1: 200 OK (BYE) (17.000s)', 'end']);
    expect(lines.filter((l) => l.startsWith('rect ')).length).toBe(1);
  });

  it('ties messages to the policy line that caused them, and to the expectation they met', () => {
    const at = (i: number) => textAt(BILBAO, view.messages[i]!.origin);
    const byLabel = (start: string) => view.messages.findIndex((m) => m.summary.startsWith(start));
    expect(at(0)).toBe('desk1 calls 944000000');
    expect(at(2)).toBe('cloud');
    // T1 is not written in bilbao.surv: a retransmission points at the no-answer value instead.
    expect(at(3)).toBe('10s');
    expect(at(byLabel('181'))).toBe('announce 181 "Survival Activated - please standby"');
    expect(at(byLabel('302'))).toBe('redirect 302 to pstn');
    expect(textAt(BILBAO, view.messages[byLabel('181')]!.expectation)).toBe('expect desk1 gets 181 at 10s');
    expect(textAt(BILBAO, view.messages[byLabel('302')]!.expectation)).toBe('expect desk1 gets 302 at 10s contact sip:944000000@10.10.1.3');
    expect(view.messages.filter((m) => m.expectation !== undefined).length).toBe(2);
  });
});

describe('scenario views: forks, probing, failover', () => {
  it('draws a parallel fork as par, one section per phone rung', () => {
    const view = viewOf(BILBAO, 'scenario:bilbao:incoming PSTN call forks to the front desk');
    const lines = linesOf(view.mermaid);
    const start = lines.indexOf('par to reception');
    expect(lines.slice(start, start + 5)).toEqual([
      'par to reception',
      'edge->>reception: INVITE 100 (0.000s)',
      'and to desk1',
      'edge->>desk1: INVITE 101 (0.000s)',
      'end',
    ]);
    expect(view.mermaid).not.toContain('rect ');
  });

  it('notes a probing decision when it happens, and tints the call that went straight to survival', () => {
    const view = viewOf('examples/critical-branch.surv', 'scenario:hospital-north:PBX dies: probes mark it down, later calls go straight out');
    const lines = linesOf(view.mermaid);
    const mark = lines.indexOf('Note over edge,cloud: cloud marked down (probe timed out#58; 2 failed probes in a row) 32.000s');
    expect(mark).toBeGreaterThan(0);
    expect(lines[mark - 1]).toBe('edge-)cloud: ↻ OPTIONS retransmission 2 (31.500s)');
    expect(lines[mark + 1]).toBe('admin->>edge: INVITE 0944000000 (40.000s)');
    expect(lines.slice(mark + 2, mark + 5)).toEqual([
      'rect rgba(255, 170, 0, 0.14)',
      'Note over admin,lifeline: survival#58; 181 Survival mode - calls via local PRI then relay to isdn30',
      'edge-->>admin: 181 Survival mode - calls via local PRI (40.000s)',
    ]);
  });

  it('notes fr_timer before the failover to the next upstream, outside any tint', () => {
    const view = viewOf('examples/two-head-offices.surv', 'scenario:zaragoza:Madrid silent, Barcelona takes the call');
    const lines = linesOf(view.mermaid);
    const note = lines.indexOf('Note over edge: fr_timer fired on hq-madrid (no-answer 6s)#58; next upstream hq-barcelona');
    expect(lines[note + 1]).toBe('edge->>hq_barcelona: INVITE 976123456 (6.000s)');
    expect(view.mermaid).not.toContain('rect ');
  });

  it('notes fr_inv_timer after a provisional: 408, no survival', () => {
    const view = viewOf('examples/critical-branch.surv', 'scenario:hospital-north:far end rings, nobody answers: 408, not survival');
    const lines = linesOf(view.mermaid);
    const note = lines.indexOf('Note over edge: fr_inv_timer fired (ringing 45s after a provisional)#58; 408, no survival');
    expect(lines[note + 1]).toBe('edge-->>triage: 408 Request Timeout (46.000s)');
  });

  it('notes trying running out on an upstream that sent only 100 Trying: the next upstream, then survival; the design names trying', () => {
    const file = 'test/kamailio/fixtures/replay/trying.surv';
    const lines = linesOf(viewOf(file, 'scenario:replay-trying:both trying: survival after trying twice').mermaid);
    const first = lines.indexOf('Note over edge: fr_inv_timer fired on hq-a (only 100 Trying within trying 3s)#58; next upstream hq-b');
    expect(lines[first + 1]).toBe('edge->>hq_b: INVITE 944000020 (3.000s)');
    expect(lines).toContain('Note over edge: fr_inv_timer fired on hq-b (only 100 Trying within trying 3s)#58; survival');
    expect(lines.filter((l) => l.includes('408, no survival'))).toEqual([]);
    expect(viewOf(file, 'design:replay-trying').mermaid).toContain('no reply within no-answer 2s (or only 100 Trying within trying 3s) from each of hq-a, hq-b#58; survival');
  });
});

describe('lost messages', () => {
  it('draws a message the network lost as a cross, and keeps the count', () => {
    const { branch, scenario } = scenarioOf(BILBAO, 'cloud down, desk dials out');
    const real = simulate(branch, scenario);
    const trace: TraceEntry[] = real.trace.map((t, i) => (i === 3 || i === 1 ? { ...t, lost: true } as TraceEntry : t));
    const built = scenarioDiagram(branch as Branch, scenario as Scenario, { ...real, trace } as SimulationResult, false);
    const arrows = arrowsOf(built.mermaid);
    expect(arrows.length).toBe(real.trace.length);
    expect(arrows[1]).toBe('edge--xdesk1: ✗ 100 Trying lost (0.000s)');
    expect(arrows[3]).toBe('edge-xcloud: ✗ INVITE 944000000 retransmission 1 lost (0.500s)');
  });
});

describe('design views', () => {
  it('bilbao: normal and survival paths side by side, emergency direct, inbound fork', () => {
    const lines = linesOf(viewOf(BILBAO, 'design:bilbao').mermaid);
    expect(lines).toEqual([
      'sequenceDiagram',
      'title bilbao#58; design',
      'participant phones as phones<br/>lan 10.222.237.0/24',
      'participant reception as reception<br/>10.222.237.10',
      'participant desk1 as desk1<br/>10.222.237.11',
      'participant edge as edge proxy<br/>10.222.237.1#58;5060',
      'participant cloud as cloud<br/>pbx.example.com#58;5060',
      'participant pstn as pstn (bri)<br/>10.10.1.3',
      'Note over phones,pstn: outgoing call from the lan, via cloud',
      'phones->>edge: INVITE number',
      'alt cloud replies within no-answer 10s',
      'edge->>cloud: INVITE number',
      'cloud-->>edge: reply',
      'edge-->>phones: reply relayed (every reply passes)',
      'else no reply within no-answer 10s#58; survival',
      'rect rgba(255, 170, 0, 0.14)',
      'edge->>cloud: INVITE number',
      'edge-)cloud: ↻ INVITE number at +0.5s, +1.5s, +3.5s, +7.5s',
      'Note over edge: fr_timer fired on cloud (no-answer 10s)',
      'edge-->>phones: 181 Survival Activated - please standby',
      'edge-->>phones: 302 → sip#58;number@10.10.1.3',
      'phones->>edge: INVITE number@10.10.1.3',
      'edge->>pstn: INVITE number',
      'end',
      'end',
      'opt emergency 112, 091#58; straight to pstn, never waits',
      'phones->>edge: INVITE 112',
      'edge->>pstn: INVITE 112',
      'end',
      'opt local call to 100 (phone reception)#58; in survival, the edge rings it, no gateway',
      'phones->>edge: INVITE 100',
      'Note over edge: upstream as any call#59; no upstream answered#58; survival',
      'edge-->>phones: 181 Survival Activated - please standby',
      'edge->>reception: INVITE 100',
      'end',
      'opt incoming call from pstn',
      'pstn->>edge: INVITE number',
      'Note over edge: front rings in parallel for 20s',
      'par to reception',
      'edge->>reception: INVITE 100',
      'and to desk1',
      'edge->>desk1: INVITE 101',
      'end',
      'Note over edge: no answer within 20s#58; next step',
      'edge->>reception: INVITE 100 (ring 20s)',
      'end',
    ]);
  });

  it('ties design messages to the settings: via, the survival actions, emergency, the ring steps', () => {
    const view = viewOf(BILBAO, 'design:bilbao');
    const of = (summary: string) => textAt(BILBAO, view.messages.find((m) => m.summary === summary)!.origin);
    expect(of('181 Survival Activated - please standby')).toBe('announce 181 "Survival Activated - please standby"');
    expect(of('302 → sip:number@10.10.1.3')).toBe('redirect 302 to pstn');
    expect(of('INVITE 112')).toBe('emergency 112, 091 direct to pstn');
    expect(of('INVITE 101')).toBe('ring front');
    expect(textAt(BILBAO, view.messages[1]!.origin)).toBe('cloud');
    expect(view.messages.every((m) => m.text === undefined && m.atMs === undefined)).toBe(true);
  });

  it('local calls: a numbered group forked by the edge in survival; with always, never upstream; with off, nothing', () => {
    const design = (localCalls: string) => {
      const text = readFileSync(resolve(root, BILBAO), 'utf8').replace('group front parallel', 'group front 200 parallel')
        .replace('    emergency 112', `    ${localCalls}\n    emergency 112`);
      const { model } = analyze([{ uri: BILBAO, text }], { symbols: false });
      return linesOf(diagramsFor(model, { uri: BILBAO }).find((v) => v.id === 'design:bilbao')!.mermaid);
    };
    const survival = design('');
    const at = survival.findIndex((l) => l.startsWith('opt local call'));
    expect(survival.slice(at, at + 10)).toEqual([
      'opt local call to 200 (group front)#58; in survival, the edge rings it, no gateway',
      'phones->>edge: INVITE 200',
      'Note over edge: upstream as any call#59; no upstream answered#58; survival',
      'edge-->>phones: 181 Survival Activated - please standby',
      'Note over edge: front rings in parallel for 20s',
      'par to reception',
      'edge->>reception: INVITE 100',
      'and to desk1',
      'edge->>desk1: INVITE 101',
      'end',
    ]);
    const always = design('local-calls always');
    expect(always.slice(always.findIndex((l) => l.startsWith('opt local call')), undefined)[0]).toBe('opt local call to 200 (group front)#58; never upstream, the edge rings it, no gateway');
    expect(always).not.toContain('Note over edge: upstream as any call#59; no upstream answered#58; survival');
    expect(design('local-calls off').some((l) => l.startsWith('opt local call'))).toBe(false);
  });

  it('two upstreams: one alternative per upstream that answers, then survival after each was silent', () => {
    const lines = linesOf(viewOf('examples/two-head-offices.surv', 'design:zaragoza').mermaid);
    expect(lines.filter((l) => /^(alt|else) /.test(l))).toEqual([
      'alt hq-madrid replies within no-answer 6s',
      'else hq-madrid silent for 6s, hq-barcelona replies',
      'else no reply within no-answer 6s from each of hq-madrid, hq-barcelona#58; survival',
      'alt did 976000210 to warehouse',
      'else any other number#58; the ring chain',
    ]);
  });

  it('probing: an alternative where the upstream is marked down and survival starts at once', () => {
    const lines = linesOf(viewOf('examples/critical-branch.surv', 'design:hospital-north').mermaid);
    const at = lines.indexOf('else cloud marked down by probing#58; survival at once');
    expect(lines.slice(at, at + 6)).toEqual([
      'else cloud marked down by probing#58; survival at once',
      'rect rgba(255, 170, 0, 0.14)',
      'Note over edge,cloud: cloud marked down#58; not tried',
      'Note over edge: rewrite#58; 0… strip 1#59; 2… prefix 94455',
      'edge-->>phones: 181 Survival mode - calls via local PRI',
      'edge->>isdn30: INVITE number (rewritten)',
    ]);
    expect(lines).toContain('else no reply within no-answer 5s, or a final reply that does not pass#58; survival');
  });

  it('every arrow line is well formed', () => {
    for (const file of ['examples/critical-branch.surv', 'examples/ipv6-branch.surv']) {
      for (const v of viewsOf(file)) for (const line of arrowsOf(v.mermaid)) expect(line).toMatch(ARROW_LINE);
    }
  });
});

describe('network loss and registrations, as the simulator models them', () => {
  const text = `branch l {
  edge listen udp 10.89.0.1:5060
  lan 10.89.0.0/24
  gateway pstn { address 10.89.0.3  kind bri  channels 2 }
  upstream cloud { proxy sip:pbx.example.com:5060 }
  phone desk 100 at 10.89.0.10
  phone dect 101 registered
  register { forward cloud with path  keep local copy }
  outbound from lan via cloud { on timeout { redirect 302 to pstn } }
}
scenario "lossy" in l {
  network loss 30% seed 7
  desk calls 944000000
}
scenario "outage" in l {
  cloud silent
  dect registers
  desk calls 944000000 at 20s
}
`;
  const model = analyze([{ uri: 'l.surv', text }], { symbols: false }).model;
  const views = diagramsFor(model);

  it('every entry the network lost is a cross, and the count still matches the trace', () => {
    const trace = simulate(model.branches[0]!, model.scenarios[0]!).trace;
    const arrows = arrowsOf(views[1]!.mermaid);
    expect(arrows.length).toBe(trace.length);
    const lost = trace.map((t, i) => [t.lost === true, i] as const).filter(([l]) => l).map(([, i]) => i);
    expect(lost.length).toBeGreaterThan(0);
    expect(arrows.map((a, i) => [/^[A-Za-z0-9_]+--?x[A-Za-z0-9_]+: ✗ .* lost \(/.test(a), i] as const).filter(([l]) => l).map(([, i]) => i)).toEqual(lost);
  });

  it('notes a registration answered from the local copy', () => {
    const lines = linesOf(views[2]!.mermaid);
    const note = lines.indexOf("Note over edge: dect registered from the edge's local copy (keep local copy)");
    expect(note).toBeGreaterThan(0);
    expect(lines[note + 1]).toMatch(/^edge-->>dect: 200 .*\(REGISTER\) \(\d+\.\d{3}s\)$/);
  });
});

describe('a TCP phone in the ladders', () => {
  it('says its transport under its address; a UDP phone says nothing more', () => {
    const view = viewOf('test/kamailio/fixtures/replay/transports.surv', 'scenario:replay-transports:pstn rings the shop: till1 answers over tcp');
    expect(participantsOf(view.mermaid).filter((p) => /till1|desk1/.test(p))).toEqual([
      'participant till1 as till1<br/>127.0.23.10 over tcp',
      'participant desk1 as desk1<br/>127.0.23.11',
    ]);
  });
});
