// The names a position can refer to, read from the resolved model (so names a
// branch inherits from its profiles count), and how to say where a value came
// from. Falls back to the AST for blocks the model has no branch for (profiles,
// a branch whose header is broken).
import { basename } from 'node:path';
import type { Analysis, ast, Branch, Origin } from '../../../../grammar/src/index.js';
import { formatMs, resolveUse } from '../../../../grammar/src/index.js';
import type { Enclosing } from './blocks.js';
import { positionAt } from '../convert.js';

export type EntityKind = 'gateway' | 'upstream' | 'phone' | 'group';

export interface Entity {
  readonly name: string;
  readonly kind: EntityKind;
  /** One line: `gateway · bri, 2 channels · 10.10.1.3:5060`. */
  readonly detail: string;
}

/** A file's label for people: its base name. */
export function fileLabel(uri: string): string {
  try {
    return basename(decodeURIComponent(new URL(uri).pathname));
  } catch {
    return basename(uri);
  }
}

/** The files a file sees: itself, then those it names with `use` (in order). */
export function visibleFiles(analysis: Analysis, uri: string): string[] {
  const file = analysis.files.get(uri);
  const out = [uri];
  for (const use of file?.ast.uses ?? []) {
    if (!use.path) continue;
    const target = resolveUse(uri, use.path.text);
    if (target !== uri && analysis.files.has(target) && !out.includes(target)) out.push(target);
  }
  return out;
}

export interface ProfileRef {
  readonly name: string;
  readonly uri: string;
  readonly node: ast.ContainerNode;
}

/** The profile `name` as seen from `uri` (own file first, then used files), like the core's scope. */
export function findProfile(analysis: Analysis, uri: string, name: string): ProfileRef | undefined {
  for (const file of visibleFiles(analysis, uri)) {
    const node = analysis.files.get(file)?.ast.declarations.find((d): d is ast.ContainerNode => d.kind === 'Profile' && d.name?.text === name);
    if (node) return { name, uri: file, node };
  }
  return undefined;
}

/** Every profile visible from `uri`, in file order. */
export function visibleProfiles(analysis: Analysis, uri: string): ProfileRef[] {
  const out: ProfileRef[] = [];
  const seen = new Set<string>();
  for (const file of visibleFiles(analysis, uri)) {
    for (const d of analysis.files.get(file)?.ast.declarations ?? []) {
      if (d.kind !== 'Profile' || !d.name || seen.has(d.name.text)) continue;
      seen.add(d.name.text);
      out.push({ name: d.name.text, uri: file, node: d });
    }
  }
  return out;
}

/** The model branch a position belongs to: the branch itself, or a scenario's branch. */
export function branchOf(analysis: Analysis, uri: string, enclosing: Enclosing | undefined): Branch | undefined {
  if (!enclosing?.name || enclosing.kind === 'profile') return undefined;
  const { name } = enclosing;
  if (enclosing.kind === 'branch') return analysis.model.branches.find((b) => b.name === name && b.uri === uri);
  return analysis.model.branches.find((b) => b.name === name);
}

/** The branches whose profile chain includes the profile `name` defined in `uri`. */
export function branchesUsing(analysis: Analysis, uri: string, name: string): Branch[] {
  return analysis.model.branches.filter((b) => {
    let from = b.uri;
    for (const p of b.profiles) {
      const found = findProfile(analysis, from, p);
      if (!found) return false;
      if (found.uri === uri && p === name) return true;
      from = found.uri;
    }
    return false;
  });
}

function entitiesOfBranch(b: Branch): Entity[] {
  const out: Entity[] = [];
  for (const g of b.gateways) {
    const parts = [g.kind.value, g.channels.value !== undefined ? `${g.channels.value} channel${g.channels.value === 1 ? '' : 's'}` : undefined].filter(Boolean);
    const address = g.address.value ? `${g.address.value.address}:${g.address.value.port}` : undefined;
    out.push({ name: g.name, kind: 'gateway', detail: ['gateway', parts.join(', ') || undefined, address].filter(Boolean).join(' · ') });
  }
  for (const u of b.upstreams) {
    out.push({ name: u.name, kind: 'upstream', detail: ['upstream', u.proxy.value?.uri, u.probe ? `probe every ${formatMs(u.probe.everyMs.value)}` : undefined].filter(Boolean).join(' · ') });
  }
  for (const p of b.phones) {
    const where = p.registered ? 'registered' : p.address.value?.address;
    out.push({ name: p.name, kind: 'phone', detail: ['phone', p.extension.value, where].filter(Boolean).join(' · ') });
  }
  for (const g of b.groups) {
    out.push({ name: g.name, kind: 'group', detail: `group · ${g.mode.value} [${g.members.value.join(', ')}] · ring ${formatMs(g.ringMs.value)}` });
  }
  return out;
}

/** Names declared in a container and its profile chain, from the AST. */
function entitiesOfAst(analysis: Analysis, uri: string, node: ast.ContainerNode, seen = new Set<ast.ContainerNode>()): Entity[] {
  if (seen.has(node)) return [];
  seen.add(node);
  const origin = node.kind === 'Profile' ? `profile ${node.name?.text ?? ''}` : `branch ${node.name?.text ?? ''}`;
  const out: Entity[] = [];
  for (const s of node.settings) {
    const kind: EntityKind | undefined = s.kind === 'Gateway' ? 'gateway' : s.kind === 'Upstream' ? 'upstream' : s.kind === 'Phone' ? 'phone' : s.kind === 'Group' ? 'group' : undefined;
    if (!kind || !('name' in s) || !s.name) continue;
    out.push({ name: s.name.text, kind, detail: `${kind} · in ${origin}` });
  }
  if (node.uses) {
    const parent = findProfile(analysis, uri, node.uses.text);
    if (parent) out.push(...entitiesOfAst(analysis, parent.uri, parent.node, seen));
  }
  return out;
}

const declaring: Partial<Record<string, EntityKind>> = { gateway: 'gateway', upstream: 'upstream', phone: 'phone', group: 'group' };

/** Names declared in a block the parser could not keep (an unfinished file): `gateway NAME`, `phone NAME`... */
function entitiesOfTokens(analysis: Analysis, uri: string, enclosing: Enclosing): Entity[] {
  const out: Entity[] = [];
  const t = enclosing.tokens;
  for (let i = 0; i + 1 < t.length; i++) {
    const kind = t[i]?.tokenType.name.startsWith('kw_') ? declaring[t[i]?.image ?? ''] : undefined;
    const name = t[i + 1];
    if (kind && name && name.tokenType.name === 'Name') out.push({ name: name.image, kind, detail: `${kind} · in ${enclosing.kind} ${enclosing.name ?? ''}`.trim() });
  }
  if (enclosing.uses) {
    const parent = findProfile(analysis, uri, enclosing.uses);
    if (parent) out.push(...entitiesOfAst(analysis, parent.uri, parent.node));
  }
  return out;
}

/** Every name usable where `enclosing` is, first definition of a name wins. */
export function entitiesAt(analysis: Analysis, uri: string, enclosing: Enclosing | undefined): Entity[] {
  if (!enclosing) return [];
  const found: Entity[] = [];
  const branch = branchOf(analysis, uri, enclosing);
  if (branch) found.push(...entitiesOfBranch(branch));
  else if (enclosing.node && enclosing.node.kind !== 'Scenario') {
    found.push(...entitiesOfAst(analysis, uri, enclosing.node));
    // A profile may name what its branches supply (`ring shop`): theirs count too.
    if (enclosing.kind === 'profile' && enclosing.name) {
      for (const b of branchesUsing(analysis, uri, enclosing.name)) found.push(...entitiesOfBranch(b));
    }
  }
  // Names the parser dropped (an unfinished block) still count, after the resolved ones.
  if (enclosing.kind !== 'scenario') found.push(...entitiesOfTokens(analysis, uri, enclosing));
  const seen = new Set<string>();
  return found.filter((e) => (seen.has(e.name) ? false : (seen.add(e.name), true)));
}

/** A duration for people: `500ms`, `60s`, `2m` (seconds up to ten minutes, as timers are usually written). */
export function durationText(ms: number): string {
  if (ms % 1000 !== 0) return `${ms}ms`;
  if (ms < 600_000 || ms % 60_000 !== 0) return `${ms / 1000}s`;
  return formatMs(ms);
}

/** A duration setting as the user wrote it where it was written, else in plain units. */
export function settingText(analysis: Analysis, setting: { readonly value: number; readonly origin: Origin }): string {
  const o = setting.origin;
  if (o.kind === 'source') {
    const literal = analysis.files.get(o.uri)?.text.slice(o.start, o.end);
    if (literal && /^\d+(ms|s|m|h)$/.test(literal)) return literal;
  }
  return durationText(setting.value);
}

/** Where a value came from, for people: `line 25`, `from profile station, profile.surv line 23`, `default`. */
export function describeOrigin(analysis: Analysis, uri: string, origin: Origin): string {
  if (origin.kind === 'default') return 'default';
  const file = analysis.files.get(origin.uri);
  const line = file ? positionAt(file, origin.start).line + 1 : undefined;
  const at = `${origin.uri === uri ? '' : `${fileLabel(origin.uri)} `}line ${line ?? '?'}`;
  const profile = file?.ast.declarations.find((d) => d.kind === 'Profile' && d.start <= origin.start && origin.start < d.end);
  if (profile && profile.kind === 'Profile') return `from profile ${profile.name?.text ?? '?'}, ${fileLabel(origin.uri)} line ${line ?? '?'}`;
  return at;
}
