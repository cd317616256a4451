// What differs per router platform: where files go, how Kamailio is started at boot,
// how big its memory is. install.sh (install-script.ts) reads this.
import { openwrtCfg, openwrtEnableLink, openwrtInit, openwrtMemory, renderUci, uciFile } from './openwrt.js';
import { shellQuote } from './escape.js';
import type { Target } from './types.js';

export { openwrtInit, renderOpenwrtInit } from './openwrt.js';

/** The EdgeOS hook's and install.sh's way to ask for Kamailio's state or restart it (EdgeOS 2: systemd; 1.x: init.d). */
export const edgeosService = `service() {
	if [ -n "\${SURV_SERVICE:-}" ]; then "$SURV_SERVICE" "$@"; return; fi
	case $1 in
		running) pidof kamailio >/dev/null 2>&1 ;;
		restart)
			mkdir -p /run/kamailio
			if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
				systemctl restart kamailio
			else
				/etc/init.d/kamailio restart
			fi ;;
		wanted) return 0 ;;
	esac
}`;

/** A bundle file install.sh copies onto the router. */
export interface Placement {
  readonly file: string;
  readonly destination: string;
  readonly mode: '644' | '755';
}

export interface TargetInfo {
  readonly target: Target;
  readonly title: string;
  /** Shared memory and per-process private memory, in MB (kamailio -m / -M). */
  readonly shmMb: number;
  readonly pkgMb: number;
  /** Where kamailio.cfg runs from on the router. */
  readonly cfgPath: string;
  readonly dispatcherList: string;
}

export const targetInfo: Record<Target, TargetInfo> = {
  edgeos: { target: 'edgeos', title: 'Ubiquiti EdgeRouter, EdgeOS', shmMb: 32, pkgMb: 4, cfgPath: '/etc/kamailio/kamailio.cfg', dispatcherList: '/etc/kamailio/dispatcher.list' },
  debian: { target: 'debian', title: 'Debian, systemd', shmMb: 64, pkgMb: 8, cfgPath: '/etc/kamailio/kamailio.cfg', dispatcherList: '/etc/kamailio/dispatcher.list' },
  openwrt: { target: 'openwrt', title: 'OpenWrt, procd', ...openwrtMemory, cfgPath: openwrtCfg, dispatcherList: '/etc/kamailio/dispatcher.list' },
};

/**
 * Where install.sh keeps its journal and the last install's (below SURV_ROOT). On OpenWrt
 * /var is a link to /tmp, in RAM: a journal there would not outlive the power cut it is
 * for, nor a kept install the next reboot, so it lives on flash, under /etc.
 */
export const installStateDir: Record<Target, string> = {
  edgeos: '/var/lib/surv-install',
  debian: '/var/lib/surv-install',
  openwrt: '/etc/surv-install',
};

/** The EdgeOS boot hook and the folder under /config that survives firmware upgrades. */
export const edgeosStore = '/config/surv';
export const edgeosHook = '/config/scripts/post-config.d/surv-kamailio.sh';
export const debianDropIn = '/etc/systemd/system/kamailio.service.d/surv.conf';

/** The bundle's own names of the boot files. */
export const bootFile: Record<Target, string> = {
  edgeos: 'surv-kamailio.sh',
  debian: 'kamailio-surv.conf',
  openwrt: 'surv-kamailio.init',
};

/**
 * The bundle's start-up settings: /etc/default/kamailio for Debian's kamailio service (and
 * EdgeOS, Debian underneath); on OpenWrt, UCI's /etc/config/surv, read by the bundle's
 * procd script.
 */
export const settingsFile: Record<Target, string> = {
  edgeos: 'kamailio.default',
  debian: 'kamailio.default',
  openwrt: 'surv.uci',
};

/** Where each bundle file goes (install.sh's list). `hasDispatcher`: the design probes. */
export function placements(target: Target, hasDispatcher: boolean): Placement[] {
  const info = targetInfo[target];
  const list: Placement[] = [];
  if (target === 'edgeos') {
    // Everything lives under /config; the hook copies it into /etc at every boot.
    list.push({ file: 'kamailio.cfg', destination: `${edgeosStore}/kamailio.cfg`, mode: '644' });
    list.push({ file: 'kamailio.default', destination: `${edgeosStore}/kamailio.default`, mode: '644' });
    if (hasDispatcher) list.push({ file: 'dispatcher.list', destination: `${edgeosStore}/dispatcher.list`, mode: '644' });
    list.push({ file: bootFile.edgeos, destination: edgeosHook, mode: '755' });
    return list;
  }
  list.push({ file: 'kamailio.cfg', destination: info.cfgPath, mode: '644' });
  list.push({ file: settingsFile[target], destination: target === 'openwrt' ? uciFile : '/etc/default/kamailio', mode: '644' });
  if (hasDispatcher) list.push({ file: 'dispatcher.list', destination: info.dispatcherList, mode: '644' });
  if (target === 'debian') list.push({ file: bootFile.debian, destination: debianDropIn, mode: '644' });
  else list.push({ file: bootFile.openwrt, destination: openwrtInit, mode: '755' });
  return list;
}

/**
 * What a sysupgrade must keep, for /etc/sysupgrade.conf (OpenWrt only): every file
 * install.sh puts in place, and the link that enables the service at boot (sysupgrade
 * keeps a listed link as a link; /etc/rc.d is not kept otherwise). The opkg packages
 * themselves are not kept: they are installed again after an upgrade.
 */
export function sysupgradeEntries(hasDispatcher: boolean): string[] {
  return [...placements('openwrt', hasDispatcher).map((p) => p.destination), openwrtEnableLink];
}

export function renderDefaults(target: Target, toolVersion: string): string {
  const info = targetInfo[target];
  if (target === 'openwrt') return renderUci(info.title, toolVersion);
  return [
    `# /etc/default/kamailio for a surv survival proxy (${info.title}), written by surv ${toolVersion}.`,
    '# Read by the kamailio service at start-up. The same for every branch of a target.',
    'RUN_KAMAILIO=yes',
    'USER=kamailio',
    'GROUP=kamailio',
    '# Shared and per-process memory in MB: sized for a small router.',
    `SHM_MEMORY=${info.shmMb}`,
    `PKG_MEMORY=${info.pkgMb}`,
    `CFGFILE=${info.cfgPath}`,
    '',
  ].join('\n');
}

/** The systemd drop-in for Debian's kamailio.service. */
export function renderDropIn(toolVersion: string): string {
  return [
    `# ${debianDropIn}: surv ${toolVersion}.`,
    '# Kamailio is the branch\'s survival proxy: check the configuration before each start and',
    '# come back by itself after a crash.',
    '[Unit]',
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'ExecStartPre=/usr/sbin/kamailio -c -f ${CFGFILE}',
    'Restart=always',
    'RestartSec=3',
    '',
  ].join('\n');
}

/** A file the EdgeOS boot hook copies from /config into /etc. */
export interface HookCopy {
  readonly file: string;
  readonly destination: string;
}

/** What the EdgeOS hook copies into /etc; install.sh keeps each before the hook runs. */
export function hookCopies(target: Target, hasDispatcher: boolean): HookCopy[] {
  if (target !== 'edgeos') return [];
  return [
    { file: 'kamailio.cfg', destination: '/etc/kamailio/kamailio.cfg' },
    { file: 'kamailio.default', destination: '/etc/default/kamailio' },
    ...(hasDispatcher ? [{ file: 'dispatcher.list', destination: '/etc/kamailio/dispatcher.list' }] : []),
  ];
}

/** EdgeOS post-config.d hook: puts the files back into /etc after boot and firmware upgrades. */
export interface HookChecks {
  /** A POSIX sh function `check_version` for $KAMAILIO (kamailio-versions.ts). */
  readonly versionCheck: string;
  /** Files the cfg reads that the site provides (TLS): absolute paths, and what each is. */
  readonly siteFiles: readonly { readonly path: string; readonly what: string }[];
}

export function renderEdgeosHook(branch: string, toolVersion: string, hasDispatcher: boolean, checks: HookChecks): string {
  const copies = hookCopies('edgeos', hasDispatcher).map((c) => `put ${c.file} ${c.destination}`);
  // Exporter-made paths (checked by the plan's tlsPath) and fixed texts, single-quoted anyway.
  const present = [
    ...(hasDispatcher ? [{ path: `${edgeosStore}/dispatcher.list`, what: 'dispatcher.list' }] : []),
    ...checks.siteFiles,
  ].map((f) => `need ${shellQuote(f.path)} ${shellQuote(f.what)}`);
  return `#!/bin/sh
# ${edgeosHook}: surv ${toolVersion}, branch ${branch}.
# EdgeOS runs this at every boot, after the configuration is loaded. A firmware upgrade
# keeps only /config, so the Kamailio files live in ${edgeosStore} and are copied into /etc
# here; then Kamailio is (re)started when a file changed or it is not running.
# The copy in ${edgeosStore} is checked with kamailio -c first: a configuration Kamailio
# rejects never reaches /etc, nor one for a newer Kamailio, nor one whose files are missing.
# A file replaced in /etc is kept as FILE.surv-previous.
# SURV_ROOT (tests only) stands for /.
set -eu

ROOT=\${SURV_ROOT:-}
STORE="$ROOT${edgeosStore}"
changed=0

log() {
	printf 'surv-kamailio: %s\\n' "$*"
	if command -v logger >/dev/null 2>&1; then logger -t surv-kamailio -- "$*" || true; fi
}

kamailio_bin() {
	if [ -n "\${SURV_KAMAILIO:-}" ]; then printf '%s\\n' "$SURV_KAMAILIO"; return; fi
	command -v kamailio 2>/dev/null || printf '%s\\n' /usr/sbin/kamailio
}

put() {
	src="$STORE/$1"
	dest="$ROOT$2"
	[ -f "$src" ] || return 0
	if ! cmp -s "$src" "$dest" 2>/dev/null; then
		mkdir -p "$(dirname "$dest")"
		if [ -f "$dest" ]; then cp -p "$dest" "$dest.surv-previous"; fi
		cp "$src" "$dest.surv-new"
		chmod 644 "$dest.surv-new"
		mv -f "$dest.surv-new" "$dest"
		changed=1
	fi
}

# A file the cfg reads must be there before /etc changes: kamailio -c does not open it.
need() {
	if [ ! -r "$ROOT$1" ]; then
		log "$2 $1 is missing or unreadable: /etc left as it is, Kamailio not restarted"
		exit 1
	fi
}

${edgeosService}

${checks.versionCheck}

KAMAILIO=$(kamailio_bin)
if [ ! -x "$KAMAILIO" ]; then
	log "kamailio is not installed (a firmware upgrade removes it): install the kamailio package again, see README.txt"
	exit 0
fi

# A firmware upgrade can bring an older Kamailio: check_version says what is needed.
if ! check_version; then
	log "the installed Kamailio is too old for ${edgeosStore}/kamailio.cfg: /etc left as it is, Kamailio not restarted"
	exit 1
fi
${present.join('\n')}

if ! "$KAMAILIO" -c -f "$STORE/kamailio.cfg" >/dev/null 2>&1; then
	log "kamailio -c rejects ${edgeosStore}/kamailio.cfg: /etc left as it is, Kamailio not restarted"
	exit 1
fi

${copies.join('\n')}

if [ "$changed" = 1 ] || ! service running; then
	log "starting Kamailio for branch ${branch}"
	service restart
fi
`;
}
