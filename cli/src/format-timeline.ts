// `surv simulate` text output: per scenario a timeline (virtual time, from -> to, the
// message, why it was sent; engines/present/timeline.ts), then the calls' results
// and a verdict per expectation.
import type { Scenario } from '../../grammar/src/index.js';
import { seconds, timeline } from '../../engines/present/timeline.js';
import type { SimulationResult } from '../../engines/simulate/index.js';
import type { Sources } from './format-timeline-location.js';
import { terminalText as t } from './terminal-text.js';

function outcome(c: SimulationResult['calls'][number]): string {
  if (c.finals.length === 0) return 'no final reply';
  const finals = c.finals.map((f) => `${f.code} at ${seconds(f.atMs)}`).join(', ');
  return `${c.answered ? 'answered' : `failed (${c.finalCode ?? '?'})`}; finals ${finals}`;
}

const verdictWord = { pass: 'PASS', fail: 'FAIL', unsupported: 'SKIP' } as const;

/** The text report of one simulated scenario; every user string in it through `terminalText`. */
export function formatScenario(scenario: Scenario, result: SimulationResult, sources: Sources): string {
  const out: string[] = [];
  const where = sources.position(scenario.origin, scenario.uri);
  const network = scenario.lossPercent > 0 ? `; network loss ${scenario.lossPercent}%, seed ${scenario.seed}` : '';
  out.push(`scenario "${t(scenario.title)}" in ${t(result.branch)} (${t(where)})${network}`);
  out.push(...timeline(result));
  if (result.calls.length > 0) {
    out.push('  calls');
    for (const c of result.calls) {
      const pdd = c.postDialDelayMs === undefined ? 'no post-dial delay (no reply but 100)' : `post-dial delay ${seconds(c.postDialDelayMs)}`;
      out.push(`    #${c.call + 1} ${t(c.caller)} calls ${t(c.target)} at ${seconds(c.startMs)}: ${outcome(c)}; ${pdd}; path ${t(c.path.join(' > '))}`);
    }
  }
  if (result.registrations.length > 0) {
    out.push('  registrations');
    for (const r of result.registrations) out.push(`    ${t(r.phone)} registers at ${seconds(r.atMs)}: ${r.code ?? 'no final reply'} (${t(r.via)})`);
  }
  if (result.events.length > 0) {
    // The lines the exported proxy logs for the same transitions (t: its Unix time there).
    out.push('  survival events');
    for (const e of result.events) out.push(`    ${t(e.line)}`);
  }
  for (const note of result.notes) out.push(`  note: ${t(note)}`);
  if (result.verdicts.length > 0) {
    out.push('  expectations');
    for (const v of result.verdicts) {
      out.push(`    ${verdictWord[v.status]}  ${t(sources.position(v.origin, scenario.uri))}  ${t(sources.text(v.origin))}: ${t(v.message)}`);
    }
  }
  return `${out.join('\n')}\n`;
}

/** `3 scenarios, 7 expectations: 6 passed, 1 failed`. */
export function formatTotals(results: readonly SimulationResult[]): string {
  const verdicts = results.flatMap((r) => r.verdicts);
  const n = (status: string) => verdicts.filter((v) => v.status === status).length;
  const skipped = n('unsupported') > 0 ? `, ${n('unsupported')} not checked` : '';
  const plural = (k: number, word: string) => `${k} ${word}${k === 1 ? '' : 's'}`;
  return `${plural(results.length, 'scenario')}, ${plural(verdicts.length, 'expectation')}: ${n('pass')} passed, ${n('fail')} failed${skipped}\n`;
}
