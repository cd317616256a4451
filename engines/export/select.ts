// What `surv export PATH [--branch B]` exports, shared by the CLI and the language
// server's `surv/export` so both choose the same branches, fleet layout and file
// names, and so give the same bundle byte for byte.
import { posix } from 'node:path';
import type { Analysis, Branch } from '../../grammar/src/index.js';
import { exportBranches, type ExportResult } from './index.js';
import { Sources } from './sources.js';
import type { Bundle, Target } from './types.js';

export interface Selection {
  readonly branches: readonly Branch[];
  /** One folder per branch and a fleet manifest (a folder, or several branches without `branch`). */
  readonly fleet: boolean;
  /** File names in the bundle are relative to this. */
  readonly root: string;
}

/**
 * The branches defined in `path` (a file, or every file below a folder; never those of
 * `use`d files), or only `branch`. A string is the reason there is nothing to export.
 * `path` is named as the analysis names its files (normalised POSIX path); `shown` is
 * how the messages name it (as the user typed it).
 */
export function selectBranches(analysis: Pick<Analysis, 'model'>, path: string, isDirectory: boolean, branch?: string, shown = path): Selection | string {
  const root = isDirectory ? path : posix.dirname(path);
  const named = (b: Branch) => (isDirectory ? b.uri.startsWith(root === '.' ? '' : `${root}/`) : b.uri === path);
  let branches = analysis.model.branches.filter(named);
  if (branch !== undefined) {
    branches = branches.filter((b) => b.name === branch);
    if (branches.length === 0) return `no branch named '${branch}' in '${shown}'`;
  }
  if (branches.length === 0) return `no branch to export in '${shown}'`;
  return { branches, fleet: branch === undefined && (isDirectory || branches.length > 1), root };
}

export interface BuildOptions {
  /** Every branch on this platform; undefined: each branch's `router { platform }`. */
  readonly target?: Target;
  readonly toolVersion: string;
  /** surv export --kamailio: the routers' Kamailio version. */
  readonly kamailio?: string;
  readonly onBranch?: (bundle: Bundle, index: number, total: number) => void;
}

/** Every bundle of the selection in memory; throws ExportError (nothing written) when one cannot be made. */
/** The selection's files as the exporter names them in its messages and comments. */
export function selectionSources(analysis: Pick<Analysis, 'files'>, selection: Selection): Sources {
  return new Sources(new Map([...analysis.files].map(([uri, f]) => [uri, { text: f.text, lines: f.lines }])), selection.root);
}

export function buildSelection(analysis: Pick<Analysis, 'files'>, selection: Selection, options: BuildOptions): ExportResult {
  const sources = selectionSources(analysis, selection);
  return exportBranches(selection.branches, sources, {
    ...(options.target !== undefined ? { target: options.target } : {}),
    toolVersion: options.toolVersion,
    ...(options.kamailio !== undefined ? { kamailio: options.kamailio } : {}),
    fleet: selection.fleet,
    ...(options.onBranch ? { onBranch: options.onBranch } : {}),
  });
}

/** The folder a bundle lands in below the output folder. */
export function bundleDir(out: string, bundle: Bundle, fleet: boolean): string {
  return fleet ? posix.join(out, bundle.branch) : out;
}
