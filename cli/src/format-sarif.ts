// SARIF 2.1.0 for code-scanning services (GitHub, Azure DevOps) and SARIF viewers.
import { pathToFileURL } from 'node:url';
import type * as sarif from 'sarif';
import type { Location, Severity, SurvDiagnostic } from '../../grammar/src/index.js';
import { oneBased } from './positions.js';
import { ruleDescription, ruleHelpUri } from './rules.js';

export const sarifSchemaUri = 'https://json.schemastore.org/sarif-2.1.0.json';

/** Relative paths are given against this base, the directory `surv` ran in (the repository root in CI). */
const srcRoot = 'SRCROOT';

const level: Record<Severity, sarif.Result.level> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

export function toSarifLog(diagnostics: readonly SurvDiagnostic[], files: readonly string[], toolVersion: string): sarif.Log {
  const codes = [...new Set(diagnostics.map((d) => d.code))].sort();
  const ruleIndex = new Map(codes.map((code, i) => [code, i]));
  const rules = codes.map((code): sarif.ReportingDescriptor => ({
    id: code,
    shortDescription: { text: ruleDescription(code) },
    helpUri: ruleHelpUri(code),
  }));
  const results = diagnostics.map((d): sarif.Result => {
    const related = d.related ?? [];
    return {
      ruleId: d.code,
      ruleIndex: ruleIndex.get(d.code) ?? -1,
      level: level[d.severity],
      message: { text: d.message },
      locations: [{ physicalLocation: physicalLocation(d) }],
      // `id` keeps two related entries with the same text and place distinct (the schema wants unique items).
      ...(related.length > 0
        ? { relatedLocations: related.map((r, id) => ({ id, physicalLocation: physicalLocation(r.location), message: { text: r.message } })) }
        : {}),
    };
  });
  return {
    $schema: sarifSchemaUri,
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'surv', version: toolVersion, rules } },
      // The core counts columns in UTF-16 code units, as LSP does.
      columnKind: 'utf16CodeUnits',
      artifacts: files.map((file) => ({ location: artifactLocation(file), roles: ['analysisTarget'] })),
      results,
    }],
  };
}

export function formatSarif(diagnostics: readonly SurvDiagnostic[], files: readonly string[], toolVersion: string): string {
  return `${JSON.stringify(toSarifLog(diagnostics, files, toolVersion), null, 2)}\n`;
}

function physicalLocation(location: Location): sarif.PhysicalLocation {
  const at = oneBased(location.range);
  return {
    artifactLocation: artifactLocation(location.uri),
    region: { startLine: at.line, startColumn: at.column, endLine: at.endLine, endColumn: at.endColumn },
  };
}

/**
 * SARIF wants URIs, not paths: a relative path becomes a relative reference against
 * SRCROOT, each segment percent-encoded (a space, `#` or `?` must not change its
 * meaning); an absolute path becomes a `file:` URI.
 */
export function artifactLocation(path: string): sarif.ArtifactLocation {
  if (path.startsWith('/') || /^[A-Za-z]:\//.test(path)) return { uri: pathToFileURL(path).href };
  return { uri: path.split('/').map(encodeURIComponent).join('/'), uriBaseId: srcRoot };
}
