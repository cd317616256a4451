// `surv export PATH --ansible DIR`: the Ansible project of the exported bundles. Every
// branch needs `router { manage ADDRESS }`; all that lack it are reported at once.
import type { Analysis } from '../../grammar/src/index.js';
import { renderAnsible } from '../../engines/export/ansible.js';
import { ExportError, fleetHost, type Bundle, type BundleFile, type FleetHost } from '../../engines/export/index.js';
import { selectionSources, type Selection } from '../../engines/export/select.js';

/** The project's files, or every reason it cannot be made (each naming its branch and source line). */
export function ansibleProject(
  analysis: Pick<Analysis, 'files'>, selection: Selection, bundles: readonly Bundle[], toolVersion: string,
): BundleFile[] | ExportError[] {
  // The same Sources as buildSelection's, so a message names the file as the export does.
  const sources = selectionSources(analysis, selection);
  const hosts: FleetHost[] = [];
  const errors: ExportError[] = [];
  for (const bundle of bundles) {
    const branch = selection.branches.find((b) => b.name === bundle.branch);
    if (!branch) throw new Error(`internal: no branch ${bundle.branch} for its bundle`);
    const host = fleetHost(branch, bundle, sources);
    if (host instanceof ExportError) errors.push(host);
    else hosts.push(host);
  }
  if (errors.length > 0) return errors;
  try {
    return renderAnsible(hosts, toolVersion);
  } catch (error) {
    if (error instanceof ExportError) return [error];
    throw error;
  }
}

/** Tells the two apart (an empty project is never returned: renderAnsible refuses it). */
export function isRefusal(project: BundleFile[] | ExportError[]): project is ExportError[] {
  return project.length > 0 && project[0] instanceof ExportError;
}
