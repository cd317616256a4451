// The fuzzer's inputs: seed files and the mutations applied to them. Every input is a
// pure function of (run seed, input index), so `--seed S --index I` rebuilds it exactly.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { mulberry32 } from '../engines/simulate/random.js';

/** The simulator's mulberry32: small, fast and good enough to pick mutations. */
export const prng = mulberry32;

/** One 32-bit seed per input, so inputs do not depend on the ones before them. */
export function inputSeed(runSeed: number, index: number): number {
  let h = (runSeed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ index, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export interface Seed {
  /** Path relative to the repository, as the CLI names files (`examples/bilbao.surv`). */
  readonly uri: string;
  readonly bytes: Buffer;
  /** Files it reaches through `use`, path -> text, read from disk once. */
  readonly uses: ReadonlyMap<string, string>;
}

const seedRoots = ['examples', 'test/kamailio/fixtures'];

function survFilesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = posix.join(dir, name);
    if (statSync(path).isDirectory()) found.push(...survFilesUnder(path));
    else if (name.endsWith('.surv')) found.push(path);
  }
  return found;
}

/** `use "X"` lines, resolved against the file, followed transitively (seeds are trusted files). */
function usesOf(uri: string, text: string, into: Map<string, string>): void {
  for (const m of text.matchAll(/^\s*use\s+"([^"\n]*)"/gm)) {
    const target = posix.normalize(posix.join(posix.dirname(uri), m[1] ?? ''));
    if (into.has(target)) continue;
    let used: string;
    try {
      used = readFileSync(target, 'utf8');
    } catch {
      continue;
    }
    into.set(target, used);
    usesOf(target, used, into);
  }
}

export function loadSeeds(): Seed[] {
  return seedRoots.flatMap(survFilesUnder).map((uri) => {
    const bytes = readFileSync(uri);
    const uses = new Map<string, string>();
    usesOf(uri, bytes.toString('utf8'), uses);
    uses.delete(uri);
    return { uri, bytes, uses };
  });
}

export interface FuzzInput {
  readonly index: number;
  /** The seed it was made from (its name and `use`d files); the first of a splice. */
  readonly seed: Seed;
  readonly bytes: Buffer;
  /** The mutations applied, in order, for the report. */
  readonly mutations: readonly string[];
  /** `use`d files of every seed involved, path -> text. */
  readonly uses: ReadonlyMap<string, string>;
}

// Replacements, chosen to hit the boundaries named in issue 10 and the classic ones.
const numbers = ['0', '-1', '1', '00', '010', '0010', '4294967296', '65535', '65536', '99999999999999999999999', '1e9', '0x10', '2147483648', '9'.repeat(400)];
const addresses = [
  '0.0.0.0', '255.255.255.255', '999.1.1.1', '::', '::1', '010.010.001.003', '010.222.237.0', '224.0.0.1', '127.0.0.1',
  '1.2.3', '1.2.3.4.5', '::ffff:10.0.0.1', 'fe80::1%eth0', '10.0.0.1/33', '10.0.0.0/0', '[::1]', '0177.0.0.1', '0x7f.0.0.1',
  '2001:db8::1', '10.222.237.255', '-1.0.0.0',
];
const durations = ['0s', '0ms', '1ms', '9999999h', '99999999999999999999s', '10sec', '-5s', '1.5s', '0h', '2147483648ms', '24h', '1d'];
const strings = [
  '"a\tb"', '"a\u2028b"', '""', `"${'x'.repeat(129)}"`, `"${'y'.repeat(5000)}"`, '"\u202eevil\u202c"', '"zero\u200bwidth"',
  '"\u001b[31mred\u001b[0m"', '"$rU"', '"$(reboot)"', '"`id`"', '"a\\"b"', '"\'"', '"%00"', '"\ufeffbom"', '"\u0000nul"',
  '"\r\nInjected: 1"', '"\u2066iso\u2069"', '"\ud800"', '"é ñ 日本"', '"$var(x)"', '"${x}"', '"\\\\"', '"\\n"',
];
const uses = [
  'use "/dev/zero"', 'use "../../etc/passwd"', 'use "/proc/self/environ"', 'use "/etc/hostname"', 'use ""', 'use "/"',
  'use "."', 'use "profile.surv"', 'use "nonexistent.surv"', 'use "\u001b[2J.surv"', 'use "a\nb.surv"', `use "${'../'.repeat(60)}x"`,
];
const fragments = ['{', '}', '[', ']', '"', '#', ',', ':', ';', '/', '\\', '\n', '\t', '\r', ' ', '\u0000', '\u00a0', '\u2028', 'é', '🙂'];
const badBytes = [[0xff], [0xfe], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xe2, 0x82], [0x00], [0x1b]];

type Rng = () => number;
const int = (rng: Rng, n: number) => Math.floor(rng() * n);
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)] as T;

/** Replaces one match of `pattern` (global) in the text by one of `choices`. */
function replaceToken(text: string, rng: Rng, pattern: RegExp, choices: readonly string[]): string | undefined {
  const matches = [...text.matchAll(pattern)];
  if (matches.length === 0) return undefined;
  const m = pick(rng, matches);
  const at = m.index ?? 0;
  return text.slice(0, at) + pick(rng, choices) + text.slice(at + m[0].length);
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

const textMutations: Record<string, (text: string, rng: Rng, other: string) => string | undefined> = {
  number: (t, r) => replaceToken(t, r, /(?<![\w.:])\d+(?![\w.:])/g, numbers),
  address: (t, r) => replaceToken(t, r, /\b\d{1,3}(?:\.\d{1,3}){3}\b|\b[0-9a-f]*:[0-9a-f:]+::?[0-9a-f]*\b/gi, addresses),
  duration: (t, r) => replaceToken(t, r, /\b\d+(?:ms|s|m|h)\b/g, durations),
  string: (t, r) => replaceToken(t, r, /"[^"\n]*"/g, strings),
  word: (t, r) => {
    const words = [...new Set(t.match(/[A-Za-z][\w-]*/g) ?? [])];
    return words.length === 0 ? undefined : replaceToken(t, r, /[A-Za-z][\w-]*/g, words);
  },
  name: (t, r) => replaceToken(t, r, /[A-Za-z][\w-]*/g, ['branch', 'use', 'x'.repeat(300), '-', 'a-', '_', 'é', 'Zz9', 'expect', 'lan', '__proto__', 'constructor', 'toString']),
  use: (t, r) => {
    const starts = lineStarts(t);
    const at = pick(r, starts);
    return `${t.slice(0, at)}${pick(r, uses)}\n${t.slice(at)}`;
  },
  fragment: (t, r) => {
    const at = int(r, t.length + 1);
    return t.slice(0, at) + pick(r, fragments).repeat(1 + int(r, 3)) + t.slice(at);
  },
  delete: (t, r) => {
    const at = int(r, t.length + 1);
    return t.slice(0, at) + t.slice(at + 1 + int(r, r() < 0.8 ? 8 : 400));
  },
  deleteLine: (t, r) => {
    const lines = t.split('\n');
    lines.splice(int(r, lines.length), 1 + int(r, 3));
    return lines.join('\n');
  },
  duplicate: (t, r) => {
    const from = int(r, t.length + 1);
    const piece = t.slice(from, from + 1 + int(r, 200));
    const at = int(r, t.length + 1);
    return t.slice(0, at) + piece.repeat(1 + int(r, r() < 0.9 ? 2 : 50)) + t.slice(at);
  },
  swapLines: (t, r) => {
    const lines = t.split('\n');
    const a = int(r, lines.length);
    const b = int(r, lines.length);
    [lines[a], lines[b]] = [lines[b] as string, lines[a] as string];
    return lines.join('\n');
  },
  splice: (t, r, other) => {
    const a = lineStarts(t);
    const b = lineStarts(other);
    return t.slice(0, pick(r, a)) + other.slice(pick(r, b));
  },
  insertOther: (t, r, other) => {
    const lines = other.split('\n');
    const from = int(r, lines.length);
    const piece = lines.slice(from, from + 1 + int(r, 12)).join('\n');
    const at = pick(r, lineStarts(t));
    return `${t.slice(0, at)}${piece}\n${t.slice(at)}`;
  },
  nesting: (t, r) => {
    const depth = pick(r, [50, 1000, 10000, 50000]);
    const [open, close] = pick(r, [['{', '}'], ['[', ']'], ['branch x {', '}'], ['{ ', '']] as const);
    const at = int(r, t.length + 1);
    return t.slice(0, at) + open.repeat(depth) + close.repeat(r() < 0.5 ? depth : int(r, depth)) + t.slice(at);
  },
  longLine: (t, r) => {
    const unit = pick(r, ['x', 'a ', '1', '"', '# ', 'phone p 1 at 10.0.0.1 ', '{}', '\u00e9', ' ']);
    const at = pick(r, lineStarts(t));
    return `${t.slice(0, at)}${unit.repeat(Math.ceil(pick(r, [1000, 20000, 200000]) / unit.length))}\n${t.slice(at)}`;
  },
  truncate: (t, r) => t.slice(0, int(r, t.length + 1)),
  crlf: (t) => t.replace(/\n/g, '\r\n'),
  bom: (t) => `\ufeff${t}`,
};

const byteMutations: Record<string, (bytes: Buffer, rng: Rng) => Buffer> = {
  bitFlip: (b, r) => {
    const out = Buffer.from(b);
    for (let n = 1 + int(r, 4); n > 0 && out.length > 0; n--) {
      const at = int(r, out.length);
      out[at] = (out[at] as number) ^ (1 << int(r, 8));
    }
    return out;
  },
  byteSet: (b, r) => {
    const out = Buffer.from(b);
    if (out.length > 0) out[int(r, out.length)] = pick(r, [0, 0xff, 0x7f, 0x80, 0x0a, 0x22, 0x7b, 0x7d, 0x1b, int(r, 256)]);
    return out;
  },
  badUtf8: (b, r) => {
    const at = int(r, b.length + 1);
    return Buffer.concat([b.subarray(0, at), Buffer.from(pick(r, badBytes)), b.subarray(at)]);
  },
  nul: (b, r) => {
    const at = int(r, b.length + 1);
    return Buffer.concat([b.subarray(0, at), Buffer.alloc(1 + int(r, 64)), b.subarray(at)]);
  },
};

/** Weights: value-level mutations most often, since they keep more files clean enough to reach export. */
const menu: readonly (readonly [string, number])[] = [
  ['number', 10], ['address', 10], ['duration', 6], ['string', 8], ['word', 6], ['name', 4], ['use', 3], ['fragment', 5],
  ['delete', 6], ['deleteLine', 6], ['duplicate', 4], ['swapLines', 3], ['splice', 4], ['insertOther', 4], ['nesting', 1],
  ['longLine', 1], ['truncate', 2], ['crlf', 1], ['bom', 1], ['bitFlip', 4], ['byteSet', 3], ['badUtf8', 3], ['nul', 2],
];
const menuTotal = menu.reduce((s, [, w]) => s + w, 0);

function chooseMutation(rng: Rng): string {
  let x = rng() * menuTotal;
  for (const [name, w] of menu) {
    x -= w;
    if (x < 0) return name;
  }
  return 'number';
}

/** Input `index` of the run `runSeed`: one to four mutations of a seed (sometimes of two). */
export function makeInput(seeds: readonly Seed[], runSeed: number, index: number): FuzzInput {
  const rng = prng(inputSeed(runSeed, index));
  const seed = pick(rng, seeds);
  const usesOfInput = new Map(seed.uses);
  let bytes = seed.bytes;
  const mutations: string[] = [];
  const count = 1 + int(rng, rng() < 0.6 ? 1 : 4);
  for (let i = 0; i < count; i++) {
    const name = chooseMutation(rng);
    const byteMutation = byteMutations[name];
    if (byteMutation) {
      bytes = byteMutation(bytes, rng);
      mutations.push(name);
      continue;
    }
    const other = pick(rng, seeds);
    const mutated = textMutations[name]?.(bytes.toString('utf8'), rng, other.bytes.toString('utf8'));
    if (mutated === undefined) continue;
    if (name === 'splice' || name === 'insertOther') for (const [k, v] of other.uses) usesOfInput.set(k, v);
    bytes = Buffer.from(mutated, 'utf8');
    mutations.push(name === 'splice' || name === 'insertOther' ? `${name}(${other.uri})` : name);
  }
  return { index, seed, bytes, mutations, uses: usesOfInput };
}
