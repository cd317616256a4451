// Phase "index": which declarations each file defines and which it can see.
import type * as ast from '../ast.js';
import type { UnreadFile } from '../source.js';
import type { ParseResult } from '../parse.js';
import { resolveUse } from '../uris.js';
import type { Reporter } from './reporter.js';
import type { SymbolCollector } from './symbols.js';

export interface Declared<T> {
  readonly node: T;
  readonly uri: string;
}

export interface NamedContainer extends Declared<ast.ContainerNode> {
  readonly name: string;
}

export class Scope {
  /** Profiles by file, then name (first definition wins; later ones are duplicates). */
  private readonly profilesByFile = new Map<string, Map<string, NamedContainer>>();
  /** Branches of the whole fleet by name (branch names are global). */
  readonly branches = new Map<string, NamedContainer>();
  readonly allBranches: NamedContainer[] = [];
  readonly allProfiles: NamedContainer[] = [];
  readonly scenarios: Declared<ast.ScenarioNode>[] = [];
  /** For each file, the files it names with `use` (resolved, existing ones only). */
  private readonly usesByFile = new Map<string, string[]>();

  constructor(files: readonly ParseResult[], reporter: Reporter, symbols: SymbolCollector, unread: ReadonlyMap<string, UnreadFile> = new Map()) {
    for (const [uri, why] of unread) if (why.named) reporter.error(why.code, `not read: ${why.reason}`, uri, { start: 0, end: 0 });
    for (const file of files) {
      const profiles = new Map<string, NamedContainer>();
      this.profilesByFile.set(file.uri, profiles);
      for (const decl of file.ast.declarations) {
        if (decl.kind === 'Scenario') {
          this.scenarios.push({ node: decl, uri: file.uri });
          continue;
        }
        if (!decl.name) continue;
        const entry = { node: decl, uri: file.uri, name: decl.name.text };
        symbols.declare(decl, decl.kind === 'Profile' ? 'profile' : 'branch', entry.name, file.uri, decl.name);
        const table = decl.kind === 'Profile' ? profiles : this.branches;
        const first = table.get(entry.name);
        if (first) {
          const what = decl.kind === 'Profile' ? 'profile' : 'branch';
          reporter.error('SURV011', `${what} '${entry.name}' is already defined`, file.uri, decl.name, {
            related: [{ uri: first.uri, span: first.node.name ?? first.node, message: `first definition of '${entry.name}'` }],
            data: { name: entry.name },
          });
          continue;
        }
        table.set(entry.name, entry);
        (decl.kind === 'Profile' ? this.allProfiles : this.allBranches).push(entry);
      }
    }
    const known = new Set(files.map((f) => f.uri));
    for (const file of files) {
      const uses: string[] = [];
      for (const use of file.ast.uses) {
        if (!use.path) continue;
        const target = resolveUse(file.uri, use.path.text);
        const refused = unread.get(target);
        if (refused) {
          reporter.error(refused.code, `cannot use '${use.path.text}': ${refused.reason}`, file.uri, use.path);
          continue;
        }
        if (!known.has(target)) {
          reporter.error('SURV004', `cannot find '${use.path.text}' (looked for ${target})`, file.uri, use.path);
          continue;
        }
        if (target === file.uri) {
          reporter.warning('SURV004', 'a file does not need to use itself', file.uri, use.path);
          continue;
        }
        uses.push(target);
      }
      this.usesByFile.set(file.uri, uses);
    }
  }

  /** The profile `name` as seen from `uri`: its own, else from a file it uses. */
  profile(uri: string, name: string): NamedContainer | undefined {
    const own = this.profilesByFile.get(uri)?.get(name);
    if (own) return own;
    for (const used of this.usesByFile.get(uri) ?? []) {
      const found = this.profilesByFile.get(used)?.get(name);
      if (found) return found;
    }
    return undefined;
  }

  /** Every profile name visible from `uri` (for did-you-mean). */
  visibleProfileNames(uri: string): string[] {
    const names = [...(this.profilesByFile.get(uri)?.keys() ?? [])];
    for (const used of this.usesByFile.get(uri) ?? []) names.push(...(this.profilesByFile.get(used)?.keys() ?? []));
    return names;
  }
}
