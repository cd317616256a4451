// Shapes shared by the exporter's modules.

export const targets = ['edgeos', 'debian', 'openwrt'] as const;
export type Target = (typeof targets)[number];

/** One file of a bundle: a path relative to the bundle folder, its text and its mode. */
export interface BundleFile {
  readonly path: string;
  readonly content: string;
  /** 0o755 for scripts, 0o644 otherwise. */
  readonly mode: number;
}

export interface Bundle {
  readonly branch: string;
  readonly target: Target;
  /** Sorted by path. */
  readonly files: readonly BundleFile[];
  /** Things the person exporting should know (approximations, differences). */
  readonly warnings: readonly string[];
}

/**
 * A policy the exporter cannot turn into a safe Kamailio configuration (a hostile
 * value, a feature Debian's base kamailio package cannot do). `where` is `file:line`
 * when the cause has a source.
 */
export class ExportError extends Error {
  constructor(message: string, readonly where?: string) {
    super(message);
    this.name = 'ExportError';
  }
}
