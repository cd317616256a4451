// Which text is a declaration or a reference of which symbol, for go to
// definition, find references, rename and highlights. Declarations that profile
// merging joins (a profile's `gateway pstn` and a branch's override of it) are one
// symbol, so renaming one renames all.
import type { Span } from '../ast.js';

export type SymbolKind = 'branch' | 'profile' | 'gateway' | 'upstream' | 'phone' | 'group';

export interface SymbolOccurrence {
  readonly uri: string;
  readonly start: number;
  readonly end: number;
  readonly symbol: number;
  readonly role: 'declaration' | 'reference';
}

export interface SurvSymbol {
  readonly id: number;
  readonly kind: SymbolKind;
  readonly name: string;
}

export interface SymbolIndex {
  readonly symbols: readonly SurvSymbol[];
  /** Every occurrence, sorted by file and offset. */
  readonly occurrences: readonly SymbolOccurrence[];
  /** The occurrence whose span contains `offset` (end inclusive, so a cursor just after a name counts). */
  at(uri: string, offset: number): SymbolOccurrence | undefined;
  /** Every occurrence of a symbol, declarations first. */
  occurrencesOf(symbol: number): readonly SymbolOccurrence[];
}

interface Pending {
  readonly uri: string;
  readonly span: Span;
  readonly key: object;
  readonly role: 'declaration' | 'reference';
}

/** Collects occurrences while the model is built; `finish` numbers the symbols. */
export class SymbolCollector {
  /** A command-line check never navigates: it collects nothing, at no cost. */
  constructor(private readonly enabled = true) {}

  private readonly parent = new Map<object, object>();
  private readonly info = new Map<object, { kind: SymbolKind; name: string }>();
  private readonly pending: Pending[] = [];

  private root(key: object): object {
    let node = key;
    for (let up = this.parent.get(node); up !== undefined && up !== node; up = this.parent.get(node)) node = up;
    return node;
  }

  /** Declares `key` (an AST node) as a symbol of `kind`, named at `span`. */
  declare(key: object, kind: SymbolKind, name: string, uri: string, span: Span): void {
    if (!this.enabled) return;
    if (!this.info.has(key)) this.info.set(key, { kind, name });
    this.pending.push({ uri, span, key, role: 'declaration' });
  }

  /** Makes the symbols of `a` and `b` one (merged declarations). */
  join(a: object, b: object): void {
    if (!this.enabled) return;
    const ra = this.root(a);
    const rb = this.root(b);
    if (ra !== rb) this.parent.set(rb, ra);
  }

  reference(key: object, uri: string, span: Span): void {
    if (!this.enabled) return;
    this.pending.push({ uri, span, key, role: 'reference' });
  }

  finish(): SymbolIndex {
    // One reference in a profile may resolve to a different declaration in each
    // branch that uses it (`ring shop`, each station its own `shop`): those
    // declarations are one symbol as far as that text is concerned.
    // Spans are AST literals, so the same text is the same object.
    const firstKey = new Map<Span, object>();
    for (const p of this.pending) {
      const first = firstKey.get(p.span);
      if (first === undefined) firstKey.set(p.span, p.key);
      else if (first !== p.key) this.join(first, p.key);
    }
    const ids = new Map<object, number>();
    const symbols: SurvSymbol[] = [];
    const occurrences: SymbolOccurrence[] = [];
    const seen = new Set<Span>();
    for (const p of this.pending) {
      const root = this.root(p.key);
      let id = ids.get(root);
      if (id === undefined) {
        const info = this.info.get(root) ?? this.info.get(p.key);
        if (!info) continue;
        id = symbols.length;
        ids.set(root, id);
        symbols.push({ id, ...info });
      }
      // A profile expanded into many branches yields the same occurrence many times.
      if (seen.has(p.span)) continue;
      seen.add(p.span);
      occurrences.push({ uri: p.uri, start: p.span.start, end: p.span.end, symbol: id, role: p.role });
    }
    occurrences.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.start - b.start));
    const bySymbol = new Map<number, SymbolOccurrence[]>();
    for (const o of occurrences) {
      const list = bySymbol.get(o.symbol) ?? [];
      list.push(o);
      bySymbol.set(o.symbol, list);
    }
    for (const list of bySymbol.values()) list.sort((a, b) => (a.role === b.role ? 0 : a.role === 'declaration' ? -1 : 1));
    return {
      symbols,
      occurrences,
      at(uri, offset) {
        let low = 0;
        let high = occurrences.length - 1;
        while (low <= high) {
          const mid = (low + high) >> 1;
          const o = occurrences[mid] as SymbolOccurrence;
          if (o.uri < uri || (o.uri === uri && o.end < offset)) low = mid + 1;
          else if (o.uri > uri || o.start > offset) high = mid - 1;
          else return o;
        }
        return undefined;
      },
      occurrencesOf(symbol) {
        return bySymbol.get(symbol) ?? [];
      },
    };
  }
}
