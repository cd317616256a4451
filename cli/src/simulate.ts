// `surv simulate FILE`: replays the file's scenarios on the simulator's virtual clock and
// prints each timeline, the calls' results and a verdict per expectation.
import { InvalidArgumentError, type Command } from 'commander';
import { analyze, type Model, type SurvDiagnostic } from '../../grammar/src/index.js';
import { simulate } from '../../engines/simulate/index.js';
import { CliError, exit } from './errors.js';
import { formatJson } from './format-json.js';
import { formatSummary, formatText } from './format-text.js';
import { formatSimulationJson, type SimulatedScenario } from './format-timeline-json.js';
import { Sources } from './format-timeline-location.js';
import { formatScenario, formatTotals } from './format-timeline.js';
import type { CommandContext } from './io.js';
import { terminalText } from './terminal-text.js';
import { loadFiles, normalisePath } from './load.js';

export interface SimulateCliOptions {
  readonly scenario?: string;
  readonly json?: boolean;
  readonly seed?: number;
}

/** The largest seed a scenario may give (`seed N` in .surv). */
const maxSeed = 2 ** 31 - 1;

function parseSeed(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > maxSeed) throw new InvalidArgumentError(`a seed is a whole number from 0 to ${maxSeed}`);
  return Number(text);
}

export function registerSimulate(program: Command, context: CommandContext): void {
  program
    .command('simulate')
    .summary('replay the scenarios of a .surv file')
    .description(
      'Replay the scenarios of a .surv file on a virtual clock: a timeline of the SIP messages, '
      + 'each call\'s result and a verdict per expectation (see docs/verify.md).\n\n'
      + 'Exit status: 0 every expectation holds, 1 an expectation fails or the file has errors, 2 usage or I/O error.',
    )
    .argument('<file>', 'a .surv file (or a folder: every scenario in it)')
    .option('-s, --scenario <title>', 'replay only the scenario with this title')
    .option('--json', 'print one JSON document (docs/simulate-output.schema.json)')
    .option('--seed <n>', "use this seed instead of the scenarios' own (network loss)", parseSeed)
    .action((file: string, options: SimulateCliOptions) => {
      context.exitCode = runSimulate(file, options, context);
    });
}

export interface Analysed {
  readonly model: Model;
  readonly sources: Sources;
  /** The path as the core names it, and whether a URI is one of the files it names. */
  readonly named: (uri: string) => boolean;
}

/**
 * Loads and analyses `file` for a command that runs the model. With errors the design
 * cannot be run: they are printed as `surv check` prints them and `undefined` comes
 * back. Warnings go to stderr, so stdout stays the command's own report.
 */
export function analyseForRun(file: string, context: CommandContext, json: boolean): Analysed | undefined {
  const loaded = loadFiles([file]);
  const { model, diagnostics } = analyze(loaded.sources, { parsed: loaded.parsed, symbols: false });
  const files = loaded.sources.map((s) => s.uri);
  if (diagnostics.some((d) => d.severity === 'error')) {
    printDiagnostics(diagnostics, files, context, json);
    return undefined;
  }
  if (diagnostics.length > 0) context.stderr(formatText(diagnostics));
  const path = normalisePath(file);
  const named = (uri: string) => uri === path || uri.startsWith(path === '.' ? '' : `${path}/`);
  return { model, sources: new Sources(loaded.sources), named };
}

function printDiagnostics(diagnostics: readonly SurvDiagnostic[], files: readonly string[], context: CommandContext, json: boolean): void {
  if (json) {
    context.stdout(formatJson(diagnostics, files));
    return;
  }
  context.stdout(formatText(diagnostics));
  context.stderr(formatSummary(diagnostics, files.length));
}

/** Runs the scenarios and writes the report; returns the exit code. */
export function runSimulate(file: string, options: SimulateCliOptions, context: CommandContext): number {
  const analysed = analyseForRun(file, context, options.json === true);
  if (!analysed) return exit.findings;
  const { model, sources } = analysed;
  const all = model.scenarios.filter((s) => analysed.named(s.uri));
  const chosen = options.scenario === undefined ? all : all.filter((s) => s.title === options.scenario);
  if (options.scenario !== undefined && chosen.length === 0) {
    const head = `no scenario titled "${options.scenario}" in '${file}'; ${all.length > 0 ? 'its scenarios are:' : 'it has no scenarios'}`;
    throw new CliError([head, ...all.map((s) => `  "${s.title}"`)]);
  }
  const runs: SimulatedScenario[] = [];
  for (const scenario of chosen) {
    const branch = model.branches.find((b) => b.name === scenario.branch);
    if (!branch) continue;
    const seeded = options.seed === undefined ? scenario : { ...scenario, seed: options.seed };
    runs.push({ scenario: seeded, result: simulate(branch, seeded), seed: seeded.seed });
  }
  if (options.json) {
    context.stdout(formatSimulationJson(normalisePath(file), runs, sources));
  } else if (runs.length === 0) {
    context.stderr(`no scenarios in '${terminalText(file)}'\n`);
  } else {
    context.stdout(runs.map((r) => formatScenario(r.scenario, r.result, sources)).join('\n'));
    context.stdout(`\n${formatTotals(runs.map((r) => r.result))}`);
  }
  return runs.some((r) => r.result.verdicts.some((v) => v.status === 'fail')) ? exit.findings : exit.ok;
}
