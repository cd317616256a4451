// Each examples/broken/NAME.surv says in its header comment what is wrong with it.
// This test holds the checker to those headers: every finding a header announces
// must be reported (at its line, with its code and severity), and nothing else
// may be, apart from the knock-on effects the header itself allows.
// (The goldens in golden.test.ts pin the exact text; this pins the intent.)
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, type Severity } from '../../../grammar/src/index.js';
import { brokenFiles, read } from '../parser/helpers.js';

type Finding = readonly [line: number, code: string, severity: Severity, why: string];

interface Contract {
  readonly expected: readonly Finding[];
  /** Knock-on findings that the header mentions as possible. */
  readonly allowed?: readonly Finding[];
}

const E = 'error' as const;
const W = 'warning' as const;

const contracts: Record<string, Contract> = {
  'bad-addresses.surv': {
    expected: [
      [24, 'SURV020', E, '10.90.5.300 is not an IPv4 address'],
      [25, 'SURV022', W, 'host bits set in 10.90.105.1/24'],
      [25, 'SURV021', E, 'prefix /33 out of range'],
      [26, 'SURV023', E, 'port 70000 out of range'],
      [29, 'SURV030', W, 'desk2 outside every LAN'],
      [30, 'SURV030', W, 'desk3 IPv6 but only IPv4 LANs'],
      [41, 'SURV022', W, 'host bits set in 2001:db8:5::1/64'],
      [41, 'SURV031', E, '10.90.5.128/25 overlaps 10.90.5.0/24'],
      [53, 'SURV028', E, 'edge listen on the unspecified address 0.0.0.0'],
      [54, 'SURV029', E, 'LAN 0.0.0.0/0 trusts every source'],
      [54, 'SURV027', E, '010.071.0.0: leading zeros'],
      [55, 'SURV028', E, 'gateway at the broadcast address'],
      [56, 'SURV027', E, 'sip:010.0.0.1: leading zero in the URI host'],
      [57, 'SURV028', E, 'phone at a multicast address'],
    ],
  },
  'duplicate-names.surv': {
    expected: [
      [17, 'SURV011', E, 'profile office twice'],
      [25, 'SURV011', E, 'gateway pstn twice'],
      [28, 'SURV011', E, 'phone desk1 twice'],
      [30, 'SURV011', E, 'group front twice'],
      [39, 'SURV011', E, 'branch dup-office twice'],
    ],
  },
  'emergency-without-gateway.surv': {
    expected: [[18, 'SURV054', E, 'emergency numbers with no gateway: an error, not a warning']],
    allowed: [[17, 'SURV058', W, 'follow-on: no on timeout']],
  },
  'gateway-channels.surv': {
    expected: [
      [13, 'SURV055', E, 'isdn: channels 0'],
      [14, 'SURV056', W, 'basic-rate: 3 channels on a BRI'],
      [15, 'SURV032', E, 'sip-trunk: trunk without channels'],
      [16, 'SURV032', E, 'mystery: no kind'],
      [17, 'SURV032', E, 'analogue: no address'],
    ],
  },
  'missing-settings.surv': {
    expected: [
      [12, 'SURV032', E, 'half-office: no edge'],
      [12, 'SURV032', E, 'half-office: no upstream'],
      [12, 'SURV058', W, 'half-office: no outbound'],
      [21, 'SURV032', E, 'backup: no proxy'],
      [23, 'SURV059', W, 'forward without with path: a WARNING'],
    ],
  },
  'reserved-words.surv': {
    expected: [
      [12, 'SURV005', E, 'branch scenario'],
      [15, 'SURV005', E, 'gateway trunk'],
      [16, 'SURV005', E, 'upstream up'],
      [18, 'SURV005', E, 'phone lan'],
      [19, 'SURV005', E, 'group in'],
    ],
  },
  'scenario-mistakes.surv': {
    expected: [
      [27, 'SURV070', E, 'clod: unknown actor'],
      [32, 'SURV070', E, 'desk9: not a phone of the branch'],
      [35, 'SURV010', E, 'scen-ofice: no such branch'],
      [41, 'SURV071', E, 'desk1 trying'],
      [42, 'SURV071', E, 'pstn flapping'],
    ],
  },
  'survival-replies.surv': {
    expected: [
      [27, 'SURV050', E, 'announce 200'],
      [27, 'SURV051', E, 'redirect 404'],
      [35, 'SURV052', W, 'redirect 380: a WARNING only'],
      [43, 'SURV053', E, 'CR LF in the reason phrase'],
      [51, 'SURV057', E, 'redirect and relay together'],
      [59, 'SURV057', E, 'announce alone'],
    ],
  },
  'syntax-errors.surv': {
    expected: [
      [13, 'SURV002', E, "edge udp: 'listen' missing"],
      [15, 'SURV025', E, 'no-answer 10: no unit'],
      [16, 'SURV026', E, 'kind isdn'],
      [19, 'SURV002', E, 'phone desk1 at: no extension'],
      [23, 'SURV002', E, 'announce text not quoted'],
    ],
  },
  'timer-rules.surv': {
    expected: [
      [27, 'SURV042', E, 'timers-b-limit: no-answer 40s > Timer B'],
      [33, 'SURV043', E, 'timers-short-ring: ringing 5s < no-answer 10s'],
      [40, 'SURV045', E, 'timers-over-budget: 2 x 10s > 15s'],
      [49, 'SURV044', E, 'timers-t1-t2: t2 < t1'],
      [49, 'SURV041', E, 'timers-t1-t2: no-answer < t1'],
    ],
  },
  'unknown-names.surv': {
    expected: [
      [24, 'SURV010', E, 'recepton'],
      [25, 'SURV010', E, 'coud'],
      [26, 'SURV010', E, 'clowd'],
      [27, 'SURV010', E, 'psnt'],
      [28, 'SURV012', E, 'cloud is an upstream, not a gateway'],
      [31, 'SURV010', E, 'frnt'],
      [32, 'SURV010', E, 'fax'],
    ],
    allowed: [
      [24, 'SURV015', W, 'front may be reported unused'],
      [21, 'SURV015', W, 'cloud may be reported unused'],
    ],
  },
  'unused-definitions.surv': {
    expected: [
      [13, 'SURV015', W, 'profile retail'],
      [21, 'SURV015', W, 'gateway fax-line'],
      [23, 'SURV015', W, 'upstream old-pbx'],
      [28, 'SURV015', W, 'group night'],
      // phone spare: phones are never reported unused.
    ],
  },
};

const key = (f: Finding | readonly [number, string, Severity]) => `${f[0]} ${f[1]} ${f[2]}`;

describe('each broken example reports what its header says, and only that', () => {
  it.each(Object.keys(contracts))('%s', (name) => {
    const contract = contracts[name] as Contract;
    const text = read(`examples/broken/${name}`);
    const actual = analyze([{ uri: basename(name), text }]).diagnostics
      .map((d) => [d.range.start.line + 1, d.code, d.severity, d.message] as const);

    const unmatched = actual.map((a) => key([a[0], a[1], a[2]]));
    const missing: string[] = [];
    for (const f of contract.expected) {
      const i = unmatched.indexOf(key(f));
      if (i < 0) missing.push(`line ${f[0]} ${f[1]} ${f[2]} (${f[3]})`);
      else unmatched.splice(i, 1);
    }
    const allowed = new Set((contract.allowed ?? []).map(key));
    const unexpected = actual.filter((a) => unmatched.includes(key([a[0], a[1], a[2]])) && !allowed.has(key([a[0], a[1], a[2]])))
      .map((a) => `line ${a[0]} ${a[1]} ${a[2]}: ${a[3]}`);
    expect({ missing, unexpected }).toEqual({ missing: [], unexpected: [] });
  });

  it('there is a contract for every broken example', () => {
    expect(brokenFiles().map((f) => basename(f)).sort()).toEqual(Object.keys(contracts).sort());
  });
});
