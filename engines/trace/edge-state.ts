// What the edge knew when a call began, read off the capture: which upstreams and gateways
// its OPTIONS probes had marked down, and how many of each gateway's channels other calls
// held. A call is judged on its own, but the edge's choice of gateway depends on both, so
// the simulator starts from this state (SimulateOptions.initially). Bounded: a few probe
// results per peer, one entry per call holding a channel, pending probes capped.
import type { PlanProbe } from '../plan/index.js';
import type { BranchEntry } from './directory.js';
import type { ObservedRecord } from './observed.js';
import type { Participant } from './types.js';

/** A gateway channel another call held, in ms from the judged call's start. */
export interface Hold {
  readonly gateway: string;
  readonly fromMs: number;
  readonly untilMs: number | undefined;
}

interface HoldUs {
  readonly gateway: string;
  readonly callId: string;
  readonly fromUs: number;
  untilUs: number | undefined;
}

interface ProbeResult {
  readonly sentUs: number;
  ok: boolean | undefined;
}

const keptResults = 16;
const maxPending = 10_000;

export class EdgeWatch {
  private readonly results = new Map<BranchEntry, Map<string, ProbeResult[]>>();
  private readonly pending = new Map<string, ProbeResult>();
  /** Per branch: every channel hold not yet forgotten, and the open ones by `gateway|callId`. */
  private readonly holds = new Map<BranchEntry, { all: HoldUs[]; open: Map<string, HoldUs> }>();

  /** Takes note of one message of a call through `branch`'s edge. */
  observe(branch: BranchEntry, e: ObservedRecord, kindOf: (name: string) => Participant['kind'] | undefined): void {
    if (e.retransmission > 0) return;
    const callId = e.scanned.callId;
    if (e.method === 'OPTIONS') {
      if (e.status === undefined && e.from === 'edge' && this.probeOf(branch, e.to) !== undefined) {
        const list = this.listOf(branch, e.to);
        const r: ProbeResult = { sentUs: e.timeUs, ok: undefined };
        list.push(r);
        if (list.length > keptResults) list.shift();
        if (this.pending.size >= maxPending) this.pending.delete(this.pending.keys().next().value!);
        this.pending.set(`${e.to}|${e.transaction}`, r);
      } else if (e.status !== undefined && e.to === 'edge' && e.status >= 200) {
        const r = this.pending.get(`${e.from}|${e.transaction}`);
        if (r !== undefined) {
          r.ok = e.status < 300;
          this.pending.delete(`${e.from}|${e.transaction}`);
        }
      }
      return;
    }
    const gateway = kindOf(e.from) === 'gateway' ? e.from : kindOf(e.to) === 'gateway' ? e.to : undefined;
    if (gateway === undefined) {
      if (e.summary === 'BYE') this.release(branch, callId, e.timeUs);
      return;
    }
    const h = this.holdsOf(branch);
    const key = `${gateway}|${callId}`;
    if (e.summary === 'INVITE' && e.scanned.toTag === undefined) {
      if (!h.open.has(key)) {
        const hold: HoldUs = { gateway, callId, fromUs: e.timeUs, untilUs: undefined };
        h.open.set(key, hold);
        h.all.push(hold);
      }
    } else if (e.summary === 'BYE' || (e.method === 'INVITE' && (e.status ?? 0) >= 300)) {
      const hold = h.open.get(key);
      if (hold) {
        hold.untilUs = e.timeUs;
        h.open.delete(key);
      }
    }
  }

  /** The call is over: whatever channel it held is free from `atUs`. */
  release(branch: BranchEntry, callId: string, atUs: number): void {
    const h = this.holds.get(branch);
    if (!h) return;
    for (const [key, hold] of h.open) {
      if (hold.callId !== callId) continue;
      hold.untilUs = atUs;
      h.open.delete(key);
    }
  }

  /** Holds that ended before `us` concern no call still open: forgotten, so memory stays bounded. */
  forgetBefore(us: number): void {
    for (const h of this.holds.values()) {
      // Amortised: filter only once the ended holds outnumber the open ones.
      if (h.all.length > 2 * h.open.size + 64) h.all = h.all.filter((x) => (x.untilUs ?? Infinity) >= us);
    }
  }

  /**
   * Channels other calls held while a call ran (`startUs` to `endUs`), in ms from its start:
   * only for gateways where they could have filled every channel (a gateway without a
   * channel count, or with fewer such holds than channels, never turns the call away).
   */
  holdsDuring(branch: BranchEntry, startUs: number, endUs: number, callId: string): Hold[] {
    const during = (this.holds.get(branch)?.all ?? []).filter((x) => x.callId !== callId && (x.untilUs ?? Infinity) > startUs && x.fromUs < endUs);
    const count = new Map<string, number>();
    for (const x of during) count.set(x.gateway, (count.get(x.gateway) ?? 0) + 1);
    const matters = (gateway: string) => {
      const channels = branch.plan.gateways.find((g) => g.name === gateway)?.channels;
      return channels !== undefined && (count.get(gateway) ?? 0) >= channels;
    };
    return during.filter((x) => matters(x.gateway))
      .map((x) => ({ gateway: x.gateway, fromMs: Math.max(0, (x.fromUs - startUs) / 1000), untilMs: x.untilUs === undefined ? undefined : (x.untilUs - startUs) / 1000 }));
  }

  /** What probing had marked down at capture time `nowUs`. */
  markedDownAt(branch: BranchEntry, nowUs: number): string[] {
    const markedDown: string[] = [];
    for (const [peer, list] of this.results.get(branch) ?? []) {
      const probe = this.probeOf(branch, peer)!;
      let fails = 0;
      let oks = 0;
      let down = false;
      for (const r of list) {
        // A probe still unanswered after its timeout failed; one still within it says nothing yet.
        const ok = r.ok ?? (r.sentUs + probe.timeoutMs * 1000 <= nowUs ? false : undefined);
        if (ok === undefined) continue;
        if (ok) {
          fails = 0;
          oks++;
          if (down && oks >= probe.upAfter) down = false;
        } else {
          oks = 0;
          fails++;
          if (fails >= probe.downAfter) down = true;
        }
      }
      if (down) markedDown.push(peer);
    }
    return markedDown;
  }

  private probeOf(branch: BranchEntry, name: string): PlanProbe | undefined {
    return branch.plan.upstreams.find((u) => u.name === name)?.probe ?? branch.plan.gateways.find((g) => g.name === name)?.probe;
  }

  private listOf(branch: BranchEntry, peer: string): ProbeResult[] {
    let peers = this.results.get(branch);
    if (!peers) this.results.set(branch, (peers = new Map()));
    let list = peers.get(peer);
    if (!list) peers.set(peer, (list = []));
    return list;
  }

  private holdsOf(branch: BranchEntry): { all: HoldUs[]; open: Map<string, HoldUs> } {
    let h = this.holds.get(branch);
    if (!h) this.holds.set(branch, (h = { all: [], open: new Map() }));
    return h;
  }
}
