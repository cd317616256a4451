// `surv check PATH...`: analyse the files as one fleet and report the diagnostics.
import { Option, type Command } from 'commander';
import { analyze, type SurvDiagnostic } from '../../grammar/src/index.js';
import { exit } from './errors.js';
import { formatJson } from './format-json.js';
import { formatSarif } from './format-sarif.js';
import { formatSummary, formatText } from './format-text.js';
import type { CommandContext } from './io.js';
import { loadFiles } from './load.js';

export const formats = ['text', 'json', 'sarif'] as const;
export type Format = (typeof formats)[number];

export interface CheckOptions {
  readonly format: Format;
  readonly quiet?: boolean;
}

export function registerCheck(program: Command, context: CommandContext, toolVersion: string): void {
  program
    .command('check')
    .summary('check .surv files and report problems')
    .description(
      'Check .surv files as one fleet and report problems. A folder stands for every .surv file '
      + 'below it (hidden entries and node_modules skipped); files named by `use` lines are loaded too.\n\n'
      + 'Exit status: 0 no errors, 1 errors found, 2 usage or I/O error.',
    )
    .argument('<paths...>', '.surv files or folders')
    .addOption(new Option('-f, --format <format>', 'output format').choices(formats).default('text'))
    .option('-q, --quiet', 'report errors only, and print no summary line')
    .action((paths: string[], options: CheckOptions) => {
      context.exitCode = runCheck(paths, options, context, toolVersion);
    });
}

/** Runs the check and writes its report; returns the exit code. Throws `CliError` for unreadable paths. */
export function runCheck(paths: readonly string[], options: CheckOptions, context: CommandContext, toolVersion: string): number {
  const loaded = loadFiles(paths);
  const { diagnostics } = analyze(loaded.sources, { parsed: loaded.parsed, symbols: false });
  const files = loaded.sources.map((s) => s.uri);
  const shown = options.quiet ? diagnostics.filter((d) => d.severity === 'error') : diagnostics;
  context.stdout(render(options.format, shown, files, toolVersion));
  // The summary goes to stderr so that stdout stays exactly one line per finding.
  if (options.format === 'text' && !options.quiet) context.stderr(formatSummary(shown, files.length));
  return diagnostics.some((d) => d.severity === 'error') ? exit.findings : exit.ok;
}

function render(format: Format, diagnostics: readonly SurvDiagnostic[], files: readonly string[], toolVersion: string): string {
  switch (format) {
    case 'text': return formatText(diagnostics);
    case 'json': return formatJson(diagnostics, files);
    case 'sarif': return formatSarif(diagnostics, files, toolVersion);
  }
}
