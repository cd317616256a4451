// The pipeline: parse -> index -> link (profiles, names, values) -> validate.
// Pure: the caller hands over every file's text (the `use`d ones too).
import type * as ast from './ast.js';
import type { SurvDiagnostic } from './diagnostic.js';
import type { SourceFile, UnreadFile } from './source.js';
import type { LineIndex } from './line-index.js';
import { BranchBuilder, type UsageSet } from './model/build.js';
import { mergeBranch, profileChain } from './model/merge.js';
import { buildScenario, type BranchNames } from './model/scenario.js';
import { Scope } from './model/scope.js';
import { SymbolCollector, type SymbolIndex } from './model/symbols.js';
import type { Branch, Model, Scenario } from './model/types.js';
import { Values } from './model/values.js';
import { parse, type ParseResult } from './parse.js';

export type { SourceFile, UnreadFile } from './source.js';
import { compareDiagnostics } from './sort.js';
import { checkBranch } from './validate/branch.js';
import { checkContainer } from './validate/container.js';
import { checkLanOverlaps, checkUnused } from './validate/fleet.js';
import { BranchReporter, Reporter } from './validate/reporter.js';

export interface Analysis {
  /** Every file, parsed, by URI (in the order given). */
  readonly files: ReadonlyMap<string, ParseResult>;
  readonly model: Model;
  /** Syntax and semantic diagnostics of every file, in a stable order. */
  readonly diagnostics: readonly SurvDiagnostic[];
  /** Declarations and references of every name, for navigation and rename. */
  readonly symbols: SymbolIndex;
}

export interface AnalyzeOptions {
  /** Parse results to reuse (an editor keeps them per document version). */
  readonly parsed?: ReadonlyMap<string, ParseResult>;
  /**
   * Build the symbol index (declarations and references) for navigation. Default
   * true; `surv check` turns it off, since it only needs diagnostics.
   */
  readonly symbols?: boolean;
}

/** Analyses a set of files as one fleet. Never throws on any input text. */
export function analyze(sources: readonly SourceFile[], options: AnalyzeOptions = {}): Analysis {
  const files = new Map<string, ParseResult>();
  const unread = new Map<string, UnreadFile>();
  for (const source of sources) {
    if (source.unread) {
      unread.set(source.uri, source.unread);
      if (!source.unread.named) continue;
    }
    const cached = options.parsed?.get(source.uri);
    files.set(source.uri, cached && cached.text === source.text ? cached : parse(source.text, source.uri));
  }
  const lines = new Map<string, LineIndex>([...files].map(([uri, f]) => [uri, f.lines]));
  const reporter = new Reporter(lines);
  const parsed = [...files.values()];
  const symbols = new SymbolCollector(options.symbols ?? true);
  const scope = new Scope(parsed, reporter, symbols, unread);
  const values = new Values(reporter, parsed[0]?.uri ?? '');

  // Values and block-local rules: once per written block.
  for (const c of scope.allProfiles) checkContainer(c.node, c.uri, values.at(c.uri), reporter, true);
  for (const c of scope.allBranches) checkContainer(c.node, c.uri, values.at(c.uri), reporter, false);

  const used: UsageSet = new Set();
  const usedProfiles = new Set<ast.ContainerNode>();
  for (const p of scope.allProfiles) {
    const chain = profileChain(p, scope, reporter, symbols, usedProfiles);
    if (chain[0]) usedProfiles.add(chain[0].node);
  }
  const branches: Branch[] = [];
  const byName = new Map<string, BranchNames>();
  for (const container of scope.allBranches) {
    const chain = profileChain(container, scope, reporter, symbols, usedProfiles);
    for (const p of chain) usedProfiles.add(p.node);
    const builder = new BranchBuilder(mergeBranch(container, chain), values, reporter, used, symbols);
    const branch = builder.build();
    const site = new BranchReporter(reporter, { name: container.name, uri: container.uri, span: container.node, nameSpan: container.node.name ?? container.node });
    checkBranch(branch, site);
    branches.push(branch);
    byName.set(branch.name, {
      branch, names: builder.names(), node: container.node,
      declarationOf: (name) => builder.declarationOf(name), markUsed: (name) => builder.markUsedByName(name),
    });
  }
  checkLanOverlaps(branches, reporter);

  const scenarios: Scenario[] = [];
  const titles = new Map<string, ast.ScenarioNode>();
  for (const { node, uri } of scope.scenarios) {
    const key = `${node.branch?.text ?? ''}\0${node.title?.text ?? ''}`;
    const first = titles.get(key);
    if (first && node.title) {
      reporter.error('SURV011', `branch '${node.branch?.text ?? ''}' already has a scenario "${node.title.text}"`, uri, node.title);
    }
    titles.set(key, node);
    const scenario = buildScenario(node, uri, byName, values.at(uri), reporter, symbols);
    if (scenario && !first) scenarios.push(scenario);
  }

  // After scenarios: a gateway only a scenario names is used.
  checkUnused(scope, used, usedProfiles, reporter);

  branches.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const diagnostics = [...parsed.flatMap((f) => f.diagnostics), ...reporter.diagnostics()].sort(compareDiagnostics);
  let index: SymbolIndex | undefined;
  return {
    files, model: { branches, scenarios }, diagnostics,
    // Navigation needs it, a command-line check does not: built on first use.
    get symbols() { return (index ??= symbols.finish()); },
  };
}
