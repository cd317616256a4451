// kamailio.cfg for one branch: header, globals, tunables, modules, routing.
import { writeGlobals, writeHeader, writeModules, writeTunables, type CfgContext } from './cfg-globals.js';
import { writeRoutes } from './cfg-routes.js';
import { CfgWriter } from './cfg-writer.js';
import type { Plan } from './plan.js';

export type { CfgContext } from './cfg-globals.js';

export function renderCfg(plan: Plan, ctx: CfgContext): string {
  const w = new CfgWriter();
  writeHeader(w, plan, ctx);
  writeGlobals(w, plan, ctx);
  writeTunables(w, plan, ctx);
  writeModules(w, plan, ctx);
  writeRoutes(w, plan, ctx);
  return w.text();
}

/** dispatcher.list: one set per probed upstream, the set id being the upstream's index. */
export function renderDispatcherList(plan: Plan, ctx: CfgContext): string | undefined {
  const probed = plan.upstreams.filter((u) => u.probe);
  if (!plan.probing || probed.length === 0) return undefined;
  const lines = [
    `# dispatcher.list for branch ${plan.branch}, written by surv ${ctx.toolVersion} (surv export).`,
    '# setid destination flags: one set per probed upstream (the set id is the upstream number',
    '# in kamailio.cfg). Flags 16: a host name is resolved when probed, not at start-up.',
  ];
  for (const u of probed) {
    const isName = /[A-Za-z]/.test(u.host) && !u.host.includes(':');
    lines.push(`# upstream ${u.name}, from ${ctx.sources.where(u.probe!.origin)}`);
    lines.push(`${u.index} ${u.du} ${isName ? 16 : 0}`);
  }
  return `${lines.join('\n')}\n`;
}
