// Which line of the policy (or of the scenario) made the simulator send a message, so
// the preview can reveal it. Read from the trace entry's `cause`, whose wording the
// simulator documents (docs/simulator.md); a cause not recognised falls back to the
// scenario line that placed the call.
import type { Branch, Origin, Scenario, SurvivalAction } from '../../grammar/src/index.js';
import type { TraceEntry } from '../simulate/index.js';

/** The first origin that points into a file, else the first one given. */
export function preferSource(...origins: readonly (Origin | undefined)[]): Origin | undefined {
  return origins.find((o) => o?.kind === 'source') ?? origins.find((o) => o !== undefined);
}

export function actionOf(branch: Branch, kind: SurvivalAction['kind']): SurvivalAction | undefined {
  return branch.outbound?.onTimeout.value.find((a) => a.kind === kind);
}

export class OriginFinder {
  private readonly callOrigins: readonly Origin[];

  constructor(private readonly branch: Branch, private readonly scenario: Scenario) {
    // The simulator numbers calls in the order of the scenario's `calls` lines.
    this.callOrigins = scenario.events.filter((e) => e.kind === 'call').map((e) => e.origin);
  }

  of(entry: TraceEntry): Origin | undefined {
    const b = this.branch;
    const out = b.outbound;
    // What happened to the message afterwards is not why it was sent.
    const cause = entry.cause.replace(/; (?:lost \(network loss[^)]*\)|not delivered: .*)$/, '');
    const call = this.callOrigins[entry.call];
    const survival = /survival: (announce|redirect|relay)/.exec(cause);
    if (survival) return preferSource(actionOf(b, survival[1] as SurvivalAction['kind'])?.origin, out?.onTimeout.origin);
    if (/^follows \d+ to /.test(cause)) return preferSource(actionOf(b, 'redirect')?.origin, call);
    if (/^(Timer A|CANCEL) retransmission/.test(cause)) return preferSource(b.timers.t1Ms.origin, b.timers.noAnswerMs.origin);
    if (entry.call < 0 || /^probe /.test(cause)) return this.probe(entry);
    if (/\bfr_timer fired/.test(cause)) return b.timers.noAnswerMs.origin;
    if (/\bfr_inv_timer fired/.test(cause)) return this.ringing(entry);
    if (/^outbound via /.test(cause)) return preferSource(out?.viaSpan, out?.via.origin, out?.origin);
    if (/^emergency /.test(cause)) return preferSource(out?.emergency.origin, out?.origin);
    if (/^target is the local gateway/.test(cause)) return preferSource(b.gateways.find((g) => g.name === entry.to)?.origin, call);
    if (/not in pass list/.test(cause)) return preferSource(out?.pass.origin, out?.origin);
    if (/^inbound from /.test(cause) || /: CANCEL /.test(cause)) return this.inbound(cause);
    if (/ relayed$/.test(cause) && entry.method === 'INVITE') {
      return this.isInbound(entry) ? preferSource(b.inbound?.origin) : preferSource(out?.pass.origin, out?.origin);
    }
    if (/^scenario: call placed|^ACK for |^caller hangs up|routed \(Record-Route\)|relayed$/.test(cause)) return call;
    if (/^tm: auto 100/.test(cause)) return preferSource(b.listens.origin, call);
    return preferSource(this.actorState(entry.from, entry.atMs), this.actor(entry.from), call);
  }

  /** The scenario line that gives `actor` its state at `atMs` (the last matching wins). */
  actorState(actor: string, atMs: number): Origin | undefined {
    let found: Origin | undefined;
    for (const s of this.scenario.states) {
      if (s.actor === actor && s.fromMs <= atMs && (s.untilMs === undefined || atMs < s.untilMs)) found = s.origin;
    }
    return found;
  }

  actor(name: string): Origin | undefined {
    const b = this.branch;
    return (b.phones.find((p) => p.name === name) ?? b.upstreams.find((u) => u.name === name) ?? b.gateways.find((g) => g.name === name))?.origin;
  }

  private probe(entry: TraceEntry): Origin | undefined {
    const upstream = this.branch.upstreams.find((u) => u.name === entry.to || u.name === entry.from);
    return preferSource(upstream?.probe?.origin, upstream?.origin);
  }

  private isInbound(entry: TraceEntry): boolean {
    const event = this.scenario.events.filter((e) => e.kind === 'call')[entry.call];
    return event?.kind === 'call' && this.branch.gateways.some((g) => g.name === event.caller);
  }

  private ringing(entry: TraceEntry): Origin | undefined {
    return this.isInbound(entry) ? this.inbound(entry.cause) : this.branch.timers.ringingMs.origin;
  }

  /** Inbound routing: the DID, the ring step or group, else the `inbound` block. */
  private inbound(cause: string): Origin | undefined {
    const inbound = this.branch.inbound;
    if (!inbound) return undefined;
    const did = /: did ([^\s:;,]+)/.exec(cause)?.[1];
    const didLine = did === undefined ? undefined : inbound.dids.find((d) => d.number === did);
    if (didLine) return didLine.origin;
    const ring = /ring ([^\s:;,]+) for /.exec(cause)?.[1] ?? /fr_inv_timer fired on ([^\s:;,]+)/.exec(cause)?.[1];
    if (ring !== undefined) {
      const step = inbound.chain.value.find((s) => s.target === ring)
        ?? inbound.chain.value.find((s) => this.branch.groups.find((g) => g.name === s.target)?.members.value.includes(ring));
      if (step) return step.origin;
      const group = this.branch.groups.find((g) => g.name === ring || g.members.value.includes(ring));
      if (group) return group.origin;
    }
    return preferSource(inbound.chain.origin, inbound.origin);
  }
}
