// kamailio.cfg for one branch: header, globals, tunables, modules, routing.
import { writeGlobals, writeHeader, writeModules, writeTunables, type CfgContext } from './cfg-globals.js';
import { writeRoutes } from './cfg-routes.js';
import { CfgWriter } from './cfg-writer.js';
import { fitKamailio, olderForms, requiredKamailio } from './kamailio-versions.js';
import type { Plan } from './plan.js';

export type { CfgContext } from './cfg-globals.js';

/**
 * `kamailio`: the version the router has (surv export --kamailio): constructs above it
 * are written in their older form where they have one, else the export is refused
 * (kamailio-versions.ts).
 * The header states the version the body needs, so the body is written first.
 */
export function renderCfg(plan: Plan, ctx: CfgContext, kamailio?: string): string {
  const written = writeBody(plan, ctx, olderForms(kamailio));
  const body = kamailio === undefined ? written : fitKamailio(written, kamailio, plan, ctx.sources);
  const head = new CfgWriter();
  writeHeader(head, plan, ctx, { need: requiredKamailio(body), ...(kamailio === undefined ? {} : { writtenFor: kamailio }) });
  return `${head.text()}${body}`;
}

/**
 * Everything after the header, exactly as one writer would have written it after the
 * header: a stand-in first line (the header ends with a comment line) is dropped again.
 */
function writeBody(plan: Plan, ctx: CfgContext, older: ReadonlySet<string>): string {
  const w = new CfgWriter(older);
  w.line('#');
  writeGlobals(w, plan, ctx);
  writeTunables(w, plan, ctx);
  writeModules(w, plan, ctx);
  writeRoutes(w, plan, ctx);
  return w.text().slice('#\n'.length);
}

/** dispatcher.list: one set per probed upstream (its index) and per probed gateway (100 + its index). */
export function renderDispatcherList(plan: Plan, ctx: CfgContext): string | undefined {
  const probed = plan.upstreams.filter((u) => u.probe);
  const gateways = plan.gateways.filter((g) => g.probe);
  if (!plan.probing || probed.length + gateways.length === 0) return undefined;
  const lines = [
    `# dispatcher.list for branch ${plan.branch}, written by surv ${ctx.toolVersion} (surv export).`,
    '# setid destination flags: one set per probed upstream (the set id is the upstream number',
    '# in kamailio.cfg) and per probed gateway (100 + its number). Flags 16: a host name is',
    '# resolved when probed, not at start-up.',
  ];
  for (const u of probed) {
    const isName = /[A-Za-z]/.test(u.host) && !u.host.includes(':');
    lines.push(`# upstream ${u.name}, from ${ctx.sources.where(u.probe!.origin)}`);
    lines.push(`${u.index} ${u.du} ${isName ? 16 : 0}`);
  }
  for (const g of gateways) {
    lines.push(`# gateway ${g.name}, from ${ctx.sources.where(g.probe!.origin)}`);
    lines.push(`${100 + g.index} ${g.du} 0`);
  }
  return `${lines.join('\n')}\n`;
}
