// Hostile values: the parser already rejects most of them, so these build model objects
// directly and check that the exporter refuses or escapes them at the sink.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Branch } from '../../../grammar/src/index.js';
import { buildBundle, ExportError, Sources } from '../../../server/src/export/index.js';
import { cfgString, commentText, shellQuote } from '../../../server/src/export/escape.js';
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
  onTimeout: { value: [{ kind: 'announce', code: 181, reason, origin: branch.outbound!.origin }, { kind: 'redirect', code: 302, gateway: 'pstn', origin: branch.outbound!.origin }], origin: branch.outbound!.origin },
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
    // eslint-disable-next-line no-control-regex
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }).filter((s) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(s)), (s) => {
      const literal = cfgString(s);
      expect(lex(literal)).toBe(s);
      // No unescaped quote inside: the literal cannot end early.
      expect(/(^|[^\\])(\\\\)*"/.test(literal.slice(1, -1))).toBe(false);
    }));
  });

  it('cfgString refuses control characters', () => {
    for (const bad of ['a\nb', 'a\rb', '\u0000', '\u0085', '\u2028']) expect(() => cfgString(bad)).toThrow(ExportError);
  });

  it('shellQuote: nothing inside is expanded', () => {
    expect(shellQuote("it's $HOME `id`")).toBe("'it'\\''s $HOME `id`'");
    expect(shellQuote('')).toBe("''");
  });

  it('commentText flattens line breaks', () => {
    expect(commentText('a\r\n#!define b\u2028c')).toBe('a #!define b c');
  });
});
