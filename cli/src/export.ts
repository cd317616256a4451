// `surv export PATH --target T --out DIR`: a runnable Kamailio bundle per branch.
import { statSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { analyze } from '../../grammar/src/index.js';
import { terminalText } from './terminal-text.js';
import { ExportError, targets, type Bundle, type Target } from '../../engines/export/index.js';
import { checkOutput, writeBundleDir } from '../../io/write-bundle.js';
import { buildSelection, bundleDir, selectBranches } from '../../engines/export/select.js';
import { CliError, describeIoError, exit } from './errors.js';
import { formatSummary, formatText } from './format-text.js';
import type { CommandContext } from './io.js';
import { loadFiles, normalisePath } from './load.js';

export interface ExportCommandOptions {
  readonly target: Target;
  readonly out: string;
  readonly branch?: string;
  readonly archive?: boolean;
}

export function registerExport(program: Command, context: CommandContext, toolVersion: string): void {
  program
    .command('export')
    .summary('write a runnable Kamailio bundle for a branch or a fleet')
    .description(
      'Write a Kamailio bundle (kamailio.cfg, install.sh, boot hook, README.txt, manifest.json) for '
      + 'each branch of PATH. A .surv file with one branch (or --branch) gives one bundle in DIR; a '
      + 'folder or a file with several branches gives DIR/<branch>/ per branch. A policy with errors '
      + 'is refused and nothing is written. DIR is replaced as a whole, never half-written.\n\n'
      + 'Exit status: 0 written, 1 errors in the policy (or a value the export refuses), 2 usage or I/O error.',
    )
    .argument('<path>', '.surv file or fleet folder')
    .addOption(new Option('-t, --target <target>', 'router platform').choices(targets).makeOptionMandatory())
    .requiredOption('-o, --out <dir>', 'output folder (created, or a previous bundle replaced)')
    .option('-b, --branch <name>', 'export only this branch, into DIR itself')
    .option('-a, --archive', 'also write DIR.tar.gz (deterministic)')
    .action((path: string, options: ExportCommandOptions) => {
      context.exitCode = runExport(path, options, context, toolVersion);
    });
}

export function runExport(path: string, options: ExportCommandOptions, context: CommandContext, toolVersion: string): number {
  const typed = normalisePath(path);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(typed).isDirectory();
  } catch (error) {
    throw new CliError(describeIoError(path, error));
  }
  try {
    // Before anything else: an export killed half-way is repaired even when this one is refused.
    for (const note of checkOutput(options.out, options.archive === true)) context.stderr(`surv: note: ${terminalText(note)}\n`);
  } catch (error) {
    if (error instanceof ExportError) throw new CliError(error.message);
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    throw new CliError(`cannot write '${options.out}': ${code ?? (error instanceof Error ? error.message : String(error))}`);
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

  const progress = new Progress(context, fleet && process.stderr.isTTY === true);
  let result;
  try {
    result = buildSelection(analysis, selection, { target: options.target, toolVersion, onBranch: (b, i, n) => progress.step(b, i, n) });
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

  let written;
  try {
    written = writeBundleDir(options.out, result.files, options.archive === true);
    for (const note of written.notes) context.stderr(`surv: note: ${terminalText(note)}\n`);
  } catch (error) {
    if (error instanceof ExportError) throw new CliError(error.message);
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    throw new CliError(`cannot write '${options.out}': ${code ?? (error instanceof Error ? error.message : String(error))}`);
  }
  const where = (b: Bundle) => bundleDir(options.out, b, fleet);
  if (!progress.tty) for (const b of result.bundles) context.stdout(`exported ${b.branch} (${b.target}) to ${terminalText(where(b))}\n`);
  else context.stdout(`exported ${result.bundles.length} branches (${options.target}) to ${terminalText(options.out)}\n`);
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
