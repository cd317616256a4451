// `use "path"`: a file sees its own profiles and those of the files it names (paths
// relative to the using file); `use` is not transitive. Branches are global.
import { describe, expect, it } from 'vitest';
import { resolveUse } from '../../../grammar/src/index.js';
import { analyzeFiles, branchOf, sourceIn } from './helpers.js';

const p = { uri: 'fleet/shared/p.surv', text: 'profile p { timers { no-answer 8s } }\n' };
const q = { uri: 'fleet/shared/q.surv', text: 'use "p.surv"\nprofile q uses p { timers { budget 12s } }\n' };
const codes = (a: ReturnType<typeof analyzeFiles>, uri: string) =>
  a.diagnostics.filter((d) => d.uri === uri && !['SURV032', 'SURV058'].includes(d.code)).map((d) => `${d.code} ${d.message}`);

describe('profiles are visible only through use', () => {
  it('a relative path up and across folders', () => {
    const site = { uri: 'fleet/sites/a.surv', text: 'use "../shared/p.surv"\nbranch a uses p { }\n' };
    const a = analyzeFiles([p, site]);
    expect(codes(a, site.uri)).toEqual([]);
    expect(branchOf(a, 'a').profiles).toEqual(['p']);
    expect(branchOf(a, 'a').timers.noAnswerMs).toEqual({ value: 8_000, origin: sourceIn(p.uri) });
  });

  it('without use, a profile of another file of the fleet is unknown', () => {
    const site = { uri: 'fleet/sites/c.surv', text: 'branch c uses p { }\n' };
    const a = analyzeFiles([p, site]);
    expect(codes(a, site.uri)).toEqual(["SURV010 no profile named 'p'"]);
    expect(branchOf(a, 'c').profiles).toEqual([]);
    expect(branchOf(a, 'c').timers.noAnswerMs.origin).toEqual({ kind: 'default' });
  });

  it('use is not transitive: a file using q.surv does not see p.surv', () => {
    const site = { uri: 'fleet/sites/b.surv', text: 'use "../shared/q.surv"\nbranch b uses p { }\n' };
    const a = analyzeFiles([p, q, site]);
    expect(codes(a, site.uri)).toEqual(["SURV010 no profile named 'p'; did you mean 'q'?"]);
  });

  it('but a profile chain resolves each link from the file that names it', () => {
    const site = { uri: 'fleet/sites/a.surv', text: 'use "../shared/q.surv"\nbranch a uses q { }\n' };
    const a = analyzeFiles([p, q, site]);
    expect(codes(a, site.uri)).toEqual([]);
    const b = branchOf(a, 'a');
    expect(b.profiles).toEqual(['q', 'p']);
    expect(b.timers.noAnswerMs.value).toBe(8_000);
    expect(b.timers.budgetMs.value).toBe(12_000);
  });

  it('paths are relative to the using file, not to the fleet root', () => {
    const site = { uri: 'fleet/sites/d.surv', text: 'use "p.surv"\nbranch d uses p { }\n' };
    const a = analyzeFiles([p, site]);
    expect(codes(a, site.uri)).toEqual([
      "SURV004 cannot find 'p.surv' (looked for fleet/sites/p.surv)",
      "SURV010 no profile named 'p'",
    ]);
  });

  it('a file sees its own profiles without use', () => {
    const a = analyzeFiles([{ uri: 'one.surv', text: 'profile own { timers { t1 1s } }\nbranch x uses own { }\n' }]);
    expect(branchOf(a, 'x').timers.t1Ms.value).toBe(1_000);
  });

  it('its own profile wins over a used one of the same name', () => {
    const site = { uri: 'fleet/shared/own.surv', text: 'use "p.surv"\nprofile p { timers { no-answer 3s } }\nbranch x uses p { }\n' };
    const a = analyzeFiles([p, site]);
    expect(branchOf(a, 'x').timers.noAnswerMs.value).toBe(3_000);
  });

  it('file:// URIs (an editor) resolve like paths', () => {
    const profile = { uri: 'file:///work/fleet/shared/p.surv', text: p.text };
    const site = { uri: 'file:///work/fleet/sites/a.surv', text: 'use "../shared/p.surv"\nbranch a uses p { }\n' };
    const a = analyzeFiles([profile, site]);
    expect(codes(a, site.uri)).toEqual([]);
    const origin = branchOf(a, 'a').timers.noAnswerMs.origin;
    expect(origin.kind === 'source' && origin.uri).toBe(profile.uri);
  });

  it('resolveUse joins and normalises', () => {
    expect(resolveUse('fleet/sites/a.surv', '../shared/p.surv')).toBe('fleet/shared/p.surv');
    expect(resolveUse('a.surv', 'p.surv')).toBe('p.surv');
    expect(resolveUse('fleet/sites/a.surv', './x/../p.surv')).toBe('fleet/sites/p.surv');
    expect(resolveUse('file:///w/sites/a.surv', '../shared/p.surv')).toBe('file:///w/shared/p.surv');
  });
});

describe('branches are global; model.branches is sorted by name', () => {
  it('branches from several files, in any order', () => {
    const a = analyzeFiles([
      { uri: 'z.surv', text: 'branch zulu { lan 10.1.0.0/24 }\nbranch alpha { lan 10.2.0.0/24 }\n' },
      { uri: 'm.surv', text: 'branch mike { lan 10.3.0.0/24 }\nbranch bravo-2 { lan 10.4.0.0/24 }\nbranch bravo { lan 10.5.0.0/24 }\n' },
    ]);
    expect(a.model.branches.map((b) => b.name)).toEqual(['alpha', 'bravo', 'bravo-2', 'mike', 'zulu']);
    expect(a.model.branches.map((b) => b.uri)).toEqual(['z.surv', 'm.surv', 'm.surv', 'm.surv', 'z.surv']);
  });

  it('profiles are not branches', () => {
    const a = analyzeFiles([{ uri: 'x.surv', text: 'profile p { }\nbranch b uses p { }\n' }]);
    expect(a.model.branches.map((b) => b.name)).toEqual(['b']);
  });

  it('a duplicate branch name: the first definition is the model', () => {
    const a = analyzeFiles([
      { uri: 'a.surv', text: 'branch dup { lan 10.1.0.0/24 }\n' },
      { uri: 'b.surv', text: 'branch dup { lan 10.2.0.0/24 }\n' },
    ]);
    expect(a.model.branches.map((b) => [b.name, b.uri, b.lans.value[0]?.cidr])).toEqual([['dup', 'a.surv', '10.1.0.0/24']]);
    expect(a.diagnostics.some((d) => d.code === 'SURV011' && d.uri === 'b.surv')).toBe(true);
  });
});
