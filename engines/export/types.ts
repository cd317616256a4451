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

/** A file kamailio.cfg reads at start-up: one the bundle installs, or one the site provides (TLS). */
export interface CfgRead {
  /** The absolute path on the router (below SURV_ROOT in the cfg). */
  readonly path: string;
  readonly from: 'bundle' | 'site';
  /** What it is, for messages: "dispatcher.list", "the TLS certificate". */
  readonly what: string;
}

export interface Bundle {
  readonly branch: string;
  readonly target: Target;
  /** Every file the cfg reads; install.sh checks each is there before Kamailio restarts. */
  readonly reads: readonly CfgRead[];
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
