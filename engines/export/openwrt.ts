// OpenWrt: Kamailio from the telephony feed's opkg packages, run by the bundle's own procd
// service (the package's /etc/init.d/kamailio has no respawn, and from 6.0.1 on it starts
// Kamailio daemonized, so procd cannot watch it), with its settings in UCI
// (/etc/config/surv) and its files listed in /etc/sysupgrade.conf so a firmware upgrade
// keeps them. What the feed's package installs is in docs/export.md, "OpenWrt".
import { checkName } from './escape.js';
import { ExportError } from './types.js';

/**
 * The core package: kamailio, kamcmd, kamctl, the kamailio user (OpenWrt 21.02 and later;
 * 19.07 called it kamailio5). Each module is a package of its own.
 */
export const opkgCore = 'kamailio';

/** Kamailio's module names: lower-case letters, digits and `_` (app_python3, cfg_rpc). */
const plainModule = /^[a-z][a-z0-9_]{0,63}$/;

/** The OpenWrt package of a Kamailio module: `_` becomes `-` (cfg_rpc: kamailio-mod-cfg-rpc). */
export function opkgModulePackage(module: string): string {
  if (!plainModule.test(module)) throw new ExportError(`${JSON.stringify(module)} is not a Kamailio module name`);
  return `kamailio-mod-${module.replace(/_/g, '-')}`;
}

/**
 * The modules a kamailio.cfg loads, in its order, each once. Only `loadmodule "NAME.so"`
 * is understood: a path, or a name that is not a plain module name, names no package,
 * so it is refused rather than left out of the list.
 */
export function cfgModules(cfgText: string): string[] {
  const found: string[] = [];
  cfgText.split('\n').forEach((line, i) => {
    const statement = /^\s*loadmodule\b(.*)$/.exec(line);
    if (!statement) return;
    const name = /^\s*"([^"]*)\.so"\s*$/.exec(statement[1]!)?.[1];
    if (name === undefined || !plainModule.test(name)) {
      throw new ExportError(`kamailio.cfg line ${i + 1}: ${JSON.stringify(line.trim())} does not load a module by its plain name (loadmodule "NAME.so"), so no OpenWrt package can be named for it`);
    }
    if (!found.includes(name)) found.push(name);
  });
  return found;
}

/** Every opkg package the cfg needs: the core (with kamcmd), then one per loaded module. */
export function opkgPackages(cfgText: string): string[] {
  return [opkgCore, ...cfgModules(cfgText).map(opkgModulePackage)];
}

/**
 * The whole `opkg update && opkg install ...` command, wrapped with `\` so each line fits
 * a terminal of `width` columns: it is meant to be pasted as it is.
 */
export function opkgInstallLines(packages: readonly string[], indent = '  ', width = 80): string[] {
  const lines: string[] = [];
  let line = `${indent}opkg update && opkg install`;
  for (const p of packages) {
    if (`${line} ${p} \\`.length > width) {
      lines.push(`${line} \\`);
      line = `${indent}  ${p}`;
    } else {
      line = `${line} ${p}`;
    }
  }
  lines.push(line);
  return lines;
}

/** The bundle's procd service and its UCI settings. */
export const openwrtInit = '/etc/init.d/surv-kamailio';
export const uciName = 'surv';
export const uciFile = `/etc/config/${uciName}`;
/** The UCI section (type kamailio) the init script reads. */
export const uciSection = 'kamailio';
/** rc.common's START: the enable link is /etc/rc.d/S95surv-kamailio. */
export const openwrtStart = 95;
export const openwrtEnableLink = `/etc/rc.d/S${openwrtStart}surv-kamailio`;

/** Shared and per-process memory in MB for a small router (kamailio -m / -M). */
export const openwrtMemory = { shmMb: 32, pkgMb: 4 } as const;

/**
 * procd's respawn: a Kamailio that ran less than `threshold` s counts as a crash; procd
 * waits `timeout` s before each start; `retry` 0 never gives up (procd's own default,
 * 3600 5 5, stops the service for good after the sixth crash within the hour, and a
 * survival proxy that gave up is worse than one that logs a failed start every 5 s).
 */
export const openwrtRespawn = { threshold: 3600, timeout: 5, retry: 0 } as const;

/** Where kamailio.cfg runs from (the package's own path: its init script and kamctl expect it). */
export const openwrtCfg = '/etc/kamailio/kamailio.cfg';

/** Where the package's Kamailio is and where it keeps its pid file and kamcmd's socket. */
const kamailioBin = '/usr/sbin/kamailio';
const runDir = '/var/run/kamailio';

/** /etc/config/surv: the same for every branch; the init script reads it at each start. */
export function renderUci(title: string, toolVersion: string): string {
  const option = (name: string, value: string | number) => `\toption ${name} '${value}'`;
  return [
    `# ${uciFile}: the survival proxy's start-up settings (${title}), written by surv ${toolVersion}.`,
    `# ${openwrtInit} reads them at every start. A change, e.g.`,
    `#   uci set ${uciName}.${uciSection}.shm_memory=64 && uci commit ${uciName} && ${openwrtInit} restart`,
    '# lasts until install.sh runs again: it puts this file back as exported.',
    '',
    `config kamailio '${uciSection}'`,
    option('cfg_file', openwrtCfg),
    '\t# Shared and per-process memory in MB: sized for a small router.',
    option('shm_memory', openwrtMemory.shmMb),
    option('pkg_memory', openwrtMemory.pkgMb),
    '\t# Kamailio drops root for this user and group (the kamailio package creates both).',
    option('user', 'kamailio'),
    option('group', 'kamailio'),
    '\t# procd starts Kamailio again when it dies: a run shorter than respawn_threshold s',
    '\t# counts as a crash, each start waits respawn_timeout s, and after more than',
    '\t# respawn_retry crashes in a row procd gives up (0: never).',
    option('respawn_threshold', openwrtRespawn.threshold),
    option('respawn_timeout', openwrtRespawn.timeout),
    option('respawn_retry', openwrtRespawn.retry),
    '',
  ].join('\n');
}

/** The procd init script. */
export function renderOpenwrtInit(branch: string, toolVersion: string): string {
  // A surv name (letters, digits, `_`, `-`) cannot leave its comment line.
  checkName(branch, 'branch name');
  const get = (name: string, fallback: string | number) => `\tconfig_get ${name} ${uciSection} ${name} ${fallback}`;
  return `#!/bin/sh /etc/rc.common
# ${openwrtInit}: surv ${toolVersion}, branch ${branch}.
# Runs Kamailio as the branch's survival proxy under procd, which starts it again when
# it dies, with the settings of ${uciFile} (UCI). The kamailio package's own
# /etc/init.d/kamailio stays disabled (install.sh disables it; its /etc/config/kamailio,
# enabled '0' by default, is left as it is): it would start a second Kamailio, and
# without respawn.
# Logs: Kamailio writes to syslog itself (logread -e kamailio); procd passes on what it
# prints before that.
# shellcheck shell=sh disable=SC2034 # START and USE_PROCD are read by /etc/rc.common

START=${openwrtStart}
USE_PROCD=1
PROG=${kamailioBin}
RUNDIR=${runDir}

# The opkg package of each module the cfg loads, each after a space, as README.txt lists
# them: kamailio-mod-NAME, with _ as -.
cfg_packages() {
	sed -n 's/^[[:space:]]*loadmodule[[:space:]]*"\\([a-z][a-z0-9_]*\\)\\.so"[[:space:]]*$/\\1/p' "$1" |
		while IFS= read -r module; do printf ' kamailio-mod-%s' "$module"; done | tr '_' '-'
}

# shellcheck disable=SC2154 # config_get (rc.common's /lib/functions.sh) sets the settings
start_service() {
	config_load ${uciName}
${get('cfg_file', openwrtCfg)}
${get('shm_memory', openwrtMemory.shmMb)}
${get('pkg_memory', openwrtMemory.pkgMb)}
${get('user', 'kamailio')}
${get('group', 'kamailio')}
${get('respawn_threshold', openwrtRespawn.threshold)}
${get('respawn_timeout', openwrtRespawn.timeout)}
${get('respawn_retry', openwrtRespawn.retry)}

	# A firmware upgrade keeps this script and the files but removes opkg packages.
	if [ ! -x "$PROG" ]; then
		logger -p daemon.err -t surv-kamailio "kamailio is not installed (a sysupgrade removes opkg packages): opkg update && opkg install ${opkgCore}$(cfg_packages "$cfg_file")"
		return 1
	fi
	# Kamailio's pid file and kamcmd's control socket; it must own them once it drops root.
	mkdir -p "$RUNDIR"
	chown "$user:$group" "$RUNDIR"

	procd_open_instance
	# -DD: stays in the foreground, the process procd watches; no -E: logs go to syslog.
	procd_set_param command "$PROG" -DD -f "$cfg_file" -m "$shm_memory" -M "$pkg_memory" -u "$user" -g "$group" -P "$RUNDIR/kamailio.pid"
	procd_set_param respawn "$respawn_threshold" "$respawn_timeout" "$respawn_retry"
	procd_set_param stdout 1
	procd_set_param stderr 1
	procd_close_instance
}

# uci commit ${uciName}, then reload_config: procd restarts Kamailio with the new settings.
service_triggers() {
	procd_add_reload_trigger ${uciName}
}
`;
}
