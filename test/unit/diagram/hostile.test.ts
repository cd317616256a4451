// Hostile names and strings end up as text: every line of the source is one of surv's
// statement forms, whatever the labels hold.
import { describe, expect, it } from 'vitest';
import { diagramsFor } from '../../../engines/diagram/index.js';
import { SequenceBuilder } from '../../../engines/diagram/sequence.js';
import { simulate } from '../../../engines/simulate/index.js';
import { exampleFiles, participantsOf, arrowsOf, strayLines, viewsOf } from './helpers.js';
import { HOSTILE, hostileModel } from './hostile.js';

describe('hostile labels', () => {
  const model = hostileModel();
  const views = diagramsFor(model);

  it('the model really holds the hostile text', () => {
    expect(model.scenarios.map((s) => s.title)).toEqual([`${HOSTILE}\nb`, 'fork']);
    expect(model.branches[0]!.outbound!.onTimeout.value[0]).toMatchObject({ kind: 'announce', reason: HOSTILE });
  });

  it('every line is a statement surv writes; nothing else got in', () => {
    expect(views.length).toBe(3);
    for (const v of views) expect(strayLines(v.mermaid), v.id).toEqual([]);
  });

  it('no user text reaches the source unescaped', () => {
    for (const v of views) {
      expect(v.mermaid).not.toMatch(/<img|%%|-->>\s*end|\{init|onerror=window\.__pwned=1>/);
      expect(v.mermaid.split('\n').every((l) => !l.includes(';') || /#\d+;/.test(l))).toBe(true);
    }
    const scenario = views[1]!;
    expect(scenario.mermaid.split('\n')[1]).toBe(
      '  title hostile#58; #60;img src=x onerror=window.__pwned=1#62; #37;#37;#123;init#58; #123;#34;theme#34;#58;#34;dark#34;#125;#125;#37;#37; --#62;#62; end#59; #35;35#59; a↵b',
    );
  });

  it('names that are Mermaid keywords or hold an arrow get safe ids, and keep their names as labels', () => {
    expect(participantsOf(views[0]!.mermaid)).toEqual([
      'participant phones as phones<br/>lan 10.77.0.0/24',
      'participant p_end as end<br/>10.77.0.10',
      'participant p_note as note<br/>10.77.0.12',
      'participant x as x<br/>10.77.0.13',
      'participant edge as edge proxy<br/>10.77.0.1#58;5060',
      'participant p_par as par<br/>pbx.example.com#58;5060',
      'participant p_box as box (bri)<br/>10.77.0.3',
    ]);
    expect(participantsOf(views[1]!.mermaid)[0]).toBe('participant loop_x as loop-x<br/>10.77.0.11');
  });

  it('keeps one arrow per trace entry', () => {
    for (const [i, v] of views.slice(1).entries()) {
      const scenario = model.scenarios[i]!;
      const trace = simulate(model.branches[0]!, scenario).trace;
      expect(arrowsOf(v.mermaid).length).toBe(trace.length);
      expect(v.messages.length).toBe(trace.length);
    }
  });
});

describe('the builder', () => {
  it('writes an empty or blank label as (empty), never a dangling space', () => {
    const out = new SequenceBuilder(' ', false);
    out.participant('a', ['', 'x']);
    out.participant('b', ['b']);
    out.message('a', '->>', 'b', '\n ');
    out.open('alt', '');
    out.note(['a', 'b'], '');
    out.close();
    expect(out.toString()).toBe('sequenceDiagram\n  title (empty)\n  participant a as (empty)<br/>x\n  participant b as b\n  a->>b: (empty)\n  alt (empty)\n    Note over a,b: (empty)\n  end\n');
    expect(strayLines(out.toString())).toEqual([]);
  });

  it('refuses an undeclared participant and an unclosed block', () => {
    const out = new SequenceBuilder('t', false);
    expect(() => out.message('a', '->>', 'b', 'x')).toThrow('undeclared participant a');
    out.participant('a', ['a']);
    out.open('par', 'p');
    expect(() => out.toString()).toThrow('unclosed par');
  });
});

describe('the statement check', () => {
  it('rejects a directive, a second statement on a line, and stray indentation', () => {
    expect(strayLines('sequenceDiagram\n  a->>b: x\n  %%{init: {}}%%\n  a->>b: y;z\n  a->>b: ok \n')).toEqual(['  %%{init: {}}%%', '  a->>b: y;z', '  a->>b: ok ']);
  });
});

describe('shipped examples', () => {
  it('every line of every diagram is a statement surv writes', () => {
    for (const file of exampleFiles()) for (const v of viewsOf(file, true)) expect(strayLines(v.mermaid), v.id).toEqual([]);
  });
});
