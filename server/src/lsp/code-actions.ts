// Quick fixes for the diagnostics that have an obvious fix, and a few refactors.
//
// Quick fixes read what the core put in `Diagnostic.data` (docs/diagnostics.md lists
// the keys per code; `toDiagnostic` adds `code`), so they need no re-analysis:
// `replacements` (one action per text), `removeStart`/`removeEnd` (SURV015). The few
// fixes that insert text (SURV054, SURV058, SURV005) look at the document's tree and
// the resolved model of the context.
import {
  CodeActionKind, type CodeAction, type Diagnostic, type Range, type TextEdit, type WorkspaceEdit,
} from 'vscode-languageserver-types';
import { parse, type ast, type Branch } from '../../../grammar/src/index.js';
import type { DocumentContext } from './context.js';
import { offsetAt, spanToRange } from './convert.js';

/** The announcement and redirect that docs/language.md uses for survival. */
const survivalAnnouncement = 'announce 181 "Survival Activated - please standby"';

interface Data {
  readonly code?: string;
  readonly replacements?: readonly string[];
  readonly name?: string;
  readonly removeStart?: number;
  readonly removeEnd?: number;
}

function dataOf(d: Diagnostic): Data {
  const data = (d.data ?? {}) as Record<string, unknown>;
  const code = typeof d.code === 'string' ? d.code : typeof data['code'] === 'string' ? data['code'] : undefined;
  const replacements = Array.isArray(data['replacements']) ? data['replacements'].filter((r): r is string => typeof r === 'string') : undefined;
  const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) ? v : undefined);
  return {
    ...(code !== undefined ? { code } : {}),
    ...(replacements ? { replacements } : {}),
    ...(typeof data['name'] === 'string' ? { name: data['name'] } : {}),
    ...(num(data['removeStart']) !== undefined ? { removeStart: num(data['removeStart']) } : {}),
    ...(num(data['removeEnd']) !== undefined ? { removeEnd: num(data['removeEnd']) } : {}),
  };
}

/** Whether an action of `kind` passes the client's `only` filter (a kind covers its sub-kinds). */
function wanted(kind: string, only: readonly string[] | undefined): boolean {
  if (!only || only.length === 0) return true;
  return only.some((o) => kind === o || kind.startsWith(`${o}.`));
}

/** A plain name (a Name token, not a keyword). */
function isPlainName(text: string): boolean {
  const tokens = parse(text).tokens;
  return tokens.length === 1 && tokens[0]?.image === text && tokens[0].tokenType.name === 'Name';
}

class Fixes {
  readonly out: CodeAction[] = [];
  private readonly text: string;

  constructor(private readonly ctx: DocumentContext) {
    this.text = ctx.file.text;
  }

  edit(start: number, end: number, newText: string): TextEdit {
    return { range: spanToRange(this.ctx.file, { start, end }), newText };
  }

  workspaceEdit(edits: TextEdit[]): WorkspaceEdit {
    return { changes: { [this.ctx.uri]: edits } };
  }

  quickFix(title: string, d: Diagnostic, edits: TextEdit[] | WorkspaceEdit, isPreferred: boolean): void {
    this.out.push({
      title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred,
      edit: Array.isArray(edits) ? this.workspaceEdit(edits) : edits,
    });
  }

  refactor(title: string, edits: TextEdit[]): void {
    this.out.push({ title, kind: CodeActionKind.RefactorRewrite, edit: this.workspaceEdit(edits) });
  }

  lineStart(offset: number): number {
    return this.text.lastIndexOf('\n', offset - 1) + 1;
  }

  /** The whitespace a line starts with. */
  indentOf(offset: number): string {
    const start = this.lineStart(offset);
    return /^[ \t]*/.exec(this.text.slice(start))?.[0] ?? '';
  }

  /** Whether only whitespace stands between the start of its line and `offset`. */
  startsLine(offset: number): boolean {
    return /^[ \t]*$/.test(this.text.slice(this.lineStart(offset), offset));
  }

  get eol(): string {
    return this.text.includes('\r\n') ? '\r\n' : '\n';
  }

  /** One indentation step, as the document writes it (the first indented line), else two spaces. */
  get unit(): string {
    const m = /\n([ \t]+)\S/.exec(this.text);
    return m?.[1] ?? '  ';
  }

  containers(): ast.ContainerNode[] {
    return this.ctx.file.ast.declarations.filter((d): d is ast.ContainerNode => d.kind !== 'Scenario');
  }

  containerAt(offset: number): ast.ContainerNode | undefined {
    return this.containers().find((c) => c.start <= offset && offset < c.end);
  }

  branchModel(name: string | undefined): Branch | undefined {
    return name === undefined ? undefined : this.ctx.analysis.model.branches.find((b) => b.name === name && b.uri === this.ctx.uri)
      ?? this.ctx.analysis.model.branches.find((b) => b.name === name);
  }

  /** Deletes `start`-`end` and, when it fills its lines, those whole lines (and a blank line left doubled). */
  removal(start: number, end: number): TextEdit {
    const text = this.text;
    const lineEnd = (at: number): number => {
      const nl = text.indexOf('\n', at);
      return nl < 0 ? text.length : nl + 1;
    };
    const rest = text.slice(end, lineEnd(end));
    if (this.startsLine(start) && /^[ \t]*(#[^\n]*)?\r?\n?$/.test(rest)) {
      let from = this.lineStart(start);
      const to = lineEnd(end);
      const isBlank = (s: string): boolean => /^[ \t]*\r?\n?$/.test(s);
      const before = from > 0 ? text.slice(this.lineStart(from - 1), from) : undefined;
      const after = text.slice(to, lineEnd(to));
      // A blank line above and a blank line (or the block's end) below: drop one of the blanks.
      if (before !== undefined && isBlank(before) && from > 0 && (isBlank(after) || /^[ \t]*\}/.test(after))) {
        from = this.lineStart(from - 1);
      }
      return this.edit(from, to, '');
    }
    // Shares its line with other settings: remove it and the blanks after it (before it, when it ends the line).
    const trailing = /^[ \t]*/.exec(text.slice(end))?.[0].length ?? 0;
    if (/^[ \t]*\r?(\n|$)/.test(text.slice(end))) {
      const leading = /[ \t]*$/.exec(text.slice(this.lineStart(start), start))?.[0].length ?? 0;
      return this.edit(start - leading, end, '');
    }
    return this.edit(start, end + trailing, '');
  }
}

function replacementTitle(code: string | undefined, replacement: string): string {
  switch (code) {
    case 'SURV010': case 'SURV070': return `Change to '${replacement}'`;
    case 'SURV059': return "Add 'with path'";
    case 'SURV020': return `Remove the prefix length: ${replacement}`;
    case 'SURV021': return `Add a prefix length: ${replacement}`;
    case 'SURV022': return `Change to the network ${replacement}`;
    default: return `Change to ${replacement}`;
  }
}

/** Every setting of the file's branches and profiles, with its container. */
function* settingsOf(fixes: Fixes): Generator<{ container: ast.ContainerNode; setting: ast.Setting }> {
  for (const container of fixes.containers()) for (const setting of container.settings) yield { container, setting };
}

function fixRemoveUnused(fixes: Fixes, ctx: DocumentContext, d: Diagnostic, data: Data): void {
  let start = data.removeStart;
  let end = data.removeEnd;
  let what = 'definition';
  if (start !== undefined && end !== undefined) {
    what = /^[a-z]+/.exec(ctx.file.text.slice(start))?.[0] ?? what;
  } else {
    // An unused profile: its whole declaration.
    const at = offsetAt(ctx.file, d.range.start);
    const profile = fixes.containers().find((c) => c.kind === 'Profile' && c.name && c.name.start === at);
    if (!profile) return;
    start = profile.start;
    end = profile.end;
    what = 'profile';
  }
  if (end <= start || end > ctx.file.text.length) return;
  fixes.quickFix(`Remove unused ${what}${data.name ? ` '${data.name}'` : ''}`, d, [fixes.removal(start, end)], true);
}

/** A name not used by any symbol of the fleet. */
function freshName(ctx: DocumentContext, base: string, first: number | undefined): string {
  const taken = new Set(ctx.analysis.symbols.symbols.map((s) => s.name));
  if (first === undefined && !taken.has(base)) return base;
  for (let i = first ?? 2; ; i++) {
    const name = `${base}-${i}`;
    if (!taken.has(name)) return name;
  }
}

function fixEmergencyGateway(fixes: Fixes, ctx: DocumentContext, d: Diagnostic): void {
  const at = offsetAt(ctx.file, d.range.start);
  const container = fixes.containerAt(at);
  if (!container) return;
  const branch = container.kind === 'Branch' ? fixes.branchModel(container.name?.text) : undefined;
  const emergency = [...settingsOf(fixes)].flatMap(({ setting }) => (setting.kind === 'Outbound' ? setting.items : []))
    .find((i): i is ast.EmergencyNode => i.kind === 'Emergency' && i.start === at);
  const existing = branch?.gateways[0]?.name;
  if (emergency && existing) {
    // A gateway exists (from a profile, say): send the numbers to it.
    const last = emergency.numbers[emergency.numbers.length - 1];
    if (!last || emergency.gateway) return;
    fixes.quickFix(`Send emergency numbers to gateway '${existing}'`, d, [fixes.edit(last.end, last.end, ` direct to ${existing}`)], true);
    return;
  }
  const name = freshName(ctx, 'pstn', undefined);
  const skeleton = `gateway ${name} { address 192.0.2.1  kind fxo }`;
  // After the edge and lan lines and any gateway, where docs/language.md puts gateways.
  const next = container.settings.find((s) => s.kind !== 'Edge' && s.kind !== 'Lan' && s.kind !== 'Gateway');
  let edit: TextEdit;
  if (next && fixes.startsLine(next.start)) {
    const indent = fixes.indentOf(next.start);
    edit = fixes.edit(fixes.lineStart(next.start), fixes.lineStart(next.start), `${indent}${skeleton}${fixes.eol}`);
  } else if (next) {
    edit = fixes.edit(next.start, next.start, `${skeleton}  `);
  } else {
    return;
  }
  fixes.quickFix(`Add a gateway '${name}' for emergency calls (fill in its address and kind)`, d, [edit], true);
}

function onTimeoutText(gateway: string): string {
  return `on timeout { ${survivalAnnouncement}  redirect 302 to ${gateway} }`;
}

function fixNoSurvival(fixes: Fixes, ctx: DocumentContext, d: Diagnostic, data: Data): void {
  const branch = fixes.branchModel(data.name);
  const gateway = branch?.gateways[0]?.name;
  if (!gateway) return;
  const at = offsetAt(ctx.file, d.range.start);
  const eol = fixes.eol;
  const outbound = [...settingsOf(fixes)].map(({ setting }) => setting).find((s): s is ast.OutboundNode => s.kind === 'Outbound' && s.start === at);
  if (outbound) {
    const open = ctx.file.text.indexOf('{', outbound.via[outbound.via.length - 1]?.end ?? outbound.start);
    if (open < 0 || open >= outbound.end) return;
    const close = outbound.end - 1;
    const outer = fixes.indentOf(outbound.start);
    const inner = outer + fixes.unit;
    const first = outbound.items[0];
    let edit: TextEdit;
    if (!first) edit = fixes.edit(open + 1, close, `${eol}${inner}${onTimeoutText(gateway)}${eol}${outer}`);
    else if (fixes.startsLine(first.start)) edit = fixes.edit(first.start, first.start, `${onTimeoutText(gateway)}${eol}${fixes.indentOf(first.start)}`);
    else edit = fixes.edit(open + 1, first.start, `${eol}${inner}${onTimeoutText(gateway)}${eol}${inner}`);
    fixes.quickFix(`Add 'on timeout' redirecting to gateway '${gateway}'`, d, [edit], true);
    return;
  }
  // No outbound policy at all: add one, before the inbound policy or the branch's closing brace.
  const container = fixes.containers().find((c) => c.kind === 'Branch' && c.name && c.name.start === at);
  const upstream = branch?.upstreams[0]?.name;
  if (!container || !upstream || ctx.file.text[container.end - 1] !== '}') return;
  const close = container.end - 1;
  const inbound = container.settings.find((s) => s.kind === 'Inbound');
  const before = inbound && fixes.startsLine(inbound.start) ? inbound.start : close;
  if (!fixes.startsLine(before)) return;
  const outer = before === close ? fixes.indentOf(close) + fixes.unit : fixes.indentOf(before);
  const inner = outer + fixes.unit;
  const policy = `${outer}outbound from lan via ${upstream} {${eol}${inner}${onTimeoutText(gateway)}${eol}${outer}}${eol}`;
  const lineStart = fixes.lineStart(before);
  fixes.quickFix(`Add an outbound policy via '${upstream}' with survival to gateway '${gateway}'`, d, [fixes.edit(lineStart, lineStart, policy)], true);
}

function fixReservedName(fixes: Fixes, ctx: DocumentContext, d: Diagnostic, data: Data): void {
  const name = data.name;
  if (!name) return;
  const fresh = freshName(ctx, name, 1);
  if (!isPlainName(fresh)) return;
  const at = offsetAt(ctx.file, d.range.start);
  const symbols = ctx.analysis.symbols;
  const occurrence = symbols.at(ctx.uri, at);
  const changes: Record<string, TextEdit[]> = {};
  const add = (uri: string, start: number, end: number): void => {
    const file = ctx.analysis.files.get(uri);
    if (!file) return;
    (changes[uri] ??= []).push({ range: spanToRange(file, { start, end }), newText: fresh });
  };
  if (occurrence && occurrence.start === at) {
    for (const o of symbols.occurrencesOf(occurrence.symbol)) add(o.uri, o.start, o.end);
  } else {
    add(ctx.uri, at, at + name.length);
  }
  fixes.quickFix(`Rename '${name}' to '${fresh}'`, d, { changes }, true);
}

function quickFixes(fixes: Fixes, ctx: DocumentContext, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) {
    if (d.source !== undefined && d.source !== 'surv') continue;
    const data = dataOf(d);
    const code = data.code;
    data.replacements?.forEach((replacement, i) => {
      const start = offsetAt(ctx.file, d.range.start);
      const end = offsetAt(ctx.file, d.range.end);
      if (ctx.file.text.slice(start, end) === replacement) return;
      fixes.quickFix(replacementTitle(code, replacement), d, [fixes.edit(start, end, replacement)], i === 0);
    });
    if (code === 'SURV015') fixRemoveUnused(fixes, ctx, d, data);
    else if (code === 'SURV054') fixEmergencyGateway(fixes, ctx, d);
    else if (code === 'SURV058') fixNoSurvival(fixes, ctx, d, data);
    else if (code === 'SURV005') fixReservedName(fixes, ctx, d, data);
    else if (code === 'SURV057') fixMergeGatewayLists(fixes, ctx, d);
  }
}

/** SURV057 on a second `relay` (or `redirect`) right after one of the same kind: one list, in the order written. */
function fixMergeGatewayLists(fixes: Fixes, ctx: DocumentContext, d: Diagnostic): void {
  const at = offsetAt(ctx.file, d.range.start);
  for (const { setting } of settingsOf(fixes)) {
    if (setting.kind !== 'Outbound') continue;
    for (const item of setting.items) {
      if (item.kind !== 'OnTimeout') continue;
      const i = item.actions.findIndex((a) => a.keywordSpan.start === at);
      const first = item.actions[i - 1];
      const second = item.actions[i];
      if (!first || !second || first.kind !== second.kind || first.kind === 'Announce') continue;
      const have = new Set(first.targets.map((t) => t.text));
      const more = second.targets.map((t) => t.text).filter((t) => !have.has(t));
      const last = first.targets[first.targets.length - 1];
      if (!last) continue;
      const all = [...first.targets.map((t) => t.text), ...more].join(', ');
      fixes.quickFix(`Try the gateways in one list: '${all}'`, d, [fixes.edit(last.end, second.end, more.length > 0 ? `, ${more.join(', ')}` : '')], true);
    }
  }
}

/** Refactors offered where the range touches their node. */
function refactors(fixes: Fixes, ctx: DocumentContext, range: Range): void {
  const from = offsetAt(ctx.file, range.start);
  const to = offsetAt(ctx.file, range.end);
  const touches = (s: ast.Span): boolean => from <= s.end && to >= s.start;
  for (const { container, setting } of settingsOf(fixes)) {
    if (!touches(setting)) continue;
    if (setting.kind === 'Outbound') {
      for (const item of setting.items) {
        if (item.kind !== 'OnTimeout') continue;
        for (const action of item.actions) {
          if (!touches(action) || !action.target) continue;
          // The whole gateway list goes with it.
          const list = action.targets.map((t) => t.text).join(', ');
          if (action.kind === 'Redirect') {
            fixes.refactor(`Convert redirect to relay to '${list}'`, [fixes.edit(action.start, action.end, `relay to ${list}`)]);
          } else if (action.kind === 'Relay') {
            fixes.refactor(`Convert relay to redirect 302 to '${list}'`, [fixes.edit(action.start, action.end, `redirect 302 to ${list}`)]);
          }
        }
      }
    }
    if (setting.kind === 'Gateway' && container.kind === 'Branch' && setting.name) inlineChannels(fixes, ctx, container, setting);
  }
}

/** `channels N` written out when a branch's gateway takes its kind's default. */
function inlineChannels(fixes: Fixes, ctx: DocumentContext, container: ast.ContainerNode, gateway: ast.GatewayNode): void {
  if (gateway.properties.some((p) => p.key === 'channels')) return;
  const model = fixes.branchModel(container.name?.text)?.gateways.find((g) => g.name === gateway.name?.text);
  const channels = model?.channels;
  if (!channels || channels.origin.kind !== 'default' || channels.value === undefined) return;
  const last = gateway.properties[gateway.properties.length - 1];
  const close = gateway.end - 1;
  if (ctx.file.text[close] !== '}') return;
  const property = `channels ${channels.value}`;
  let edit: TextEdit;
  if (!last) edit = fixes.edit(close, close, `${property} `);
  else if (ctx.file.text.slice(last.end, close).includes('\n')) edit = fixes.edit(last.end, last.end, `${fixes.eol}${fixes.indentOf(last.start)}${property}`);
  else edit = fixes.edit(last.end, last.end, `  ${property}`);
  fixes.refactor(`Write out the default: ${property}`, [edit]);
}

export function codeActions(ctx: DocumentContext, range: Range, diagnostics: Diagnostic[], only?: string[]): CodeAction[] {
  const fixes = new Fixes(ctx);
  if (wanted(CodeActionKind.QuickFix, only)) quickFixes(fixes, ctx, diagnostics);
  if (wanted(CodeActionKind.RefactorRewrite, only)) refactors(fixes, ctx, range);
  return fixes.out.filter((a) => wanted(a.kind ?? '', only));
}
