// fast-check arbitraries for .surv text: raw strings, token soup built from the
// language's own keywords and literals, and near-valid fleets of files.
import fc from 'fast-check';
import { documentedKeywords } from '../../support/docs.js';

/** Every reserved word of docs/language.md. */
export const KEYWORDS = documentedKeywords();

/** Literals of every kind, good and bad. */
export const LITERALS = [
  // names
  'pstn', 'cloud', 'desk1', 'front', 'shop', 'hq-madrid', '_x', 'a', 'cafe', 'bilbao', 'station',
  // numbers
  '0', '1', '2', '100', '101', '112', '091', '+34', '+34944000000', '944000000', '302', '181', '404', '380', '200', '99999999999999999999',
  // durations, good and bad
  '500ms', '10s', '2m', '1h', '0s', '10sec', '3d', '10x',
  // addresses
  '10.0.0.1', '10.0.0.0/24', '10.0.0.1:5060', '10.0.0.300', '10.0.0.0/33', '10.0.0.1:70000', '10.10.1',
  '2001:db8::1', 'fd00::/64', '[2001:db8::1]:5060', '[::1]', '::', '2001:db8::1/64', '[]', '[a]',
  // URIs
  'sip:pbx.example.com', 'sip:pbx.example.com:5060;transport=tcp', 'sips:x.example.com', 'sip:[2001:db8::5]:5060',
  'sip:944000000@10.10.1.3', 'sip:', 'sip:[zz]', 'sip:a@b:99999', 'sip:host;transport=sctp',
  // classes, percentages
  '4xx', '5xx', '1xx', '5%', '0.5%', '100%', '250%',
  // strings
  '"Survival Activated"', '""', '"a\\"b"', '"bad\\q"', '"unterminated', '"cr\\r\\nlf"', '"☎😀"', '"profile.surv"', '"../x.surv"',
];

export const PUNCTUATION = ['{', '}', '[', ']', ',', '#comment\n', '\n', '"', '\\', ':', '/', '%', '@', '$', ';'];

const piece = fc.constantFrom(...KEYWORDS, ...LITERALS, ...PUNCTUATION);
const separator = fc.constantFrom(' ', ' ', ' ', '\n', '\t', '', '\r\n');

/** Random sequences of the language's own tokens, randomly separated. */
export const tokenSoup = fc.array(fc.tuple(piece, separator), { maxLength: 150 })
  .map((parts) => parts.map(([p, s]) => p + s).join(''));

/** Any UTF-16 code unit, lone surrogates included. */
export const codeUnitString = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 200 });

/** Setting snippets, most valid, some not, over a small pool of names so references often resolve. */
const NAMES = ['pstn', 'cloud', 'backup', 'desk', 'shop', 'front', 'in', 'nope'];
const name = fc.constantFrom(...NAMES);
const net = fc.integer({ min: 0, max: 3 });
const setting = fc.oneof(
  net.map((n) => `edge listen udp 10.${n}.0.1:5060`),
  fc.tuple(net, fc.constantFrom('/24', '/16', '/33', '')).map(([n, p]) => `lan 10.${n}.0.0${p}`),
  fc.tuple(name, fc.constantFrom('bri', 'pri', 'fxo', 'trunk', 'isdn'), fc.constantFrom('', 'channels 0', 'channels 3', 'channels 4')).map(([g, k, c]) => `gateway ${g} { address 10.0.0.3  kind ${k}  ${c} }`),
  name.map((g) => `gateway ${g} { address 10.0.0.4 }`),
  fc.tuple(name, fc.constantFrom('', 'probe options', 'probe options every 5s timeout 6s')).map(([u, p]) => `upstream ${u} { proxy sip:${u}.example.com ${p} }`),
  fc.constantFrom('timers { no-answer 10s }', 'timers { no-answer 40s t1 100ms }', 'timers { ringing 5s budget 1s t2 1ms }', 'timers { }'),
  fc.tuple(name, fc.integer({ min: 100, max: 103 }), fc.constantFrom('at 10.0.0.10', 'registered', 'at 2001:db8::10')).map(([p, e, a]) => `phone ${p} ${e} ${a}`),
  fc.tuple(name, fc.constantFrom('parallel', 'serial'), fc.array(name, { maxLength: 3 })).map(([g, m, ms]) => `group ${g} ${m} [${ms.join(', ')}] ring 15s`),
  fc.tuple(name, fc.boolean()).map(([u, p]) => `register { forward ${u}${p ? ' with path' : ''}  keep local copy }`),
  fc.tuple(fc.array(name, { minLength: 1, maxLength: 3 }), name, fc.constantFrom('redirect 302 to', 'relay to', 'redirect 380 to', 'announce 200 "x" redirect 404 to'), fc.boolean())
    .map(([via, g, action, emergency]) => `outbound from lan via ${via.join(', ')} { on timeout { ${action} ${g} } ${emergency ? 'emergency 112, 091' : 'pass 4xx, 503'} rewrite { match 0 strip 1 } }`),
  fc.tuple(name, name, name).map(([g, a, b]) => `inbound from ${g} { ring ${a} for 5s then ring ${b}  did 944 to ${a} }`),
);
const container = fc.tuple(fc.constantFrom('branch', 'profile'), fc.constantFrom('b1', 'b2', 'p1', 'p2', 'lan'), fc.option(fc.constantFrom('p1', 'p2', 'b1'), { nil: undefined }), fc.array(setting, { maxLength: 8 }))
  .map(([kind, n, uses, settings]) => `${kind} ${n}${uses ? ` uses ${uses}` : ''} {\n  ${settings.join('\n  ')}\n}\n`);
const scenarioStatement = fc.oneof(
  fc.tuple(name, fc.constantFrom('silent', 'slow 2s', 'answers 404 after 1s', 'trying', 'ignores invite', 'flapping down 1s up 2s', 'busy', 'full', 'down', 'no-answer', 'unregistered', 'ignores redirect', 'up from 5s until 1s'))
    .map(([a, s]) => `${a} ${s}`),
  fc.tuple(name, fc.constantFrom('944000000', 'desk', 'nope', '112')).map(([a, t]) => `${a} calls ${t} at 1s`),
  name.map((a) => `${a} registers`),
  fc.constantFrom('network loss 5%', 'network loss 500%', 'seed 7', 'seed x'),
  fc.tuple(name, fc.constantFrom('gets 181 at 10s', 'gets 302 within 1s contact sip:1@10.0.0.3', 'gets 200 at 1s within 2s contact sip:x', 'answers at 3s', 'marked down at 32s'))
    .map(([a, e]) => `expect ${a} ${e}`),
);
const scenario = fc.tuple(fc.constantFrom('s1', 's2'), fc.constantFrom('b1', 'b2', 'p1', 'zz'), fc.array(scenarioStatement, { maxLength: 6 }))
  .map(([t, b, items]) => `scenario "${t}" in ${b} {\n  ${items.join('\n  ')}\n}\n`);

/** One near-valid file: some `use` lines, branches, profiles and scenarios. */
const fileBody = fc.tuple(fc.array(fc.constantFrom('use "f0.surv"', 'use "f1.surv"', 'use "x/f2.surv"', 'use "../f0.surv"', 'use "missing.surv"'), { maxLength: 2 }), fc.array(fc.oneof(container, container, scenario), { maxLength: 4 }))
  .map(([uses, decls]) => `${uses.join('\n')}\n${decls.join('')}`);

/** A fleet of one to three near-valid files named f0.surv, f1.surv, x/f2.surv. */
export const fleet = fc.array(fileBody, { minLength: 1, maxLength: 3 })
  .map((texts) => texts.map((text, i) => ({ uri: i === 2 ? 'x/f2.surv' : `f${i}.surv`, text })));

/** A deterministic pseudo-random byte buffer (a linear congruential generator). */
export function randomBytes(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}
