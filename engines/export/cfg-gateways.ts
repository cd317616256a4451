// kamailio.cfg: lists of gateways (`relay to lte, isdn`, `redirect 302 to lte, isdn`,
// `emergency ... direct to isdn, lte`) and the channels the proxy counts for each gateway.
// The neutral plan decides (engines/plan/gateways.ts, read by the simulator's edge); this
// writes the same rules: the dialog module's profile `gw` (one value per gateway) counts
// every call that holds a gateway's line, in either direction; dispatcher marks a probed
// gateway down. The failure route moves down a list on no reply, a failed send or one of
// the plan's failover replies; with none left the phone gets the plan's `noGateway`.
import { writeEvent } from './cfg-events.js';
import { cfgReply, xlog, type CfgWriter } from './cfg-writer.js';
import { cfgFormat, cfgString } from './escape.js';
import { proxyReplies } from '../plan/index.js';
import { presentsCallerId } from './cfg-numbers.js';
import type { Plan, PlanGateway } from './plan.js';

/** The profile whose value is the gateway's name. */
const PROFILE = 'gw';

/** `$avp(gwlist)` for each kind of list. */
export const gatewayLists = { relay: 1, emergency: 2 } as const;

function noGateway(): string {
  return cfgReply('t_reply', proxyReplies.noGateway);
}

/** Whether the plan needs the dialog module: any gateway whose channels the proxy counts. */
export function countsChannels(plan: Plan): boolean {
  return plan.gateways.some((g) => g.channels !== undefined);
}

export function writeDialogParams(w: CfgWriter): void {
  w.blank();
  w.comment('dialog: one profile value per gateway counts the calls holding its lines (get_profile_size),');
  w.comment('from the INVITE until the dialog ends (a failure reply, a BYE). Matched by the rr did');
  w.comment('parameter, else by Call-ID and tags.');
  w.line(`modparam("dialog", "profiles_with_value", "${PROFILE}")`);
  w.line('modparam("dialog", "dlg_match_mode", 1)');
}

/** In route[INVITE], after t_newtran: every initial INVITE is a dialog the profiles can count. */
export function writeDialogManage(w: CfgWriter, plan: Plan): void {
  if (!countsChannels(plan)) return;
  w.comment('A dialog for every call, so a gateway\'s lines are counted in both directions.');
  w.line('dlg_manage();');
}

/** A call from gateway `g` holds one of its lines (counted, never refused: the line is in use). */
export function writeInboundChannel(w: CfgWriter, g: PlanGateway): void {
  if (g.channels !== undefined) w.line(`set_dlg_profile("${PROFILE}", ${cfgString(g.name)});`);
}

/**
 * A phone's call to gateway `g` itself (it followed the survival redirect): refused with
 * the plan's 503 when every channel is held, else counted and relayed.
 */
export function writeDirectToGateway(w: CfgWriter, g: PlanGateway): void {
  if (g.channels === undefined) return;
  w.line(`get_profile_size("${PROFILE}", ${cfgString(g.name)}, "$var(gw_calls)");`);
  w.block(`if ($var(gw_calls) >= ${g.channels})`, () => {
    w.lines([xlog('L_NOTICE', `call to $rU: gateway ${g.name} full ($var(gw_calls) of ${g.channels} channels in use)`), noGateway(), 'exit;']);
  });
  w.line(`set_dlg_profile("${PROFILE}", ${cfgString(g.name)});`);
}

/** Starts a list in the request or failure route: `number` is the dialled user part, which each gateway's rules rewrite (an emergency number: never). */
export function writeStartList(w: CfgWriter, list: keyof typeof gatewayLists, number: string): void {
  w.line(`$avp(gwnumber) = ${number};`);
  w.line(`$avp(gwlist) = ${gatewayLists[list]};`);
  w.line('$avp(gw) = 0;');
  w.lines(['route(GW_NEXT);', 'exit;']);
}

/** The redirect's Contact: the first gateway of the list that is up with a free channel, else the plan's 503. */
export function writeRedirectList(w: CfgWriter, code: number, reason: string, gateways: readonly PlanGateway[], branch: string): void {
  w.line('$var(gw_skip_full) = 1;');
  for (const g of gateways) {
    w.line(`route(GW_FREE_${g.index});`);
    w.block('if ($var(gw_free) == 1)', () => {
      w.line(xlog('L_NOTICE', `survival: no upstream answered a call to $rU from $si: ${code} to gateway ${g.name}`));
      writeEvent(w, { branch, event: 'survival-redirect', direction: 'outbound', gateway: g.name }, true);
      // The gateway's own called number (cfg-numbers.ts).
      w.lines(['$var(dialled) = $rU;', `route(NUMBER_${g.index});`]);
      w.line(`append_to_reply("Contact: <sip:$var(number)@${cfgFormat(g.contactHost).slice(1, -1)}>\\r\\n");`);
      w.line(`t_reply("${code}", ${cfgFormat(reason)});`);
      w.line('exit;');
    });
  }
  w.lines([xlog('L_NOTICE', 'survival: no gateway of the redirect list is up with a free channel for $rU'), noGateway(), 'exit;']);
}

/** The routes every list uses: GW_NEXT, one GW_FREE and GW_SEND per gateway, the branch route and the failure route. */
export function writeGatewayRoutes(w: CfgWriter, plan: Plan): void {
  const o = plan.outbound;
  if (!o) return;
  const relay = o.actions.find((a) => a.kind === 'relay');
  const lists: [number, string, readonly PlanGateway[], boolean][] = [];
  if (relay?.kind === 'relay') lists.push([gatewayLists.relay, 'the survival relay', relay.gateways, true]);
  // Emergency calls are never held back by the count: the gateway refuses when it has no line, and the list moves on.
  if (o.emergency.length > 0) lists.push([gatewayLists.emergency, 'emergency numbers', o.emergencyGateways, plan.gatewayFailover.emergencySkipsFull]);
  const used = new Set([...lists.flatMap((l) => l[2]), ...o.actions.flatMap((a) => (a.kind === 'redirect' ? a.gateways : []))]);

  w.blank();
  w.comment('The next gateway of list $avp(gwlist) after position $avp(gw) that is up with a free channel;');
  w.comment('with none left, the phone gets 503 (every gateway full, marked down or failed).');
  w.block('route[GW_NEXT]', () => {
    for (const [id, label, gateways, skipFull] of lists) {
      w.comment(`${id}: ${label}: ${gateways.map((g) => g.name).join(', ')}`);
      w.block(`if ($avp(gwlist) == ${id})`, () => {
        w.line(`$var(gw_skip_full) = ${skipFull ? 1 : 0};`);
        gateways.forEach((g, i) => {
          w.block(`if ($avp(gw) < ${i + 1})`, () => {
            w.line(`$avp(gw) = ${i + 1};`);
            w.line(`route(GW_SEND_${g.index});`);
            w.block('if ($var(gw_sent) == 1)', () => w.line('return;'));
          });
        });
      });
    }
    w.lines([xlog('L_NOTICE', 'call to $rU: no gateway left (full, marked down or failed)'), noGateway(), 'exit;']);
  });

  for (const g of plan.gateways.filter((x) => used.has(x))) {
    w.blank();
    w.comment(`Gateway ${g.name}: $var(gw_free) = 1 when it is not marked down and (unless $var(gw_skip_full) is 0) has a free channel.`);
    w.block(`route[GW_FREE_${g.index}]`, () => {
      w.line('$var(gw_free) = 0;');
      if (g.probe && plan.probing) {
        w.block(`if ($shv(gwdown_${g.index}) == 1)`, () => w.lines([xlog('L_INFO', `call to $rU: gateway ${g.name} is marked down, skipped`), 'return;']));
      }
      if (g.channels !== undefined) {
        w.block('if ($var(gw_skip_full) == 1)', () => {
          w.line(`get_profile_size("${PROFILE}", ${cfgString(g.name)}, "$var(gw_calls)");`);
          w.block(`if ($var(gw_calls) >= ${g.channels})`, () => w.lines([xlog('L_INFO', `call to $rU: gateway ${g.name} full ($var(gw_calls) of ${g.channels} channels in use), skipped`), 'return;']));
        });
      }
      w.line('$var(gw_free) = 1;');
    });
    if (!lists.some((l) => l[2].includes(g))) continue;
    w.blank();
    w.comment(`Sends the call to gateway ${g.name} when it may take it: $var(gw_sent) = 1.`);
    w.block(`route[GW_SEND_${g.index}]`, () => {
      w.line('$var(gw_sent) = 0;');
      w.line(`route(GW_FREE_${g.index});`);
      w.block('if ($var(gw_free) == 0)', () => w.line('return;'));
      // $avp(gwnumber) is the dialled number: each gateway is sent what its own rules make of it (cfg-numbers.ts).
      w.line('$var(dialled) = $avp(gwnumber);');
      // An emergency number is never rewritten (the plan's calledNumberFor), only addressed to this gateway.
      w.block(`if ($avp(gwlist) == ${gatewayLists.emergency})`, () => w.line('$var(number) = $var(dialled);'));
      w.block('else', () => w.line(`route(NUMBER_${g.index});`));
      w.line(`$ru = "sip:" + $var(number) + ${cfgString(`@${g.contactHost}`)};`);
      w.line(`$du = ${cfgString(g.du)};`);
      w.line(`$var(gw_name) = ${cfgString(g.name)};`);
      w.line(xlog('L_NOTICE', `call to $rU from $si: to gateway ${g.name}`));
      w.line('route(TIMERS);');
      w.lines(['t_on_branch("GW");', 't_on_failure("GW_FAILED");']);
      w.block('if (t_relay())', () => {
        w.line('$var(gw_sent) = 1;');
        // The survival relay's list (not the emergency one): a survival event per gateway tried.
        w.block(`if ($avp(gwlist) == ${gatewayLists.relay})`, () => writeEvent(w, { branch: plan.branch, event: 'survival-relay', direction: 'outbound', gateway: g.name }, true));
        w.line('return;');
      });
      w.line(xlog('L_NOTICE', `call to $rU: could not be sent to gateway ${g.name}`));
    });
  }

  const counted = plan.gateways.filter((g) => lists.some((l) => l[2].includes(g)) && g.channels !== undefined);
  w.blank();
  w.comment('Each branch to a gateway: the dialog holds a channel of that gateway, and of no other (failover).');
  w.block('branch_route[GW]', () => {
    for (const g of counted) {
      w.block(`if ($var(gw_name) != ${cfgString(g.name)})`, () => w.line(`unset_dlg_profile("${PROFILE}", ${cfgString(g.name)});`));
    }
    if (counted.length > 0) w.line(`set_dlg_profile("${PROFILE}", "$var(gw_name)");`);
    // Per branch, so a failover presents the next gateway's calling number, not both.
    if (presentsCallerId(plan)) w.line('route(CALLER_ID);');
  });

  const codes = plan.gatewayFailover.nextOn.join('|');
  w.blank();
  w.comment(`A branch to a gateway failed: no reply at all, or ${plan.gatewayFailover.nextOn.join(', ')}: the next gateway of the list.`);
  w.comment('The failure route replies itself, so a gateway\'s 503 never reaches the phone (nor tm\'s 500 for it).');
  w.block('failure_route[GW_FAILED]', () => {
    w.block('if (t_is_canceled())', () => w.line('exit;'));
    w.block('if (t_branch_timeout())', () => {
      w.block('if (t_branch_replied())', () => w.lines([xlog('L_INFO', 'call to $rU: rang at $du and timed out, 408'), 'exit;']));
      w.lines([xlog('L_NOTICE', 'call to $rU: no reply at all from gateway $du'), 'route(GW_NEXT);', 'exit;']);
    });
    w.block(`if (t_check_status("${codes}"))`, () => w.lines([xlog('L_NOTICE', 'call to $rU: $T_reply_code from gateway $du, the next gateway'), 'route(GW_NEXT);', 'exit;']));
  });
}

/**
 * In dispatcher's dst-down / dst-up event routes: a probed gateway is skipped by every list
 * while marked down, and used again as soon as dispatcher says it is up (no hold-off).
 */
export function writeGatewayProbeEvent(w: CfgWriter, plan: Plan, event: 'down' | 'up'): void {
  for (const g of plan.gateways.filter((x) => x.probe)) {
    w.block(`if ($ru == ${cfgString(g.du)})`, () => {
      w.line(`$shv(gwdown_${g.index}) = ${event === 'down' ? 1 : 0};`);
      w.line(event === 'down' ? xlog('L_WARN', `gateway ${g.name} marked down: gateway lists skip it`) : xlog('L_NOTICE', `gateway ${g.name} answers probes again: gateway lists use it`));
    });
  }
}

/** The shared marks of the probed gateways (pv module parameters). */
export function writeGatewayProbeState(w: CfgWriter, plan: Plan): void {
  for (const g of plan.gateways.filter((x) => x.probe)) w.line(`modparam("pv", "shvset", "gwdown_${g.index}=i:0")`);
}
