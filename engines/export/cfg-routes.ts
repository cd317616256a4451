// kamailio.cfg, second half: the routing logic. It translates the routing plan
// (engines/plan/, checked in plan.ts), which the simulator's edge interprets, into
// Kamailio routes; docs/export.md says where Kamailio cannot follow it.
import { announceActions, type CfgContext } from './cfg-globals.js';
import { cfgInt, cfgReply as reply, xlog as log, type CfgWriter } from './cfg-writer.js';
import {
  writeDialogManage, writeDirectToGateway, writeGatewayProbeEvent, writeGatewayRoutes, writeInboundChannel, writeRedirectList, writeStartList,
} from './cfg-gateways.js';
import { writeCallerIdRoute, writeDirectCallerId, writeInboundRoutes, writeInboundSelect, writeNumberRoutes } from './cfg-numbers.js';
import { writeLocalDivert, writeLocalRoutes } from './cfg-local.js';
import { rangTest, writeTryingRoutes } from './cfg-trying.js';
import { writeEvent } from './cfg-events.js';
import { cfgFormat, cfgString } from './escape.js';
import { noUpstream, proxyReplies, reasons } from '../plan/index.js';
import type { Plan, PlanAction, PlanStep, PlanUpstream } from './plan.js';

/** A user part that may be copied into a Contact or Request-URI: RFC 3261 unreserved characters, `+`, `*` and %XX escapes. */
const safeUser = '^([A-Za-z0-9+*._~-]|%[0-9A-Fa-f]{2})+$';

export function writeRoutes(w: CfgWriter, plan: Plan, ctx: CfgContext): void {
  new Routes(w, plan, ctx).write();
}

class Routes {
  private readonly lanList: string;
  /** Upstreams tried for calls and other requests from the LAN, in order. */
  private readonly otherVia: readonly PlanUpstream[];

  constructor(private readonly w: CfgWriter, private readonly plan: Plan, private readonly ctx: CfgContext) {
    this.lanList = plan.lans.join(',');
    this.otherVia = plan.otherVia;
  }

  private from(origin: Parameters<CfgContext['sources']['describe']>[0]): void {
    this.w.comment(`from ${this.ctx.sources.describe(origin)}`);
  }

  private get isLan(): string {
    return this.inLans('$si');
  }

  /** One is_in_subnet with the list of LANs; before Kamailio 5.0, one per LAN joined with ||. */
  private inLans(pv: '$si' | '$rd'): string {
    if (!this.w.older.has('ipops-subnet-list') || this.plan.lans.length < 2) return `is_in_subnet("${pv}", ${cfgString(this.lanList)})`;
    return `(${this.plan.lans.map((lan) => `is_in_subnet("${pv}", ${cfgString(lan)})`).join(' || ')})`;
  }

  write(): void {
    this.w.section('Routing logic');
    this.main();
    this.reqinit();
    this.withinDialog();
    this.relay();
    this.timers();
    this.register();
    this.invite();
    this.outbound();
    this.upstreamState();
    this.inbound();
    if (this.plan.local) writeLocalRoutes(this.w, this.plan.local);
    this.elsewhere();
    this.other();
    this.events();
  }

  private main(): void {
    const w = this.w;
    w.comment('Every request starts here.');
    w.block('request_route', () => {
      w.line('route(REQINIT);');
      w.comment('Who sent it, by source address: a request from outside the trust model ends here.');
      w.line('route(TRUST);');
      w.blank();
      w.comment('CANCEL: relayed to the branches of the INVITE it cancels (tm matches it).');
      w.block('if (is_method("CANCEL"))', () => {
        w.block('if (t_check_trans())', () => w.line('route(RELAY);'));
        w.line('exit;');
      });
      w.blank();
      w.comment('Retransmissions are absorbed by tm.');
      w.block('if (!is_method("ACK"))', () => {
        w.block('if (t_precheck_trans())', () => w.lines(['t_check_trans();', 'exit;']));
        w.line('t_check_trans();');
      });
      w.blank();
      w.line('route(WITHINDLG);');
      w.blank();
      w.comment('Initial requests. A Route to this proxy (a phone whose outbound proxy it is, or');
      w.comment('the Path the PBX learnt at registration) is consumed here; a Route set that leads');
      w.comment('anywhere after this proxy is refused, whoever sent it (no relaying by preloaded route).');
      w.block('if (is_present_hf("Route"))', () => {
        w.line('loose_route();');
        w.block('if ($du != $null)', () => w.lines([log('L_WARN', 'surv: refused $rm from $si:$sp: preloaded Route to $du'), reply('sl_send_reply', proxyReplies.preloadedRoute), 'exit;']));
      });
      w.block('if (is_method("ACK"))', () => w.line('exit;'));
      w.block('if (is_method("REGISTER"))', () => w.lines(['route(REGISTER);', 'exit;']));
      w.block('if (is_method("OPTIONS") && uri == myself && $rU == $null)', () => {
        w.comment('A keepalive to this proxy itself.');
        w.lines([reply('sl_send_reply', proxyReplies.keepalive), 'exit;']);
      });
      w.comment('Record-Route, so BYE and re-INVITE come back through this proxy.');
      w.block('if (is_method("INVITE|SUBSCRIBE"))', () => w.line('record_route();'));
      w.block('if (is_method("INVITE"))', () => w.lines(['route(INVITE);', 'exit;']));
      w.line('route(OTHER);');
    });
    this.trust();
  }

  /**
   * Classifies the request by its source address ($si, never a header): $var(src) is 1
   * for the LAN, 2 for an upstream, 3 for a gateway. Gateways and upstreams are tested
   * before the LAN, so a gateway inside the LAN is a gateway. Anyone else gets 403 and
   * one log line, unless they flood: then nothing (docs/security.md).
   */
  private trust(): void {
    const w = this.w;
    const p = this.plan;
    w.blank();
    w.comment('The trust model (docs/security.md): which source sent this request.');
    w.block('route[TRUST]', () => {
      w.comment('The router itself may ask the proxy whether it is up (a health check), nothing more.');
      w.block('if (src_ip == myself && is_method("OPTIONS") && uri == myself && $rU == $null)', () => w.lines([reply('sl_send_reply', proxyReplies.keepalive), 'exit;']));
      for (const peer of p.peers) {
        this.from(peer.origin);
        const test = peer.isIp ? `compare_ips("$si", ${cfgString(peer.host)})` : `dns_int_match_ip(${cfgString(peer.host)}, "$si")`;
        w.block(`if (${test})`, () => w.lines([`$var(src) = ${peer.kind === 'gateway' ? 3 : 2};`, 'return;']));
      }
      this.from(p.lansOrigin);
      w.block(`if (${this.isLan})`, () => w.lines(['$var(src) = 1;', 'return;']));
      w.line('$var(src) = 0;');
      this.from(p.limits.origin);
      w.comment('Floods from outside are dropped without a reply: per source (pike), and all together (ratelimit).');
      w.block('if (!pike_check_req())', () => w.line('exit;'));
      if (w.older.has('ratelimit-check-number')) {
        // Before Kamailio 5.1 the pipe number must be a pseudo-variable.
        w.line('$var(rl_pipe) = 1;');
        w.block('if (!rl_check("$var(rl_pipe)"))', () => w.line('exit;'));
      } else {
        w.block('if (!rl_check("1"))', () => w.line('exit;'));
      }
      w.line(log('L_WARN', 'surv: refused $rm from $si:$sp: outside the trust model'));
      w.block('if (!is_method("ACK"))', () => w.line(reply('sl_send_reply', proxyReplies.outsideTrust)));
      w.line('exit;');
    });
  }

  private reqinit(): void {
    const w = this.w;
    w.blank();
    w.comment('Sanity: loops and malformed messages end here.');
    w.block('route[REQINIT]', () => {
      w.block('if (!mf_process_maxfwd_header("10"))', () => w.lines(['sl_send_reply("483", "Too Many Hops");', 'exit;']));
      w.block('if (!sanity_check())', () => w.lines([log('L_WARN', 'malformed SIP message from $si:$sp dropped'), 'exit;']));
    });
  }

  private withinDialog(): void {
    const w = this.w;
    w.blank();
    w.comment('In-dialog requests (ACK for 2xx, BYE, re-INVITE) follow the Record-Route.');
    w.block('route[WITHINDLG]', () => {
      w.block('if (!has_totag())', () => w.line('return;'));
      w.block('if (loose_route())', () => w.lines(['route(RELAY);', 'exit;']));
      w.block('if (is_method("ACK"))', () => {
        w.comment('The ACK of a non-2xx final reply: tm absorbs it hop by hop.');
        w.block('if (t_check_trans())', () => w.line('route(RELAY);'));
        w.line('exit;');
      });
      w.lines([reply('sl_send_reply', proxyReplies.noDialog), 'exit;']);
    });
  }

  private relay(): void {
    const w = this.w;
    w.blank();
    w.comment('Relays statefully. On a send failure tm replies itself (one final reply only).');
    w.block('route[RELAY]', () => {
      w.block('if (!is_method("ACK"))', () => w.line('route(TIMERS);'));
      w.block('if (!t_relay())', () => w.line(log('L_WARN', '$rm to $ru could not be sent')));
      w.line('exit;');
    });
  }

  private timers(): void {
    const w = this.w;
    w.blank();
    w.comment('Per-transaction timers from the live tunables (cfg values are strings: {s.int}).');
    w.block('route[TIMERS]', () => {
      w.line(`$var(no_answer) = ${cfgInt('no_answer')};`);
      w.line(`$var(ringing) = ${cfgInt('ringing')};`);
      w.line('t_set_fr("$var(ringing)", "$var(no_answer)");');
    });
  }

  private register(): void {
    const w = this.w;
    const r = this.plan.register;
    const up = r.forward;
    w.blank();
    w.comment(`REGISTER: from ${this.ctx.sources.describe(r.origin)}`);
    w.block('route[REGISTER]', () => {
      w.block('if ($var(src) != 1)', () => w.lines([reply('sl_send_reply', proxyReplies.registerNotFromLan), 'exit;']));
      if (!up) {
        if (r.keepLocalCopy) w.lines(['save("location");', 'exit;']);
        else w.lines([reply('sl_send_reply', proxyReplies.noRoute), 'exit;']);
        return;
      }
      if (r.keepLocalCopy) {
        w.line('route(UPSTREAM_STATE);');
        w.block(`if ($avp(use_${up.index}) == 0)`, () => {
          w.comment(`${up.name} is marked down: the local copy answers at once.`);
          w.lines([log('L_NOTICE', `survival: ${up.name} is down, REGISTER of $tu kept locally`), 'save("location");', 'exit;']);
        });
      }
      if (r.withPath) {
        w.comment('Path, so the PBX sends calls for this phone back through this proxy.');
        w.block('if (!add_path())', () => w.lines(['sl_send_reply("503", "Internal Path Error");', 'exit;']));
        w.block('if (!($hdr(Supported) =~ "path"))', () => w.line('append_hf("Supported: path\\r\\n");'));
      }
      w.line(`$du = ${cfgString(up.du)};`);
      w.line('route(TIMERS);');
      if (r.keepLocalCopy) {
        w.lines(['t_on_reply("REGISTER_REPLY");', 't_on_failure("REGISTER_FAILED");', 't_set_disable_internal_reply(1);']);
        w.block('if (!t_relay())', () => w.lines([log('L_NOTICE', `survival: REGISTER of $tu could not be sent to ${up.name}, kept locally`), 'save("location");']));
      } else {
        w.line('t_relay();');
      }
      w.line('exit;');
    });
    if (!up || !r.keepLocalCopy) return;
    w.blank();
    w.comment('The upstream accepted the registration: keep a shadow copy of the bindings it confirmed.');
    w.block('onreply_route[REGISTER_REPLY]', () => {
      w.block('if (t_check_status("2[0-9][0-9]"))', () => w.line('save("location", "0x02");'));
    });
    w.blank();
    w.comment('No final reply from the upstream (even after a provisional: nothing else would answer');
    w.comment('the phone): the local copy answers 200.');
    w.block('failure_route[REGISTER_FAILED]', () => {
      w.block('if (t_branch_timeout())', () => {
        w.lines([log('L_NOTICE', `survival: no reply from ${up.name} to the REGISTER of $tu, kept locally`), 'save("location");']);
      });
    });
  }

  private invite(): void {
    const w = this.w;
    const p = this.plan;
    w.blank();
    w.comment('Initial INVITEs: which way a call goes, in the simulator\'s order.');
    w.block('route[INVITE]', () => {
      w.comment('Record-Route is on the request already, so tm copies it onto every later branch.');
      w.block('if (!t_newtran())', () => w.lines(['sl_reply_error();', 'exit;']));
      writeDialogManage(w, p);
      w.blank();
      const inboundFrom = new Set(p.inbound?.from.map((g) => g.name) ?? []);
      w.block('if ($var(src) == 3)', () => {
        for (const g of p.gateways) {
          this.from(g.origin);
          w.block(`if (compare_ips("$si", ${cfgString(g.ip)}))`, () => {
            if (inboundFrom.has(g.name)) {
              w.comment(`An incoming PSTN call from gateway ${g.name}: it holds one of its lines.`);
              writeInboundChannel(w, g);
              w.lines(['route(INBOUND);', 'exit;']);
            } else {
              w.comment(`Gateway ${g.name} is not named in 'inbound from'.`);
              w.lines([log('L_NOTICE', `call from gateway ${g.name} to $rU: no inbound route`), reply('t_reply', proxyReplies.noInboundRoute), 'exit;']);
            }
          });
        }
      });
      w.blank();
      w.comment('An upstream (the PBX through the Path it learnt): only to the branch\'s phones.');
      w.block('if ($var(src) == 2)', () => w.lines(['route(ELSEWHERE);', 'exit;']));
      w.blank();
      w.comment('From the LAN. A call to a local gateway (a phone following the survival redirect): relayed there, no failure route.');
      for (const g of p.gateways) {
        w.block(`if (is_ip("$rd") && compare_ips("$rd", ${cfgString(g.ip)}))`, () => {
          writeDirectToGateway(w, g);
          writeDirectCallerId(w, g);
          w.lines([`$du = ${cfgString(g.du)};`, 'route(TIMERS);', 't_relay();', 'exit;']);
        });
      }
      w.blank();
      this.from(p.lansOrigin);
      w.line('route(OUTBOUND);');
      w.line('exit;');
    });
  }

  private outbound(): void {
    const w = this.w;
    const o = this.plan.outbound;
    w.blank();
    if (!o) {
      w.comment('The design has no outbound policy: calls from the LAN have no route (as the simulator).');
      w.block('route[OUTBOUND]', () => w.lines([reply('t_reply', proxyReplies.noRoute), 'exit;']));
      return;
    }
    w.comment(`Calls from the LAN: from ${this.ctx.sources.describe(o.origin)}`);
    w.block('route[OUTBOUND]', () => {
      if (o.emergency.length > 0 && o.emergencyGateways.length > 0) {
        const names = o.emergencyGateways.map((g) => g.name).join(', ');
        this.from(o.emergencyOrigin);
        w.comment(`Emergency numbers never wait for an upstream: straight to gateway ${names} in order, never rewritten.`);
        w.block(`if (${o.emergency.map((n) => `$rU == ${cfgString(n)}`).join(' || ')})`, () => {
          w.line(log('L_NOTICE', `emergency call to $rU from $si: straight to gateway ${names}`));
          w.comment('A send failure is a failed gateway too: no internal reply, the next gateway.');
          w.line('t_set_disable_internal_reply(1);');
          writeStartList(w, 'emergency', '$rU');
        });
      }
      const local = this.plan.local;
      if (local?.mode === 'always') {
        this.from(local.origin);
        w.comment('local-calls always: a call to a number of the branch never goes upstream.');
        writeLocalDivert(w, () => this.localEvent());
      }
      w.line('route(UPSTREAM_STATE);');
      w.line('$avp(upstream) = 0;');
      w.comment('The upstream a survival event names: the last one tried.');
      w.line(`$avp(tried) = "${noUpstream}";`);
      w.comment('A send failure (TCP refused, DNS) counts as an outage too: no internal reply, the next upstream.');
      w.line('t_set_disable_internal_reply(1);');
      w.line('route(NEXT_UPSTREAM);');
      w.line('exit;');
    });

    w.blank();
    this.from(o.chainOrigin);
    w.comment('The next upstream of the chain after $avp(upstream) that was usable when the call came in;');
    w.comment('with none left, the survival actions.');
    w.block('route[NEXT_UPSTREAM]', () => {
      o.chain.forEach((u, i) => {
        w.block(`if ($avp(upstream) < ${i + 1} && $avp(use_${u.index}) == 1)`, () => {
          w.line(`$avp(upstream) = ${i + 1};`);
          w.line(`$avp(tried) = "${u.name}";`);
          w.line(`$du = ${cfgString(u.du)};`);
          w.line(log('L_INFO', `call to $rU from $si: via ${u.name}`));
          w.line('route(UPSTREAM_TIMERS);');
          w.line('t_on_failure("OUTBOUND_FAILED");');
          w.block('if (t_relay())', () => w.line('return;'));
          w.line(log('L_NOTICE', `call to $rU: could not be sent to ${u.name}`));
        });
      });
      w.line(`$avp(upstream) = ${o.chain.length + 1};`);
      w.line('route(SURVIVE);');
    });

    w.blank();
    w.comment('A branch of an outbound call failed.');
    w.block('failure_route[OUTBOUND_FAILED]', () => {
      w.block('if (t_is_canceled())', () => w.line('exit;'));
      w.block('if (t_branch_timeout())', () => {
        w.block(`if (t_branch_replied() && ${rangTest})`, () => {
          w.comment('It rang and nobody answered: tm\'s 408 goes to the phone, never survival.');
          w.lines([log('L_INFO', 'call to $rU: ringing timed out, 408'), 'exit;']);
        });
        w.comment('No reply at all within no-answer, or only 100 Trying within trying: silent.');
        w.line(log('L_NOTICE', 'call to $rU: no reply at all from $du'));
        w.lines(['route(NEXT_UPSTREAM);', 'exit;']);
      });
      this.from(o.passOrigin);
      if (o.pass === 'all') {
        w.comment('pass all: every final reply goes to the phone (tm turns a 503 into a 500).');
        w.line('exit;');
      } else {
        const tests = o.pass.map((p) => ('code' in p ? `$T_reply_code == ${p.code}` : `($T_reply_code >= ${p.class * 100} && $T_reply_code < ${p.class * 100 + 100})`));
        w.comment('Replies in the pass list go to the phone (tm turns a 503 into a 500); others count as a timeout.');
        w.block(`if (${tests.join(' || ')})`, () => w.line('exit;'));
        w.line(log('L_NOTICE', 'call to $rU: $T_reply_code from $du is not passed, treated like a timeout'));
        w.line('route(NEXT_UPSTREAM);');
      }
    });

    writeTryingRoutes(w);
    this.survive();
    writeGatewayRoutes(w, this.plan);
    writeNumberRoutes(w, this.plan);
    writeCallerIdRoute(w, this.plan);
  }

  private survive(): void {
    const w = this.w;
    const o = this.plan.outbound!;
    w.blank();
    w.comment(`Survival: from ${this.ctx.sources.describe(o.actionsOrigin)}`);
    w.comment('Runs in the request route (every upstream marked down) or a failure route. Never sleeps.');
    w.block('route[SURVIVE]', () => {
      writeEvent(w, { branch: this.plan.branch, event: 'survival-start', direction: 'outbound', upstream: '$avp(tried)' }, true);
      const local = this.plan.local;
      if (local?.mode === 'survival') {
        if (local.origin.kind === 'source') this.from(local.origin);
        w.comment('local-calls survival: a call to a number of the branch is rung by the edge, after the announcements, never a gateway.');
        writeLocalDivert(w, () => { this.localEvent(); this.announces(); });
      }
      if (o.actions.length === 0) {
        w.lines([log('L_NOTICE', 'call to $rU: no upstream answered and the design has no survival action: 408'), reply('t_reply', proxyReplies.noSurvival), 'exit;']);
        return;
      }
      w.comment('The dialled user part is copied into a header or URI only when it is plainly safe.');
      w.block(`if (!($rU =~ ${cfgString(safeUser)}))`, () => {
        w.lines([log('L_NOTICE', 'call from $si: no upstream answered, dialled user not usable for survival: 484'), 't_reply("484", "Address Incomplete");', 'exit;']);
      });
      for (const a of o.actions) {
        this.from(a.origin);
        if (a.kind === 'announce') {
          this.announce(a);
        } else if (a.kind === 'redirect') {
          writeRedirectList(w, a.code, a.reason, a.gateways, this.plan.branch);
          return;
        } else {
          w.line(log('L_NOTICE', `survival: no upstream answered a call to $rU from $si: relayed to gateway ${a.gateways.map((g) => g.name).join(', ')}`));
          writeStartList(w, 'relay', '$rU');
          return;
        }
      }
      w.comment('No redirect or relay: the phone gets 408.');
      w.lines([reply('t_reply', proxyReplies.noSurvival), 'exit;']);
    });
  }

  /** The local-call event: the edge rings a number of the branch itself (route LOCAL_RING follows). */
  private localEvent(): void {
    writeEvent(this.w, { branch: this.plan.branch, event: 'local-call', direction: 'local' }, true);
  }

  /** A survival announcement: its words are a live tunable. */
  private announce(a: Extract<PlanAction, { kind: 'announce' }>): void {
    const n = announceActions(this.plan).indexOf(a) + 1;
    this.w.line(`$var(reason) = $sel(cfg_get.survival.announce_${n});`);
    this.w.line(`t_reply("${a.code}", "$var(reason)");`);
  }

  /** Every announcement of the survival actions, in order. */
  private announces(): void {
    for (const a of this.plan.outbound?.actions ?? []) {
      if (a.kind !== 'announce') continue;
      this.from(a.origin);
      this.announce(a);
    }
  }

  private upstreamState(): void {
    const w = this.w;
    const p = this.plan;
    w.blank();
    w.comment('$avp(use_N) = 1 when upstream N may be tried now. Without probing, always.');
    w.comment('With probing: down from dispatcher\'s dst-down event; up again once dispatcher says up');
    w.comment('(up after N answers) and the first probe after the hold-off has gone out.');
    w.block('route[UPSTREAM_STATE]', () => {
      for (const u of p.upstreams) {
        if (!u.probe || !p.probing) {
          w.line(`$avp(use_${u.index}) = 1;`);
          continue;
        }
        const n = u.index;
        const every = p.probing.intervalS * 1000;
        const timeout = p.probing.timeoutMs;
        this.from(u.probe.origin);
        w.block(`if ($shv(down_${n}) == 1)`, () => {
          w.line(`$avp(use_${n}) = 0;`);
          w.block(`if ($shv(ok_${n}) == 1)`, () => {
            w.line('route(NOW);');
            w.line(`$var(gone) = $var(now_s) - $shv(since_s_${n});`);
            w.comment('Milliseconds since marked down (capped, Kamailio ints are 32 bits).');
            w.block('if ($var(gone) > 1000000)', () => w.line('$var(gone) = 1000000000;'));
            w.block('else', () => w.line(`$var(gone) = $var(gone) * 1000 + ($var(now_u) - $shv(since_u_${n})) / 1000;`));
            w.line(`$var(holdoff) = ${cfgInt(u.probe!.holdoffVar)};`);
            w.comment(`Probes go out every ${every} ms and were marked down ${timeout} ms after one went out:`);
            w.comment('the first probe at or after the hold-off is this many ms after the mark.');
            w.line(`$var(release) = (($var(holdoff) + ${timeout} + ${every - 1}) / ${every}) * ${every} - ${timeout};`);
            w.block('if ($var(gone) >= $var(release))', () => {
              w.line(`$shv(down_${n}) = 0;`);
              w.line(log('L_NOTICE', `upstream ${u.name}: probes answer and the hold-off is over, calls go to it again`));
              w.line(`$avp(use_${n}) = 1;`);
            });
          });
        });
        w.block('else', () => w.line(`$avp(use_${n}) = 1;`));
      }
    });
    if (!p.probing) return;
    w.blank();
    w.comment('Seconds and microseconds of now, from one clock reading.');
    w.block('route[NOW]', () => {
      w.line('$var(now) = $TV(Sn);');
      w.line('$var(now_s) = $(var(now){s.select,0,.}{s.int});');
      w.line('$var(now_u) = $(var(now){s.select,1,.}{s.int});');
    });
  }

  private inboundEntry(ib: NonNullable<Plan['inbound']>): void {
    const w = this.w;
    w.blank();
    w.comment(`Incoming calls from a gateway: from ${this.ctx.sources.describe(ib.origin)}`);
    w.comment('Each step forks in parallel to its phones, rings for its time (fr_inv_timer), and');
    w.comment('when every branch has ended, the next step runs from the failure route.');
    w.block('route[INBOUND]', () => {
      w.line('$avp(step) = 1;');
      writeInboundSelect(w, ib);
      const empty = ib.routes.filter((r) => r.steps.length === 0);
      if (empty.length > 0) {
        w.comment('A route without any step (no ring chain): nothing to ring.');
        w.block(`if (${empty.map((r) => `$avp(inroute) == ${r.id}`).join(' || ')})`, () => w.lines([reply('t_reply', proxyReplies.noInboundRoute), 'exit;']));
      }
      w.line(log('L_INFO', 'incoming call to $rU from $si: inbound route $avp(inroute)'));
      w.line('route(INBOUND_STEP);');
    });
    writeInboundRoutes(w, ib);
  }

  private inbound(): void {
    const w = this.w;
    const ib = this.plan.inbound;
    // Local calls ring with the same machinery, as inbound routes numbered after the gateway's.
    const routes = [...(ib?.routes ?? []), ...(this.plan.local?.routes ?? [])];
    if (routes.length === 0) return;
    if (ib) this.inboundEntry(ib);

    w.blank();
    w.comment('Rings step $avp(step) of inbound route $avp(inroute); a step without a reachable phone is skipped.');
    w.block('route[INBOUND_STEP]', () => {
      w.line('$var(rung) = 0;');
      routes.forEach((r, i) => {
        w.block(`${i === 0 ? 'if' : 'else if'} ($avp(inroute) == ${r.id})`, () => {
          r.steps.forEach((_, k) => {
            w.block(`${k === 0 ? 'if' : 'else if'} ($avp(step) == ${k + 1})`, () => w.line(`route(IN_${r.id}_${k + 1});`));
          });
        });
      });
      w.block('if ($var(rung) == 1)', () => w.line('return;'));
      w.block('if ($var(rung) == 2)', () => {
        w.line('$var(step) = $avp(step) + 1;');
        w.line('$avp(step) = $var(step);');
        w.line('route(INBOUND_STEP);');
        w.line('return;');
      });
      w.line('route(INBOUND_END);');
    });

    for (const r of routes) {
      r.steps.forEach((s, k) => this.inboundStep(`IN_${r.id}_${k + 1}`, `${r.label}, step ${k + 1}`, s));
    }

    w.blank();
    w.comment('Rings the destination set built by a step.');
    w.block('route[RING]', () => {
      w.line('$du = $null;');
      w.line(`$var(no_answer) = ${cfgInt('no_answer')};`);
      w.line('t_set_fr("$var(ring)", "$var(no_answer)");');
      w.line('t_on_failure("INBOUND_FAILED");');
      w.line('t_on_branch_failure("INBOUND");');
      w.block('if (t_relay())', () => w.line('$var(rung) = 1;'));
      w.block('else', () => w.line('$var(rung) = 2;'));
    });

    w.blank();
    w.comment('No step left: the first final reply other than 408 or 487, else 480.');
    w.block('route[INBOUND_END]', () => {
      w.block('if ($avp(final) != $null)', () => {
        w.line('$var(code) = $avp(final);');
        w.line('route(REASON);');
        w.line('t_reply("$var(code)", "$var(reason)");');
      });
      w.block('else', () => w.line(reply('t_reply', proxyReplies.nobodyAnswered)));
      w.line('exit;');
    });

    w.blank();
    w.comment('Reason phrases for the replies this proxy makes from a code.');
    w.block('route[REASON]', () => {
      w.block('switch ($var(code))', () => {
        for (const [code, text] of Object.entries(reasons)) {
          if (Number(code) < 300) continue;
          w.line(`case ${code}: $var(reason) = ${cfgFormat(text)}; break;`);
        }
        w.line('default: $var(reason) = "Error";');
      });
    });

    w.blank();
    w.block('failure_route[INBOUND_FAILED]', () => {
      w.block('if (t_is_canceled())', () => w.line('exit;'));
      w.line('$var(step) = $avp(step) + 1;');
      w.line('$avp(step) = $var(step);');
      w.line('route(INBOUND_STEP);');
    });

    w.blank();
    w.comment('Each failed branch of an inbound step: remember the first final reply other than 408/487.');
    w.block('event_route[tm:branch-failure:INBOUND]', () => {
      w.block('if ($avp(final) == $null && $T_reply_code != 408 && $T_reply_code != 487)', () => w.line('$avp(final) = $T_reply_code;'));
    });
  }

  private inboundStep(name: string, label: string, s: PlanStep): void {
    const w = this.w;
    w.blank();
    w.comment(`${label}: ring ${s.label} for ${s.ringMs} ms`);
    this.from(s.origin);
    w.block(`route[${name}]`, () => {
      w.line(s.ringVar ? `$var(ring) = ${cfgInt(s.ringVar)};` : `$var(ring) = ${s.ringMs};`);
      const fixed = s.targets.filter((t) => t.uri !== undefined);
      const registered = this.plan.register.keepLocalCopy ? s.targets.filter((t) => t.uri === undefined) : [];
      for (const t of s.targets.filter((x) => x.uri === undefined && !this.plan.register.keepLocalCopy)) {
        w.comment(`${t.phone} is registered, but no local copy of registrations is kept: skipped.`);
      }
      if (fixed.length === 0 && registered.length === 0) {
        w.line('$var(rung) = 2;');
        return;
      }
      fixed.forEach((t, i) => {
        w.comment(`phone ${t.phone}`);
        w.line(i === 0 ? `$ru = ${cfgString(t.uri!)};` : `append_branch(${cfgString(t.uri!)});`);
      });
      if (registered.length === 0) {
        w.line('route(RING);');
        return;
      }
      // The first phone found becomes the Request-URI, the others extra branches.
      w.line(`$var(found) = ${fixed.length > 0 ? 1 : 0};`);
      for (const t of registered) {
        const aor = cfgString(`sip:${t.user}@localhost`);
        w.comment(`phone ${t.phone}: its contacts from the local copy of registrations`);
        w.block('if ($var(found) == 0)', () => w.block(`if (lookup("location", ${aor}))`, () => w.line('$var(found) = 1;')));
        w.block('else', () => w.line(`lookup_to_dset("location", ${aor});`));
      }
      w.block('if ($var(found) == 0)', () => w.lines(['$var(rung) = 2;', 'return;']));
      w.line('route(RING);');
    });
  }

  private elsewhere(): void {
    const w = this.w;
    w.blank();
    w.comment('Initial requests from an upstream (the PBX reaching a phone through the Path it learnt):');
    w.comment('only towards a phone of the branch LANs or a local registration, never a gateway or another');
    w.comment('host, so this proxy is no open relay. send_reply: statefully when an INVITE made a transaction.');
    w.block('route[ELSEWHERE]', () => {
      for (const g of this.plan.gateways) {
        w.block(`if (is_ip("$rd") && compare_ips("$rd", ${cfgString(g.ip)}))`, () => w.lines([reply('send_reply', proxyReplies.relayingDenied), 'exit;']));
      }
      if (this.plan.register.keepLocalCopy) {
        w.block('if (uri == myself && $rU != $null)', () => {
          w.block('if (!lookup("location"))', () => w.lines([reply('send_reply', proxyReplies.notRegistered), 'exit;']));
          w.line('route(RELAY);');
        });
      }
      w.comment('The proxy\'s own address lies in the LAN, but relaying to itself would loop.');
      w.block('if (uri == myself)', () => w.lines([reply('send_reply', proxyReplies.relayingDenied), 'exit;']));
      w.block(`if (!(is_ip("$rd") && ${this.inLans('$rd')}))`, () => {
        w.lines([reply('send_reply', proxyReplies.relayingDenied), 'exit;']);
      });
      w.line('route(RELAY);');
    });
  }

  private other(): void {
    const w = this.w;
    w.blank();
    w.comment('Other initial requests (MESSAGE, SUBSCRIBE...) from the LAN: the first usable upstream, no survival.');
    w.comment('From an upstream: only to the branch\'s phones; from a gateway: nothing but calls.');
    w.block('route[OTHER]', () => {
      w.block('if ($var(src) == 2)', () => w.line('route(ELSEWHERE);'));
      w.block('if ($var(src) != 1)', () => w.lines([reply('sl_send_reply', proxyReplies.relayingDenied), 'exit;']));
      if (this.otherVia.length > 0) w.line('route(UPSTREAM_STATE);');
      for (const u of this.otherVia) {
        w.block(`if ($avp(use_${u.index}) == 1)`, () => w.lines([`$du = ${cfgString(u.du)};`, 'route(RELAY);']));
      }
      w.lines([reply('sl_send_reply', proxyReplies.noUpstream), 'exit;']);
    });
  }

  private events(): void {
    const w = this.w;
    const p = this.plan;
    if (!p.probing) return;
    const probed = p.upstreams.filter((u) => u.probe);
    w.blank();
    w.comment('dispatcher: an upstream missed ds_probing_threshold probes in a row.');
    w.block('event_route[dispatcher:dst-down]', () => {
      for (const u of probed) {
        w.block(`if ($ru == ${cfgString(u.du)})`, () => {
          w.line('route(NOW);');
          w.lines([`$shv(down_${u.index}) = 1;`, `$shv(ok_${u.index}) = 0;`, `$shv(since_s_${u.index}) = $var(now_s);`, `$shv(since_u_${u.index}) = $var(now_u);`]);
          w.line(log('L_WARN', `upstream ${u.name} marked down: calls go straight to survival`));
          writeEvent(w, { branch: p.branch, event: 'upstream-down', upstream: u.name }, false);
        });
      }
      writeGatewayProbeEvent(w, p, 'down');
    });
    w.blank();
    w.comment('dispatcher: an upstream answered ds_inactive_threshold probes in a row.');
    w.block('event_route[dispatcher:dst-up]', () => {
      for (const u of probed) {
        w.block(`if ($ru == ${cfgString(u.du)})`, () => {
          w.line(`$shv(ok_${u.index}) = 1;`);
          w.line(log('L_NOTICE', `upstream ${u.name} answers probes again`));
          writeEvent(w, { branch: p.branch, event: 'upstream-up', upstream: u.name }, false);
        });
      }
      writeGatewayProbeEvent(w, p, 'up');
    });
  }
}
