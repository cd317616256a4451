// One branch's bundle: every file, in memory, byte-for-byte the same for the same input.
import { createHash } from 'node:crypto';
import type { Branch } from '../../grammar/src/index.js';
import { tunables } from './cfg-globals.js';
import { renderInstallScript } from './install-script.js';
import { renderCfg, renderDispatcherList, type CfgContext } from './kamailio-cfg.js';
import { renderVersionCheck, requiredKamailio } from './kamailio-versions.js';
import { buildPlan } from './plan.js';
import { renderReadme } from './readme.js';
import type { Sources } from './sources.js';
import { bootFile, settingsFile, renderDefaults, renderDropIn, renderEdgeosHook, renderOpenwrtInit, targetInfo } from './targets.js';
import type { Bundle, BundleFile, CfgRead, Target } from './types.js';

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Every source file a branch's settings came from, the branch's own file first. */
export function branchSources(branch: Branch): string[] {
  const found = new Set<string>([branch.uri]);
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const v of value) walk(v);
    } else if (value && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      if (o['kind'] === 'source' && typeof o['uri'] === 'string') found.add(o['uri']);
      for (const v of Object.values(o)) walk(v);
    }
  };
  walk(branch);
  const [own, ...rest] = [...found];
  return [own!, ...rest.sort()];
}

export interface BundleOptions {
  readonly target: Target;
  readonly toolVersion: string;
  /** surv export --kamailio: the router's Kamailio version (kamailio-versions.ts). */
  readonly kamailio?: string;
}

export function buildBundle(branch: Branch, sources: Sources, options: BundleOptions): Bundle {
  const { target, toolVersion } = options;
  const plan = buildPlan(branch, sources);
  const ctx: CfgContext = { sources, toolVersion, target, dispatcherList: targetInfo[target].dispatcherList };
  const files: BundleFile[] = [];
  const add = (path: string, content: string, mode = 0o644) => files.push({ path, content, mode });

  const cfg = renderCfg(plan, ctx, options.kamailio);
  add('kamailio.cfg', cfg);
  add(settingsFile[target], renderDefaults(target, toolVersion));
  const dispatcher = renderDispatcherList(plan, ctx);
  if (dispatcher !== undefined) add('dispatcher.list', dispatcher);
  const probing = dispatcher !== undefined;
  const reads: CfgRead[] = [
    ...(probing ? [{ path: targetInfo[target].dispatcherList, from: 'bundle' as const, what: 'dispatcher.list' }] : []),
    ...(plan.tls ? [
      { path: plan.tls.certificate, from: 'site' as const, what: 'the TLS certificate' },
      { path: plan.tls.key, from: 'site' as const, what: 'the TLS private key' },
      ...(plan.tls.ca !== undefined ? [{ path: plan.tls.ca, from: 'site' as const, what: 'the TLS CA list' }] : []),
    ] : []),
  ];

  const versionCheck = renderVersionCheck(requiredKamailio(cfg), target);
  const siteFiles = reads.filter((r) => r.from === 'site');
  if (target === 'edgeos') add(bootFile.edgeos, renderEdgeosHook(plan.branch, toolVersion, probing, { versionCheck, siteFiles }), 0o755);
  else if (target === 'debian') add(bootFile.debian, renderDropIn(toolVersion));
  else add(bootFile.openwrt, renderOpenwrtInit(plan.branch, toolVersion), 0o755);
  add('install.sh', renderInstallScript(plan.branch, target, toolVersion, probing, { reads, versionCheck }), 0o755);
  add('README.txt', renderReadme(plan, target, toolVersion, tunables(plan, ctx), plan.warnings, cfg));
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const sums = files.map((f) => `${sha256(f.content)}  ${f.path}\n`).join('');
  add('SHA256SUMS', sums);
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const own = branchSources(branch);
  const describe = (uri: string) => ({ file: sources.name(uri), sha256: sha256(sources.text(uri) ?? '') });
  const manifest = {
    tool: 'surv',
    toolVersion,
    branch: plan.branch,
    target,
    source: describe(own[0]!),
    sources: own.map(describe),
    reads,
    files: files.map((f) => ({ path: f.path, sha256: sha256(f.content), bytes: Buffer.byteLength(f.content, 'utf8'), mode: `0${f.mode.toString(8)}` })),
    warnings: plan.warnings,
  };
  add('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { branch: plan.branch, target, reads, files, warnings: plan.warnings };
}
