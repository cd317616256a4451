// Ladder diagrams (Mermaid `sequenceDiagram` source) of a resolved model: a design
// view per branch, drawn from the policy, and a scenario view per scenario, drawn from
// the simulator's trace. Pure: no I/O. docs/diagrams.md describes the views.
import type { Branch, Model, Origin, Scenario } from '../../grammar/src/index.js';
import { simulate } from '../simulate/index.js';
import { designDiagram } from './design.js';
import { scenarioDiagram, type BuiltDiagram } from './scenario.js';
import { SequenceBuilder } from './sequence.js';

export { escapeLabel, escapeLines, escapeMarkdown, participantId } from './escape.js';
export { callDiagram, type CallDiagramOptions } from './call.js';
export type { BuiltDiagram } from './scenario.js';

export interface DiagramMessage {
  /** Position among the diagram's message arrows (notes excluded), from 0. */
  readonly index: number;
  /** The arrow's label as shown. */
  readonly summary: string;
  /** The full SIP text from the trace; undefined in design views. */
  readonly text: string | undefined;
  /** The policy setting (or scenario line) that caused the message. */
  readonly origin: Origin | undefined;
  /** Sender and receiver: device names, `edge`, or `phones` (every LAN phone, design views). */
  readonly from: string;
  readonly to: string;
  /** Virtual time (scenario views). */
  readonly atMs: number | undefined;
  /** The simulator's reason for sending it (scenario views). */
  readonly cause: string | undefined;
  /** The `expect` line this message satisfied, when one did. */
  readonly expectation: Origin | undefined;
}

export interface DiagramView {
  /** `design:BRANCH` or `scenario:BRANCH:TITLE` (`#2`... added to a repeated title). */
  readonly id: string;
  readonly title: string;
  readonly kind: 'design' | 'scenario';
  readonly branch: string;
  readonly mermaid: string;
  readonly messages: readonly DiagramMessage[];
  /** Where the branch or scenario is defined. */
  readonly origin: Origin;
}

export interface DiagramOptions {
  /** Number the messages (Mermaid `autonumber`). */
  readonly autonumber?: boolean;
  /** Only the branches and scenarios defined in this file. */
  readonly uri?: string;
}

/** Design views first (one per branch, in source order), then scenario views in source order. */
export function diagramsFor(model: Model, options: DiagramOptions = {}): DiagramView[] {
  const autonumber = options.autonumber ?? false;
  const inFile = (uri: string) => options.uri === undefined || uri === options.uri;
  const branches = model.branches.filter((b) => inFile(b.uri)).sort(bySource);
  const views: DiagramView[] = branches.map((b) => view(`design:${b.name}`, `${b.name}: design`, 'design', b.name, b.origin, designDiagram(b, autonumber)));
  const ids = new Set<string>();
  for (const scenario of model.scenarios.filter((s) => inFile(s.uri))) {
    const branch = model.branches.find((b) => b.name === scenario.branch);
    if (!branch) continue;
    let id = `scenario:${branch.name}:${scenario.title}`;
    for (let n = 2; ids.has(id); n++) id = `scenario:${branch.name}:${scenario.title}#${n}`;
    ids.add(id);
    views.push(view(id, scenario.title, 'scenario', branch.name, scenario.origin, scenarioView(branch, scenario, autonumber)));
  }
  return views;
}

function scenarioView(branch: Branch, scenario: Scenario, autonumber: boolean): BuiltDiagram {
  try {
    return scenarioDiagram(branch, scenario, simulate(branch, scenario), autonumber);
  } catch (error) {
    // One scenario the simulator cannot run must not take the other diagrams with it.
    const out = new SequenceBuilder(`${branch.name}: ${scenario.title}`, autonumber);
    out.participant('edge', ['edge proxy']);
    out.note(['edge'], `simulation failed: ${error instanceof Error ? error.message : String(error)}`);
    return { mermaid: out.toString(), messages: [] };
  }
}

function view(id: string, title: string, kind: DiagramView['kind'], branch: string, origin: Origin, built: BuiltDiagram): DiagramView {
  const messages = built.messages.map((m): DiagramMessage => ({
    index: m.index, summary: m.summary, text: m.text, origin: m.origin, from: m.from, to: m.to,
    atMs: m.atMs, cause: m.cause, expectation: m.expectation,
  }));
  return { id, title, kind, branch, mermaid: built.mermaid, messages, origin };
}

function bySource(a: Branch, b: Branch): number {
  if (a.uri !== b.uri) return a.uri < b.uri ? -1 : 1;
  const start = (o: Origin) => (o.kind === 'source' ? o.start : 0);
  return start(a.origin) - start(b.origin);
}
