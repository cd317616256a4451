// The `trying` timer in kamailio.cfg: an upstream that answered only 100 Trying gets
// `trying` for a ringing or final reply, then counts as silent (the plan's
// `timers.tryingMs`; the simulator's edge does the same in onReply/onTimeout).
//
// How tm is steered (measured on Kamailio 5.6, docs/export.md): every relay to an
// upstream sets fr_inv_timer to `trying` with t_set_fr(); tm restarts fr_inv_timer on
// each provisional (restart_fr_on_each_reply, default 1), so a bare 100 starts
// `trying`. The onreply route runs before that restart: on the first reply above 100
// it raises the transaction's fr_inv_timer to `ringing` and sets a message flag, which
// tm copies back to the transaction, so the failure route can tell "it rang" from
// "only 100, then nothing".
import { cfgInt, type CfgWriter } from './cfg-writer.js';

/** Set by the onreply route once an upstream sent a provisional above 100. */
export const rangFlag = 24;

/** The failure route's test: the timed-out upstream had rung (not only sent 100 Trying). */
export const rangTest = `isflagset(${rangFlag})`;

/** route[UPSTREAM_TIMERS] and onreply_route[UPSTREAM_REPLY]. */
export function writeTryingRoutes(w: CfgWriter): void {
  w.blank();
  w.comment('Timers of a relay to an upstream: no-answer for any reply, then trying after a bare 100.');
  w.block('route[UPSTREAM_TIMERS]', () => {
    w.line(`$var(no_answer) = ${cfgInt('no_answer')};`);
    w.line(`$var(trying) = ${cfgInt('trying')};`);
    w.line('t_set_fr("$var(trying)", "$var(no_answer)");');
    w.line(`resetflag(${rangFlag});`);
    w.line('t_on_reply("UPSTREAM_REPLY");');
  });
  w.blank();
  w.comment('The first ringing (18x) from an upstream: it rings for ringing from now on, never survival.');
  w.block('onreply_route[UPSTREAM_REPLY]', () => {
    w.block(`if ($rs > 100 && $rs < 200 && !${rangTest})`, () => {
      w.line(`setflag(${rangFlag});`);
      w.line(`$var(no_answer) = ${cfgInt('no_answer')};`);
      w.line(`$var(ringing) = ${cfgInt('ringing')};`);
      w.line('t_set_fr("$var(ringing)", "$var(no_answer)");');
    });
  });
}
