// The edge's own count of each gateway's channels, as the exported proxy keeps it with
// the dialog module's profiles: a call holds a channel of a gateway from the INVITE the
// edge sends it (or receives from it) until the dialog ends (a failure reply to the
// caller, a BYE), or until the call fails over to the next gateway of its list.
// The gateway's own `Channels` (actors.ts) still counts its physical lines.

export class EdgeChannels {
  /** Call-IDs holding a channel, per gateway name. */
  private readonly held = new Map<string, Set<string>>();

  inUse(gateway: string): number {
    return this.held.get(gateway)?.size ?? 0;
  }

  take(gateway: string, callId: string): void {
    let calls = this.held.get(gateway);
    if (!calls) this.held.set(gateway, (calls = new Set()));
    calls.add(callId);
  }

  release(gateway: string, callId: string): void {
    this.held.get(gateway)?.delete(callId);
  }

  /** The dialog ended: every channel the call held (at most one) is free. */
  releaseCall(callId: string): void {
    for (const calls of this.held.values()) calls.delete(callId);
  }
}
