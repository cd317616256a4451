// install.sh: POSIX sh, idempotent, with --dry-run; checks the new configuration with
// `kamailio -c` before anything is swapped in, keeps every file it (or the EdgeOS boot
// hook it runs) changes in a journal, and plays that journal back on any failure: a
// Kamailio that does not come up, a failing command, a signal, or a run killed outright
// (the next run finds the journal). Every value put into it is single-quoted or made
// by the exporter from fixed paths.
import { shellQuote } from './escape.js';
import { edgeosHook, edgeosService, edgeosStore, installStateDir, sysupgradeEntries, hookCopies, placements, type HookCopy, type Placement } from './targets.js';
import type { CfgRead, Target } from './types.js';

function serviceFunction(target: Target): string {
  switch (target) {
    case 'debian':
      return `service() {
	if [ -n "\${SURV_SERVICE:-}" ]; then "$SURV_SERVICE" "$@"; return; fi
	case $1 in
		running) systemctl is-active --quiet kamailio ;;
		restart)
			systemctl daemon-reload
			systemctl enable kamailio >/dev/null 2>&1 || true
			systemctl restart kamailio ;;
		wanted) return 0 ;;
	esac
}

start_new() { service restart; }`;
    case 'openwrt':
      return `service() {
	if [ -n "\${SURV_SERVICE:-}" ]; then "$SURV_SERVICE" "$@"; return; fi
	case $1 in
		running) pidof kamailio >/dev/null 2>&1 ;;
		restart)
			# The kamailio package's own init script would start a second Kamailio.
			if [ -x /etc/init.d/kamailio ]; then
				/etc/init.d/kamailio stop >/dev/null 2>&1 || true
				/etc/init.d/kamailio disable >/dev/null 2>&1 || true
			fi
			if [ -x /etc/init.d/surv-kamailio ]; then
				/etc/init.d/surv-kamailio enable
				/etc/init.d/surv-kamailio restart
			else
				# Rolled back to before the first install: procd forgets surv's instance, and
				# the package's own service runs again only if its UCI config enables it.
				ubus call service delete '{"name":"surv-kamailio"}' >/dev/null 2>&1 || true
				if service wanted; then
					/etc/init.d/kamailio enable
					/etc/init.d/kamailio restart
				fi
			fi ;;
		# Whether Kamailio should run at all: the package's service is off ('enabled 0') by default.
		wanted) [ -x /etc/init.d/surv-kamailio ] || [ "$(uci -q get kamailio.general.enabled 2>/dev/null)" = 1 ] ;;
	esac
}

start_new() { service restart; }`;
    case 'edgeos':
      return `${edgeosService}

# The boot hook copies the files from /config into /etc and restarts Kamailio, exactly
# as it will at every boot. A rollback restarts Kamailio with service(), never through
# a hook it may just have removed.
start_new() { SURV_ROOT="$ROOT" sh "$ROOT${edgeosHook}"; }`;
  }
}

/** OpenWrt: the lines /etc/sysupgrade.conf must hold so a firmware upgrade keeps the install. */
function sysupgradeList(target: Target, hasDispatcher: boolean): string {
  if (target !== 'openwrt') return 'sysupgrade_entry() { :; }';
  return `sysupgrade_entry() {\n${sysupgradeEntries(hasDispatcher).map((e) => `\t"$@" ${shellQuote(e)}`).join('\n')}\n}`;
}

function eachFile(list: readonly Placement[]): string {
  return `each_file() {\n${list.map((p) => `\t"$@" ${p.file} ${p.destination} ${p.mode}`).join('\n')}\n}`;
}

function hookFile(list: readonly HookCopy[]): string {
  if (list.length === 0) return 'hook_file() { :; }';
  return `hook_file() {\n${list.map((c) => `\t"$@" ${c.file} ${c.destination}`).join('\n')}\n}`;
}


/**
 * A shell function `NAME` that calls its arguments once per file the cfg reads from
 * `from` (the site's TLS files: checked before anything changes; the bundle's own:
 * checked in place before the restart), with the path and what it is.
 */
function readList(name: string, reads: readonly CfgRead[], from: CfgRead['from']): string {
  const list = reads.filter((r) => r.from === from);
  if (list.length === 0) return `${name}() { :; }`;
  return `${name}() {\n${list.map((r) => `\t"$@" ${shellQuote(r.path)} ${shellQuote(r.what)}`).join('\n')}\n}`;
}

export interface InstallOptions {
  /** Every file the cfg reads (Bundle.reads). */
  readonly reads: readonly CfgRead[];
  /** A POSIX sh function `check_version` that refuses an older Kamailio; called with no arguments. */
  readonly versionCheck: string;
}

export function renderInstallScript(branch: string, target: Target, toolVersion: string, hasDispatcher: boolean, options: InstallOptions): string {
  const { reads, versionCheck } = options;
  // Where the journal and the last install's are kept (below SURV_ROOT): on flash, not in RAM.
  const installState = installStateDir[target];
  const lastInstall = `${installState}.last`;
  const list = placements(target, hasDispatcher);
  const copies = hookCopies(target, hasDispatcher);
  return `#!/bin/sh
# install.sh: installs the survival proxy of branch ${branch} (surv ${toolVersion}, target ${target}).
#
#   sh install.sh             install; does nothing when this bundle is installed already
#   sh install.sh --dry-run   show what would change (a diff per file) and change nothing
#   sh install.sh --rollback  undo the last successful install on this router (whichever
#                             bundle it came from) and restart Kamailio on what it replaced
#
# Steps: check the bundle (SHA256SUMS); check the installed Kamailio's version (kamailio -v)
# and the files the cfg reads that the site provides; check the new kamailio.cfg with kamailio -c;
# check that nothing is in the way; copy the files that differ, keeping each previous
# one as FILE.surv-previous; restart Kamailio. Every change is recorded in a journal
# (${installState}) before it is made: when anything fails (Kamailio does not come up,
# a command fails, Ctrl-C or another signal), the journal is played back and every
# file is as it was before; a run killed outright is rolled back by the next run. The
# journal of the last successful install is kept (${lastInstall}) for --rollback.
# For tests only: SURV_ROOT stands for /, SURV_KAMAILIO for the kamailio binary,
# SURV_SERVICE for the service manager, SURV_SETTLE and SURV_WAIT for the waits (s).
set -eu

BRANCH=${shellQuote(branch)}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=\${SURV_ROOT:-}
SETTLE=\${SURV_SETTLE:-2}
WAIT=\${SURV_WAIT:-10}
STATE="$ROOT${installState}"
LAST="$ROOT${lastInstall}"
DRY_RUN=0
ROLLBACK=0
JOURNALING=0
RESTARTED=0
KEPT=0
undone=''

usage() {
	printf '%s\\n' 'usage: sh install.sh [--dry-run] [--rollback]' \\
		'Installs the Kamailio survival proxy of this bundle; --dry-run shows the changes only;' \\
		'--rollback undoes the last successful install on this router.'
}

for arg in "$@"; do
	case $arg in
		-n|--dry-run) DRY_RUN=1 ;;
		--rollback) ROLLBACK=1 ;;
		-h|--help) usage; exit 0 ;;
		*) printf 'install.sh: unknown option: %s\\n' "$arg" >&2; usage >&2; exit 2 ;;
	esac
done

say() { printf '%s\\n' "$*"; }
warn() { printf 'install.sh: %s\\n' "$*" >&2; }
fail() { warn "$*"; exit 1; }

# Each bundle file install.sh copies, where it goes, and its mode.
${eachFile(list)}

# Each bundle file the boot hook copies into /etc when it starts Kamailio, and where.
${hookFile(copies)}

# Each path /etc/sysupgrade.conf must list so a firmware upgrade keeps it (OpenWrt).
${sysupgradeList(target, hasDispatcher)}

# Each file the cfg reads that the site provides (TLS), and what it is.
${readList('site_file', reads, 'site')}

# Each file the cfg reads that this bundle installs, where the running cfg reads it.
${readList('read_file', target === 'edgeos' ? reads.map((r) => (r.from === 'bundle' ? { ...r, path: `${edgeosStore}/${r.path.slice(r.path.lastIndexOf('/') + 1)}` } : r)) : reads, 'bundle')}

${versionCheck}

${serviceFunction(target)}

kamailio_bin() {
	if [ -n "\${SURV_KAMAILIO:-}" ]; then say "$SURV_KAMAILIO"; return; fi
	command -v kamailio 2>/dev/null || say /usr/sbin/kamailio
}

wait_running() {
	sleep "$SETTLE"
	i=0
	while [ "$i" -lt "$WAIT" ]; do
		if service running; then return 0; fi
		sleep 1
		i=$((i + 1))
	done
	service running
}

# The journal: STATE/journal holds one line per change, written before the change is
# made: "dir PATH" (a folder created), "new PATH" (a file that did not exist), "keep N
# PATH" (PATH's previous content, copied to STATE/N). Played back from the end it puts
# everything back. STATE goes only after a successful install or a complete playback.
# shellcheck disable=SC2317 # called by the functions each_file runs
record() { printf '%s\\n' "$*" >>"$STATE/journal"; }

# Remembers what PATH is now, once per run, before it changes.
# shellcheck disable=SC2317 # called through each_file
keep() {
	if grep -Fqx -e "$1" "$STATE/paths"; then return 0; fi
	printf '%s\\n' "$1" >>"$STATE/paths"
	if [ -f "$1" ]; then
		KEPT=$((KEPT + 1))
		cp -p "$1" "$STATE/$KEPT"
		record "keep $KEPT $1"
	else
		record "new $1"
	fi
}

# shellcheck disable=SC2317 # called through each_file
make_dir() {
	if [ -d "$1" ]; then return 0; fi
	make_dir "$(dirname "$1")"
	record "dir $1"
	mkdir "$1"
}

# Plays back the journal in folder $1 (STATE, or LAST for --rollback). Returns non-zero
# when a file could not be put back (the journal is then kept).
play_back() {
	dir=$1
	[ -f "$dir/journal" ] || return 0
	awk '{ line[NR] = $0 } END { for (i = NR; i > 0; i--) print line[i] }' "$dir/journal" >"$dir/reverse" || return 1
	complete=0
	while IFS= read -r entry; do
		action=\${entry%% *}
		path=\${entry#* }
		case $action in
			keep)
				n=\${path%% *}
				path=\${path#* }
				if ! { cp -p "$dir/$n" "$path.surv-back" && mv -f "$path.surv-back" "$path"; }; then
					rm -f "$path.surv-back"
					complete=1
				fi ;;
			new) rm -f "$path" || complete=1 ;;
			dir) rmdir "$path" 2>/dev/null || true ;;
		esac
	done <"$dir/reverse"
	return "$complete"
}

# Plays the journal back, then restarts Kamailio on the previous files if it was
# restarted on the new ones; says how it went in $undone.
undo() {
	trap '' HUP INT TERM
	set +e
	JOURNALING=0
	if play_back "$STATE"; then
		rm -rf "$STATE"
		undone='rolled back, every file is as it was before'
	else
		undone="could not put every file back: the journal is kept in $STATE and the next run of install.sh tries again"
	fi
	if [ "$RESTARTED" = 1 ]; then
		if service restart && ! service wanted; then
			undone="$undone; Kamailio was not enabled before, so it stays stopped"
		elif wait_running; then
			undone="$undone; the previous configuration is running"
		else
			undone="$undone; the previous configuration does not start either: see the system log"
		fi
	fi
}

# Any exit while the journal is open (a failing command under set -e, a signal) rolls back.
# shellcheck disable=SC2317 # called by the EXIT trap
on_exit() {
	status=$?
	trap - EXIT
	if [ "$JOURNALING" = 1 ]; then
		if [ "$status" = 0 ]; then status=1; fi
		undo
		warn "stopped before the install was complete (exit status $status): $undone"
	fi
	exit "$status"
}
trap on_exit EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "$DRY_RUN" = 0 ] && [ -z "$ROOT" ] && [ "$(id -u)" != 0 ]; then
	fail 'run it as root (sudo sh install.sh), or try --dry-run'
fi

# 0. A run killed outright (kill -9, a power cut) left its journal: roll it back first.
if [ -d "$STATE" ]; then
	pid=$(cat "$STATE/pid" 2>/dev/null || true)
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		fail "another install.sh is running (pid $pid): let it finish"
	fi
	if [ "$DRY_RUN" = 1 ]; then
		say "an earlier run was interrupted: install.sh will first roll back its changes (journal in $STATE)"
	elif play_back "$STATE"; then
		rm -rf "$STATE"
		warn 'an earlier run was interrupted before it finished: rolled back its changes'
	else
		fail "an earlier run was interrupted and its changes cannot all be rolled back: see $STATE/journal"
	fi
fi

# --rollback: play back the journal of the last successful install, then restart.
if [ "$ROLLBACK" = 1 ]; then
	if [ ! -f "$LAST/journal" ]; then
		say 'nothing to roll back: no install by install.sh is kept on this router'
		exit 0
	fi
	if [ "$DRY_RUN" = 1 ]; then
		say "dry run: --rollback would put back what the last install changed, then restart Kamailio:"
		awk '{ line[NR] = $0 } END { for (i = NR; i > 0; i--) print line[i] }' "$LAST/journal" | while IFS= read -r entry; do
			case \${entry%% *} in
				keep) p=\${entry#* }; say "restore    \${p#* }" ;;
				new) say "remove     \${entry#* }" ;;
			esac
		done
		exit 0
	fi
	RESTARTED=1
	if ! play_back "$LAST"; then
		fail "could not put every file back: the journal is kept in $LAST; run --rollback again"
	fi
	rm -rf "$LAST"
	if service restart && ! service wanted; then
		say 'rolled back: the last install is undone; Kamailio was not enabled before it, so it stays stopped'
		exit 0
	fi
	if wait_running; then
		say 'rolled back: the last install is undone and Kamailio runs the configuration it replaced'
		exit 0
	fi
	fail 'rolled back: every file is as it was before the last install, but Kamailio does not start on it: see the system log'
fi

# 1. The bundle arrived whole.
if command -v sha256sum >/dev/null 2>&1; then
	(cd "$HERE" && sha256sum -c SHA256SUMS >/dev/null 2>&1) ||
		fail 'the bundle is damaged or incomplete (sha256sum -c SHA256SUMS fails): copy it again'
fi

# 2. Kamailio is installed and accepts the new configuration.
KAMAILIO=$(kamailio_bin)
[ -x "$KAMAILIO" ] || fail "kamailio is not installed ($KAMAILIO): see README.txt"
check_version || fail 'nothing was changed'

# shellcheck disable=SC2317 # called through site_file
site_present() {
	[ -r "$ROOT$1" ] || fail "$2 $1 is missing or unreadable: put it there (readable by the kamailio user) before installing; nothing was changed"
}
site_file site_present
if ! check=$("$KAMAILIO" -c -f "$HERE/kamailio.cfg" 2>&1); then
	printf '%s\\n' "$check" >&2
	fail 'kamailio -c rejects the new kamailio.cfg: nothing was changed'
fi

# 3. What differs from what is installed, and nothing in the way.
changes=0
blocked=''
# shellcheck disable=SC2317 # called through each_file
compare_one() {
	dest="$ROOT$2"
	for p in "$dest" "$dest.surv-new" "$dest.surv-previous"; do
		if [ -L "$p" ] || { [ -e "$p" ] && [ ! -f "$p" ]; }; then blocked=\${blocked:-\${p#"$ROOT"}}; fi
	done
	if [ -f "$dest" ] && cmp -s "$HERE/$1" "$dest"; then
		if [ "$DRY_RUN" = 1 ]; then say "unchanged  $2\${4:-}"; fi
		return 0
	fi
	changes=$((changes + 1))
	[ "$DRY_RUN" = 1 ] || return 0
	if [ -f "$dest" ]; then
		say "changed    $2\${4:-}"
		if command -v diff >/dev/null 2>&1; then diff -u "$dest" "$HERE/$1" || true; fi
	else
		say "new        $2\${4:-}"
	fi
}
# shellcheck disable=SC2317 # called through hook_file
compare_hook_one() { compare_one "$1" "$2" 644 ' (copied there by the boot hook)'; }
each_file compare_one
hook_file compare_hook_one
# shellcheck disable=SC2317 # called through sysupgrade_entry
listed_one() {
	if [ -f "$ROOT/etc/sysupgrade.conf" ] && grep -Fqx -e "$1" "$ROOT/etc/sysupgrade.conf"; then return 0; fi
	changes=$((changes + 1))
	if [ "$DRY_RUN" = 1 ]; then say "listed     $1 (in /etc/sysupgrade.conf, kept by firmware upgrades)"; fi
}
sysupgrade_entry listed_one
if [ -n "$blocked" ]; then
	fail "$blocked is in the way (a folder, a link or a special file where a file goes): nothing was changed"
fi

if [ "$DRY_RUN" = 1 ]; then
	if [ "$changes" = 0 ]; then
		say 'dry run: nothing would change'
	else
		say "dry run: $changes file(s) would change (each replaced one kept as FILE.surv-previous) and Kamailio would be restarted; nothing was changed"
	fi
	exit 0
fi

if [ "$changes" = 0 ]; then
	if service running; then
		say "already installed: branch $BRANCH, nothing to do"
		exit 0
	fi
	say 'files already in place; starting Kamailio'
	if service restart && wait_running; then exit 0; fi
	fail 'Kamailio does not start: see the system log'
fi

# 4. Open the journal, then put the new files in place (atomically, file by file).
mkdir -p "$(dirname "$STATE")"
mkdir "$STATE" || fail "cannot create $STATE: is another install.sh running?"
JOURNALING=1
printf '%s\\n' "$$" >"$STATE/pid"
: >"$STATE/journal"
: >"$STATE/paths"

# Journals what putting the bundle's $1 at $ROOT$2 changes (into $dest); sets same=1,
# journaling nothing, when $dest holds that file already. (A status instead of $same
# would switch set -e off inside it.)
# shellcheck disable=SC2317 # called through each_file and hook_file
keep_one() {
	dest="$ROOT$2"
	same=0
	if [ -f "$dest" ] && cmp -s "$HERE/$1" "$dest"; then same=1; return 0; fi
	make_dir "$(dirname "$dest")"
	keep "$dest.surv-new"
	keep "$dest"
	keep "$dest.surv-previous"
}
# shellcheck disable=SC2317 # called through each_file
install_one() {
	keep_one "$@"
	if [ "$same" = 1 ]; then return 0; fi
	if [ -f "$dest" ]; then cp -p "$dest" "$dest.surv-previous"; fi
	cp "$HERE/$1" "$dest.surv-new"
	chmod "$3" "$dest.surv-new"
	mv -f "$dest.surv-new" "$dest"
	say "installed  $2"
}
each_file install_one
# shellcheck disable=SC2317 # called through sysupgrade_entry
list_one() {
	conf="$ROOT/etc/sysupgrade.conf"
	if [ -f "$conf" ] && grep -Fqx -e "$1" "$conf"; then return 0; fi
	make_dir "$(dirname "$conf")"
	keep "$conf"
	printf '%s\\n' "$1" >>"$conf"
	say "listed     $1 in /etc/sysupgrade.conf"
}
sysupgrade_entry list_one
# What the boot hook will write in /etc is kept now: the journal covers it too.
hook_file keep_one

# 5. Every file the cfg reads is in place (kamailio -c does not open them), then restart;
# if Kamailio does not come up, play the journal back.
# shellcheck disable=SC2317 # called through read_file
read_present() {
	[ -r "$ROOT$1" ] || fail "$2 is not at $1 after the copy: not restarting Kamailio"
}
read_file read_present
RESTARTED=1
if start_new && wait_running; then
	# The journal goes first: from here on a kill must not roll back a working install.
	# Renaming the journal is the commit: a later run finds no journal to play back. It
	# is kept, as LAST, for --rollback.
	trap '' HUP INT TERM
	mv "$STATE/journal" "$STATE/kept"
	JOURNALING=0
	# Past the commit a failure costs only --rollback, never the install.
	rm -rf "$LAST" || true
	rm -f "$STATE/pid" "$STATE/paths" "$STATE/reverse" || true
	{ mv "$STATE" "$LAST" && mv "$LAST/kept" "$LAST/journal"; } || rm -rf "$STATE" || true
	say "Kamailio runs the survival proxy of branch $BRANCH. Previous files: *.surv-previous"
	exit 0
fi
warn 'Kamailio did not come up with the new files: rolling back'
undo
fail "the new configuration did not start: $undone"
`;
}
