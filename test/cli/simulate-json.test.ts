// `surv simulate --json`: real output validates against docs/simulate-output.schema.json,
// carries the full SIP text, is byte-for-byte stable, and honours --seed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanBranch, ensureBuilt, fixture, root, surv, twoErrors } from './helpers.js';

const schema: unknown = JSON.parse(readFileSync(join(root, 'docs/simulate-output.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema as object);

interface Doc {
  version: number;
  file: string;
  scenarios: {
    title: string; seed: number; lossPercent: number; passed: boolean; notes: string[];
    trace: { summary: string; status: number | null; text: string; from: string; to: string; atMs: number }[];
    calls: { postDialDelayMs: number | null; finals: { code: number; atMs: number }[] }[];
    marks: { atMs: number; actor: string; event: string }[];
    events: { atMs: number; event: string; upstream: string | null; call: number; line: string }[];
    verdicts: { status: string; expectation: string; location: { file: string; line: number; column: number } | null }[];
  }[];
  summary: { scenarios: number; expectations: number; passed: number; failed: number; unsupported: number };
}

function simulateJson(args: readonly string[], cwd = root): { doc: Doc; raw: string; status: number | null } {
  const run = surv(['simulate', '--json', ...args], cwd);
  const doc = JSON.parse(run.stdout) as Doc;
  if (!validate(doc)) throw new Error(JSON.stringify(validate.errors, null, 2));
  return { doc, raw: run.stdout, status: run.status };
}

const files = fixture({
  'lossy.surv': `${cleanBranch('alpha', 1)}
scenario "lossy" in alpha {
  network loss 20%
  seed 42
  desk calls 944000000
  expect desk gets 200 within 10s
}
`,
  'errors.surv': twoErrors,
});

beforeAll(ensureBuilt);
afterAll(files.cleanup);

describe('surv simulate --json', () => {
  it.each([
    'examples/bilbao.surv', 'examples/two-head-offices.surv', 'examples/critical-branch.surv', 'examples/ipv6-branch.surv',
    'examples/petrol-stations', 'examples/verify/relay-budget.surv',
  ])('%s validates against the schema', (file) => {
    const { doc, status } = simulateJson([file]);
    expect(status).toBe(0);
    expect(doc.scenarios.length).toBeGreaterThan(0);
    expect(doc.summary).toMatchObject({ scenarios: doc.scenarios.length, failed: 0 });
  });

  it('holds the seed case in full: the SIP text of each message, the call, the verdicts with their location', () => {
    const { doc } = simulateJson(['examples/bilbao.surv', '--scenario', 'cloud down, desk dials out']);
    expect(doc.version).toBe(1);
    expect(doc.file).toBe('examples/bilbao.surv');
    const [s] = doc.scenarios;
    const redirect = s!.trace.find((t) => t.status === 302)!;
    expect(redirect).toMatchObject({ atMs: 10_000, from: 'edge', to: 'desk1', summary: '302' });
    expect(redirect.text.startsWith('SIP/2.0 302 Moved Temporarily\r\n')).toBe(true);
    expect(redirect.text).toContain('Contact: <sip:944000000@10.10.1.3>\r\n');
    expect(s!.trace[0]!.text.startsWith('INVITE sip:944000000@pbx.example.com SIP/2.0\r\n')).toBe(true);
    expect(s!.calls[0]).toMatchObject({ postDialDelayMs: 10_000, finals: [{ code: 302, atMs: 10_000 }, { code: 200, atMs: 12_000 }] });
    expect(s!.verdicts).toEqual([
      { status: 'pass', message: 'desk1 got 181 at 10s', kind: 'gets', actor: 'desk1', expectation: 'expect desk1 gets 181 at 10s', location: { file: 'examples/bilbao.surv', line: 62, column: 3 } },
      { status: 'pass', message: 'desk1 got 302 at 10s', kind: 'gets', actor: 'desk1', expectation: 'expect desk1 gets 302 at 10s contact sip:944000000@10.10.1.3', location: { file: 'examples/bilbao.surv', line: 63, column: 3 } },
    ]);
    expect(doc.summary).toEqual({ scenarios: 1, expectations: 2, passed: 2, failed: 0, unsupported: 0 });
  });

  it('carries probing decisions as marks', () => {
    const { doc } = simulateJson(['examples/critical-branch.surv', '-s', 'PBX dies: probes mark it down, later calls go straight out']);
    expect(doc.scenarios[0]!.marks).toEqual([{ atMs: 32_000, actor: 'cloud', event: 'marked-down', cause: 'probe timed out: 2 failed probes in a row' }]);
  });

  it('carries the survival events with the line the exported proxy logs', () => {
    const { doc } = simulateJson(['examples/bilbao.surv', '-s', 'cloud down, desk dials out']);
    expect(doc.scenarios[0]!.events).toEqual([{
      atMs: 10_000, event: 'survival-start', upstream: 'cloud', call: 0,
      line: 'surv-event branch=bilbao event=survival-start direction=outbound upstream=cloud t=10.000 call-id=c1@10.222.237.11',
    }, {
      atMs: 10_000, event: 'survival-redirect', upstream: null, call: 0,
      line: 'surv-event branch=bilbao event=survival-redirect direction=outbound gateway=pstn t=10.000 call-id=c1@10.222.237.11',
    }]);
  });

  it('is stable: the same file gives the same bytes', () => {
    expect(simulateJson(['examples/critical-branch.surv']).raw).toBe(simulateJson(['examples/critical-branch.surv']).raw);
  });

  it('--seed replaces the scenario\'s seed', () => {
    expect(simulateJson(['lossy.surv'], files.dir).doc.scenarios[0]).toMatchObject({ seed: 42, lossPercent: 20 });
    expect(simulateJson(['lossy.surv', '--seed', '7'], files.dir).doc.scenarios[0]).toMatchObject({ seed: 7, lossPercent: 20 });
  });

  it('prints surv check\'s JSON for a file with errors, and exits 1', () => {
    const run = surv(['simulate', '--json', 'errors.surv'], files.dir);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe(surv(['check', '--format', 'json', 'errors.surv'], files.dir).stdout);
  });
});
