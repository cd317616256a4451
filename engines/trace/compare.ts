// The comparison of the simulator's trace with what crossed a real wire: around the real
// Kamailio in `surv replay`, in a capture in `surv trace`. Two ladders agree when their messages pair up one to one with, for each
// pair, the same sender and receiver, the same method or code, the same CSeq method and
// the same Contact target, and for a reply the same reason phrase; when the pairs keep
// both ladders' order on every link (sender -> receiver), except two messages of one
// timer tick; and when each pair is within the tolerance in time.
import { startLine } from '../simulate/message.js';
import type { TraceEntry } from '../simulate/types.js';

/** One message of either ladder, as compared. */
export interface Step {
  /** ms since the scenario's time 0 (the simulator's are whole ms). */
  readonly atMs: number;
  readonly from: string;
  readonly to: string;
  /** Method (requests) or code (replies). */
  readonly summary: string;
  /** CSeq method. */
  readonly method: string;
  readonly contact: string | undefined;
  /** The first line of the message (request line or status line). */
  readonly line: string;
  /** An INVITE's numbers: its Request-URI and the calling identity it carries (P-Asserted-Identity, Privacy). */
  readonly numbers?: string | undefined;
}

export type RowStatus = 'ok' | 'late' | 'early' | 'missing' | 'extra' | 'reason' | 'numbers';

/**
 * Kamailio's timer grain (tm and the core timer tick 16 times a second): messages sent
 * within one tick of each other have no order the simulator can be held to.
 */
export const tickMs = 62.5;

export interface Row {
  readonly sim: Step | undefined;
  readonly live: Step | undefined;
  /** live - sim, ms; paired rows only. */
  readonly deltaMs: number | undefined;
  readonly status: RowStatus;
}

export interface Comparison {
  readonly agree: boolean;
  readonly toleranceMs: number;
  readonly rows: readonly Row[];
  /** The largest |live - sim| over paired rows (0 with none). */
  readonly maxDeltaMs: number;
  /** Pairs kept although they cross another pair of their link: both within one tick of each other on each side. */
  readonly sameTickSwaps: number;
  /** Kamailio's probes (OPTIONS and their replies) after the simulator stopped probing: not compared. */
  readonly probesAfterHorizon: number;
  /** When the simulator stopped probing (its last OPTIONS), if it probed. */
  readonly probeHorizonMs: number | undefined;
}

/** The simulator's side, from each entry's parsed message (its text is never rendered). */
export function simSteps(trace: readonly TraceEntry[]): Step[] {
  return trace.filter((e) => e.lost !== true).map((e) => ({
    atMs: e.atMs, from: e.from, to: e.to, summary: e.summary, method: e.method, contact: e.message.contact?.[0]?.uri, line: startLine(e.message),
    numbers: e.message.method === 'INVITE' ? numbersOf(e.message.uri, e.message.pai, e.message.privacy) : undefined,
  }));
}

/** What an INVITE says about numbers: the called one (its Request-URI) and the calling identity the edge presents. */
export function numbersOf(uri: string | undefined, pai: string | undefined, privacy: string | undefined): string {
  return `${uri ?? ''}${pai === undefined ? '' : ` P-Asserted-Identity: ${pai}`}${privacy === undefined ? '' : ` Privacy: ${privacy}`}`;
}

const keyOf = (s: Step) => `${s.summary} ${s.method} ${s.contact ?? ''}`;
const linkOf = (s: Step) => `${s.from}>${s.to}`;

/** A reply's reason phrase (undefined for a request). */
export function reasonOf(s: Step): string | undefined {
  const m = /^SIP\/2\.0 \d{3} ?(.*)$/.exec(s.line);
  return m ? m[1] : undefined;
}

/**
 * After the in-order pairing, pairs two left-over messages of the same key when the
 * only pairs they cross are of the same timer tick on both sides: two messages of one
 * tick (a failure route's relay and a CANCEL, two branches' replies) leave Kamailio in
 * an order that depends on which list its timer walks first, not on the design. A
 * misorder across ticks still leaves both unpaired. Returns how many such pairs it made.
 */
function pairSameTick(sim: readonly Step[], live: readonly Step[], partner: (number | undefined)[]): number {
  const taken = new Set(partner.filter((j): j is number => j !== undefined));
  let swaps = 0;
  for (let i = 0; i < sim.length; i++) {
    if (partner[i] !== undefined) continue;
    let best: number | undefined;
    for (let j = 0; j < live.length; j++) {
      if (taken.has(j) || keyOf(live[j]!) !== keyOf(sim[i]!)) continue;
      const crossesOnlyTick = partner.every((pj, pi) => pj === undefined
        || !((pi < i && pj > j) || (pi > i && pj < j))
        || (Math.abs(sim[pi]!.atMs - sim[i]!.atMs) <= tickMs && Math.abs(live[pj]!.atMs - live[j]!.atMs) <= tickMs));
      if (crossesOnlyTick && (best === undefined || Math.abs(live[j]!.atMs - sim[i]!.atMs) < Math.abs(live[best]!.atMs - sim[i]!.atMs))) best = j;
    }
    if (best === undefined) continue;
    partner[i] = best;
    taken.add(best);
    swaps++;
  }
  return swaps;
}

/**
 * The pairing of one link's messages: the longest common subsequence of their keys (so
 * the pairs keep both orders), among those the one with the smallest total time
 * difference. Returns, per simulator message, the index of its live partner.
 */
function align(sim: readonly Step[], live: readonly Step[]): (number | undefined)[] {
  const n = sim.length;
  const m = live.length;
  // Once per step: the pairing compares every step of one side with every step of the other.
  const simKeys = sim.map(keyOf);
  const liveKeys = live.map(keyOf);
  // best[i][j]: for sim[i..] and live[j..], the most pairs and, at that, the least |delta| sum.
  const pairs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  const cost: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  const better = (p: number, c: number, i: number, j: number) => p > pairs[i]![j]! || (p === pairs[i]![j]! && c < cost[i]![j]!);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      let p = pairs[i + 1]![j]!;
      let c = cost[i + 1]![j]!;
      if (pairs[i]![j + 1]! > p || (pairs[i]![j + 1]! === p && cost[i]![j + 1]! < c)) {
        p = pairs[i]![j + 1]!;
        c = cost[i]![j + 1]!;
      }
      pairs[i]![j] = p;
      cost[i]![j] = c;
      if (simKeys[i] === liveKeys[j]) {
        const mp = pairs[i + 1]![j + 1]! + 1;
        const mc = cost[i + 1]![j + 1]! + Math.abs(live[j]!.atMs - sim[i]!.atMs);
        if (better(mp, mc, i, j)) {
          pairs[i]![j] = mp;
          cost[i]![j] = mc;
        }
      }
    }
  }
  const partner: (number | undefined)[] = new Array<number | undefined>(n).fill(undefined);
  for (let i = 0, j = 0; i < n && j < m;) {
    if (simKeys[i] === liveKeys[j] && pairs[i]![j] === pairs[i + 1]![j + 1]! + 1
      && cost[i]![j] === cost[i + 1]![j + 1]! + Math.abs(live[j]!.atMs - sim[i]!.atMs)) {
      partner[i] = j;
      i++;
      j++;
    } else if (pairs[i]![j] === pairs[i + 1]![j] && cost[i]![j] === cost[i + 1]![j]) {
      i++;
    } else {
      j++;
    }
  }
  return partner;
}

/**
 * Pairs `sim` with `live` (both in the order they happened), link by link. Kamailio
 * keeps probing after the simulator's horizon (its last probe); those live OPTIONS are
 * counted apart, never compared.
 */
export function compare(sim: readonly Step[], live: readonly Step[], toleranceMs: number): Comparison {
  const probes = sim.filter((s) => s.method === 'OPTIONS');
  const probeHorizonMs = probes.length > 0 ? Math.max(...probes.map((s) => s.atMs)) : undefined;
  const afterHorizon = (s: Step) => s.method === 'OPTIONS' && (probeHorizonMs === undefined || s.atMs > probeHorizonMs + toleranceMs);
  const kept = live.filter((s) => !afterHorizon(s));
  const probesAfterHorizon = live.length - kept.length;

  const links = new Set([...sim, ...kept].map(linkOf));
  const partnerOf = new Map<Step, Step>();
  const taken = new Set<Step>();
  let sameTickSwaps = 0;
  for (const link of links) {
    const s = sim.filter((x) => linkOf(x) === link);
    const l = kept.filter((x) => linkOf(x) === link);
    const partner = align(s, l);
    sameTickSwaps += pairSameTick(s, l, partner);
    partner.forEach((j, i) => {
      if (j === undefined) return;
      partnerOf.set(s[i]!, l[j]!);
      taken.add(l[j]!);
    });
  }

  const rows: (Row & { readonly sortMs: number })[] = sim.map((s) => {
    const l = partnerOf.get(s);
    if (l === undefined) return { sim: s, live: undefined, deltaMs: undefined, status: 'missing', sortMs: s.atMs };
    const deltaMs = l.atMs - s.atMs;
    const status: RowStatus = reasonOf(l) !== reasonOf(s) ? 'reason' : l.numbers !== s.numbers ? 'numbers' : deltaMs > toleranceMs ? 'late' : deltaMs < -toleranceMs ? 'early' : 'ok';
    return { sim: s, live: l, deltaMs, status, sortMs: s.atMs };
  });
  for (const l of kept) {
    if (taken.has(l)) continue;
    // An extra message goes after the last row at or before its time.
    let at = rows.length;
    while (at > 0 && rows[at - 1]!.sortMs > l.atMs) at--;
    rows.splice(at, 0, { sim: undefined, live: l, deltaMs: undefined, status: 'extra', sortMs: l.atMs });
  }
  const deltas = rows.flatMap((r) => (r.deltaMs === undefined ? [] : [Math.abs(r.deltaMs)]));
  return {
    agree: rows.every((r) => r.status === 'ok'),
    toleranceMs,
    rows: rows.map(({ sim: s, live: l, deltaMs, status }) => ({ sim: s, live: l, deltaMs, status })),
    maxDeltaMs: deltas.length > 0 ? Math.max(...deltas) : 0,
    sameTickSwaps,
    probesAfterHorizon,
    probeHorizonMs,
  };
}
