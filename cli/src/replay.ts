// `surv replay FILE --scenario NAME`: plays a scenario against the exported bundle in a
// real Kamailio on loopback and prints the simulator's ladder and Kamailio's side by
// side (docs/replay.md).
import { posix } from 'node:path';
import type { Command } from 'commander';
import { analyze, type Branch, type Scenario } from '../../grammar/src/index.js';
import { ExportError } from '../../engines/export/index.js';
import { formatLadder, kamailioBin, kamailioMissing, killAllNow, replay, ReplayError, type ReplayResult, type Step } from '../../io/replay/index.js';
import { CliError, exit } from './errors.js';
import { formatJson } from './format-json.js';
import { formatSummary, formatText } from './format-text.js';
import { Sources as Locations } from './format-timeline-location.js';
import type { CommandContext } from './io.js';
import { terminalLines, terminalText } from './terminal-text.js';
import { loadFiles, normalisePath } from './load.js';

export interface ReplayCliOptions {
  readonly scenario?: string;
  readonly json?: boolean;
}

export function registerReplay(program: Command, context: CommandContext, toolVersion: string): void {
  program
    .command('replay')
    .summary('play a scenario against the exported bundle in a real Kamailio')
    .description(
      'Export the branch of a scenario, run it in a real Kamailio (/usr/sbin/kamailio) on loopback, play the '
      + 'scenario\'s phones, upstreams and gateways over UDP as the simulator does, and compare what crossed '
      + 'the wire with the simulator\'s ladder: same messages on every link, in order, within 150 ms '
      + '(see docs/replay.md). Every device must be on 127.0.0.0/8.\n\n'
      + 'Exit status: 0 the ladders agree, 1 they disagree or the file has errors, 2 usage, a design replay '
      + 'refuses, or Kamailio missing or not starting.',
    )
    .argument('<file>', 'a .surv file whose devices sit on loopback addresses')
    .option('-s, --scenario <title>', 'replay only the scenario with this title (default: every scenario of the file)')
    .option('--json', 'print one JSON document')
    .action(async (file: string, options: ReplayCliOptions) => {
      context.exitCode = await runReplay(file, options, context, toolVersion);
    });
}

interface Chosen {
  readonly scenario: Scenario;
  readonly branch: Branch;
}

export async function runReplay(file: string, options: ReplayCliOptions, context: CommandContext, toolVersion: string): Promise<number> {
  // SURV_KAMAILIO: another binary, for tests (as install.sh takes it).
  const binary = process.env['SURV_KAMAILIO'] || kamailioBin;
  const missing = kamailioMissing(binary);
  if (missing) throw new CliError(missing, exit.usage);
  const loaded = loadFiles([file]);
  const analysis = analyze(loaded.sources, { parsed: loaded.parsed, symbols: false });
  const locations = new Locations(loaded.sources);
  if (analysis.diagnostics.some((d) => d.severity === 'error')) {
    const files = loaded.sources.map((s) => s.uri);
    if (options.json) {
      context.stdout(formatJson(analysis.diagnostics, files));
    } else {
      context.stdout(formatText(analysis.diagnostics));
      context.stderr(formatSummary(analysis.diagnostics, files.length));
    }
    return exit.findings;
  }
  if (analysis.diagnostics.length > 0) context.stderr(formatText(analysis.diagnostics));

  const path = normalisePath(file);
  const all = analysis.model.scenarios.filter((s) => s.uri === path || s.uri.startsWith(path === '.' ? '' : `${path}/`));
  const picked = options.scenario === undefined ? all : all.filter((s) => s.title === options.scenario);
  if (options.scenario !== undefined && picked.length === 0) {
    const head = `no scenario titled "${options.scenario}" in '${file}'; ${all.length > 0 ? 'its scenarios are:' : 'it has no scenarios'}`;
    throw new CliError([head, ...all.map((s) => `  "${s.title}"`)]);
  }
  if (picked.length === 0) throw new CliError(`no scenarios in '${file}'`);
  const chosen: Chosen[] = picked.flatMap((scenario) => {
    const branch = analysis.model.branches.find((b) => b.name === scenario.branch);
    return branch ? [{ scenario, branch }] : [];
  });

  const files = new Map([...analysis.files].map(([uri, f]) => [uri, { text: f.text, lines: f.lines }]));
  // Kamailio runs in its own process group: Ctrl-C must not leave it behind.
  const interrupted = () => {
    killAllNow();
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const results: { readonly chosen: Chosen; readonly result: ReplayResult }[] = [];
  try {
    for (const c of chosen) {
      const header = terminalText(`scenario "${c.scenario.title}" in ${c.branch.name} (${locations.position(c.scenario.origin, c.scenario.uri)})`);
      if (!options.json && process.stderr.isTTY) context.stderr(`replaying ${header}...\n`);
      let result: ReplayResult;
      try {
        result = await replay(c.branch, c.scenario, { files, root: posix.dirname(c.branch.uri), toolVersion, kamailio: binary });
      } catch (error) {
        if (error instanceof ReplayError) {
          const where = error.origin ? locations.position(error.origin, c.scenario.uri) : c.scenario.uri;
          throw new CliError(`${where}: error: ${error.message}`, exit.usage);
        }
        if (error instanceof ExportError) throw new CliError(`${error.where ? `${error.where}: ` : ''}error: the export refuses this design: ${error.message}`, exit.usage);
        throw new CliError(error instanceof Error ? error.message : String(error), exit.usage);
      }
      results.push({ chosen: c, result });
      if (!options.json) {
        const unreadable = result.unreadable.map((u) => `  !! ${(u.atMs / 1000).toFixed(3)}s  a datagram to ${u.to} that is not SIP: ${u.error}\n`).join('');
        // The ladder shows what came off the wire, which a hostile peer chose: neutralised too.
        context.stdout(`${header}\n${terminalLines(formatLadder(result.comparison))}\n${terminalLines(unreadable)}\n`);
      }
    }
  } finally {
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
  }
  const agreeing = results.filter((r) => r.result.agree).length;
  if (options.json) {
    context.stdout(`${JSON.stringify(replayJson(path, results, locations), null, 2)}\n`);
  } else {
    context.stdout(`${results.length} scenario${results.length === 1 ? '' : 's'}: ${agreeing} agree, ${results.length - agreeing} disagree\n`);
  }
  return agreeing === results.length ? exit.ok : exit.findings;
}

const stepJson = (s: Step | undefined) => (s ? {
  atMs: Math.round(s.atMs * 10) / 10, from: s.from, to: s.to, summary: s.summary, method: s.method, contact: s.contact ?? null, line: s.line,
} : null);

function replayJson(file: string, results: readonly { readonly chosen: Chosen; readonly result: ReplayResult }[], locations: Locations) {
  return {
    tool: 'surv',
    command: 'replay',
    file,
    scenarios: results.map(({ chosen, result }) => {
      const at = locations.locate(chosen.scenario.origin);
      const c = result.comparison;
      return {
        title: result.scenario,
        branch: result.branch,
        location: at ? { file: at.file, line: at.line, column: at.column } : null,
        agree: result.agree,
        toleranceMs: c.toleranceMs,
        maxDeltaMs: Math.round(c.maxDeltaMs * 10) / 10,
        probesAfterHorizon: c.probesAfterHorizon,
        sameTickSwaps: c.sameTickSwaps,
        unreadable: result.unreadable.map((u) => ({ atMs: Math.round(u.atMs * 10) / 10, to: u.to, error: u.error })),
        rows: c.rows.map((r) => ({
          status: r.status, deltaMs: r.deltaMs === undefined ? null : Math.round(r.deltaMs * 10) / 10, simulator: stepJson(r.sim), kamailio: stepJson(r.live),
        })),
      };
    }),
  };
}
