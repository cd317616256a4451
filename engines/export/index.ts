// The exporter's public face: a resolved branch (or fleet) in, bundle files out.
// Nothing here touches the disk: io/write-bundle.ts writes what this builds.
import type { Branch } from '../../grammar/src/index.js';
import { buildBundle, sha256 } from './bundle.js';
import { targetOf } from './fleet.js';
import type { Sources } from './sources.js';
import type { Bundle, BundleFile, Target } from './types.js';

export { buildBundle, branchSources, sha256 } from './bundle.js';
export { buildPlan, type Plan } from './plan.js';
export { fleetHost, targetOf } from './fleet.js';
export type { FleetHost } from './fleet-types.js';
export { Sources, type SourceText } from './sources.js';
export { ExportError, targets, type Bundle, type BundleFile, type Target } from './types.js';

export interface ExportOptions {
  /** Every branch on this platform; undefined: each branch's `router { platform }`. */
  readonly target?: Target;
  readonly toolVersion: string;
  /** surv export --kamailio: the routers' Kamailio version. */
  readonly kamailio?: string;
  /** One folder per branch (`<branch>/...`) and a fleet manifest, or one bundle at the top. */
  readonly fleet: boolean;
  /** Called after each branch, for progress output. */
  readonly onBranch?: (bundle: Bundle, index: number, total: number) => void;
}

export interface ExportResult {
  readonly bundles: readonly Bundle[];
  readonly files: readonly BundleFile[];
}

/** Builds every bundle in memory; throws ExportError (nothing written yet) when one cannot be made. */
export function exportBranches(branches: readonly Branch[], sources: Sources, options: ExportOptions): ExportResult {
  const sorted = [...branches].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const bundles = sorted.map((b, i) => {
    const bundle = buildBundle(b, sources, { target: targetOf(b, options.target, sources), toolVersion: options.toolVersion, ...(options.kamailio !== undefined ? { kamailio: options.kamailio } : {}) });
    options.onBranch?.(bundle, i, sorted.length);
    return bundle;
  });
  if (!options.fleet) return { bundles, files: bundles[0]?.files ?? [] };
  const files: BundleFile[] = bundles.flatMap((b) => b.files.map((f) => ({ ...f, path: `${b.branch}/${f.path}` })));
  const manifest = {
    tool: 'surv',
    toolVersion: options.toolVersion,
    ...(options.target !== undefined ? { target: options.target } : {}),
    branches: bundles.map((b) => ({
      branch: b.branch,
      ...(options.target === undefined ? { target: b.target } : {}),
      path: `${b.branch}/`,
      manifestSha256: sha256(b.files.find((f) => f.path === 'manifest.json')?.content ?? ''),
    })),
  };
  files.push({ path: 'manifest.json', content: `${JSON.stringify(manifest, null, 2)}\n`, mode: 0o644 });
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { bundles, files };
}
