// Inlay hints for values the text does not show: a gateway's default channel
// count, the timers a branch gets from its profile chain, and the worst
// post-dial delay after an outbound `via` list. Read from the AST (where to put
// them) and the resolved model (what they say, and where it came from).
import { InlayHintKind, type InlayHint, type Range } from 'vscode-languageserver-types';
import type { ast, Branch, Origin } from '../../../grammar/src/index.js';
import { defaultChannels, silentUpstreamTimer, worstPostDialDelayMs } from '../../../grammar/src/index.js';
import type { DocumentContext } from './context.js';
import { offsetAt, positionAt } from './convert.js';
import { branchesUsing, describeOrigin, durationText, settingText } from './knowledge/names.js';

export function inlayHints(ctx: DocumentContext, range: Range): InlayHint[] {
  const from = offsetAt(ctx.file, range.start);
  const to = offsetAt(ctx.file, range.end);
  const hints: { offset: number; hint: InlayHint }[] = [];
  const dur = (s: { readonly value: number; readonly origin: Origin }) => settingText(ctx.analysis, s);
  const origin = (o: Origin) => describeOrigin(ctx.analysis, ctx.uri, o);
  const add = (offset: number, label: string, tooltip: string) => {
    if (offset < from || offset > to) return;
    const p = positionAt(ctx.file, offset);
    hints.push({ offset, hint: { position: { line: p.line, character: p.character }, label, kind: InlayHintKind.Parameter, paddingLeft: true, tooltip } });
  };

  for (const decl of ctx.file.ast.declarations) {
    if (decl.kind === 'Scenario' || decl.end < from || decl.start > to) continue;
    const name = decl.name?.text;
    const branch = decl.kind === 'Branch' && name !== undefined ? ctx.analysis.model.branches.find((b) => b.name === name && b.uri === ctx.uri) : undefined;
    const using = decl.kind === 'Profile' && name !== undefined ? branchesUsing(ctx.analysis, ctx.uri, name) : [];

    // `branch X uses P`: the effective timers, with where each comes from.
    if (branch && decl.uses) {
      const t = branch.timers;
      const timers = [['no-answer', t.noAnswerMs], ['ringing', t.ringingMs], ['budget', t.budgetMs]] as const;
      add(decl.uses.end, timers.map(([k, s]) => `${k} ${dur(s)}`).join(' · '),
        `Effective timers of branch ${branch.name}:\n${timers.map(([k, s]) => `${k} ${dur(s)}: ${origin(s.origin)}`).join('\n')}`);
    }

    for (const setting of decl.settings) {
      if (setting.kind === 'Gateway') gatewayHint(setting, branch, decl);
      if (setting.kind === 'Outbound') viaHint(setting, branch, using);
    }
  }

  /** After `kind K` when `channels` is not written in this block: the channel count the gateway gets. */
  function gatewayHint(node: ast.GatewayNode, branch: Branch | undefined, decl: ast.ContainerNode): void {
    const kind = node.properties.find((p) => p.key === 'kind');
    if (!kind?.value || node.properties.some((p) => p.key === 'channels')) return;
    const model = branch?.gateways.find((g) => g.name === node.name?.text);
    if (model) {
      if (model.channels.value === undefined) return;
      const tooltip = model.channels.origin.kind === 'default' ? `default for ${model.kind.value ?? kind.value.text}` : origin(model.channels.origin);
      add(kind.value.end, `channels: ${model.channels.value}`, `channels ${model.channels.value}: ${tooltip}`);
      return;
    }
    // A profile's gateway: the kind's default (each branch may still override it).
    const count = defaultChannels[kind.value.text as keyof typeof defaultChannels];
    if (count === undefined) return;
    add(kind.value.end, `channels: ${count}`, `channels ${count}: default for ${kind.value.text}${decl.kind === 'Profile' ? ' (a branch may override it)' : ''}`);
  }

  /** After the `via` list: the worst post-dial delay against the budget. */
  function viaHint(node: ast.OutboundNode, branch: Branch | undefined, using: readonly Branch[]): void {
    const last = node.via[node.via.length - 1];
    if (!last) return;
    // The branches whose chain is this very `via` (a branch may override a profile's).
    const applies = (b: Branch) => b.outbound?.via.origin.kind === 'source' && b.outbound.via.origin.uri === ctx.uri
      && b.outbound.via.origin.start >= node.start && b.outbound.via.origin.start < node.end;
    const branches = branch ? [branch].filter(applies) : using.filter(applies);
    if (branches.length === 0) return;
    const worsts = [...new Set(branches.map(worstPostDialDelayMs))].sort((a, b) => a - b);
    const budgets = [...new Set(branches.map((b) => b.timers.budgetMs.value))].sort((a, b) => a - b);
    const span = (values: number[]) => (values.length === 1 ? durationText(values[0] as number) : `${durationText(values[0] as number)}–${durationText(values[values.length - 1] as number)}`);
    const label = `worst post-dial ${span(worsts)} (budget ${span(budgets)})`;
    const first = branches[0] as Branch;
    const hops = Math.max(1, first.outbound?.via.value.length ?? 0);
    const { name, timer } = silentUpstreamTimer(first);
    const how = `${hops} upstream${hops === 1 ? '' : 's'} × ${name} ${dur(timer)} (${origin(timer.origin)}); budget ${dur(first.timers.budgetMs)} (${origin(first.timers.budgetMs.origin)})`;
    const tooltip = branches.length === 1
      ? `Branch ${first.name}: ${how}`
      : `Over the ${branches.length} branches using this policy; branch ${first.name}: ${how}`;
    add(last.end, label, tooltip);
  }

  return hints.sort((a, b) => a.offset - b.offset).map((h) => h.hint);
}
