// Helpers for the model suite: analyse texts, find branches, build expected origins.
import { expect } from 'vitest';
import { analyze, type Analysis, type Branch, type Origin, type SourceFile } from '../../../grammar/src/index.js';
import { spanAfter, spanOf } from '../parser/helpers.js';

export const DEFAULT: Origin = { kind: 'default' };

export function analyzeText(text: string, uri = 'model.surv'): Analysis {
  return analyze([{ uri, text }]);
}

export function analyzeFiles(files: readonly SourceFile[]): Analysis {
  return analyze(files);
}

export function branchOf(analysis: Analysis, name: string): Branch {
  const branch = analysis.model.branches.find((b) => b.name === name);
  if (!branch) throw new Error(`no branch '${name}' in the model (have: ${analysis.model.branches.map((b) => b.name).join(', ')})`);
  return branch;
}

/** The origin of the `occurrence`-th `needle` in `text` of file `uri`. */
export function at(uri: string, text: string, needle: string, occurrence = 0): Origin {
  return { kind: 'source', uri, ...spanOf(text, needle, occurrence) };
}

/** The origin of the first `needle` after the first `after` in `text`. */
export function after(uri: string, text: string, afterText: string, needle: string): Origin {
  return { kind: 'source', uri, ...spanAfter(text, afterText, needle) };
}

/** A minimal complete branch body (edge, lan, gateway, upstream, outbound) to add settings to. */
export function completeBranch(name: string, net: number, extra = ''): string {
  return `branch ${name} {
  edge listen udp 10.${net}.0.1:5060
  lan 10.${net}.0.0/24
  gateway pstn { address 10.${net}.0.3  kind bri }
  upstream cloud { proxy sip:pbx.example.com:5060 }
  outbound from lan via cloud { on timeout { redirect 302 to pstn } }
${extra}
}
`;
}

/** The errors of an analysis, as "code message" lines (warnings left out). */
export function errors(analysis: Analysis): string[] {
  return analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`);
}

export function expectNoErrors(analysis: Analysis): void {
  expect(errors(analysis)).toEqual([]);
}

/**
 * No error but SURV033 or SURV017: TLS, or TCP without a tcp listen address, is good surv that
 * only the export refuses; these tests are about the model's values.
 */
export function expectNoErrorsButExport(analysis: Analysis): void {
  // SURV017: a tls listen address needs the TLS files, which only the export reads.
  expect(errors(analysis).filter((e) => !e.startsWith('SURV033') && !e.startsWith('SURV017'))).toEqual([]);
}

/** Any source origin in file `uri` (exact spans are asserted in provenance.test.ts). */
export function sourceIn(uri: string): Origin {
  return expect.objectContaining({ kind: 'source', uri }) as Origin;
}
