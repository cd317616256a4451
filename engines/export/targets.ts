// What differs per router platform: where files go, how Kamailio is started at boot,
// how big its memory is. install.sh (install-script.ts) reads this.
import type { Target } from './types.js';

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
  openwrt: { target: 'openwrt', title: 'OpenWrt, procd', shmMb: 32, pkgMb: 4, cfgPath: '/etc/kamailio/kamailio.cfg', dispatcherList: '/etc/kamailio/dispatcher.list' },
};

/** The EdgeOS boot hook and the folder under /config that survives firmware upgrades. */
export const edgeosStore = '/config/surv';
export const edgeosHook = '/config/scripts/post-config.d/surv-kamailio.sh';
export const openwrtInit = '/etc/init.d/surv-kamailio';
export const debianDropIn = '/etc/systemd/system/kamailio.service.d/surv.conf';

/** The bundle's own names of the boot files. */
export const bootFile: Record<Target, string> = {
  edgeos: 'surv-kamailio.sh',
  debian: 'kamailio-surv.conf',
  openwrt: 'surv-kamailio.init',
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
  list.push({ file: 'kamailio.default', destination: '/etc/default/kamailio', mode: '644' });
  if (hasDispatcher) list.push({ file: 'dispatcher.list', destination: info.dispatcherList, mode: '644' });
  if (target === 'debian') list.push({ file: bootFile.debian, destination: debianDropIn, mode: '644' });
  else list.push({ file: bootFile.openwrt, destination: openwrtInit, mode: '755' });
  return list;
}

export function renderDefaults(target: Target, toolVersion: string): string {
  const info = targetInfo[target];
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
export function renderEdgeosHook(branch: string, toolVersion: string, hasDispatcher: boolean): string {
  const copies = hookCopies('edgeos', hasDispatcher).map((c) => `put ${c.file} ${c.destination}`);
  return `#!/bin/sh
# ${edgeosHook}: surv ${toolVersion}, branch ${branch}.
# EdgeOS runs this at every boot, after the configuration is loaded. A firmware upgrade
# keeps only /config, so the Kamailio files live in ${edgeosStore} and are copied into /etc
# here; then Kamailio is (re)started when a file changed or it is not running.
# The copy in ${edgeosStore} is checked with kamailio -c first: a configuration Kamailio
# rejects never reaches /etc. A file replaced in /etc is kept as FILE.surv-previous.
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

${edgeosService}

KAMAILIO=$(kamailio_bin)
if [ ! -x "$KAMAILIO" ]; then
	log "kamailio is not installed (a firmware upgrade removes it): install the kamailio package again, see README.txt"
	exit 0
fi

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

/** OpenWrt procd init script. */
export function renderOpenwrtInit(branch: string, toolVersion: string): string {
  return `#!/bin/sh /etc/rc.common
# shellcheck shell=sh disable=SC2034
# ${openwrtInit}: surv ${toolVersion}, branch ${branch}.
# Starts Kamailio under procd (respawned if it dies) with the branch's configuration and
# the memory sizes of /etc/default/kamailio. Replaces the kamailio package's own script.

START=95
STOP=10
USE_PROCD=1

start_service() {
	CFGFILE=/etc/kamailio/kamailio.cfg
	SHM_MEMORY=${targetInfo.openwrt.shmMb}
	PKG_MEMORY=${targetInfo.openwrt.pkgMb}
	# shellcheck source=/dev/null
	[ -f /etc/default/kamailio ] && . /etc/default/kamailio
	mkdir -p /var/run/kamailio
	procd_open_instance
	procd_set_param command /usr/sbin/kamailio -DD -E -f "$CFGFILE" -m "$SHM_MEMORY" -M "$PKG_MEMORY" -P /var/run/kamailio/kamailio.pid
	# The kamailio package creates its own user: run as it, not as root.
	if grep -q '^kamailio:' /etc/passwd; then
		chown kamailio:kamailio /var/run/kamailio
		procd_set_param user kamailio
	fi
	procd_set_param respawn
	procd_set_param stdout 1
	procd_set_param stderr 1
	procd_close_instance
}
`;
}
