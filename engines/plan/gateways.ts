// Lists of gateways (`relay to lte, isdn`, `redirect 302 to lte, isdn`, `emergency ...
// direct to isdn, lte`): which gateway of a list a call goes to, and when it moves on.
// The simulator's edge decides with these functions; the exporter writes the same rules
// as Kamailio routes (dialog profiles count the channels, dispatcher marks gateways down).
import type { PlanGateway, PlanGatewayFailover, PlanGatewayRef } from './plan.js';

/**
 * The replies after which the next gateway is tried: 408 (the gateway's own timeout),
 * 486 and 600 (busy: many gateways say so when their lines are in use), 503 (no channel,
 * overloaded; RFC 3398 maps ISDN cause 34 "no circuit available" to it). Any other final
 * reply (404, 484...) is about the number, not the gateway, and goes to the phone.
 */
export const gatewayFailover: PlanGatewayFailover = { nextOn: [408, 486, 503, 600], emergencySkipsFull: false };

/** Whether a gateway's final reply `status` sends the call on to the next gateway of its list. */
export function failsOver(f: PlanGatewayFailover, status: number): boolean {
  return f.nextOn.includes(status);
}

/** Whether the edge's count says every channel of `gateway` is held (a gateway with no count is never full). */
export function gatewayFull(gateway: PlanGateway | undefined, inUse: number): boolean {
  return gateway?.channels !== undefined && inUse >= gateway.channels;
}

export interface GatewayChoice {
  /** Index into the list of the gateway to send to; undefined when none is left. */
  readonly index: number | undefined;
  /** The gateways passed over on the way, with why. */
  readonly skipped: readonly { readonly name: string; readonly why: 'marked down' | 'full' }[];
}

/**
 * The first gateway of `list` from `from` on that the edge may send to: not marked down
 * by probing, and (unless `ignoreFull`: an emergency call) with a free channel.
 */
export function chooseGateway(
  list: readonly PlanGatewayRef[], from: number, markedDown: (name: string) => boolean, inUse: (name: string) => number, ignoreFull: boolean,
): GatewayChoice {
  const skipped: { name: string; why: 'marked down' | 'full' }[] = [];
  for (let i = from; i < list.length; i++) {
    const g = list[i]!;
    if (markedDown(g.name)) skipped.push({ name: g.name, why: 'marked down' });
    else if (!ignoreFull && gatewayFull(g.gateway, inUse(g.name))) skipped.push({ name: g.name, why: 'full' });
    else return { index: i, skipped };
  }
  return { index: undefined, skipped };
}
