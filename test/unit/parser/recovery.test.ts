// Error recovery: separate mistakes give separate, located errors (and nothing more),
// the correct settings between them survive into the AST and the model, keywords
// used as names give SURV005 and parsing goes on, and no prefix of any example
// makes the parser throw.
import { describe, expect, it } from 'vitest';
import { analyze, parse, type ast } from '../../../grammar/src/index.js';
import { allExampleFiles, expectRangesWithin, located, read } from './helpers.js';

const settings = (file: ast.FileNode, index = 0): readonly ast.Setting[] =>
  (file.declarations[index] as ast.ContainerNode).settings;
const find = <K extends ast.Setting['kind']>(list: readonly ast.Setting[], kind: K) =>
  list.filter((s) => s.kind === kind) as Extract<ast.Setting, { kind: K }>[];

describe('examples/broken/syntax-errors.surv: five mistakes', () => {
  const uri = 'syntax-errors.surv';
  const text = read('examples/broken/syntax-errors.surv');
  const parsed = parse(text, uri);
  const analysis = analyze([{ uri, text }]);

  it('gives exactly five errors, one on each mistaken line, at the offending token', () => {
    expect(analysis.diagnostics.map(located)).toEqual([
      ['SURV002', 13, 8], // edge udp: 'listen' missing
      ['SURV025', 15, 22], // no-answer 10: no unit
      ['SURV026', 16, 42], // kind isdn
      ['SURV002', 19, 15], // phone desk1 at: no extension
      ['SURV002', 23, 31], // announce 181 Survival: not quoted
    ]);
    expect(analysis.diagnostics.every((d) => d.severity === 'error')).toBe(true);
  });

  it('the parser itself reports the three grammar mistakes (the others are the checker\'s)', () => {
    expect(parsed.diagnostics.map(located)).toEqual([['SURV002', 13, 8], ['SURV002', 19, 15], ['SURV002', 23, 31]]);
    expect(parsed.diagnostics.map((d) => d.message)).toEqual([
      "expected 'listen' but found keyword 'udp'",
      "expected a value but found keyword 'at'",
      "expected a quoted string but found 'Survival'",
    ]);
  });

  it('keeps every setting of the branch, the mistaken ones partially', () => {
    const list = settings(parsed.ast);
    expect(list.map((s) => s.kind)).toEqual(['Edge', 'Lan', 'Timers', 'Gateway', 'Upstream', 'Phone', 'Phone', 'Group', 'Register', 'Outbound', 'Inbound']);
    expect(find(list, 'Edge')[0]?.listens.map((l) => [l.transport?.text, l.address?.text])).toEqual([['udp', '10.90.1.1:5060']]);
    expect(find(list, 'Lan')[0]?.networks.map((n) => n.text)).toEqual(['10.90.1.0/24']);
    expect(find(list, 'Timers')[0]?.properties.map((p) => [p.key, p.value?.text])).toEqual([['no-answer', '10'], ['ringing', '60s']]);
    const [reception, desk1] = find(list, 'Phone');
    expect([reception?.name?.text, reception?.extension?.text, reception?.address?.text]).toEqual(['reception', '100', '10.90.1.10']);
    expect([desk1?.name?.text, desk1?.extension, desk1?.address?.text]).toEqual(['desk1', undefined, '10.90.1.11']);
    expect(find(list, 'Group')[0]?.members.map((m) => m.text)).toEqual(['reception', 'desk1']);
    const actions = (find(list, 'Outbound')[0]?.items[0] as ast.OnTimeoutNode).actions;
    expect(actions.map((a) => [a.kind, a.code?.text, a.target?.text])).toEqual([['Redirect', '302', 'pstn']]);
    expect((find(list, 'Inbound')[0]?.items[0] as ast.RingChainNode).steps.map((s) => s.target?.text)).toEqual(['front']);
  });

  it('the model has the correct settings between the mistakes', () => {
    const b = analysis.model.branches[0];
    expect(b?.name).toBe('syntax-errors');
    expect(b?.listens.value.map((l) => [l.transport, l.address, l.port])).toEqual([['udp', '10.90.1.1', 5060]]);
    expect(b?.lans.value.map((n) => n.cidr)).toEqual(['10.90.1.0/24']);
    expect(b?.timers.ringingMs.value).toBe(60_000);
    expect(b?.gateways[0]?.address.value?.address).toBe('10.90.1.3');
    expect(b?.upstreams[0]?.proxy.value?.host).toBe('pbx.example.com');
    expect(b?.groups[0]?.members.value).toEqual(['reception', 'desk1']);
    expect(b?.register.forward.value).toBe('cloud');
    expect(b?.outbound?.onTimeout.value.map((a) => a.kind)).toEqual(['redirect']);
    expect(b?.inbound?.chain.value.map((s) => s.target)).toEqual(['front']);
  });
});

describe('a file of our own with five grammar mistakes', () => {
  const text = [
    'branch five {',
    '  edge listen udp 10.1.0.1:5060',
    '  lan 10.1.0.0/24',
    '  gateway pstn address 10.1.0.3  kind bri }', // 1: '{' missing
    '  upstream cloud { proxy sip:pbx.example.com:5060 }',
    '  phone desk 100 at 10.1.0.10',
    '  phone desk2 101 at 10.1.0.11',
    '  group front parallel [desk, desk2 desk] ring 15s', // 2: ',' missing
    '  register { forward cloud with }', // 3: 'path' missing
    '  timers { no-answer 8s }',
    '  outbound from lan via cloud {',
    '    on timeout { redirect 302 pstn }', // 4: 'to' missing
    '  }',
    '  inbound from pstn { ring front then desk }', // 5: second 'ring' missing
    '}',
    '',
  ].join('\n');
  const parsed = parse(text, 'five.surv');
  const analysis = analyze([{ uri: 'five.surv', text }]);

  it('gives exactly five located syntax errors', () => {
    expect(parsed.diagnostics.map(located)).toEqual([
      ['SURV002', 4, 16], ['SURV002', 8, 37], ['SURV002', 9, 33], ['SURV002', 12, 31], ['SURV002', 14, 39],
    ]);
    expect(parsed.diagnostics.map((d) => d.message)).toEqual([
      "expected '{' but found keyword 'address'",
      "expected ']' but found 'desk'",
      "expected 'path' but found '}'",
      "expected 'to' but found 'pstn'",
      "expected 'ring' but found 'desk'",
    ]);
  });

  it('and analysis adds nothing to them', () => {
    expect(analysis.diagnostics.map(located)).toEqual(parsed.diagnostics.map(located));
  });

  it('the settings between the mistakes are all there, and the mistaken ones are repaired', () => {
    const b = analysis.model.branches[0];
    expect(b?.listens.value.map((l) => `${l.transport} ${l.address}:${l.port}`)).toEqual(['udp 10.1.0.1:5060']);
    expect(b?.lans.value.map((n) => n.cidr)).toEqual(['10.1.0.0/24']);
    expect(b?.gateways.map((g) => [g.name, g.address.value?.address, g.kind.value, g.channels.value])).toEqual([['pstn', '10.1.0.3', 'bri', 2]]);
    expect(b?.upstreams.map((u) => u.proxy.value?.uri)).toEqual(['sip:pbx.example.com:5060']);
    expect(b?.phones.map((p) => [p.name, p.extension.value, p.address.value?.address])).toEqual([['desk', '100', '10.1.0.10'], ['desk2', '101', '10.1.0.11']]);
    expect(b?.groups.map((g) => [g.name, g.members.value.slice(0, 2), g.ringMs.value])).toEqual([['front', ['desk', 'desk2'], 15_000]]);
    expect(b?.register.forward.value).toBe('cloud');
    expect(b?.timers.noAnswerMs.value).toBe(8000);
    expect(b?.outbound?.onTimeout.value).toMatchObject([{ kind: 'redirect', code: 302, gateway: 'pstn' }]);
    expect(b?.inbound?.chain.value.map((s) => s.target)).toEqual(['front', 'desk']);
  });
});

describe('one mistake, one error', () => {
  it('a phone missing `at` is kept (its references do not become unknown names)', () => {
    const text = 'branch b {\n  phone desk 100 10.1.0.10\n  group g parallel [desk]\n  gateway pstn { address 10.1.0.3  kind bri }\n  inbound from pstn { ring g then ring desk }\n}\n';
    const diagnostics = analyze([{ uri: 'p.surv', text }]).diagnostics.filter((d) => d.severity === 'error' && d.code !== 'SURV032');
    expect(diagnostics.map(located)).toEqual([['SURV002', 2, 18]]);
  });

  it('a stray closing brace is one error and the next branch still parses', () => {
    const text = 'branch a { lan 10.1.0.0/24 }\n}\nbranch b { lan 10.2.0.0/24 }\n';
    const r = parse(text, 'x.surv');
    expect(r.diagnostics.map(located)).toEqual([['SURV002', 2, 1]]);
    expect(r.diagnostics[0]?.message).toBe("unexpected '}': is there one closing brace too many?");
    expect(r.ast.declarations.map((d) => (d as ast.ContainerNode).name?.text)).toEqual(['a', 'b']);
  });

  it('an unknown setting inside a branch is one error; the settings after it are kept', () => {
    const text = 'branch a {\n  lan 10.1.0.0/24\n  colour blue\n  phone p 100 at 10.1.0.10\n}\n';
    const r = parse(text, 'x.surv');
    expect(r.diagnostics.map(located)).toEqual([['SURV002', 3, 3]]);
    expect(settings(r.ast).map((s) => s.kind)).toEqual(['Lan', 'Phone']);
  });

  it('a missing closing brace at the end of the file is one error pointing after the last token', () => {
    const text = 'branch a {\n  lan 10.1.0.0/24\n';
    const r = parse(text, 'x.surv');
    expect(r.diagnostics.map(located)).toEqual([['SURV002', 2, 18]]);
    expect(r.diagnostics[0]?.message).toMatch(/expected '}'/);
    expect(settings(r.ast).map((s) => s.kind)).toEqual(['Lan']);
  });
});

describe('keywords used as names', () => {
  const text = [
    'profile edge { timers { no-answer 8s } }',
    'branch scenario uses edge {',
    '  edge listen udp 10.90.4.1:5060',
    '  lan 10.90.4.0/24',
    '  gateway trunk { address 10.90.4.3  kind trunk  channels 8 }',
    '  upstream up { proxy sip:pbx.example.com:5060 }',
    '  phone reception 100 at 10.90.4.10',
    '  phone lan 101 at 10.90.4.11',
    '  group in parallel [reception, lan]',
    '  register { forward up with path }',
    '  outbound from lan via up {',
    '    on timeout { redirect 302 to trunk }',
    '  }',
    '  inbound from trunk { ring in }',
    '}',
  ].join('\n');
  const parsed = parse(text, 'kw.surv');

  it('each declaration gives one SURV005 at the name, and no syntax error', () => {
    expect(parsed.diagnostics.map(located)).toEqual([
      ['SURV005', 1, 9], ['SURV005', 2, 8], ['SURV005', 5, 11], ['SURV005', 6, 12], ['SURV005', 8, 9], ['SURV005', 9, 9],
    ]);
    expect(parsed.diagnostics.map((d) => d.message)).toEqual(['edge', 'scenario', 'trunk', 'up', 'lan', 'in']
      .map((w) => `'${w}' is a reserved keyword and cannot be a name`));
    expect(parsed.diagnostics.map((d) => d.data?.name)).toEqual(['edge', 'scenario', 'trunk', 'up', 'lan', 'in']);
    expect(parsed.diagnostics.every((d) => d.severity === 'error')).toBe(true);
  });

  it('the names are taken as written and everything after them parses', () => {
    expect(parsed.ast.declarations.map((d) => [d.kind, (d as ast.ContainerNode).name?.text])).toEqual([['Profile', 'edge'], ['Branch', 'scenario']]);
    const list = settings(parsed.ast, 1);
    expect(list.map((s) => s.kind)).toEqual(['Edge', 'Lan', 'Gateway', 'Upstream', 'Phone', 'Phone', 'Group', 'Register', 'Outbound', 'Inbound']);
    expect(find(list, 'Gateway')[0]?.name).toMatchObject({ type: 'name', text: 'trunk' });
    expect(find(list, 'Gateway')[0]?.properties.map((p) => p.value?.text)).toEqual(['10.90.4.3', 'trunk', '8']);
    expect(find(list, 'Phone')[1]?.name?.text).toBe('lan');
    expect(find(list, 'Group')[0]?.members.map((m) => m.text)).toEqual(['reception', 'lan']);
  });

  it('references to them resolve, so analysis reports only the SURV005s', () => {
    const analysis = analyze([{ uri: 'kw.surv', text }]);
    expect(analysis.diagnostics.map(located)).toEqual(parsed.diagnostics.map(located));
    const b = analysis.model.branches[0];
    expect(b?.profiles).toEqual(['edge']);
    expect(b?.outbound?.via.value).toEqual(['up']);
    expect(b?.inbound?.chain.value.map((s) => s.target)).toEqual(['in']);
    expect(b?.groups[0]?.members.value).toEqual(['reception', 'lan']);
  });

  it('examples/broken/reserved-words.surv: five SURV005 and nothing else', () => {
    const analysis = analyze([{ uri: 'reserved-words.surv', text: read('examples/broken/reserved-words.surv') }]);
    expect(analysis.diagnostics.map(located)).toEqual([
      ['SURV005', 12, 8], ['SURV005', 15, 11], ['SURV005', 16, 12], ['SURV005', 18, 9], ['SURV005', 19, 9],
    ]);
  });
});

describe('truncated files', () => {
  // Every example cut at every 7th character: what an editor sees while a file is typed.
  const files = allExampleFiles();

  it.each(files)('no prefix of %s makes parse or analyze throw', (file) => {
    const text = read(file);
    const lengths: number[] = [];
    for (let n = 0; n < text.length; n += 7) lengths.push(n);
    lengths.push(text.length);
    for (const n of lengths) {
      const prefix = text.slice(0, n);
      let parsed: ReturnType<typeof parse> | undefined;
      try {
        parsed = parse(prefix, 'prefix.surv');
      } catch (error) {
        expect.fail(`parse threw on the first ${n} characters of ${file}: ${String(error)}`);
      }
      expect(parsed.ast.kind).toBe('File');
      expectRangesWithin(parsed.diagnostics, new Map([['prefix.surv', prefix]]));
      // Analysis of every 5th prefix (it builds the model too; the parse is shared).
      if (n % 35 === 0 || n === text.length) {
        try {
          const analysis = analyze([{ uri: 'prefix.surv', text: prefix }], { parsed: new Map([['prefix.surv', parsed]]) });
          expectRangesWithin(analysis.diagnostics, new Map([['prefix.surv', prefix]]));
        } catch (error) {
          expect.fail(`analyze threw on the first ${n} characters of ${file}: ${String(error)}`);
        }
      }
    }
  });
});
