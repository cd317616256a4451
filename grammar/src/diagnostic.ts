import type { Location, Range } from './location.js';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface RelatedInformation {
  readonly location: Location;
  readonly message: string;
}

/**
 * Machine-readable facts for quick fixes. Each code documents which keys it sets
 * (docs/diagnostics.md); consumers must treat unknown keys as absent.
 */
export interface DiagnosticData {
  /** Replacement texts that would fix the problem at `range` (did-you-mean, 302 for 380, ...). */
  readonly replacements?: readonly string[];
  /** The name the diagnostic is about. */
  readonly name?: string;
  readonly [key: string]: unknown;
}

export interface SurvDiagnostic {
  /** Stable code such as `SURV010`; never reused for another meaning. */
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly uri: string;
  readonly range: Range;
  readonly related?: readonly RelatedInformation[];
  readonly data?: DiagnosticData;
  /** `unnecessary` lets editors fade unused definitions. */
  readonly tags?: readonly 'unnecessary'[];
}
