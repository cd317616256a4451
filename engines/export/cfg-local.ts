// Local calls in kamailio.cfg (the plan's `outbound.local`, localRouteFor in the
// simulator): a LAN phone's call to a number of the branch is rung by the edge with the
// inbound machinery (route[INBOUND_STEP], RING, INBOUND_FAILED, INBOUND_END), as one
// more inbound route numbered after the others, instead of leaving through a gateway.
import { rangFlag } from './cfg-trying.js';
import type { CfgWriter } from './cfg-writer.js';
import { cfgString } from './escape.js';
import type { PlanLocal } from './plan.js';

/** route[LOCAL_MATCH] and route[LOCAL_RING]. */
export function writeLocalRoutes(w: CfgWriter, local: PlanLocal): void {
  w.blank();
  w.comment('A call to a number of the branch (local-calls): $var(local) is its inbound route, else -1.');
  w.comment('Exact matches on the dialled user only: emergency numbers were routed before and are no local number.');
  w.block('route[LOCAL_MATCH]', () => {
    w.line('$var(local) = -1;');
    local.routes.forEach((r, i) => {
      w.block(`${i === 0 ? 'if' : 'else if'} ($rU == ${cfgString(r.number!)})`, () => w.line(`$var(local) = ${r.id};`));
    });
  });
  w.blank();
  w.comment('Rings the local number of $var(local) like an inbound call: the edge itself, never a gateway;');
  w.comment('nobody reachable (no phone, no registration in the local copy) gives the inbound end (480).');
  w.block('route[LOCAL_RING]', () => {
    w.comment('An upstream relay armed onreply_route[UPSTREAM_REPLY]: marked as rung, it leaves the ring timer alone.');
    w.line(`setflag(${rangFlag});`);
    w.line('$avp(inroute) = $var(local);');
    w.line('$avp(step) = 1;');
    w.line('xlog("L_NOTICE", "local call to $rU from $si: rung by the edge (inbound route $avp(inroute))\\n");');
    w.line('route(INBOUND_STEP);');
  });
}

/** In route[OUTBOUND] (`always`) or route[SURVIVE] (`survival`): a local call rings here and ends; `before` runs first (the announcements). */
export function writeLocalDivert(w: CfgWriter, before: () => void): void {
  w.line('route(LOCAL_MATCH);');
  w.block('if ($var(local) >= 0)', () => {
    before();
    w.lines(['route(LOCAL_RING);', 'exit;']);
  });
}
