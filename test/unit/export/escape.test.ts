// Hostile values: the parser already rejects most of them, so these build model objects
// directly and check that the exporter refuses or escapes them at the sink.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Branch } from '../../../grammar/src/index.js';
import { buildBundle, ExportError, Sources } from '../../../engines/export/index.js';
import { cfgString, checkReason, commentText, plainLine, shellQuote } from '../../../engines/export/escape.js';
import { analyze } from '../../../grammar/src/index.js';
import { firstUnsafeCharacter, textProblem } from '../../../grammar/src/strings.js';
import { targets } from '../../../engines/export/index.js';
import { escapeLabel, escapeMarkdown } from '../../../engines/diagram/escape.js';
import { analyseTexts, code, fileOf, plain } from './helpers.js';

const base = analyseTexts({ 'test.surv': plain('  phone desk3 102 registered\n', 'on timeout { announce 181 "Survival"  redirect 302 to pstn }\n    emergency 112\n    rewrite { match 0  strip 1 }\n    pass 4xx') });
const branch = base.branches[0]!;
const build = (b: Branch) => buildBundle(b, base.sources, { target: 'edgeos', toolVersion: '9.9.9' });

/** The branch with one part replaced (a shallow, typed copy). */
function variant(patch: (b: Branch) => Partial<Branch>): Branch {
  return { ...branch, ...patch(branch) };
}

function outboundWith(patch: Partial<NonNullable<Branch['outbound']>>): Branch {
  return variant((b) => ({ outbound: { ...b.outbound!, ...patch } }));
}

const announce = (reason: string) => outboundWith({
  onTimeout: { value: [{ kind: 'announce', code: 181, reason, origin: branch.outbound!.origin }, { kind: 'redirect', code: 302, gateway: 'pstn', gateways: ['pstn'], origin: branch.outbound!.origin }], origin: branch.outbound!.origin },
});

const injections = ['"; exit; "', '\r\nX-Injected: yes', 'a\nb', '$(id)', '`id`', '#!define X', 'x\u0000y'];

describe('hostile values are refused at the sink', () => {
  it('the parser-made branch exports (the base of every variant below)', () => {
    expect(() => build(branch)).not.toThrow();
  });

  it('a reason phrase with CR, LF or another control character', () => {
    for (const bad of ['Survival\r\nX-Injected: yes', 'a\nb', 'tab\there', 'nul\u0000']) {
      expect(() => build(announce(bad)), JSON.stringify(bad)).toThrow(ExportError);
    }
  });

  it('names (branch, gateway, upstream, phone) that are not surv names', () => {
    for (const bad of injections) {
      expect(() => build(variant(() => ({ name: `x${bad}` }))), bad).toThrow(ExportError);
      expect(() => build(variant((b) => ({ gateways: b.gateways.map((g) => ({ ...g, name: `pstn${bad}` })) }))), bad).toThrow(ExportError);
      expect(() => build(variant((b) => ({ upstreams: b.upstreams.map((u) => ({ ...u, name: `cloud${bad}` })) }))), bad).toThrow(ExportError);
      expect(() => build(variant((b) => ({ phones: b.phones.map((p) => ({ ...p, name: `desk${bad}` })) }))), bad).toThrow(ExportError);
    }
  });

  it('numbers: extensions, emergency numbers, dids, rewrite prefixes', () => {
    for (const bad of injections) {
      expect(() => build(variant((b) => ({ phones: b.phones.map((p) => ({ ...p, extension: { ...p.extension, value: `100${bad}` } })) }))), bad).toThrow(ExportError);
      expect(() => build(outboundWith({ emergency: { value: [`112${bad}`], origin: branch.outbound!.origin } })), bad).toThrow(ExportError);
      expect(() => build(outboundWith({ rewrite: { value: [{ match: '0', strip: 1, prefix: `+34${bad}`, origin: branch.outbound!.origin }], origin: branch.outbound!.origin } })), bad).toThrow(ExportError);
      expect(() => build(variant((b) => ({ inbound: { ...b.inbound!, dids: [{ number: `944${bad}`, target: 'desk', origin: b.inbound!.origin }] } }))), bad).toThrow(ExportError);
    }
  });

  it('addresses and hosts: an upstream host, a gateway or phone address, a LAN', () => {
    for (const bad of injections) {
      expect(() => build(variant((b) => ({ upstreams: b.upstreams.map((u) => ({ ...u, proxy: { ...u.proxy, value: { ...u.proxy.value!, host: `pbx.example.com${bad}` } } })) }))), bad).toThrow(ExportError);
      expect(() => build(variant((b) => ({ gateways: b.gateways.map((g) => ({ ...g, address: { ...g.address, value: { ...g.address.value!, address: `10.1.0.3${bad}` } } })) }))), bad).toThrow(ExportError);
      expect(() => build(variant((b) => ({ phones: b.phones.map((p) => (p.address.value ? { ...p, address: { ...p.address, value: { ...p.address.value, address: `10.1.0.10${bad}` } } } : p)) }))), bad).toThrow(ExportError);
      expect(() => build(variant((b) => ({ lans: { ...b.lans, value: b.lans.value.map((n) => ({ ...n, address: `10.1.0.0${bad}` })) } }))), bad).toThrow(ExportError);
    }
  });

  it('a refusal names the source line when there is one', () => {
    const tls = variant((b) => ({ upstreams: b.upstreams.map((u) => ({ ...u, proxy: { ...u.proxy, value: { ...u.proxy.value!, secure: true } } })) }));
    try {
      build(tls);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ExportError);
      expect((error as ExportError).where).toBe('test.surv:5');
      expect((error as ExportError).message).toContain('TLS');
    }
  });
});

describe('hostile but allowed text is escaped, never interpreted', () => {
  const hostile = 'a"; exit; "b $rU `id` # \\ $(reboot)';
  const bundle = build(announce(hostile));
  const cfg = fileOf(bundle, 'kamailio.cfg');

  it('goes into kamailio.cfg only as a custom cfg var\'s string literal, escaped', () => {
    const literal = 'survival.announce_1 = "a\\"; exit; \\"b $rU `id` # \\\\ $(reboot)" desc "reason phrase of the survival announce 181"';
    expect(code(cfg)).toContain(literal);
    // Nowhere else in the code: the reply takes it from the cfg var, at run time.
    expect(code(cfg).filter((l) => l.includes('exit; \\"b'))).toEqual([literal]);
    expect(code(cfg)).toContain('t_reply("181", "$var(reason)");');
  });

  it('comments that quote the source line stay one line each', () => {
    const lines = cfg.split('\n');
    expect(lines.filter((l) => l.startsWith('#!'))).toEqual(['#!KAMAILIO']);
    for (const l of lines.filter((x) => x.includes('$(reboot)'))) expect(l.trim().startsWith('#') || l.trim().startsWith('survival.announce_1')).toBe(true);
  });

  it('scripts and README never hold it unquoted in code', () => {
    expect(fileOf(bundle, 'install.sh')).not.toContain('$(reboot)');
    expect(fileOf(bundle, 'surv-kamailio.sh')).not.toContain('$(reboot)');
  });

  it('file names in comments are flattened, never a preprocessor directive', () => {
    const evil = 'evil\n#!define X 1\r\n.surv';
    const a = analyseTexts({ [evil]: plain() });
    const sources = new Sources(new Map([[evil, { text: plain(), lines: { position: () => ({ line: 0, character: 0, offset: 0 }) } }]]), '.');
    const out = fileOf(buildBundle(a.branches[0]!, sources, { target: 'debian', toolVersion: '9.9.9' }), 'kamailio.cfg');
    expect(out.split('\n').filter((l) => l.startsWith('#!'))).toEqual(['#!KAMAILIO']);
    expect(out).toContain('# Branch survival proxy for branch plain, from evil #!define X 1 .surv:1.');
  });
});

describe('escape functions', () => {
  /** What Kamailio's cfg lexer makes of a double-quoted literal (\\ and \" are the escapes used). */
  function lex(literal: string): string {
    expect(literal.startsWith('"') && literal.endsWith('"')).toBe(true);
    return literal.slice(1, -1).replace(/\\(.)/g, '$1');
  }

  it('cfgString round-trips every printable string', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }).filter((s) => firstUnsafeCharacter(s) === undefined), (s) => {
      const literal = cfgString(s);
      expect(lex(literal)).toBe(s);
      // No unescaped quote inside: the literal cannot end early.
      expect(/(^|[^\\])(\\\\)*"/.test(literal.slice(1, -1))).toBe(false);
    }));
  });

  it('cfgString refuses control, bidi and invisible characters, naming the character', () => {
    for (const bad of ['a\nb', 'a\rb', '\u0000', '\u0085', '\u2028', '\t', '\u001b[31m', '\u202e', '\u200b', '\ufeff', '\u00ad', '\ud800']) {
      expect(() => cfgString(bad), JSON.stringify(bad)).toThrow(ExportError);
    }
    expect(() => cfgString('a\u202eb')).toThrow('"a\u202eb" cannot be written into kamailio.cfg: it holds U+202E RIGHT-TO-LEFT OVERRIDE');
  });

  it('checkReason refuses with the checker\'s own message', () => {
    expect(() => checkReason('a\u202eb', 'the announcement text')).toThrow('the announcement text contains a bidirectional control (U+202E RIGHT-TO-LEFT OVERRIDE): it would make the text display in another order than it is sent');
    expect(() => checkReason('', 'the announcement text')).toThrow('the announcement text is empty: a reason phrase needs 1 to 128 characters');
    expect(() => checkReason('x'.repeat(129), 'the announcement text')).toThrow('the announcement text has 129 characters: a reason phrase holds at most 128');
    expect(checkReason('😀'.repeat(128), 'the announcement text')).toBe('😀'.repeat(128));
  });

  it('plainLine shows unsafe characters as escapes and keeps everything else', () => {
    expect(plainLine('a\u202eb\u200bc\u001bd é 生')).toBe('a\\u202eb\\u200bc\\u001bd é 生');
  });

  it('shellQuote: nothing inside is expanded', () => {
    expect(shellQuote("it's $HOME `id`")).toBe("'it'\\''s $HOME `id`'");
    expect(shellQuote('')).toBe("''");
  });

  it('commentText flattens line breaks', () => {
    expect(commentText('a\r\n#!define b\u2028c')).toBe('a #!define b c');
  });

  it('commentText shows ESC, bidi and zero-width characters as escapes', () => {
    expect(commentText('evil\u001b[2J\u202egnp.surv\u200b')).toBe('evil\\u001b[2J\\u202egnp.surv\\u200b');
  });

  it('commentText never cuts a surrogate pair in half', () => {
    expect(commentText(`x${'😀'.repeat(5)}`, 5)).toBe('x😀...');
  });
});

describe('check and export read a text by one rule', () => {
  /** `text` as a .surv string literal: the lexer's escapes, every other character raw. */
  const literal = (text: string) => `"${text.replace(/[\\"\n\r\t]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c]!)}"`;
  const dangerous = ['\t', '\n', '\r', '\u0000', '\u001b', '\u007f', '\u0085', '\u009b', '\u00ad', '\u061c', '\u180e', '\u200b', '\u200e', '\u202e', '\u2028', '\u2066', '\u2069', '\ufeff', '\ud800', '\udc00', '😀', 'é', '"', '\\', '$', '#'];
  const text = fc.array(fc.oneof(fc.constantFrom(...dangerous), fc.string({ unit: 'binary', maxLength: 3 }), fc.string({ maxLength: 40 })), { maxLength: 8 }).map((parts) => parts.join(''));

  it('a reason phrase that checks clean exports for every target, and one that does not is refused by both', () => {
    fc.assert(fc.property(text, (reason) => {
      const source = plain('', `on timeout { announce 181 ${literal(reason)}  redirect 302 to pstn }`);
      const a = analyze([{ uri: 'test.surv', text: source }], { symbols: false });
      const errors = a.diagnostics.filter((d) => d.severity === 'error');
      const problem = textProblem(reason, 'the announcement text');
      expect(errors.map((d) => d.code)).toEqual(problem ? [problem.code] : []);
      if (problem) {
        expect(() => checkReason(reason, 'the announcement text')).toThrow(problem.message);
        return;
      }
      const sources = new Sources(new Map([...a.files].map(([uri, f]) => [uri, { text: f.text, lines: f.lines }])), '.');
      for (const target of targets) expect(() => buildBundle(a.model.branches[0]!, sources, { target, toolVersion: '9.9.9' })).not.toThrow();
    }), { numRuns: 300 });
  });
});

describe('files named with unsafe characters', () => {
  it('kamailio.cfg and README.txt hold no raw control, bidi or zero-width character', () => {
    const evil = 'evil\u001b[2J\u202egnp\u200b\n.surv';
    const a = analyseTexts({ [evil]: plain() });
    for (const target of targets) {
      const bundle = buildBundle(a.branches[0]!, a.sources, { target, toolVersion: '9.9.9' });
      for (const f of bundle.files.filter((x) => x.path.endsWith('.cfg') || x.path.endsWith('.txt'))) {
        // Tabs indent kamailio.cfg; they are the only control besides the line break.
        expect(firstUnsafeCharacter(f.content.replace(/[\n\t]/g, '')), `${target} ${f.path}`).toBeUndefined();
      }
      expect(fileOf(bundle, 'kamailio.cfg')).toContain('evil\\u001b[2J\\u202egnp\\u200b .surv');
    }
  });
});

describe('diagram labels (the other sink of user text)', () => {
  it('draw bidi controls and zero-width characters as U+FFFD, never as a reference the browser would obey', () => {
    expect(escapeLabel('a\u202eb\u200bc\u2066d\u00ade')).toBe('a#65533;b#65533;c#65533;d#65533;e');
    expect(escapeMarkdown('a\u202eb\ufeffc')).toBe('a&#65533;b&#65533;c');
  });
});
