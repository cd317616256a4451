// Replay: one scenario of a branch played twice, on the simulator's virtual clock and
// against the exported kamailio.cfg running in a real Kamailio on loopback, and the two
// ladders compared (docs/replay.md).
import { performance } from 'node:perf_hooks';
import type { Branch, Scenario } from '../../grammar/src/index.js';
import { buildBundle, Sources, type SourceText } from '../../engines/export/index.js';
import { simulate } from '../../engines/simulate/index.js';
import type { SimulateOptions, SimulationResult } from '../../engines/simulate/types.js';
import { compare, liveSteps, simSteps, type Comparison } from './compare.js';
import { checkReplayable } from './guard.js';
import { kamailioBin, startKamailio } from './kamailio.js';
import { LiveSimulation, type WireEntry } from './live.js';

export { checkReplayable, isLoopback, ReplayError } from './guard.js';
export { kamailioBin, kamailioMissing, killAllNow } from './kamailio.js';
export { formatLadder, summary } from './ladder.js';
export type { Comparison, Row, RowStatus, Step } from './compare.js';
export type { WireEntry } from './live.js';

/** Kamailio's timers tick every 62.5 ms and fire up to a tick early; loopback and Node add a few ms. */
export const defaultToleranceMs = 150;

/** How long the wire is watched after the simulator's last message, for anything Kamailio sends that it does not. */
export const defaultSettleMs = 1500;

export interface ReplayOptions {
  /** The analysed files the branch came from (the bundle's comments name them), and their folder. */
  readonly files: ReadonlyMap<string, SourceText>;
  readonly root: string;
  readonly toolVersion: string;
  readonly toleranceMs?: number;
  readonly settleMs?: number;
  /** For both runs: ring and talk times, following redirects (SimulateOptions). */
  readonly simulate?: SimulateOptions;
  readonly kamailio?: string;
  /** The bundle as `surv export --kamailio VERSION` writes it (older forms where needed). */
  readonly kamailioVersion?: string;
  /**
   * Called once the scenario has played, while Kamailio still runs, with its control
   * socket (`kamcmd -s unix:PATH ...`): for the live tests that read its counters.
   */
  readonly beforeStop?: (controlSocket: string) => void | Promise<void>;
}

export interface ReplayResult {
  /** The comparison agrees and every datagram was SIP. */
  readonly agree: boolean;
  readonly scenario: string;
  readonly branch: string;
  readonly simulation: SimulationResult;
  /** Every datagram between the actors and Kamailio. */
  readonly wire: readonly WireEntry[];
  readonly comparison: Comparison;
  /** Kamailio's stderr: where to look when the ladders differ. */
  readonly kamailioLog: string;
  /** Datagrams the actors got that were not SIP. */
  readonly unreadable: readonly { readonly atMs: number; readonly to: string; readonly error: string }[];
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Replays `scenario` (throws ReplayError, located, for a design replay refuses; an
 * ExportError for one the exporter refuses; an Error when Kamailio cannot start).
 */
export async function replay(branch: Branch, scenario: Scenario, options: ReplayOptions): Promise<ReplayResult> {
  checkReplayable(branch, scenario);
  const simulation = simulate(branch, scenario, options.simulate);
  const bundle = buildBundle(branch, new Sources(options.files, options.root), { target: 'debian', toolVersion: options.toolVersion, ...(options.kamailioVersion !== undefined ? { kamailio: options.kamailioVersion } : {}) });
  const file = (path: string) => bundle.files.find((f) => f.path === path)?.content;
  const cfg = file('kamailio.cfg');
  if (cfg === undefined) throw new Error('the export made no kamailio.cfg');

  const live = new LiveSimulation(branch, scenario, options.simulate ?? {});
  const probing = branch.upstreams.some((u) => u.probe !== undefined);
  let kamailio;
  try {
    await live.bind();
    kamailio = await startKamailio({ cfg, dispatcherList: file('dispatcher.list') }, live.edgeAddress, options.kamailio ?? kamailioBin);
  } catch (error) {
    live.close();
    throw error;
  }
  try {
    // dispatcher probes on a grid counted from Kamailio's start, the simulator from the
    // scenario's time 0: with probing, time 0 is Kamailio's start (checkReplayable
    // refuses events before 1 s), otherwise the moment it is ready.
    const origin = probing ? kamailio.startedAt : performance.now();
    live.begin(origin);
    const last = simulation.trace.reduce((m, e) => Math.max(m, e.atMs), 0);
    const endMs = last + (options.settleMs ?? defaultSettleMs);
    await sleep(Math.max(0, endMs - (performance.now() - origin)));
    await options.beforeStop?.(kamailio.controlSocket);
  } finally {
    live.close();
    await kamailio.stop();
  }
  const comparison = compare(simSteps(simulation.trace), liveSteps(live.wire), options.toleranceMs ?? defaultToleranceMs);
  return {
    agree: comparison.agree && live.unreadable.length === 0,
    scenario: scenario.title, branch: branch.name, simulation, wire: live.wire, comparison, kamailioLog: kamailio.log(), unreadable: live.unreadable,
  };
}
