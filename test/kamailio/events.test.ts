// Survival events and counters on the real Kamailio (issue 12 item 7): a replayed
// scenario's `surv-event` lines in Kamailio's log are the simulator's, field for field
// (the time aside: the proxy's is Unix time), and the statistics module's counters,
// read with kamcmd over the ctl socket while it still runs, count them. Whether the two
// ladders agree is test/kamailio/replay.test.ts's to say, for the same scenarios.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../grammar/src/index.js';
import { kamailioMissing, replay } from '../../io/replay/index.js';
import { root } from './support.js';

/** One fixture's branch and scenario, analysed as the CLI does. */
function scenarioOf(file: string, title: string) {
  const uri = relative(root, join(root, file));
  const analysis = analyze([{ uri, text: readFileSync(join(root, uri), 'utf8') }], { symbols: false });
  const scenario = analysis.model.scenarios.find((s) => s.title === title)!;
  const branch = analysis.model.branches.find((b) => b.name === scenario.branch)!;
  const files = new Map([...analysis.files].map(([u, p]) => [u, { text: p.text, lines: p.lines }]));
  return { branch, scenario, files, root: dirname(uri) };
}

/** kamcmd's answer for each counter: `stats.get_statistics NAME` prints `script:NAME = N`. */
function counters(socket: string, names: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of names) {
    const r = spawnSync('kamcmd', ['-s', `unix:${socket}`, 'stats.get_statistics', name], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`kamcmd stats.get_statistics ${name} failed: ${r.stderr}`);
    const m = new RegExp(`^\\S*\\b${name} = (\\d+)$`, 'm').exec(r.stdout);
    out[name] = m ? Number(m[1]) : Number.NaN;
  }
  return out;
}

/** The event lines, without their time (the simulator's is virtual, the proxy's Unix time). */
const untimed = (lines: readonly string[]) => lines.map((l) => l.replace(/ t=\S+/, ''));
const logged = (log: string) => [...log.matchAll(/surv-event [^\n]*/g)].map((m) => m[0].trimEnd());

const names = ['survival_calls', 'upstream_down', 'upstream_up', 'local_calls', 'gateway_relays', 'gateway_redirects'];

describe('survival events and counters: the simulator against the exported bundle in a real Kamailio', () => {
  beforeAll(() => {
    const missing = kamailioMissing();
    if (missing) throw new Error(missing);
  });

  it('a call whose upstreams are silent, then 100-then-nothing: survival-start, then the relay to pstn; each counted once', async () => {
    const s = scenarioOf('test/kamailio/fixtures/replay/trying.surv', 'hq-a silent, hq-b trying: survival at no-answer + trying');
    let read: Record<string, number> = {};
    const r = await replay(s.branch, s.scenario, { files: s.files, root: s.root, toolVersion: 'test', beforeStop: (socket) => { read = counters(socket, names); } });
    const sim = r.simulation.events.map((e) => e.line);
    expect(sim).toEqual([
      'surv-event branch=replay-trying event=survival-start direction=outbound upstream=hq-b t=5.000 call-id=c1@127.0.24.10',
      'surv-event branch=replay-trying event=survival-relay direction=outbound gateway=pstn t=5.000 call-id=c1@127.0.24.10',
    ]);
    const live = logged(r.kamailioLog);
    expect(untimed(live)).toEqual(untimed(sim));
    expect(live[0]).toMatch(/ t=\d{10}\.\d{6} /);
    expect(read).toEqual({ survival_calls: 1, upstream_down: 0, upstream_up: 0, local_calls: 0, gateway_relays: 1, gateway_redirects: 0 });
  }, 60_000);

  it('probing marks the upstream down, then a call goes straight to survival: upstream-down, survival-start, the redirect, in order', async () => {
    const s = scenarioOf('test/kamailio/fixtures/replay/probing.surv', 'cloud silent: marked down, then straight to survival');
    let read: Record<string, number> = {};
    const r = await replay(s.branch, s.scenario, { files: s.files, root: s.root, toolVersion: 'test', beforeStop: (socket) => { read = counters(socket, names); } });
    const sim = r.simulation.events.map((e) => e.line);
    expect(untimed(sim)).toEqual([
      'surv-event branch=replay-probing event=upstream-down upstream=cloud',
      'surv-event branch=replay-probing event=survival-start direction=outbound upstream=none call-id=c5@127.0.2.10',
      'surv-event branch=replay-probing event=survival-redirect direction=outbound gateway=pstn call-id=c5@127.0.2.10',
    ]);
    expect(untimed(logged(r.kamailioLog))).toEqual(untimed(sim));
    expect(read).toEqual({ survival_calls: 1, upstream_down: 1, upstream_up: 0, local_calls: 0, gateway_relays: 0, gateway_redirects: 1 });
  }, 60_000);

  it('a call between two phones in survival: survival-start, then local-call; both counted', async () => {
    const s = scenarioOf('test/kamailio/fixtures/replay/local.surv', 'cloud silent: desk1 calls 102, the edge rings desk2');
    let read: Record<string, number> = {};
    const r = await replay(s.branch, s.scenario, { files: s.files, root: s.root, toolVersion: 'test', beforeStop: (socket) => { read = counters(socket, names); } });
    const sim = r.simulation.events.map((e) => e.line);
    expect(untimed(sim)).toEqual([
      'surv-event branch=replay-local event=survival-start direction=outbound upstream=cloud call-id=c1@127.0.20.10',
      'surv-event branch=replay-local event=local-call direction=local call-id=c1@127.0.20.10',
    ]);
    expect(untimed(logged(r.kamailioLog))).toEqual(untimed(sim));
    expect(read).toEqual({ survival_calls: 1, upstream_down: 0, upstream_up: 0, local_calls: 1, gateway_relays: 0, gateway_redirects: 0 });
  }, 60_000);
});
