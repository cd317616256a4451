// Every scenario of the replay fixtures (test/kamailio/fixtures/replay/*.surv, devices on
// 127.0.2.x) played twice: on the simulator's virtual clock and against the exported
// bundle in a real Kamailio, with the simulator's own actors over UDP. The two ladders
// must be the same message for message on every link (method or code, CSeq method,
// Contact target), each pair within 150 ms. A difference is a bug in the simulator or
// the exporter, never a reason to loosen this test. Then what each case is about is
// checked on Kamailio's side alone, and `surv replay` end to end.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../grammar/src/index.js';
import { kamailioMissing, replay, type ReplayResult, type Step } from '../../io/replay/index.js';
import { liveSteps, simSteps } from '../../io/replay/compare.js';
import { headerValues } from '../../io/replay/wire.js';
import { ensureBuilt, root, surv, survBin } from './support.js';
import { localAbout } from './about-local.js';
import { numbersAbout } from './about-numbers.js';
import { transportsAbout } from './about-transports.js';

const fixtureDir = join(root, 'test/kamailio/fixtures/replay');
const fixtureFiles = readdirSync(fixtureDir).filter((f) => f.endsWith('.surv')).sort();
const tolerance = 150;

/** Each fixture analysed as the CLI does: the path relative to the repository. */
const fixtures = fixtureFiles.map((name) => {
  const uri = relative(root, join(fixtureDir, name));
  const analysis = analyze([{ uri, text: readFileSync(join(root, uri), 'utf8') }], { symbols: false });
  if (analysis.diagnostics.some((d) => d.severity === 'error')) throw new Error(`${uri} has errors: ${analysis.diagnostics.map((d) => d.message).join('; ')}`);
  return { name, uri, analysis };
});

/** Per link (`from>to`), the messages in order: what both ladders must share exactly. */
function byLink(steps: readonly Step[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const s of steps) (out[`${s.from}>${s.to}`] ??= []).push(`${s.summary} ${s.method}${s.contact ? ` <${s.contact}>` : ''}`);
  return out;
}

/** The live datagrams from -> to with this summary (method or code). */
/** The reason phrase of a reply's status line. */
function reasonOf(text: string): string {
  return /^SIP\/2\.0 \d{3} (.*)/.exec(text)?.[1]?.replace(/\r$/, '') ?? '';
}

function wire(r: ReplayResult, from: string, to: string, summary: string) {
  return r.wire.filter((w) => w.from === from && w.to === to && w.summary === summary);
}

/** What each case is about, checked on Kamailio's side alone (beyond agreeing with the simulator). */
const about: Record<string, (r: ReplayResult) => void> = {
  ...numbersAbout,
  ...localAbout,
  ...transportsAbout,
  'cloud silent, desk dials out': (r) => {
    expect(wire(r, 'edge', 'cloud', 'INVITE')).toHaveLength(3);
    const [r181] = wire(r, 'edge', 'desk1', '181');
    const [r302] = wire(r, 'edge', 'desk1', '302');
    expect(r181!.text).toMatch(/^SIP\/2\.0 181 Survival Activated - please standby\r\n/);
    expect(r302!.contact).toBe('sip:944000000@127.0.2.3');
    expect(r302!.atMs - r181!.atMs).toBeLessThan(5);
    // The phone followed the 302 through the edge to the gateway (busy).
    expect(wire(r, 'edge', 'pstn', 'INVITE').map((w) => w.text.split(' ')[1])).toEqual(['sip:944000000@127.0.2.3']);
  },
  'cloud answers 404: passed through': (r) => {
    expect(wire(r, 'edge', 'desk1', '404')).toHaveLength(1);
  },
  'cloud answers: 200, ACK and BYE': (r) => {
    expect(wire(r, 'edge', 'cloud', 'ACK')).toHaveLength(1);
    expect(wire(r, 'edge', 'cloud', 'BYE')).toHaveLength(1);
    expect(wire(r, 'edge', 'desk1', '200').map((w) => w.method)).toEqual(['INVITE', 'BYE']);
  },
  'cloud rings, nobody answers: 408 and CANCEL': (r) => {
    expect(wire(r, 'edge', 'desk1', '408')).toHaveLength(1);
    expect(wire(r, 'edge', 'cloud', 'CANCEL')).toHaveLength(1);
    expect(wire(r, 'edge', 'desk1', '181')).toHaveLength(0);
  },
  'emergency 112 goes straight to the gateway': (r) => {
    expect(wire(r, 'edge', 'cloud', 'INVITE')).toHaveLength(0);
    expect(wire(r, 'edge', 'pstn', 'INVITE')[0]!.text).toMatch(/^INVITE sip:112@127\.0\.2\.3 SIP\/2\.0\r\n/);
  },
  'emergency 112 with the gateway down: 503': (r) => {
    expect(wire(r, 'edge', 'pstn', 'INVITE')).toHaveLength(3);
    expect(wire(r, 'edge', 'desk1', '408')).toHaveLength(0);
    expect(wire(r, 'edge', 'desk1', '503').map((w) => reasonOf(w.text))).toEqual(['No Gateway Available']);
    expect(wire(r, 'edge', 'cloud', 'INVITE')).toHaveLength(0);
  },
  'lte silent: isdn answers': (r) => {
    // Survival relay to lte, nothing back: after no-answer (2 s) isdn, with the same rewritten number.
    expect(wire(r, 'edge', 'lte', 'INVITE').length).toBeGreaterThan(1);
    const [isdn] = wire(r, 'edge', 'isdn', 'INVITE');
    expect(isdn!.text).toMatch(/^INVITE sip:944000001@127\.0\.21\.4 SIP\/2\.0\r\n/);
    expect(isdn!.atMs - wire(r, 'edge', 'lte', 'INVITE')[0]!.atMs).toBeGreaterThan(2000 - tolerance);
  },
  'lte 503: isdn answers': (r) => {
    expect(wire(r, 'lte', 'edge', '503')).toHaveLength(1);
    expect(r.wire.filter((w) => w.to === 'desk1' && (w.summary === '500' || w.summary === '503'))).toEqual([]);
    expect(wire(r, 'edge', 'desk1', '200').map((w) => w.method)).toEqual(['INVITE', 'BYE']);
  },
  'lte full: the second call goes to isdn': (r) => {
    // desk1's call holds lte's one channel (dialog profile): desk2's is never sent there.
    expect(wire(r, 'edge', 'lte', 'INVITE').map((w) => w.text.split(' ')[1])).toEqual(['sip:944000003@127.0.21.3']);
    expect(wire(r, 'edge', 'isdn', 'INVITE').map((w) => w.text.split(' ')[1])).toEqual(['sip:944000004@127.0.21.4']);
  },
  'all full: 503 No Gateway Available': (r) => {
    expect(wire(r, 'edge', 'desk4', '503').map((w) => reasonOf(w.text))).toEqual(['No Gateway Available']);
    expect(r.wire.filter((w) => w.from === 'edge' && (w.to === 'lte' || w.to === 'isdn') && w.text.includes('944000008'))).toEqual([]);
  },
  'a failover frees its channel: the next call gets lte': (r) => {
    // The branch route's unset_dlg_profile gave lte's channel back when desk1's call left it.
    expect(wire(r, 'edge', 'lte', 'INVITE').map((w) => w.text.split(' ')[1])).toEqual(['sip:944000010@127.0.21.3', 'sip:944000011@127.0.21.3']);
    expect(wire(r, 'edge', 'isdn', 'INVITE').map((w) => w.text.split(' ')[1])).toEqual(['sip:944000010@127.0.21.4']);
  },
  'lte marked down by probes: straight to isdn': (r) => {
    // dispatcher probes the gateway (set 102 in dispatcher.list); marked down, it is never sent the call.
    expect(wire(r, 'edge', 'lte2', 'OPTIONS').length).toBeGreaterThanOrEqual(4);
    expect(wire(r, 'edge', 'lte2', 'INVITE')).toHaveLength(0);
    expect(wire(r, 'edge', 'isdn2', 'INVITE')[0]!.atMs - wire(r, 'desk5', 'edge', 'INVITE')[0]!.atMs).toBeGreaterThan(2000 - tolerance);
  },
  'emergency 112: isdn busy, lte answers': (r) => {
    expect(wire(r, 'isdn', 'edge', '486')).toHaveLength(1);
    expect(wire(r, 'edge', 'lte', 'INVITE')[0]!.text).toMatch(/^INVITE sip:112@127\.0\.21\.3 SIP\/2\.0\r\n/);
    expect(wire(r, 'edge', 'desk1', '486')).toHaveLength(0);
  },
  'cloud sends only 100: survival at trying, CANCEL unanswered': (r) => {
    expect(wire(r, 'edge', 'desk1', '408')).toHaveLength(0);
    expect(wire(r, 'edge', 'desk1', '302')[0]!.contact).toBe('sip:944000004@127.0.2.3');
    // Resent at +0.5 and +1.5 s, then bounded by the CANCEL's own fr_timer (no-answer 2 s).
    expect(wire(r, 'edge', 'cloud', 'CANCEL')).toHaveLength(3);
  },
  'cloud ignores INVITE, pstn full: 302, then 500': (r) => {
    expect(wire(r, 'pstn', 'edge', '503')).toHaveLength(1);
    expect(wire(r, 'edge', 'desk1', '500')).toHaveLength(1);
  },
  'cloud flapping: the third INVITE is answered': (r) => {
    expect(wire(r, 'edge', 'cloud', 'INVITE')).toHaveLength(3);
    expect(wire(r, 'edge', 'desk1', '200').map((w) => w.method)).toEqual(['INVITE', 'BYE']);
  },
  'hq-a silent, hq-b answers': (r) => {
    expect(wire(r, 'edge', 'hq-a', 'INVITE')).toHaveLength(3);
    expect(wire(r, 'edge', 'hq-b', 'INVITE')).toHaveLength(1);
    expect(wire(r, 'edge', 'desk1', '181')).toHaveLength(0);
  },
  'both silent: relay to the gateway, number rewritten': (r) => {
    expect(wire(r, 'edge', 'hq-b', 'INVITE')).toHaveLength(3);
    expect(wire(r, 'edge', 'pstn', 'INVITE')[0]!.text).toMatch(/^INVITE sip:003444000011@127\.0\.2\.3 SIP\/2\.0\r\n/);
  },
  // trying.surv: the trying timer (trying 3s, no-answer 2s, ringing 5s).
  'both trying: survival after trying twice': (r) => {
    // A 100 stops retransmission: one INVITE each, then a CANCEL for each, and the relay.
    expect(wire(r, 'edge', 'hq-a', 'INVITE')).toHaveLength(1);
    expect(wire(r, 'edge', 'hq-b', 'INVITE')).toHaveLength(1);
    expect(wire(r, 'edge', 'hq-a', 'CANCEL')[0]!.atMs - wire(r, 'desk1', 'edge', 'INVITE')[0]!.atMs).toBeGreaterThan(3000 - tolerance);
    expect(wire(r, 'edge', 'desk1', '181')[0]!.atMs - wire(r, 'desk1', 'edge', 'INVITE')[0]!.atMs).toBeGreaterThan(6000 - tolerance);
    // pstn answers after 1 s with no provisional: the relayed INVITE is resent once, at +0.5 s.
    expect(wire(r, 'edge', 'pstn', 'INVITE')).toHaveLength(2);
    expect(wire(r, 'edge', 'desk1', '408')).toHaveLength(0);
  },
  'hq-a trying: failover to hq-b at trying': (r) => {
    expect(wire(r, 'edge', 'hq-b', 'INVITE')[0]!.atMs - wire(r, 'desk1', 'edge', 'INVITE')[0]!.atMs).toBeGreaterThan(3000 - tolerance);
    expect(wire(r, 'edge', 'desk1', '181')).toHaveLength(0);
    expect(wire(r, 'edge', 'desk1', '200').map((w) => w.method)).toEqual(['INVITE', 'BYE']);
  },
  'hq-a rings, nobody answers: 408 at ringing': (r) => {
    // The 180 raised fr_inv_timer from trying (3 s) to ringing (5 s) before tm restarted it.
    expect(wire(r, 'edge', 'desk1', '408')[0]!.atMs - wire(r, 'desk1', 'edge', 'INVITE')[0]!.atMs).toBeGreaterThan(5000 - tolerance);
    expect(wire(r, 'edge', 'hq-b', 'INVITE')).toHaveLength(0);
    expect(wire(r, 'edge', 'pstn', 'INVITE')).toHaveLength(0);
  },
  'hq-a silent, hq-b trying: survival at no-answer + trying': (r) => {
    expect(wire(r, 'edge', 'hq-a', 'INVITE')).toHaveLength(3);
    expect(wire(r, 'edge', 'hq-b', 'INVITE')).toHaveLength(1);
    expect(wire(r, 'edge', 'desk1', '181')[0]!.atMs - wire(r, 'desk1', 'edge', 'INVITE')[0]!.atMs).toBeGreaterThan(5000 - tolerance);
  },
  'desk2 answers, desk1 is cancelled': (r) => {
    expect(wire(r, 'edge', 'desk1', 'CANCEL')).toHaveLength(1);
    expect(wire(r, 'edge', 'desk2', 'CANCEL')).toHaveLength(0);
    expect(wire(r, 'edge', 'pstn', '200').map((w) => w.method)).toEqual(['INVITE', 'BYE']);
  },
  'nobody answers the group, then desk1 busy': (r) => {
    expect(wire(r, 'edge', 'desk2', 'CANCEL')).toHaveLength(1);
    expect(wire(r, 'edge', 'pstn', '486')).toHaveLength(1);
  },
  'desk2 unregistered, desk1 rings out, then busy': (r) => {
    expect(wire(r, 'edge', 'desk2', 'CANCEL')).toHaveLength(0);
    expect(wire(r, 'edge', 'pstn', '486')).toHaveLength(1);
  },
  'cloud silent: marked down, then straight to survival': (r) => {
    // The call never tried the upstream: dispatcher had marked it down.
    expect(wire(r, 'edge', 'cloud', 'INVITE')).toHaveLength(0);
    expect(wire(r, 'edge', 'desk1', '302')[0]!.contact).toBe('sip:944000020@127.0.2.3');
  },
  'cloud registers desk1 with Path': (r) => {
    const [toCloud] = wire(r, 'edge', 'cloud', 'REGISTER');
    expect(headerValues(toCloud!.text, 'Path')).toEqual(['<sip:127.0.2.1;lr>']);
    expect(wire(r, 'edge', 'desk1', '200')).toHaveLength(1);
  },
  'a stranger dials the gateway: 403, the gateway hears nothing': (r) => {
    expect(r.wire.filter((w) => w.to === 'stranger').map((w) => `${w.summary} ${reasonOf(w.text)}`)).toEqual(['403 Forbidden', '403 Forbidden', '403 Forbidden']);
    expect(r.wire.filter((w) => w.to === 'pstn' || w.to === 'desk1')).toEqual([]);
  },
  'a stranger registers, asks, messages and hangs up a call it never had: 403 each': (r) => {
    expect(r.wire.filter((w) => w.to === 'stranger').map((w) => `${w.method} ${w.summary}`)).toEqual(['REGISTER 403', 'OPTIONS 403', 'MESSAGE 403', 'BYE 403']);
    expect(r.wire.filter((w) => w.from === 'edge' && w.to !== 'stranger')).toEqual([]);
  },
  'the upstream may reach a phone, never the gateway': (r) => {
    expect(r.wire.filter((w) => w.to === 'cloud').map((w) => `${w.summary} ${reasonOf(w.text)}`)).toEqual(['403 Relaying Denied', '403 Not From This Branch']);
    expect(r.wire.filter((w) => w.to === 'pstn')).toEqual([]);
  },
  'cloud silent: the local copy answers': (r) => {
    expect(wire(r, 'cloud', 'edge', '200')).toHaveLength(0);
    const [ok] = wire(r, 'edge', 'desk1', '200');
    expect(ok!.contact).toBe('sip:101@127.0.2.10');
    // registrar's max_expires caps what the phone asked for (3600), in the simulator alike.
    // (Kamailio sometimes also writes a `;q=0`, which the simulator leaves out.)
    expect(headerValues(ok!.text, 'Contact')).toEqual([expect.stringMatching(/^<sip:101@127\.0\.2\.10>(;q=0)?;expires=600$/)]);
    const simOk = r.simulation.trace.find((t) => t.from === 'edge' && t.to === 'desk1' && t.summary === '200');
    expect(headerValues(simOk!.text, 'Contact')).toEqual(['<sip:101@127.0.2.10>;expires=600']);
  },
};

const measured: string[] = [];

describe('replay: the simulator against the exported bundle in a real Kamailio', () => {
  beforeAll(() => {
    const missing = kamailioMissing();
    if (missing) throw new Error(missing);
  });

  afterAll(() => {
    // The measured deltas, for docs/replay.md.
    if (measured.length > 0) console.log(`replay: max |live - sim| per scenario\n${measured.join('\n')}`);
  });

  it('every fixture scenario has its case check', () => {
    const titles = fixtures.flatMap((f) => f.analysis.model.scenarios.map((s) => s.title));
    expect(titles.sort()).toEqual(Object.keys(about).sort());
  });

  for (const f of fixtures) {
    for (const scenario of f.analysis.model.scenarios) {
      it(`${f.name}: ${scenario.title}`, async () => {
        const branch = f.analysis.model.branches.find((b) => b.name === scenario.branch)!;
        const files = new Map([...f.analysis.files].map(([uri, p]) => [uri, { text: p.text, lines: p.lines }]));
        const r = await replay(branch, scenario, { files, root: dirname(f.uri), toolVersion: 'test' });
        const c = r.comparison;
        measured.push(`  ${f.name}: ${scenario.title}: ${c.maxDeltaMs.toFixed(1)} ms (${c.rows.length} messages)`);
        expect(r.unreadable).toEqual([]);
        const compared = liveSteps(r.wire).filter((s) => s.method !== 'OPTIONS' || c.probeHorizonMs === undefined || s.atMs <= c.probeHorizonMs + tolerance);
        // Exact order on every link, but for messages of one timer tick the comparison
        // paired in the other order (compare.ts, docs/replay.md): then the same messages.
        const sorted = (links: Record<string, string[]>) => Object.fromEntries(Object.entries(links).map(([k, v]) => [k, [...v].sort()]));
        if (c.sameTickSwaps === 0) expect(byLink(compared)).toEqual(byLink(simSteps(r.simulation.trace)));
        else expect(sorted(byLink(compared))).toEqual(sorted(byLink(simSteps(r.simulation.trace))));
        expect(c.rows.filter((row) => row.status !== 'ok')).toEqual([]);
        expect(c.maxDeltaMs).toBeLessThanOrEqual(tolerance);
        expect(r.agree).toBe(true);
        about[scenario.title]!(r);
      });
    }
  }
});

describe('surv replay', () => {
  beforeAll(async () => {
    await ensureBuilt();
  });

  const outbound = 'test/kamailio/fixtures/replay/outbound.surv';

  it('prints both ladders side by side and exits 0 when they agree', () => {
    const run = surv(['replay', outbound, '--scenario', 'cloud answers 404: passed through']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(`scenario "cloud answers 404: passed through" in replay-outbound (${outbound}:30:10)`);
    expect(lines[1]).toMatch(/^ {5}simulator +\| kamailio +\| live - sim$/);
    const rows = lines.slice(2, 9);
    const expected = [
      ['desk1 -> edge ', 'INVITE sip:944000001@127.0.2.2'],
      ['edge  -> desk1', '100 Trying'],
      ['edge  -> cloud', 'INVITE sip:944000001@127.0.2.2'],
      ['cloud -> edge ', '404 Not Found'],
      ['edge  -> cloud', 'ACK sip:944000001@127.0.2.2'],
      ['edge  -> desk1', '404 Not Found'],
      ['desk1 -> edge ', 'ACK sip:944000001@127.0.2.2'],
    ];
    rows.forEach((row, i) => {
      const [link, text] = expected[i]!;
      const cell = `${link}  ${text}`;
      const m = new RegExp(`^ {5}0\\.000s  ${cell.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +\\| (\\d\\.\\d{3})s  ${cell.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +\\| ([+-]\\d+) ms$`).exec(row);
      expect(m, row).not.toBeNull();
      // Kamailio's side is its own clock: a few ms after the simulator's instant.
      expect(Math.abs(Number(m![2]))).toBeLessThanOrEqual(tolerance);
      expect(Number(m![1]) * 1000).toBeCloseTo(Number(m![2]), -1);
    });
    expect(lines[9]).toMatch(/^ {2}agree: 7 messages, max \|live - sim\| \d+ ms \(tolerance 150 ms\)$/);
    expect(lines.slice(10)).toEqual(['', '1 scenario: 1 agree, 0 disagree', '']);
  });

  it('--json: one document with every row', () => {
    const run = surv(['replay', outbound, '-s', 'cloud answers 404: passed through', '--json']);
    expect(run.status).toBe(0);
    const doc = JSON.parse(run.stdout) as {
      tool: string; command: string; file: string;
      scenarios: { title: string; branch: string; location: unknown; agree: boolean; toleranceMs: number; rows: { status: string; simulator: { summary: string } | null; kamailio: { from: string; to: string; summary: string } | null }[] }[];
    };
    expect(doc.tool).toBe('surv');
    expect(doc.command).toBe('replay');
    expect(doc.file).toBe(outbound);
    expect(doc.scenarios).toHaveLength(1);
    const s = doc.scenarios[0]!;
    expect(s).toMatchObject({ title: 'cloud answers 404: passed through', branch: 'replay-outbound', location: { file: outbound, line: 30, column: 10 }, agree: true, toleranceMs: 150 });
    expect(s.rows.map((r) => [r.status, r.kamailio?.from, r.kamailio?.to, r.kamailio?.summary])).toEqual([
      ['ok', 'desk1', 'edge', 'INVITE'], ['ok', 'edge', 'desk1', '100'], ['ok', 'edge', 'cloud', 'INVITE'], ['ok', 'cloud', 'edge', '404'],
      ['ok', 'edge', 'cloud', 'ACK'], ['ok', 'edge', 'desk1', '404'], ['ok', 'desk1', 'edge', 'ACK'],
    ]);
  });

  it('refuses, with its position, a device that is not on 127.0.0.0/8 (nothing is started)', () => {
    const run = surv(['replay', 'examples/bilbao.surv', '--scenario', 'cloud down, desk dials out']);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe("surv: examples/bilbao.surv:19:15: error: the edge is at 10.222.237.1, not on 127.0.0.0/8: replay sends real SIP traffic and only ever to loopback addresses (move the design's devices to 127.x addresses to replay it)\n");
  });

  it('says how to install Kamailio when it is missing', () => {
    const r = spawnSync(process.execPath, [survBin, 'replay', outbound], { cwd: root, encoding: 'utf8', env: { ...process.env, SURV_DEBUG: '', SURV_KAMAILIO: '/nonexistent/kamailio' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("surv: /nonexistent/kamailio is missing: replay runs the exported bundle in a real Kamailio; install Debian's package with: apt-get install -y kamailio\n");
  });

  it('an unknown scenario lists the file\'s scenarios', () => {
    const r = surv(['replay', 'test/kamailio/fixtures/replay/register.surv', '-s', 'nope']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe([
      "surv: no scenario titled \"nope\" in 'test/kamailio/fixtures/replay/register.surv'; its scenarios are:",
      '  "cloud registers desk1 with Path"',
      '  "cloud silent: the local copy answers"',
      '',
    ].join('\n'));
  });
});
