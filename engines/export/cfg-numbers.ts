// kamailio.cfg: numbers both ways. The neutral plan decides (engines/plan/numbers.ts, read
// by the simulator's edge); this writes the same rules: each gateway's called number
// (route[NUMBER_N], its own rules else the outbound block's), the calling number it is
// told (route[CALLER_ID]: P-Asserted-Identity and Privacy, RFC 3325 / RFC 3323, textops
// only), and a gateway's incoming called number, normalised and matched against exact
// numbers, then did patterns (route[INBOUND_EXACT], route[INBOUND_PATTERNS]).
import type { NumberPattern } from '../../grammar/src/index.js';
import type { PlanRewrite } from '../plan/index.js';
import type { CfgWriter } from './cfg-writer.js';
import { cfgFormat, cfgString, hostPort } from './escape.js';
import type { Plan, PlanGateway, PlanInbound } from './plan.js';

/** A POSIX regex for the numbers of a pattern: a leading `+` in a bracket, so nothing needs escaping. */
function regexOf(p: NumberPattern): string {
  const prefix = p.prefix.startsWith('+') ? `[+]${p.prefix.slice(1)}` : p.prefix;
  return `^${prefix}${p.digits > 0 ? `[0-9]{${p.digits}}` : ''}$`;
}

/** Sets `$var(number)` from `$var(input)` by `rules`, first match wins (the simulator's `rewriteNumber`). */
function writeRules(w: CfgWriter, rules: readonly PlanRewrite[], input: string, output: string): void {
  w.line(`${output} = ${input};`);
  const v = input.replace(/^\$/, '');
  for (const r of rules) {
    const cond = r.match === '' ? '1 == 1' : `$(${v}{s.len}) >= ${r.match.length} && $(${v}{s.substr,0,${r.match.length}}) == ${cfgString(r.match)}`;
    w.block(`if (${cond})`, () => {
      if (r.strip > 0) {
        w.block(`if ($(${v}{s.len}) > ${r.strip})`, () => w.line(`${output} = $(${v}{s.substr,${r.strip},0});`));
        w.block('else', () => w.line(`${output} = "";`));
      }
      if (r.prefix !== '') w.line(`${output} = ${cfgString(r.prefix)} + ${output};`);
      w.line('return;');
    });
  }
}

/** route[NUMBER_N] for every gateway: `$var(number)`, the called number gateway N is sent for the dialled `$var(dialled)`. */
export function writeNumberRoutes(w: CfgWriter, plan: Plan): void {
  for (const g of plan.gateways) {
    w.blank();
    w.comment(`The called number gateway ${g.name} is sent for $var(dialled): ${g.numbers.length > 0 ? 'the first rewrite rule whose match fits' : 'as dialled (no rewrite rules)'}.`);
    w.block(`route[NUMBER_${g.index}]`, () => writeRules(w, g.numbers, '$var(dialled)', '$var(number)'));
  }
}

/** Whether any gateway presents a calling number (else no route[CALLER_ID] is written). */
export function presentsCallerId(plan: Plan): boolean {
  return plan.gateways.some((g) => g.callerIds.length > 0);
}

/**
 * route[CALLER_ID]: the calling number gateway `$var(gw_name)` is told, by the caller's From
 * user. Called from the gateway branch route (per branch, so a failover to another gateway
 * presents that gateway's number) and before a phone's own call to a gateway.
 */
export function writeCallerIdRoute(w: CfgWriter, plan: Plan): void {
  if (!presentsCallerId(plan)) return;
  const listen = plan.listens[0];
  const host = listen ? cfgFormat(hostPort(listen.ip, 5060)).slice(1, -1) : 'localhost';
  w.blank();
  w.comment('The calling number presented to gateway $var(gw_name), first caller-id that fits the caller ($fU):');
  w.comment('a P-Asserted-Identity the gateway trusts (RFC 3325 §9.1) instead of any the phone sent, and');
  w.comment('Privacy: id (RFC 3323 §4.2) when it is to be withheld from the called party.');
  w.block('route[CALLER_ID]', () => {
    for (const g of plan.gateways.filter((x) => x.callerIds.length > 0)) {
      w.block(`if ($var(gw_name) == ${cfgString(g.name)})`, () => {
        for (const c of g.callerIds) {
          const fill = c.number.digits === 0 ? cfgString(c.number.prefix)
            : `${cfgString(c.number.prefix)} + $(fU{s.substr,${c.extensions!.prefix.length},0})`;
          const body = () => w.lines([`$var(cid) = ${fill};`, `$var(cid_private) = ${c.private ? 1 : 0};`, 'route(PRESENT);', 'return;']);
          if (c.extensions) w.block(`if ($fU =~ ${cfgString(regexOf(c.extensions))})`, body);
          else body();
        }
      });
    }
  });
  w.blank();
  w.block('route[PRESENT]', () => {
    w.line('remove_hf("P-Asserted-Identity");');
    w.line(`append_hf("P-Asserted-Identity: <sip:$var(cid)@${host}>\\r\\n");`);
    w.block('if ($var(cid_private) == 1)', () => w.lines(['remove_hf("Privacy");', 'append_hf("Privacy: id\\r\\n");']));
  });
}

/** Before a phone's own call to gateway `g` (it followed a redirect): the calling number `g` is told. */
export function writeDirectCallerId(w: CfgWriter, g: PlanGateway): void {
  if (g.callerIds.length === 0) return;
  w.lines([`$var(gw_name) = ${cfgString(g.name)};`, 'route(CALLER_ID);']);
}

/** In route[INBOUND]: `$var(called)`, the gateway's called number after the inbound normalisation, and its route. */
export function writeInboundSelect(w: CfgWriter, ib: PlanInbound): void {
  if (ib.normalise.length > 0) {
    w.comment('The called number, normalised before anything is matched (the inbound rewrite rules).');
    w.line('route(INBOUND_NORMALISE);');
  } else {
    w.line('$var(called) = $rU;');
  }
  w.line('$var(num) = $var(called);');
  w.line('route(INBOUND_EXACT);');
  if (ib.patterns.length > 0) w.block('if ($avp(inroute) == 0)', () => w.line('route(INBOUND_PATTERNS);'));
}

/** The routes writeInboundSelect calls. */
export function writeInboundRoutes(w: CfgWriter, ib: PlanInbound): void {
  if (ib.normalise.length > 0) {
    w.blank();
    w.comment('The inbound rewrite rules: the first whose match fits.');
    w.block('route[INBOUND_NORMALISE]', () => writeRules(w, ib.normalise, '$rU', '$var(called)'));
  }
  const exact = ib.routes.filter((r) => r.kind !== 'chain' && r.number !== undefined);
  w.blank();
  w.comment('$avp(inroute): the route of the exact number $var(num) (a did, else an extension), else 0.');
  w.block('route[INBOUND_EXACT]', () => {
    w.line('$avp(inroute) = 0;');
    for (const r of exact) w.block(`if ($var(num) == ${cfgString(r.number!)})`, () => w.lines([`$avp(inroute) = ${r.id};`, 'return;']));
  });
  if (ib.patterns.length === 0) return;
  w.blank();
  w.comment('The did patterns in written order: the first that fits takes the call, to its route or to the');
  w.comment('extension its last digits pick (that extension\'s route, else the ring chain).');
  w.block('route[INBOUND_PATTERNS]', () => {
    for (const p of ib.patterns) {
      w.block(`if ($var(called) =~ ${cfgString(regexOf(p.pattern))})`, () => {
        if (p.routeId !== undefined) {
          w.lines([`$avp(inroute) = ${p.routeId};`, 'return;']);
          return;
        }
        const e = p.extension!;
        w.line(`$var(num) = ${cfgString(e.prefix)} + $(var(called){s.substr,${p.pattern.prefix.length},0});`);
        w.lines(['route(INBOUND_EXACT);', 'return;']);
      });
    }
  });
}
