// `surv verify FILE`: explores the fault space of each branch of the file and reports
// every invariant a combination breaks (docs/verify.md).
import { InvalidArgumentError, type Command } from 'commander';
import { defaultMaxCombinations, verifyBranchDetailed, type DetailedReport } from '../../engines/verify/index.js';
import { exit } from './errors.js';
import { formatBranchReport, formatVerifyTotals } from './format-verify.js';
import type { CommandContext } from './io.js';
import { terminalText } from './terminal-text.js';
import { analyseForRun } from './simulate.js';

export interface VerifyCliOptions {
  readonly maxCombinations: number;
}

function parseBound(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) throw new InvalidArgumentError('the bound is a whole number from 1');
  return Number(text);
}

export function registerVerify(program: Command, context: CommandContext): void {
  program
    .command('verify')
    .summary('explore every failure combination of each branch and check its invariants')
    .description(
      'Explore, for each branch of a .surv file, every combination of upstream, gateway and phone states '
      + 'for each kind of call, within a bound, and check that every call gets a final reply, the post-dial '
      + 'delay stays within budget, emergency numbers reach a gateway that is up, nothing loops, a call that '
      + 'rang is never sent to survival and registrations survive with `keep local copy` (see docs/verify.md). '
      + 'Each violation comes with a scenario that reproduces it.\n\n'
      + 'Exit status: 0 no violation, 1 violations or errors in the file, 2 usage or I/O error.',
    )
    .argument('<file>', 'a .surv file (or a folder: every branch in it)')
    .option('--max-combinations <n>', 'the most combinations explored per call', parseBound, defaultMaxCombinations)
    .action((file: string, options: VerifyCliOptions) => {
      context.exitCode = runVerify(file, options, context);
    });
}

export function runVerify(file: string, options: VerifyCliOptions, context: CommandContext): number {
  const analysed = analyseForRun(file, context, false);
  if (!analysed) return exit.findings;
  const branches = analysed.model.branches.filter((b) => analysed.named(b.uri));
  const reports: DetailedReport[] = [];
  for (const branch of branches) {
    const report = verifyBranchDetailed(branch, { maxCombinations: options.maxCombinations });
    reports.push(report);
    context.stdout(formatBranchReport(report, analysed.sources, branch.uri));
  }
  if (branches.length === 0) context.stderr(`no branches in '${terminalText(file)}'\n`);
  else context.stderr(formatVerifyTotals(reports));
  return reports.some((r) => r.violations.length > 0) ? exit.findings : exit.ok;
}
