// Live runs for `surv trace` (issue 13): scenarios of test/kamailio/fixtures/trace/branch.surv
// played by the simulator's actors against the exported bundle in a real Kamailio, as
// `surv replay` plays them (io/replay), with two test-only hooks replay() has not:
//  - a salt in every Call-ID, so the scenarios of one capture never share a Call-ID
//    (the simulator numbers them from 1 in every run: `c1@127.0.29.10` each time, and a
//    tracer would rightly merge those into one call);
//  - `mutate`, a change to the exported kamailio.cfg before Kamailio starts: the
//    deliberately mis-exported configuration the tracer must catch.
// Otherwise the same steps as replay(): bind the actors, start Kamailio, play, settle, stop.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { analyze, type Analysis, type Branch, type Scenario } from '../../grammar/src/index.js';
import { buildBundle, Sources, type SourceText } from '../../engines/export/index.js';
import type { SimulateOptions } from '../../engines/simulate/types.js';
import { defaultSettleMs, type WireEntry } from '../../io/replay/index.js';
import { startKamailio, type RunningKamailio } from '../../io/replay/kamailio.js';
import { LiveSimulation } from '../../io/replay/live.js';
import { simulate } from '../../engines/simulate/index.js';
import { join } from 'node:path';
import { root } from './support.js';

export const traceDesignUri = 'test/kamailio/fixtures/trace/branch.surv';
/**
 * tcpdump's filter: the design's loopback range (the edge's TCP connections to till1
 * leave from 127.0.0.1, towards it), without the edge talking to itself: that is only
 * io/replay's readiness check (OPTIONS from the edge's own address until Kamailio
 * answers) and the ICMP errors of its unanswered tries, ten or so per Kamailio start.
 */
export const traceFilter = 'net 127.0.29.0/24 and not (src host 127.0.29.1 and dst host 127.0.29.1)';
/** Shorter calls than the simulator's default 5 s of talk: the captures stay small and the runs quick. */
export const traceSimulate: SimulateOptions = { talkMs: 1000 };

export interface Design {
  readonly uri: string;
  readonly analysis: Analysis;
  readonly branch: Branch;
  readonly files: ReadonlyMap<string, SourceText>;
  readonly root: string;
}

/** A design analysed as the CLI does (the path relative to the repository); throws on errors. */
export function loadDesign(uri = traceDesignUri): Design {
  const analysis = analyze([{ uri, text: readFileSync(join(root, uri), 'utf8') }], { symbols: false });
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`${uri} has errors: ${errors.map((d) => d.message).join('; ')}`);
  const branch = analysis.model.branches[0];
  if (!branch) throw new Error(`${uri} has no branch`);
  const files = new Map([...analysis.files].map(([u, p]) => [u, { text: p.text, lines: p.lines }]));
  return { uri, analysis, branch, files, root: dirname(uri) };
}

export function scenarioOf(design: Design, title: string): Scenario {
  const s = design.analysis.model.scenarios.find((x) => x.title === title);
  if (!s) throw new Error(`no scenario "${title}" in ${design.uri}`);
  return s;
}

/** The simulator's Call-IDs and tags, each with a salt: unique across the runs of one capture. */
class SaltedLiveSimulation extends LiveSimulation {
  salt = '';
  override next(prefix: string): string {
    return `${super.next(prefix)}${this.salt}`;
  }
}

export interface LiveRun {
  readonly scenario: string;
  /** Every message between the actors and Kamailio (replay's wire log). */
  readonly wire: readonly WireEntry[];
  /** The wire log's time 0, in ms since the Unix epoch. */
  readonly originEpochMs: number;
  /** Where each actor was: name -> address:port and transport (edge: Kamailio's listen address). */
  readonly actors: ReadonlyMap<string, { readonly address: string; readonly port: number; readonly transport: 'udp' | 'tcp' }>;
  /** What the simulator expects of the scenario (the correct bundle's behaviour). */
  readonly simulated: ReturnType<typeof simulate>;
  readonly kamailioLog: string;
  /**
   * The worst lag of this process's event loop during the run (ms): how late the wire log
   * may have stamped a message the actors got (they are handed it when the loop gets to it).
   */
  readonly loopLagMs: number;
  readonly unreadable: readonly { readonly atMs: number; readonly to: string; readonly error: string }[];
}

export interface LiveOptions {
  /** Appended to every Call-ID and tag the simulator makes (e.g. `.s3`). */
  readonly salt: string;
  /** Changes the exported kamailio.cfg before Kamailio runs it. */
  readonly mutate?: (cfg: string) => string;
  readonly settleMs?: number;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** One scenario against the real Kamailio (no probing in these designs: time 0 is Kamailio's readiness). */
export async function runLive(design: Design, scenario: Scenario, options: LiveOptions): Promise<LiveRun> {
  const simulated = simulate(design.branch, scenario, traceSimulate);
  const bundle = buildBundle(design.branch, new Sources(design.files, design.root), { target: 'debian', toolVersion: 'test' });
  const file = (path: string) => bundle.files.find((f) => f.path === path)?.content;
  const exported = file('kamailio.cfg');
  if (exported === undefined) throw new Error('the export made no kamailio.cfg');
  const cfg = options.mutate ? options.mutate(exported) : exported;
  const live = new SaltedLiveSimulation(design.branch, scenario, traceSimulate);
  live.salt = options.salt;
  let kamailio;
  try {
    await live.bind();
    kamailio = await startKamailio({ cfg, dispatcherList: file('dispatcher.list') }, live.edgeAddress);
  } catch (error) {
    live.close();
    throw error;
  }
  const origin = performance.now();
  const lag = monitorEventLoopDelay({ resolution: 1 });
  lag.enable();
  try {
    live.begin(origin);
    const last = simulated.trace.reduce((m, e) => Math.max(m, e.atMs), 0);
    await sleep(Math.max(0, last + (options.settleMs ?? defaultSettleMs) - (performance.now() - origin)));
  } finally {
    lag.disable();
    live.close();
    await kamailio.stop();
  }
  const actors = new Map<string, { address: string; port: number; transport: 'udp' | 'tcp' }>();
  for (const node of live.nodes.values()) actors.set(node.name, { address: node.host, port: node.port, transport: node.transport === 'TCP' ? 'tcp' : 'udp' });
  actors.set('edge', { address: live.edgeAddress.address, port: live.edgeAddress.port, transport: 'udp' });
  return {
    scenario: scenario.title, wire: [...live.wire], originEpochMs: performance.timeOrigin + origin, actors, simulated,
    kamailioLog: kamailio.log(), loopLagMs: lag.max / 1e6, unreadable: [...live.unreadable],
  };
}

/**
 * The mis-exported configuration: failure_route[OUTBOUND_FAILED] without its "it rang and
 * nobody answered" block (engines/export/cfg-routes.ts), so a ring-no-answer timeout is
 * treated as a silent upstream and diverts to survival. Throws when the block is not
 * there exactly once (the exporter changed: this test must follow it).
 */
export function withoutRangCheck(cfg: string): string {
  const block = /\t\tif \(t_branch_replied\(\) && isflagset\(\d+\)\) \{\n\t\t\t# It rang and nobody answered[^\n]*\n\t\t\txlog\([^\n]*\n\t\t\texit;\n\t\t\}\n/g;
  const route = /failure_route\[OUTBOUND_FAILED\] \{[\s\S]*?\n\}\n/.exec(cfg);
  if (!route) throw new Error('the exported kamailio.cfg has no failure_route[OUTBOUND_FAILED]');
  const found = route[0].match(block) ?? [];
  if (found.length !== 1) throw new Error(`failure_route[OUTBOUND_FAILED]: expected its one "it rang" block, found ${found.length}:\n${route[0]}`);
  return cfg.replace(route[0], route[0].replace(block, ''));
}

/**
 * The mis-exported run goes on after the correct bundle's last message (408 at 3 s): its
 * wrong survival sends the phone to pstn, which rings 2 s and answers, and the call lasts
 * 1 s. Long enough for the whole wrong call to be captured.
 */
export const misexportSettleMs = 5000;

/** The design's bundle in a real Kamailio, for the SIPp runs (no actors of ours: SIPp plays them). */
export async function startBundle(design: Design, mutate?: (cfg: string) => string): Promise<RunningKamailio> {
  const bundle = buildBundle(design.branch, new Sources(design.files, design.root), { target: 'debian', toolVersion: 'test' });
  const file = (path: string) => bundle.files.find((f) => f.path === path)?.content;
  const exported = file('kamailio.cfg');
  if (exported === undefined) throw new Error('the export made no kamailio.cfg');
  const listen = design.branch.listens.value.find((l) => l.transport === 'udp');
  if (!listen) throw new Error(`${design.uri}: the edge has no udp listen address`);
  return startKamailio({ cfg: mutate ? mutate(exported) : exported, dispatcherList: file('dispatcher.list') }, { address: listen.address, port: listen.port });
}
