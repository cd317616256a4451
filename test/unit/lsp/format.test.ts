// Document and range formatting: exact layout, idempotence, token preservation
// (the formatter only ever changes whitespace), refusal on broken files.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FormattingOptions, Range, TextEdit } from 'vscode-languageserver-types';
import { parse } from '../../../grammar/src/index.js';
import { format } from '../../../server/src/lsp/format.js';
import { fleet } from '../property/arbitraries.js';

const options: FormattingOptions = { tabSize: 2, insertSpaces: true };
const examplesDir = fileURLToPath(new URL('../../../examples', import.meta.url));

function survFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? survFiles(path) : name.endsWith('.surv') ? [path] : [];
  });
}
const examples = survFiles(examplesDir).map((path) => ({ name: path.slice(examplesDir.length + 1), text: readFileSync(path, 'utf8') }));

function apply(text: string, edits: readonly TextEdit[]): string {
  const file = parse(text);
  const resolved = edits.map((e) => ({
    start: file.lines.offset(e.range.start.line, e.range.start.character),
    end: file.lines.offset(e.range.end.line, e.range.end.character),
    text: e.newText,
  })).sort((a, b) => b.start - a.start);
  for (let i = 1; i < resolved.length; i++) expect((resolved[i] as { end: number }).end).toBeLessThanOrEqual((resolved[i - 1] as { start: number }).start);
  let out = text;
  for (const e of resolved) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

function fmt(text: string, opts: FormattingOptions = options, range?: Range): string {
  return apply(text, format(parse(text), opts, range));
}

const images = (text: string): string[] => parse(text).tokens.map((t) => t.image);
const commentTexts = (text: string): string[] => parse(text).comments.map((c) => c.text.trimEnd());
const hasSyntaxError = (text: string): boolean => parse(text).diagnostics.some((d) => ['SURV001', 'SURV002', 'SURV003'].includes(d.code));

function expectCanonical(original: string): string {
  const once = fmt(original);
  expect(images(once)).toEqual(images(original));
  expect(commentTexts(once)).toEqual(commentTexts(original));
  expect(fmt(once)).toBe(once);
  expect(format(parse(once), options)).toEqual([]);
  for (const line of once.split('\n')) expect(line).toBe(line.trimEnd());
  expect(once).not.toMatch(/\n\n\n/);
  if (once !== '') expect(once.endsWith('\n') && !once.endsWith('\n\n')).toBe(true);
  return once;
}

const messy = `

use   "profile.surv"
# head comment
branch   bilbao uses station{
      edge listen udp 10.222.237.1:5060 ,tcp 10.222.237.1:5060
  lan 10.222.237.0/24   


  gateway pstn {address 10.10.1.3 kind bri channels 2}   # the BRI
  upstream cloud {
     proxy sip:pbx.example.com:5060
   probe options every 15s
        timeout 2s   }
\ttimers { no-answer 10s  ringing 60s  budget 15s  t1 500ms  t2 4s  no-answer 10s  ringing 60s  budget 15s }
  phone reception 100 at 10.222.237.10 phone desk1 101 at 10.222.237.11
  group front parallel [ reception , desk1 ]   ring 20s
  register { forward cloud with path keep local copy }
  outbound from lan via cloud { on timeout { announce 181 "Survival Activated - please standby"   redirect 302 to pstn }
      emergency 112,091 direct to pstn   # 112 first

        # rewrite rules
    rewrite {match 0 strip 1}
  }
  inbound from pstn {
  ring front then ring reception }
  # last words
}
scenario "x" in bilbao { cloud silent   desk1 calls 944000000
  expect desk1 gets 181 at 10s }
branch empty {
}`;

const messyFormatted = `use "profile.surv"
# head comment
branch bilbao uses station {
  edge listen udp 10.222.237.1:5060, tcp 10.222.237.1:5060
  lan 10.222.237.0/24

  gateway pstn { address 10.10.1.3  kind bri  channels 2 }  # the BRI
  upstream cloud {
    proxy sip:pbx.example.com:5060
    probe options every 15s timeout 2s
  }
  timers {
    no-answer 10s
    ringing 60s
    budget 15s
    t1 500ms
    t2 4s
    no-answer 10s
    ringing 60s
    budget 15s
  }
  phone reception 100 at 10.222.237.10
  phone desk1 101 at 10.222.237.11
  group front parallel [reception, desk1] ring 20s
  register { forward cloud with path  keep local copy }
  outbound from lan via cloud {
    on timeout { announce 181 "Survival Activated - please standby"  redirect 302 to pstn }
    emergency 112, 091 direct to pstn  # 112 first

    # rewrite rules
    rewrite { match 0  strip 1 }
  }
  inbound from pstn {
    ring front then ring reception
  }
  # last words
}
scenario "x" in bilbao {
  cloud silent
  desk1 calls 944000000
  expect desk1 gets 181 at 10s
}
branch empty { }
`;

describe('format: the canonical layout', () => {
  it('lays out a messy file exactly', () => {
    expect(fmt(messy)).toBe(messyFormatted);
    expectCanonical(messy);
  });

  it('keeps one-line leaf blocks on one line and multi-line ones multi-line', () => {
    const text = 'branch b {\n  gateway g {   address 10.0.0.3 kind fxo   }\n  timers {\n    no-answer 10s  ringing 60s\n  }\n}\n';
    expect(fmt(text)).toBe('branch b {\n  gateway g { address 10.0.0.3  kind fxo }\n  timers {\n    no-answer 10s\n    ringing 60s\n  }\n}\n');
  });

  it('lays out a limits block: `per-source N per D` is one statement', () => {
    const text = 'branch b {\n  limits {   per-source 30   per 2s outside 200 per 1s   max-contacts 5 }\n  limits {\n  max-expires 1h per-source 3 per 1s\n}\n}\n';
    expect(fmt(text)).toBe('branch b {\n  limits { per-source 30 per 2s  outside 200 per 1s  max-contacts 5 }\n  limits {\n    max-expires 1h\n    per-source 3 per 1s\n  }\n}\n');
  });

  it('lays out a tls block like the other leaf blocks, and a phone\'s transport on its line', () => {
    const text = 'branch b {\n  edge listen udp 10.0.0.1, tls   10.0.0.1:5061\n  tls {   certificate "/etc/k/cert.pem" key   "/etc/k/key.pem" }\n  tls {\n  ca "/etc/k/ca.pem"  certificate "/c.pem"\n}\n  phone   p 101 at 10.0.0.5   transport tls\n  phone q 102 registered transport  tcp\n}\n';
    expect(expectCanonical(text)).toBe('branch b {\n  edge listen udp 10.0.0.1, tls 10.0.0.1:5061\n  tls { certificate "/etc/k/cert.pem"  key "/etc/k/key.pem" }\n  tls {\n    ca "/etc/k/ca.pem"\n    certificate "/c.pem"\n  }\n  phone p 101 at 10.0.0.5 transport tls\n  phone q 102 registered transport tcp\n}\n');
  });

  it('lays out a timers block with trying as one more timer, and keeps a trying upstream state apart', () => {
    const text = 'branch b {\n  timers {  no-answer 10s   trying 8s\n ringing 60s }\n}\nscenario "s" in b {\n  cloud   trying\n}\n';
    expect(expectCanonical(text)).toBe('branch b {\n  timers {\n    no-answer 10s\n    trying 8s\n    ringing 60s\n  }\n}\nscenario "s" in b {\n  cloud trying\n}\n');
    expect(fmt('branch b {\n  timers { no-answer 10s  trying   8s  ringing 60s }\n}\n')).toBe('branch b {\n  timers { no-answer 10s  trying 8s  ringing 60s }\n}\n');
  });

  it('lays out a numbered group and local-calls as one statement each', () => {
    const text = 'branch b {\n  group   shop 200   parallel [a,b]  ring 20s\n  outbound from lan via u { local-calls   always  pass all }\n}\n';
    expect(expectCanonical(text)).toBe('branch b {\n  group shop 200 parallel [a, b] ring 20s\n  outbound from lan via u {\n    local-calls always\n    pass all\n  }\n}\n');
  });

  it('lays out number rules: rewrite blocks and caller-id lines in a gateway, rewrite and did patterns in inbound', () => {
    const text = 'branch b {\n  gateway isdn {   address 10.0.0.3 kind bri rewrite {  match +34 strip 3 }   caller-id +349441231XX   for 1XX  caller-id +34944123000 private }\n'
      + '  gateway lte { address 10.0.0.4  kind fxo  caller-id   +34944123000 private }\n'
      + '  inbound from isdn { rewrite {match +34   strip 3} ring d did  9441231XX to 1XX did 944123100 to d }\n}\n';
    expect(expectCanonical(text)).toBe('branch b {\n  gateway isdn {\n    address 10.0.0.3\n    kind bri\n    rewrite { match +34  strip 3 }\n'
      + '    caller-id +349441231XX for 1XX\n    caller-id +34944123000 private\n  }\n  gateway lte { address 10.0.0.4  kind fxo  caller-id +34944123000 private }\n'
      + '  inbound from isdn {\n    rewrite { match +34  strip 3 }\n    ring d\n    did 9441231XX to 1XX\n    did 944123100 to d\n  }\n}\n');
  });

  it('lays out gateway lists and a probed gateway: ", " between gateways, probe options one statement', () => {
    const text = 'branch b {\n  gateway lte { address 10.0.0.4  kind trunk channels 4   probe options every 5s   down after 3 }\n'
      + '  outbound from lan via u {\n    on timeout { announce 181 "S" relay to lte ,isdn }\n    emergency 112 ,091 direct to isdn,lte\n  }\n}\n';
    expect(expectCanonical(text)).toBe('branch b {\n  gateway lte { address 10.0.0.4  kind trunk  channels 4  probe options every 5s down after 3 }\n'
      + '  outbound from lan via u {\n    on timeout { announce 181 "S"  relay to lte, isdn }\n    emergency 112, 091 direct to isdn, lte\n  }\n}\n');
    expect(fmt('branch b {\n  outbound from lan via u {\n    on timeout { redirect 302 to  lte,   isdn }\n  }\n}\n'))
      .toBe('branch b {\n  outbound from lan via u {\n    on timeout { redirect 302 to lte, isdn }\n  }\n}\n');
  });

  it('expands a one-line block that would pass 100 columns, and only then', () => {
    const line = (n: number): string => `  upstream u { proxy sip:${'p'.repeat(n)}.example.com  probe options every 15s }`;
    expect(line(36)).toHaveLength(100);
    const fits = `branch b {\n${line(36)}\n}\n`;
    expect(fmt(fits)).toBe(fits);
    const long = `branch b {\n${line(37)}\n}\n`;
    expect(fmt(long)).toBe(`branch b {\n  upstream u {\n    proxy sip:${'p'.repeat(37)}.example.com\n    probe options every 15s\n  }\n}\n`);
  });

  it('always puts one statement per line in branches, outbound policies and scenarios', () => {
    const text = 'branch b { lan 10.0.0.0/24 outbound from lan via u { pass all emergency 112 } }\nscenario "s" in b { u silent d calls 1 }\n';
    expect(fmt(text)).toBe('branch b {\n  lan 10.0.0.0/24\n  outbound from lan via u {\n    pass all\n    emergency 112\n  }\n}\nscenario "s" in b {\n  u silent\n  d calls 1\n}\n');
  });

  it('spaces lists: ", " between items, nothing inside brackets', () => {
    expect(fmt('branch b {\n  group g serial [ a ,b,  c ]ring 5s\n  lan 10.0.0.0/24 ,10.1.0.0/24\n}\n'))
      .toBe('branch b {\n  group g serial [a, b, c] ring 5s\n  lan 10.0.0.0/24, 10.1.0.0/24\n}\n');
    expect(fmt('branch b {\n  group g serial [ ]\n}\n')).toBe('branch b {\n  group g serial []\n}\n');
  });

  it('honours tabSize and insertSpaces', () => {
    const text = 'branch b {\nlan 10.0.0.0/24\noutbound from lan via u {\npass all\n}\n}\n';
    expect(fmt(text, { tabSize: 4, insertSpaces: true })).toBe('branch b {\n    lan 10.0.0.0/24\n    outbound from lan via u {\n        pass all\n    }\n}\n');
    expect(fmt(text, { tabSize: 4, insertSpaces: false })).toBe('branch b {\n\tlan 10.0.0.0/24\n\toutbound from lan via u {\n\t\tpass all\n\t}\n}\n');
  });

  it('keeps CRLF line ends', () => {
    expect(fmt('branch b {\r\n   lan 10.0.0.0/24   \r\n\r\n\r\n  phone p 1 registered\r\n}')).toBe('branch b {\r\n  lan 10.0.0.0/24\r\n\r\n  phone p 1 registered\r\n}\r\n');
  });

  it('blank lines: at most one, never after { or before }, none at the start', () => {
    expect(fmt('\n\n\nbranch b {\n\n\n  lan 10.0.0.0/24\n\n\n\n  phone p 1 registered\n\n}\n\n\n\nbranch c {\n}\n\n\n'))
      .toBe('branch b {\n  lan 10.0.0.0/24\n\n  phone p 1 registered\n}\n\nbranch c { }\n');
    expect(fmt('branch b {  # open\n\n  lan 10.0.0.0/24\n\n  # end\n}\n')).toBe('branch b {  # open\n  lan 10.0.0.0/24\n\n  # end\n}\n');
  });

  it('leaves an empty or blank document empty', () => {
    expect(format(parse(''), options)).toEqual([]);
    expect(fmt('  \n\n\t\n')).toBe('');
  });
});

describe('format: comments', () => {
  it('re-indents own-line comments and keeps trailing ones two spaces after their code', () => {
    const text = [
      '# file',
      'branch b {   # opens',
      '      # about the lan',
      'lan 10.0.0.0/24     # trailing',
      '  gateway g { address 10.0.0.3  kind fxo }# tight',
      '        # before the end',
      '}',
      '   # after',
    ].join('\n');
    expect(fmt(text)).toBe([
      '# file',
      'branch b {  # opens',
      '  # about the lan',
      '  lan 10.0.0.0/24  # trailing',
      '  gateway g { address 10.0.0.3  kind fxo }  # tight',
      '  # before the end',
      '}',
      '# after',
      '',
    ].join('\n'));
  });

  it('keeps the exact text of comments (trailing blanks aside)', () => {
    const text = 'branch b {\n  #   odd   spacing  { } , [ ]   \n  lan 10.0.0.0/24 #no space\n}\n';
    expect(fmt(text)).toBe('branch b {\n  #   odd   spacing  { } , [ ]\n  lan 10.0.0.0/24  #no space\n}\n');
  });

  it('a comment inside a one-line block makes it multi-line', () => {
    expect(fmt('branch b {\n  gateway g { address 10.0.0.3  # where\n  kind fxo }\n}\n'))
      .toBe('branch b {\n  gateway g {\n    address 10.0.0.3  # where\n    kind fxo\n  }\n}\n');
  });

  it('a comment inside a statement breaks it; the rest goes one level deeper', () => {
    const text = 'branch b {\n  edge listen udp 10.0.0.1:5060,  # first\n # second\n tcp 10.0.0.1:5060\n  lan 10.0.0.0/24\n}\n';
    const out = fmt(text);
    expect(out).toBe('branch b {\n  edge listen udp 10.0.0.1:5060,  # first\n    # second\n    tcp 10.0.0.1:5060\n  lan 10.0.0.0/24\n}\n');
    expectCanonical(text);
  });
});

describe('format: safety', () => {
  it('refuses files with lexing or syntax errors', () => {
    for (const text of [
      'branch b {\n    lan 10.0.0.0/24;\n}\n',
      'branch b {\n    lan\n}\n',
      'branch b {\n  outbound from lan via u {\n    on timeout { announce 181 "open  redirect 302 to g }\n  }\n}\n',
      'branch b {\n   lan 10.0.0.0/24\n',
      'branch b {\n  phone p 1   10.0.0.4\n}\n',
    ]) {
      expect(hasSyntaxError(text)).toBe(true);
      expect(format(parse(text), options)).toEqual([]);
    }
  });

  it('formats a file with only semantic errors (reserved words as names included)', () => {
    expect(fmt('branch lan {\n phone in 1 at 10.0.0.300\n}\n')).toBe('branch lan {\n  phone in 1 at 10.0.0.300\n}\n');
  });

  it.each(examples.map((e) => [e.name, e.text] as const))('%s: idempotent, same tokens and comments (or untouched when broken)', (_name, text) => {
    if (hasSyntaxError(text)) {
      expect(format(parse(text), options)).toEqual([]);
      return;
    }
    expectCanonical(text);
  });

  it('the seed example is already canonical', () => {
    const bilbao = examples.find((e) => e.name === 'bilbao.surv');
    expect(bilbao).toBeDefined();
    expect(format(parse(bilbao?.text ?? ''), options)).toEqual([]);
  });
});

/** Re-spaces a text's whitespace at random, keeping what the layout reads: line breaks (one, or a blank line) and their absence. */
function respace(text: string, seeds: readonly number[]): string {
  const file = parse(text);
  const elements = [...file.tokens.map((t) => ({ start: t.startOffset, end: t.startOffset + t.image.length })), ...file.comments]
    .sort((a, b) => a.start - b.start);
  const pick = (k: number, choices: readonly string[]): string => choices[(seeds[k % seeds.length] ?? 0) % choices.length] ?? '';
  const pad = (k: number): string => pick(k, ['', ' ', '  ', '\t', ' \t ', '      ']);
  let out = '';
  let previous = 0;
  elements.forEach((e, k) => {
    const gap = text.slice(previous, e.start);
    const breaks = gap.split('\n').length - 1;
    if (breaks === 0) out += gap === '' ? pick(k, ['', '', ' ']) : pick(k, [' ', '  ', '\t', '   ']);
    else if (breaks === 1 || k === 0) out += `${pad(k)}\n${pad(k + 1)}`;
    else out += `${pad(k)}\n${pick(k + 2, ['', '  ', '\t'])}\n${pick(k + 3, ['', '\n'])}${pad(k + 1)}`;
    out += text.slice(e.start, e.end);
    previous = e.end;
  });
  return out + pick(elements.length, ['', '\n', '  \n\n', '\n\t']);
}

describe('format: properties', () => {
  const good = examples.filter((e) => !hasSyntaxError(e.text));

  it('a re-spaced, re-indented example formats to the same text as the example', () => {
    fc.assert(fc.property(fc.constantFrom(...good), fc.array(fc.nat(1000), { minLength: 1, maxLength: 64 }), (example, seeds) => {
      const messed = respace(example.text, seeds);
      expect(images(messed)).toEqual(images(example.text));
      expect(fmt(messed)).toBe(fmt(example.text));
    }), { numRuns: 200 });
  });

  it('generated files: idempotent, tokens kept, re-spacing does not matter', () => {
    fc.assert(fc.property(fleet, fc.array(fc.nat(1000), { minLength: 1, maxLength: 32 }), (files, seeds) => {
      for (const { text } of files) {
        if (hasSyntaxError(text)) {
          expect(format(parse(text), options)).toEqual([]);
          continue;
        }
        const once = expectCanonical(text);
        expect(fmt(respace(text, seeds))).toBe(once);
      }
    }), { numRuns: 150 });
  });
});

describe('format: ranges', () => {
  const text = 'branch a {\n      lan 10.0.0.0/24\n}\n\nbranch b {\n      lan 10.1.0.0/24\n   phone p 1   registered    # p\n}\nscenario "s" in b {\n    p calls 2\n}\n';

  it('formats only the declarations the range overlaps', () => {
    const range = { start: { line: 5, character: 3 }, end: { line: 5, character: 5 } };
    expect(fmt(text, options, range)).toBe('branch a {\n      lan 10.0.0.0/24\n}\n\nbranch b {\n  lan 10.1.0.0/24\n  phone p 1 registered  # p\n}\nscenario "s" in b {\n    p calls 2\n}\n');
    const edits = format(parse(text), options, range);
    for (const e of edits) {
      expect(e.range.start.line).toBeGreaterThanOrEqual(4);
      expect(e.range.end.line).toBeLessThanOrEqual(7);
    }
  });

  it('a range over two declarations formats both', () => {
    const range = { start: { line: 1, character: 0 }, end: { line: 4, character: 0 } };
    expect(fmt(text, options, range)).toBe('branch a {\n  lan 10.0.0.0/24\n}\n\nbranch b {\n  lan 10.1.0.0/24\n  phone p 1 registered  # p\n}\nscenario "s" in b {\n    p calls 2\n}\n');
  });

  it('a range between declarations changes nothing; a broken file nothing either', () => {
    expect(format(parse(text), options, { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } })).toEqual([]);
    expect(format(parse(`${text}branch c {\n  lan ;\n}\n`), options, { start: { line: 0, character: 0 }, end: { line: 2, character: 0 } })).toEqual([]);
  });
});
