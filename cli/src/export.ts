// `surv export PATH --target T --out DIR`: a runnable Kamailio bundle per branch.
import { statSync } from 'node:fs';
import { posix } from 'node:path';
import { Option, type Command } from 'commander';
import { analyze } from '../../grammar/src/index.js';
import { terminalText } from './terminal-text.js';
import { ExportError, targets, type Bundle, type Target } from '../../engines/export/index.js';
import { checkOutput, writeBundleDir } from '../../io/write-bundle.js';
import { bundlesDir } from '../../engines/export/ansible.js';
import { ansibleProject, isRefusal } from './export-ansible.js';
import { buildSelection, bundleDir, selectBranches } from '../../engines/export/select.js';
import { CliError, describeIoError, exit } from './errors.js';
import { formatSummary, formatText } from './format-text.js';
import type { CommandContext } from './io.js';
import { loadFiles, normalisePath } from './load.js';
import { parseVersion } from '../../engines/export/kamailio-versions.js';

export interface ExportCommandOptions {
  /** Overrides each branch's `router { platform }`. */
  readonly target?: Target;
  readonly out?: string;
  /** Writes the Ansible project of the bundles (cli/src/export-ansible.ts) instead of the bundles alone. */
  readonly ansible?: string;
  readonly branch?: string;
  readonly archive?: boolean;
  /** The routers' Kamailio version (engines/export/kamailio-versions.ts). */
  readonly kamailio?: string;
}

export function registerExport(program: Command, context: CommandContext, toolVersion: string): void {
  program
    .command('export')
    .summary('write a runnable Kamailio bundle for a branch or a fleet')
    .description(
      'Write a Kamailio bundle (kamailio.cfg, install.sh, boot hook, README.txt, manifest.json) for '
      + 'each branch of PATH. A .surv file with one branch (or --branch) gives one bundle in DIR; a '
      + 'folder or a file with several branches gives DIR/<branch>/ per branch. A policy with errors '
      + 'is refused and nothing is written. DIR is replaced as a whole, never half-written. With '
      + '--ansible DIR instead of --out, DIR is an Ansible project that rolls the bundles out to the '
      + "routers (each branch needs 'router { manage ADDRESS }'; see DIR/README.md).\n\n"
      + 'Exit status: 0 written, 1 errors in the policy (or a value the export refuses), 2 usage or I/O error.',
    )
    .argument('<path>', '.surv file or fleet folder')
    .addOption(new Option('-t, --target <target>', "router platform (default: each branch's 'router { platform }')").choices(targets))
    .option('-o, --out <dir>', 'output folder (created, or a previous bundle replaced)')
    .option('--ansible <dir>', 'write an Ansible project (inventory, playbook, role, bundles) into DIR instead')
    .option('-b, --branch <name>', 'export only this branch, into DIR itself')
    .option('-a, --archive', 'also write DIR.tar.gz (deterministic)')
    .option('--kamailio <version>', "the routers' Kamailio version (e.g. 5.4.4): older forms where Kamailio has them, else refused")
    .action((path: string, options: ExportCommandOptions) => {
      context.exitCode = runExport(path, options, context, toolVersion);
    });
}

export function runExport(path: string, options: ExportCommandOptions, context: CommandContext, toolVersion: string): number {
  if ((options.out === undefined) === (options.ansible === undefined)) throw new CliError('give one of --out DIR and --ansible DIR');
  const out = (options.out ?? options.ansible)!;
  if (options.kamailio !== undefined && !parseVersion(options.kamailio)) throw new CliError(`--kamailio '${terminalText(options.kamailio)}': give a Kamailio version such as 5.4 or 5.4.4`);
  const typed = normalisePath(path);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(typed).isDirectory();
  } catch (error) {
    throw new CliError(describeIoError(path, error));
  }
  try {
    // Before anything else: an export killed half-way is repaired even when this one is refused.
    for (const note of checkOutput(out, options.archive === true)) context.stderr(`surv: note: ${terminalText(note)}\n`);
  } catch (error) {
    if (error instanceof ExportError) throw new CliError(error.message);
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    throw new CliError(`cannot write '${out}': ${code ?? (error instanceof Error ? error.message : String(error))}`);
  }

  const loaded = loadFiles([path]);
  const analysis = analyze(loaded.sources, { parsed: loaded.parsed, symbols: false });
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    context.stderr(formatText(analysis.diagnostics));
    context.stderr(formatSummary(analysis.diagnostics, loaded.sources.length));
    context.stderr('surv: the policy has errors: nothing exported\n');
    return exit.findings;
  }
  if (analysis.diagnostics.length > 0) context.stderr(formatText(analysis.diagnostics));

  const selection = selectBranches(analysis, typed, isDirectory, options.branch, path);
  if (typeof selection === 'string') throw new CliError(selection);
  const { fleet } = selection;
  if (options.target === undefined) {
    // A usage error, like a missing option: the fix is --target or the design's platform.
    const unplaced = selection.branches.filter((b) => b.router?.platform.value === undefined).map((b) => b.name);
    if (unplaced.length > 0) {
      const named = unplaced.length > 3 ? `${unplaced.slice(0, 3).join(', ')} and ${unplaced.length - 3} more` : unplaced.join(', ');
      throw new CliError(`no --target given and no 'router { platform ... }' in the design for ${named}: say --target edgeos|debian|openwrt`);
    }
  }

  const progress = new Progress(context, fleet && process.stderr.isTTY === true);
  let result;
  try {
    result = buildSelection(analysis, selection, { ...(options.target !== undefined ? { target: options.target } : {}), toolVersion, ...(options.kamailio !== undefined ? { kamailio: options.kamailio } : {}), onBranch: (b, i, n) => progress.step(b, i, n) });
  } catch (error) {
    progress.end();
    if (error instanceof ExportError) {
      context.stderr(`${error.where ? `${terminalText(error.where)}: ` : ''}error: ${terminalText(error.message)}\n`);
      context.stderr('surv: the export refuses this policy: nothing exported\n');
      return exit.findings;
    }
    throw error;
  }
  progress.end();
  for (const b of result.bundles) for (const w of b.warnings) context.stderr(`surv: note: ${b.branch}: ${terminalText(w)}\n`);

  let files = result.files;
  if (options.ansible !== undefined) {
    const project = ansibleProject(analysis, selection, result.bundles, toolVersion);
    if (isRefusal(project)) {
      for (const e of project) context.stderr(`${e.where ? `${terminalText(e.where)}: ` : ''}error: ${terminalText(e.message)}\n`);
      context.stderr('surv: the export refuses this policy: nothing exported\n');
      return exit.findings;
    }
    files = project;
  }

  let written;
  try {
    written = writeBundleDir(out, files, options.archive === true);
    for (const note of written.notes) context.stderr(`surv: note: ${terminalText(note)}\n`);
  } catch (error) {
    if (error instanceof ExportError) throw new CliError(error.message);
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    throw new CliError(`cannot write '${out}': ${code ?? (error instanceof Error ? error.message : String(error))}`);
  }
  const where = (b: Bundle) => (options.ansible !== undefined ? posix.join(out, bundlesDir, b.branch) : bundleDir(out, b, fleet));
  if (!progress.tty) for (const b of result.bundles) context.stdout(`exported ${b.branch} (${b.target}) to ${terminalText(where(b))}\n`);
  else context.stdout(`exported ${result.bundles.length} branches (${[...new Set(result.bundles.map((b) => b.target))].join(', ')}) to ${terminalText(out)}\n`);
  if (options.ansible !== undefined) context.stdout(`Ansible project in ${terminalText(out)}: see its README.md (first: ansible-playbook site.yml --check --diff)\n`);
  if (written.archivePath) context.stdout(`archive ${terminalText(written.archivePath)}\n`);
  return exit.ok;
}

/** A one-line bar on a terminal; nothing otherwise (the summary lines say it all). */
class Progress {
  private shown = false;

  constructor(private readonly context: CommandContext, readonly tty: boolean) {}

  step(bundle: Bundle, index: number, total: number): void {
    if (!this.tty) return;
    const width = 24;
    const done = Math.round(((index + 1) / total) * width);
    this.context.stderr(`\r[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${index + 1}/${total} ${bundle.branch}\u001b[K`);
    this.shown = true;
  }

  end(): void {
    if (this.shown) this.context.stderr('\n');
    this.shown = false;
  }
}
