// Which Kamailio version a kamailio.cfg needs, found in the rendered text itself, so
// the statement cannot drift from what the renderers write: every construct whose
// floor is known is a row of `constructs` (docs/export.md "Kamailio versions" is the
// same table). The floors come from Kamailio's own repository (github.com/kamailio/
// kamailio): the first release tag (X.Y.0, or X.Y.Z for a fix within a series) whose
// module sources or docs have the construct. Only 5.6.3 (Debian 12) is run here; every
// other floor is documentation.
//
// For `surv export --kamailio VERSION` below a floor, a few constructs have an older
// equivalent (`instead`): the renderers write it when `olderForms(VERSION)` names the
// construct (the cfg writer carries the set). Whatever is still above VERSION in the
// written cfg is refused, by name.
import type { Origin } from '../../grammar/src/index.js';
import { shellQuote } from './escape.js';
import type { Plan } from './plan.js';
import type { Sources } from './sources.js';
import { ExportError, type Target } from './types.js';

/** `X.Y` (a release series) or `X.Y.Z` (a release, when a fix came within a series). */
export type Series = `${number}.${number}` | `${number}.${number}.${number}`;

export interface Construct {
  readonly id: string;
  /** How the header, install.sh and refusals name it (short: it goes into a cfg comment). */
  readonly what: string;
  /** Matches one code line of kamailio.cfg (comment lines are never tested). */
  readonly detect: RegExp;
  readonly since: Series;
  /** Where the floor comes from. */
  readonly source: string;
  /** What is written instead for an older Kamailio, when one is established. */
  readonly instead?: Lowering;
  /** The part of the design that makes the exporter write it, when there is one. */
  readonly origin?: (plan: Plan) => Origin | undefined;
}

export interface Lowering {
  /** The older form, for the docs and the header. */
  readonly what: string;
  readonly since: Series;
  readonly source: string;
}

/** The oldest release whose tree was checked; "4.0" means "in 4.0.4, earlier not established". */
export const oldestChecked = '4.0.4';

const repo = 'github.com/kamailio/kamailio';
const inTag = (tag: string, path: string) => `${repo} tag ${tag}, ${path}`;
const presentIn404 = (path: string) => `present in ${inTag(oldestChecked, path)} (the oldest release checked; earlier not established)`;

// The statement shapes the renderers write above a floor, for detection.
const subnetList = /is_in_subnet\("(\$si|\$rd)", "([0-9A-Fa-f.:/]+(?:,[0-9A-Fa-f.:/]+)+)"\)/;
const rlCheckNumber = /^(\s*)if \(!rl_check\("(\d+)"\)\) \{$/;
const eventWithCallId = /^\s*xlog\("L_NOTICE", "surv-event [^"]*\$\(ci\{s\.rmws\}\)/;

const firstProbe = (plan: Plan): Origin | undefined => plan.upstreams.find((u) => u.probe)?.probe?.origin ?? plan.gateways.find((g) => g.probe)?.probe?.origin;

/** Newest floor first; ties in a fixed order, so the header is byte-stable. */
export const constructs: readonly Construct[] = [
  {
    id: 'pv-s-rmws',
    what: '{s.rmws} on the Call-ID of survival events (pv)',
    detect: eventWithCallId,
    since: '5.4',
    source: `commit 3e5633a1d2 (2020-01-28, "pv: new transformation {s.rmsw} - remove whitespaces from value"), first in ${inTag('5.4.0', 'src/modules/pv/pv_trans.c')}`,
    instead: {
      what: '$ci copied to $var(event_ci), "-" when it holds whitespace (=~, core)',
      since: '4.0',
      source: presentIn404('core regex operator =~'),
    },
    origin: (plan) => plan.outbound?.actionsOrigin,
  },
  {
    id: 'ipops-subnet-ipv6',
    what: 'is_in_subnet with an IPv6 network (ipops)',
    detect: /is_in_subnet\("\$(si|rd)", "[0-9A-Fa-f.:/,]*:[0-9A-Fa-f.:/,]*"\)/,
    since: '5.1.3',
    source: `commits 055bbcddbc and c9f6db1bfe (2018-04-22, "ipops: use proper variable for ipv6 subnet comparison": before them an IPv6 address matched every IPv6 network), first in ${inTag('5.1.3', 'src/modules/ipops/ipops_mod.c')}`,
    origin: (plan) => plan.lansOrigin,
  },
  {
    id: 'ratelimit-check-number',
    what: 'rl_check with a pipe number (ratelimit)',
    detect: rlCheckNumber,
    since: '5.1',
    source: `fixup_igp_null for rl_check from ${inTag('5.1.0', 'src/modules/ratelimit/ratelimit.c')} (5.0.0: fixup_pvar_null); doc "provided as number or via a pseudovariable", commit 44cc202959 (2017-05-31)`,
    instead: {
      what: 'the pipe number in $var(rl_pipe), rl_check("$var(rl_pipe)")',
      since: '4.0',
      source: `${inTag(oldestChecked, 'modules/ratelimit/doc/ratelimit_admin.xml')}: "The pipe number must be provided via a pseudovariable"`,
    },
    origin: (plan) => plan.limits.origin,
  },
  {
    id: 'ipops-subnet-list',
    what: 'is_in_subnet with a list of networks (ipops)',
    detect: subnetList,
    since: '5.0',
    source: `commit b550a63e7d (2016-07-11, "modules/ipops: is_in_subnet(): add support for networks list"), first in ${inTag('5.0.0', 'src/modules/ipops/doc/ipops_admin.xml')} ("is_in_subnet (ip, subnets_list)")`,
    instead: {
      what: 'one is_in_subnet per network, joined with ||',
      since: '4.0',
      source: presentIn404('modules/ipops/doc/ipops_admin.xml (is_in_subnet (ip, subnet))'),
    },
    origin: (plan) => plan.lansOrigin,
  },
  {
    id: 'registrar-lookup-to-dset-uri',
    what: 'lookup_to_dset with an address of record (registrar)',
    detect: /\blookup_to_dset\("[^"]*", /,
    since: '4.4',
    source: `commit 09e1a72b97 (2015-05-29, "registrar: Export lookup_to_dset with uri to config"), first in ${inTag('4.4.0', 'modules/registrar/reg_mod.c')} (4.2.0: lookup_to_dset(domain) only)`,
    origin: (plan) => plan.register.origin,
  },
  {
    id: 'dispatcher-thresholds',
    what: 'ds_probing_threshold and ds_inactive_threshold (dispatcher)',
    detect: /modparam\("dispatcher", "ds_(probing|inactive)_threshold"/,
    since: '4.3',
    source: `first in ${inTag('4.3.0', 'modules/dispatcher/doc/dispatcher_admin.xml')}`,
    origin: firstProbe,
  },
  {
    id: 'tls-method-range',
    what: 'tls_method "TLSv1.2+" (tls)',
    detect: /modparam\("tls", "tls_method", "TLSv1\.2\+"\)/,
    since: '4.3',
    source: `first in ${inTag('4.3.0', 'modules/tls')}`,
    origin: (plan) => plan.tls?.origin,
  },
  {
    id: 'tmx-precheck',
    what: 't_precheck_trans (tmx)',
    detect: /\bt_precheck_trans\(/,
    since: '4.2',
    source: `first in ${inTag('4.2.0', 'modules/tmx')}`,
  },
  {
    id: 'tm-branch-failure',
    what: 't_on_branch_failure and event_route[tm:branch-failure:...] (tm)',
    detect: /\bt_on_branch_failure\(|event_route\[tm:branch-failure:/,
    since: '4.1',
    source: `first in ${inTag('4.1.0', 'modules/tm/doc/functions.xml')}`,
    origin: (plan) => plan.inbound?.origin ?? plan.local?.origin,
  },
  {
    id: 'registrar-save-in-failure-route',
    what: 'save in a failure_route (registrar)',
    detect: /^failure_route\[REGISTER_FAILED\]/,
    since: '4.1',
    source: `save's route types include FAILURE_ROUTE from ${inTag('4.1.0', 'modules/registrar/reg_mod.c')} (4.0.4: REQUEST_ROUTE|ONREPLY_ROUTE)`,
    origin: (plan) => plan.register.origin,
  },
  {
    id: 'ipops-dns-int-match-ip',
    what: 'dns_int_match_ip (ipops)',
    detect: /\bdns_int_match_ip\(/,
    since: '4.1',
    source: `first in ${inTag('4.1.0', 'modules/ipops')}`,
    origin: (plan) => plan.peers.find((p) => !p.isIp)?.origin,
  },
  {
    id: 'cfg-custom-vars',
    what: 'custom cfg vars (survival.NAME = VALUE desc "...") read with $sel(cfg_get...)',
    detect: /\$sel\(cfg_get\./,
    since: '4.0',
    source: presentIn404('core cfg.y, cfg_get select'),
  },
  {
    id: 'cfg-preprocessor',
    what: '#!ifndef / #!define and adjacent string literals',
    detect: /^#!(ifndef|define)\b/,
    since: '4.0',
    source: presentIn404('cfg.lex (ifndef, STR_BETWEEN)'),
  },
  {
    id: 'tm-per-transaction',
    what: 't_set_fr, t_branch_timeout, t_branch_replied, t_set_disable_internal_reply (tm)',
    detect: /\bt_set_fr\(|\bt_branch_(timeout|replied)\(|\bt_set_disable_internal_reply\(/,
    since: '4.0',
    source: presentIn404('modules/tm'),
  },
  {
    id: 'dialog-profiles',
    what: 'dialog profiles with values, dlg_manage, get_profile_size with a result variable (dialog)',
    detect: /\bdlg_manage\(|\bget_profile_size\(|"profiles_with_value"/,
    since: '4.0',
    source: presentIn404('modules/dialog/doc/dialog_admin.xml (get_profile_size(profile,[value],size))'),
  },
  {
    id: 'dispatcher-probing',
    what: 'ds_ping_reply_codes class=/code= lists, ds_probing_mode, event_route[dispatcher:dst-down/up] (dispatcher)',
    detect: /"ds_ping_reply_codes"|"ds_probing_mode"|event_route\[dispatcher:dst-(down|up)\]/,
    since: '4.0',
    source: presentIn404('modules/dispatcher/doc/dispatcher_admin.xml'),
  },
  {
    id: 'pv-basics',
    what: '$T_reply_code (tmx), $TV(Sn), $shv, {s.substr}, {s.select}, {s.int} (pv)',
    detect: /\$T_reply_code|\$TV\(Sn\)|\$shv\(|\{s\.(substr|select|int)/,
    since: '4.0',
    source: presentIn404('modules/pv, modules/tmx'),
  },
];

// ---------------------------------------------------------------- versions

/** [major, minor, patch] of `5.6`, `5.6.3`; undefined for anything else. */
export function parseVersion(text: string): [number, number, number] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})(?:\.(\d{1,3}))?$/.exec(text);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

/** Whether `version` is at least `since` (both X.Y or X.Y.Z; a missing Z is 0). */
export function atLeast(version: string, since: string): boolean {
  const v = parseVersion(version);
  const s = parseVersion(since);
  if (!v || !s) throw new ExportError(`internal: bad Kamailio version ${JSON.stringify(version)} or ${JSON.stringify(since)}`);
  for (let i = 0; i < 3; i++) if (v[i] !== s[i]) return v[i]! > s[i]!;
  return true;
}

function newer(a: Series, b: Series): boolean {
  return a !== b && atLeast(a, b);
}

// ---------------------------------------------------------------- the requirement

export interface KamailioNeed {
  /** The newest floor of every construct found. */
  readonly version: Series;
  /** The constructs whose floor is `version`, in table order. */
  readonly because: readonly Construct[];
  /** Every construct found, newest floor first. */
  readonly found: readonly Construct[];
}

/**
 * Lines whose constructs count: not blank, not a `#` comment (a `#!` directive counts),
 * and not a tunable's definition, whose value is the design's free text (a reason phrase
 * may read "rl_check(...)"; it is never code).
 */
function isCode(line: string): boolean {
  const t = line.trim();
  return t !== '' && (!t.startsWith('#') || t.startsWith('#!')) && !t.startsWith('survival.');
}

function codeLines(cfgText: string): string[] {
  return cfgText.split('\n').filter(isCode);
}

/** The Kamailio version a rendered kamailio.cfg needs, from the constructs it holds. */
export function requiredKamailio(cfgText: string): KamailioNeed {
  const code = codeLines(cfgText);
  const found = constructs.filter((c) => code.some((l) => c.detect.test(l)));
  if (found.length === 0) return { version: '4.0', because: [], found };
  const version = found.reduce<Series>((max, c) => (newer(c.since, max) ? c.since : max), found[0]!.since);
  return { version, because: found.filter((c) => c.since === version), found };
}

/** The header line (without `# `): the minimum version and what sets it. */
export function needLine(need: KamailioNeed): string {
  const why = need.because.map((c) => c.what).join('; ');
  return `Needs Kamailio ${need.version} or later (install.sh checks kamailio -v)${why === '' ? '' : `: ${why}`}.`;
}

/** `--kamailio VERSION` as the exporter takes it: X.Y or X.Y.Z, else a usage-shaped refusal. */
function checkVersion(version: string): void {
  if (!parseVersion(version)) throw new ExportError(`--kamailio ${JSON.stringify(version)}: give a Kamailio version such as 5.4 or 5.4.4`);
}

/**
 * The constructs the renderers write in their older form for a router with Kamailio
 * `version` (surv export --kamailio): those above it that have one. None without a version.
 */
export function olderForms(version: string | undefined): ReadonlySet<string> {
  if (version === undefined) return new Set();
  checkVersion(version);
  return new Set(constructs.filter((c) => c.instead && !atLeast(version, c.since) && atLeast(version, c.instead.since)).map((c) => c.id));
}

/**
 * The cfg written for a router with Kamailio `version` (the renderers took olderForms),
 * or a refusal naming each construct still above it, the version it needs and the design
 * line behind it.
 */
export function fitKamailio(cfgText: string, version: string, plan: Plan, sources: Sources): string {
  checkVersion(version);
  const over = requiredKamailio(cfgText).found.filter((c) => !atLeast(version, c.since));
  if (over.length === 0) return cfgText;
  const first = over.map((c) => c.origin?.(plan)).find((o) => o?.kind === 'source');
  const parts = over.map((c) => {
    const o = c.origin?.(plan);
    return `${c.what} needs Kamailio ${c.since}${o?.kind === 'source' ? ` (for ${sources.describe(o)})` : ''}`;
  });
  throw new ExportError(
    `Kamailio ${version} cannot run this design's kamailio.cfg, and these have no older equivalent: ${parts.join('; ')}. Upgrade the router's Kamailio (docs/export.md, "Kamailio versions").`,
    first ? sources.where(first) : undefined,
  );
}

// ---------------------------------------------------------------- install.sh

/** Kamailio per platform release, from the sources named in docs/export.md. */
const debianReleases: readonly { name: string; version: string }[] = [
  { name: 'Debian 10 buster', version: '5.2.1' },
  { name: 'Debian 11 bullseye', version: '5.4.4' },
  { name: 'Debian 12 bookworm', version: '5.6.3' },
  { name: 'Debian 13 trixie', version: '6.0.1' },
];
const openwrtReleases: readonly { name: string; version: string }[] = [
  { name: 'LEDE 17.01', version: '4.4.7' },
  { name: 'OpenWrt 18.06', version: '5.1.3' },
  { name: 'OpenWrt 19.07', version: '5.2.1' },
  { name: 'OpenWrt 21.02', version: '5.4.2' },
  { name: 'OpenWrt 22.03', version: '5.5.2' },
  { name: 'OpenWrt 23.05', version: '5.6.2' },
  { name: 'OpenWrt 24.10', version: '5.7.2' },
  { name: 'OpenWrt 25.12', version: '6.0.1' },
];

function fitting(list: readonly { name: string; version: string }[], min: Series): string {
  const ok = list.filter((r) => atLeast(r.version, min));
  return ok.length === 0 ? '' : ok.map((r) => `${r.name} (${r.version})`).join(', ');
}

const tryKamailioOption = '- or export again with surv export --kamailio INSTALLED-VERSION: older forms where Kamailio has them, else it names what is missing.';

/** What the person at the router can do to get Kamailio `min` or later: one line each. */
export function upgradeAdvice(min: Series, target: Target): string[] {
  const debian = fitting(debianReleases, min);
  const openwrt = fitting(openwrtReleases, min);
  const own = 'Kamailio\'s own repository deb.kamailio.org (amd64 and arm64 builds only) has newer Kamailio for older Debian releases';
  switch (target) {
    case 'debian':
      return [
        debian === '' ? `No Debian release ships Kamailio ${min} yet: ${own}.` : `Debian's kamailio package is new enough in ${debian}: upgrade the router's Debian, then apt-get install kamailio.`,
        ...(debian === '' ? [] : [`- or, on an older Debian: ${own};`]),
        tryKamailioOption,
      ];
    case 'edgeos':
      return [
        'EdgeOS 1.x is Debian 7 wheezy (no kamailio package) and EdgeOS 2.x Debian 9 stretch (Kamailio 4.4);',
        'deb.kamailio.org builds no MIPS packages, so EdgeOS itself cannot get a newer Kamailio. Options:',
        `- OpenWrt on the EdgeRouter (the ER-X is OpenWrt's ramips/mt7621 ubnt_edgerouter-x), Kamailio from its telephony feed${openwrt === '' ? '' : `: ${openwrt}`}, and this design exported with --target openwrt;`,
        `- another device for the proxy${debian === '' ? '' : `, e.g. ${debian}`};`,
        tryKamailioOption,
      ];
    case 'openwrt':
      return [
        openwrt === '' ? `No OpenWrt release's telephony feed has Kamailio ${min} yet.` : `OpenWrt's telephony feed has it in ${openwrt}: upgrade OpenWrt (sysupgrade), then opkg update and install the kamailio packages again (README.txt).`,
        tryKamailioOption,
      ];
  }
}

/** MAJOR * 1000000 + MINOR * 1000 + PATCH: what check_version compares. */
function versionNumber(version: string): number {
  const [a, b, c] = parseVersion(version)!;
  return a * 1_000_000 + b * 1000 + c;
}

/**
 * A POSIX sh function `check_version` for the binary in $KAMAILIO (else kamailio on the
 * PATH), as install.sh sets it: returns 0 when `$KAMAILIO -v` names a
 * version at least `need.version`; otherwise prints on stderr what is installed, what is
 * needed and why (the constructs above the installed version), and what to do on
 * `target`, and returns 1. Output it cannot read is a refusal, quoted (5 lines at most,
 * control characters removed). For install.sh and the EdgeOS boot hook; every text in
 * it is the exporter's own (constructs, advice), single-quoted.
 */
export function renderVersionCheck(need: KamailioNeed | Series, target: Target): string {
  const n: KamailioNeed = typeof need === 'string' ? { version: need, because: [], found: [] } : need;
  if (!parseVersion(n.version)) throw new ExportError(`internal: bad Kamailio version ${JSON.stringify(n.version)}`);
  const rows = n.found.length > 0 ? n.found.map((c) => `${versionNumber(c.since)} ${c.since} ${c.what}`) : [`${versionNumber(n.version)} ${n.version} this bundle's kamailio.cfg`];
  const why = rows.map((r) => `\t\t${shellQuote(r)}`).join(' \\\n');
  const advice = upgradeAdvice(n.version, target).map((l) => `\t\t${shellQuote(l)}`).join(' \\\n');
  return `# Kamailio ${n.version} or later is needed (the "Needs Kamailio" line of kamailio.cfg).
check_version() {
	kv_bin=\${KAMAILIO:-kamailio}
	kv_status=0
	kv_out=$("$kv_bin" -v 2>&1) || kv_status=$?
	if [ "$kv_status" != 0 ]; then
		{
			printf '%s\\n' "cannot tell the Kamailio version: $kv_bin -v failed (exit status $kv_status) and printed:"
			check_version_quote
			printf '%s\\n' 'kamailio.cfg needs Kamailio ${n.version} or later.'
			check_version_advice
		} >&2
		return 1
	fi
	kv=$(printf '%s\\n' "$kv_out" | sed -n 's/^version: kamailio \\([0-9]\\{1,3\\}\\.[0-9]\\{1,3\\}\\)\\(\\.[0-9]\\{1,3\\}\\)\\{0,1\\}\\([^0-9.].*\\)\\{0,1\\}$/\\1\\2/p' | head -n 1)
	if [ -z "$kv" ]; then
		{
			printf '%s\\n' "cannot tell the Kamailio version: $kv_bin -v printed:"
			check_version_quote
			printf '%s\\n' 'kamailio.cfg needs Kamailio ${n.version} or later.'
			check_version_advice
		} >&2
		return 1
	fi
	kv_major=\${kv%%.*}
	kv_rest=\${kv#*.}
	kv_minor=\${kv_rest%%.*}
	kv_patch=0
	if [ "$kv_rest" != "$kv_minor" ]; then kv_patch=\${kv_rest#*.}; fi
	# In base 10 whatever the digits: $((...)) reads a leading 0 as octal.
	kv_n=$(( $(printf '%s' "$kv_major" | sed 's/^0*\\(.\\)/\\1/') * 1000000 + $(printf '%s' "$kv_minor" | sed 's/^0*\\(.\\)/\\1/') * 1000 + $(printf '%s' "$kv_patch" | sed 's/^0*\\(.\\)/\\1/') ))
	if [ "$kv_n" -ge ${versionNumber(n.version)} ]; then
		return 0
	fi
	{
		printf '%s\\n' "this router has Kamailio $kv; kamailio.cfg needs Kamailio ${n.version} or later for:"
		check_version_why "$kv_n"
		check_version_advice
	} >&2
	return 1
}

# The first lines of what kamailio -v printed, without control characters.
check_version_quote() {
	if [ -z "$kv_out" ]; then
		printf '%s\\n' '  (nothing)'
		return 0
	fi
	printf '%s\\n' "$kv_out" | head -n 5 | tr -d '\\001-\\010\\013-\\037\\177' | sed 's/^/  /'
}

# Each construct of kamailio.cfg newer than the installed version (as a number).
check_version_why() {
	# shellcheck disable=SC2016,SC2043 # construct names such as $sel(...), printed as they are; maybe one
	for kv_line in \\
${why}; do
		kv_since=\${kv_line%% *}
		kv_line=\${kv_line#* }
		if [ "$kv_since" -gt "$1" ]; then
			printf '%s\\n' "  - \${kv_line#* } (Kamailio \${kv_line%% *})"
		fi
	done
}

check_version_advice() {
	printf '%s\\n' \\
${advice}
}`;
}
