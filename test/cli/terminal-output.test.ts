// The terminal sink: a file name or scenario title holding ESC, a line break or a bidi
// control is printed as visible escapes, never raw, so it can neither drive the terminal
// nor forge a `path:line:col: error` line in a CI log.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstUnsafeCharacter } from '../../grammar/src/strings.js';
import { terminalLines, terminalText } from '../../cli/src/terminal-text.js';
import { cleanBranch, ensureBuilt, fixture, lines, surv } from './helpers.js';

describe('terminalText', () => {
  it('shows C0, DEL and C1 controls, line breaks, bidi and invisible characters as escapes', () => {
    expect(terminalText('a\u001b[31mb\nc\rd\te\u0000f\u001fg')).toBe('a\\x1b[31mb\\nc\\rd\\te\\x00f\\x1fg');
    expect(terminalText('x\u202ey\u2066z\u200bw\ufeffv\u00adu\u2028t\u2029s')).toBe('x\\u202ey\\u2066z\\u200bw\\ufeffv\\u00adu\\u2028t\\u2029s');
    expect(terminalText('lone \ud800 and \udc00')).toBe('lone \\ud800 and \\udc00');
  });

  it('keeps every other character: accents, scripts, emoji, backslashes', () => {
    const plain = 'Bilbo-Ελλάδα 生存 ☎😀 C:\\path "quoted" $HOME';
    expect(terminalText(plain)).toBe(plain);
  });

  it('leaves nothing unsafe behind, and is idempotent', () => {
    const all = Array.from({ length: 0x2070 }, (_, i) => String.fromCharCode(i)).join('') + '\ufeff\ud800';
    const once = terminalText(all);
    expect(firstUnsafeCharacter(once)).toBeUndefined();
    expect(terminalText(once)).toBe(once);
  });

  it('shows DEL and C1 controls as \\u00XX', () => {
    expect(terminalText('f\u007fg\u0085h\u009bi')).toBe('f\\u007fg\\u0085h\\u009bi');
  });

  it('terminalLines keeps line breaks only', () => {
    expect(terminalLines('one\u001b[2J\ntwo\r\n')).toBe('one\\x1b[2J\ntwo\\r\n');
  });

  it('escapes C1 and DEL as \\u00XX, so escaped JSON stays JSON with the same value', () => {
    const json = JSON.stringify({ title: 'a\u0085b\u007fc\u202ed' });
    expect(JSON.parse(terminalLines(json))).toEqual({ title: 'a\u0085b\u007fc\u202ed' });
  });
});

/** No raw control (but the line break), bidi or invisible character in the text. */
function expectSafe(text: string): void {
  expect(firstUnsafeCharacter(text.replace(/\n/g, ''))).toBeUndefined();
}

const ESC = '\u001b';
const RLO = '\u202e';
/** A file name that would clear the screen, set the title and forge a finding of its own. */
const evilName = `evil${ESC}[2J${ESC}]0;pwned\u0007\nforged.surv:1:1: error SURV010: fake${RLO}vrus.surv`;
const evilShown = 'evil\\x1b[2J\\x1b]0;pwned\\x07\\nforged.surv:1:1: error SURV010: fake\\u202evrus.surv';

const design = cleanBranch('shop', 1).replace('on timeout { redirect 302 to pstn }', 'on timeout { redirect 302 to pstm }');
const scenario = `${cleanBranch('other', 2)}
scenario "outage\\nshop.surv:1:1: error SURV010: forged ${ESC}[31mred${RLO}" in other {
  cloud silent
  desk calls 944000000
  expect desk gets 302 at 5s
}
`;

const files = fixture({ 'scenario.surv': scenario });
beforeAll(() => {
  writeFileSync(join(files.dir, evilName), design);
  return ensureBuilt();
});
afterAll(files.cleanup);

describe('surv prints user strings through the terminal sink', () => {
  it('check: a file name with ESC, a line break and a bidi control stays on its own line, escaped', () => {
    const run = surv(['check', evilName], files.dir);
    expect(run.status).toBe(1);
    expect(lines(run.stdout)).toEqual([`${evilShown}:9:34: error SURV010: no gateway named 'pstm'; did you mean 'pstn'?`]);
    expectSafe(run.stdout);
    expectSafe(run.stderr);
  });

  it('check of a folder holding that file: one line per finding, nothing forged', () => {
    const run = surv(['check', '.'], files.dir);
    expect(lines(run.stdout).filter((l) => /:\d+:\d+: error /.test(l))).toEqual([`${evilShown}:9:34: error SURV010: no gateway named 'pstm'; did you mean 'pstn'?`]);
    expectSafe(run.stdout);
  });

  it('an unreadable path in an error message', () => {
    const run = surv(['check', `missing${ESC}[2J\n.surv`], files.dir);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("surv: cannot read 'missing\\x1b[2J\\n.surv': no such file or directory\n");
  });

  it('an unknown option, as commander quotes it', () => {
    const run = surv(['check', `--x${ESC}[2J`], files.dir);
    expect(run.status).toBe(2);
    expect(lines(run.stderr)[0]).toBe("surv: unknown option '--x\\x1b[2J'");
    expectSafe(run.stderr);
  });

  it('simulate: a scenario title with a line break, ESC and a bidi control', () => {
    const run = surv(['simulate', 'scenario.surv'], files.dir);
    expect(lines(run.stdout)[0]).toBe('scenario "outage\\nshop.surv:1:1: error SURV010: forged \\x1b[31mred\\u202e" in other (scenario.surv:14:10)');
    expect(lines(run.stdout).filter((l) => l.startsWith('shop.surv'))).toEqual([]);
    expectSafe(run.stdout);
    expectSafe(run.stderr);
  });

  it('simulate --scenario: the list of titles in the error, one escaped title a line', () => {
    const run = surv(['simulate', 'scenario.surv', '--scenario', `nope${ESC}[2J`], files.dir);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe([
      'surv: no scenario titled "nope\\x1b[2J" in \'scenario.surv\'; its scenarios are:',
      '  "outage\\nshop.surv:1:1: error SURV010: forged \\x1b[31mred\\u202e"',
      '',
    ].join('\n'));
  });

  it('verify: the path of a finding and the branch line', () => {
    const run = surv(['verify', 'scenario.surv'], files.dir);
    expectSafe(run.stdout);
    expectSafe(run.stderr);
  });
});
