// Dispatcher-style OPTIONS probing by the edge proxy (ds_ping_interval, ds_probing_threshold,
// ds_inactive_threshold, and surv's holdoff; see docs/simulator.md).
import { survivalEvent } from './events.js';
import type { Node, SimulationHost } from './host.js';
import { request, type Transport, type Via } from './message.js';
import type { TimerHandle } from './scheduler.js';
import { hostPort } from './sip.js';
import type { SurvivalEventEntry } from './types.js';

export interface Mark {
  readonly atMs: number;
  readonly actor: string;
  readonly event: 'marked-down' | 'marked-up';
  readonly cause: string;
}

interface Probe {
  readonly upstream: Node;
  done: boolean;
  readonly timers: TimerHandle[];
}

export class Prober {
  readonly markedDown = new Set<string>();
  readonly marks: Mark[] = [];
  /** upstream-down / upstream-up, as dispatcher's dst-down / dst-up events log them. */
  readonly events: SurvivalEventEntry[] = [];
  /** Dispatcher's own view, holdoff aside: what its dst-down / dst-up events follow. */
  private readonly dispatcherDown = new Set<string>();
  private readonly probes = new Map<string, Probe>();
  private readonly state = new Map<string, { fails: number; oks: number; downAt: number }>();

  /** `edge`: the prober's node; `via`: its Via for a branch id. */
  constructor(private readonly sim: SimulationHost, private readonly edge: Node, private readonly via: (branch: string, transport: Transport) => Via) {}

  /** `SimulateOptions.initially`: marked down before the run starts (`surv trace`: the capture showed it so). */
  startDown(name: string): void {
    this.markedDown.add(name);
    this.dispatcherDown.add(name);
  }

  /** The probe settings of an upstream or a gateway (dispatcher probes both alike). */
  private probeOf(name: string) {
    const plan = this.sim.plan;
    return plan.upstreams.find((x) => x.name === name)?.probe ?? plan.gateways.find((x) => x.name === name)?.probe;
  }

  /** Probes `name` on a fixed grid from start-up (first at `every`), until `horizonMs`. */
  start(name: string, horizonMs: number): void {
    const settings = this.probeOf(name);
    const node = this.sim.nodes.get(name);
    if (!settings || !node) return;
    const every = settings.everyMs;
    const timeout = settings.timeoutMs;
    this.state.set(name, { fails: 0, oks: 0, downAt: 0 });
    const tick = () => {
      if (this.sim.clock.now > horizonMs) return;
      this.probe(node, timeout);
      this.sim.clock.after(every, tick);
    };
    this.sim.clock.after(every, tick);
  }

  private probe(upstream: Node, timeoutMs: number): void {
    const id = `z9hG4bKds${this.sim.next('')}`;
    // The dispatcher destination as exported: always with its port (and transport).
    const uri = `sip:${hostPort(upstream.host, undefined)}:${upstream.port}${upstream.transport === 'UDP' ? '' : `;transport=${upstream.transport.toLowerCase()}`}`;
    const edge = this.edge;
    const msg = request('OPTIONS', uri, {
      via: [this.via(id, upstream.transport)], maxForwards: 70, from: { uri: `sip:dispatcher@${hostPort(edge.host, edge.port)}`, tag: this.sim.next('k') },
      to: { uri }, callId: `${id}@${hostPort(edge.host, undefined)}`, cseq: 1, cseqMethod: 'OPTIONS',
    });
    const p: Probe = { upstream, done: false, timers: [] };
    this.probes.set(id, p);
    if (!this.sim.send(edge, upstream, msg, -1, `probe ${upstream.name}`)) {
      // The TCP connection was refused: the probe fails at once.
      this.result(id, false, `probe refused (${upstream.transport} connection)`);
      return;
    }
    const t = this.sim.plan.timers;
    const t1 = t.t1Ms;
    const t2 = t.t2Ms;
    // Non-INVITE retransmissions: T1, 2T1... capped at T2, until the probe times out.
    for (let at = t1, i = 1, step = t1; upstream.transport === 'UDP' && at < timeoutMs; step = Math.min(step * 2, t2), at += step, i++) {
      const n = i;
      p.timers.push(this.sim.clock.after(at, () => this.sim.send(edge, upstream, msg, -1, `probe ${upstream.name}: Timer E retransmission ${n}`)));
    }
    p.timers.push(this.sim.clock.after(timeoutMs, () => this.result(id, false, 'probe timed out')));
  }

  /** A reply to a probe (by its Via branch). */
  reply(id: string, status: number): void {
    if (status >= 200) this.result(id, true, `probe answered ${status}`);
  }

  private result(id: string, ok: boolean, why: string): void {
    const p = this.probes.get(id);
    if (!p || p.done) return;
    p.done = true;
    for (const t of p.timers) this.sim.clock.cancel(t);
    const name = p.upstream.name;
    const probe = this.probeOf(name)!;
    const st = this.state.get(name)!;
    const now = this.sim.clock.now;
    // A probed gateway has dispatcher events too, but no survival event of its own.
    const upstream = this.sim.plan.upstreams.some((u) => u.name === name);
    if (ok) {
      st.fails = 0;
      st.oks++;
      if (this.dispatcherDown.has(name) && st.oks >= probe.upAfter) {
        this.dispatcherDown.delete(name);
        if (upstream) this.events.push(survivalEvent({ branch: this.sim.plan.branch, event: 'upstream-up', upstream: name }, now, -1, undefined));
      }
      const held = now - st.downAt >= probe.holdoffMs;
      if (this.markedDown.has(name) && st.oks >= probe.upAfter && held) {
        this.markedDown.delete(name);
        this.marks.push({ atMs: now, actor: name, event: 'marked-up', cause: `${why}: ${st.oks} successful probes${probe.holdoffMs ? `, holdoff ${probe.holdoffMs / 1000}s over` : ''}` });
      }
    } else {
      st.oks = 0;
      st.fails++;
      if (!this.dispatcherDown.has(name) && st.fails >= probe.downAfter) {
        this.dispatcherDown.add(name);
        if (upstream) this.events.push(survivalEvent({ branch: this.sim.plan.branch, event: 'upstream-down', upstream: name }, now, -1, undefined));
      }
      if (!this.markedDown.has(name) && st.fails >= probe.downAfter) {
        this.markedDown.add(name);
        st.downAt = now;
        this.marks.push({ atMs: now, actor: name, event: 'marked-down', cause: `${why}: ${st.fails} failed probes in a row` });
      }
    }
  }
}
