// install.sh: POSIX sh, idempotent, with --dry-run; checks the new configuration with
// `kamailio -c` before anything is swapped in, keeps the previous files, and rolls
// back when Kamailio does not come up. Every value put into it is single-quoted or
// made by the exporter from fixed paths.
import { shellQuote } from './escape.js';
import { edgeosHook, placements, type Placement } from './targets.js';
import type { Target } from './types.js';

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
	esac
}`;
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
			/etc/init.d/surv-kamailio enable
			/etc/init.d/surv-kamailio restart ;;
	esac
}`;
    case 'edgeos':
      return `service() {
	case $1 in
		running)
			if [ -n "\${SURV_SERVICE:-}" ]; then "$SURV_SERVICE" running; return; fi
			pidof kamailio >/dev/null 2>&1 ;;
		restart)
			# The boot hook copies the files from /config into /etc and restarts Kamailio,
			# exactly as it will at every boot.
			SURV_ROOT="$ROOT" sh "$ROOT${edgeosHook}" ;;
	esac
}`;
  }
}

function eachFile(list: readonly Placement[]): string {
  return `each_file() {\n${list.map((p) => `\t"$@" ${p.file} ${p.destination} ${p.mode}`).join('\n')}\n}`;
}

export function renderInstallScript(branch: string, target: Target, toolVersion: string, hasDispatcher: boolean): string {
  const list = placements(target, hasDispatcher);
  return `#!/bin/sh
# install.sh: installs the survival proxy of branch ${branch} (surv ${toolVersion}, target ${target}).
#
#   sh install.sh            install; does nothing when this bundle is installed already
#   sh install.sh --dry-run  show what would change (a diff per file) and change nothing
#
# Steps: check the bundle (SHA256SUMS); check the new kamailio.cfg with kamailio -c;
# copy the files that differ, keeping each previous one as FILE.surv-previous; restart
# Kamailio; if it does not come up, put the previous files back and restart again.
# For tests only: SURV_ROOT stands for /, SURV_KAMAILIO for the kamailio binary,
# SURV_SERVICE for the service manager, SURV_SETTLE and SURV_WAIT for the waits (s).
set -eu

BRANCH=${shellQuote(branch)}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=\${SURV_ROOT:-}
SETTLE=\${SURV_SETTLE:-2}
WAIT=\${SURV_WAIT:-10}
DRY_RUN=0

usage() {
	printf '%s\\n' 'usage: sh install.sh [--dry-run]' \\
		'Installs the Kamailio survival proxy of this bundle; --dry-run shows the changes only.'
}

for arg in "$@"; do
	case $arg in
		-n|--dry-run) DRY_RUN=1 ;;
		-h|--help) usage; exit 0 ;;
		*) printf 'install.sh: unknown option: %s\\n' "$arg" >&2; usage >&2; exit 2 ;;
	esac
done

say() { printf '%s\\n' "$*"; }
fail() { printf 'install.sh: %s\\n' "$*" >&2; exit 1; }

# Each bundle file, where it goes, and its mode.
${eachFile(list)}

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

if [ "$DRY_RUN" = 0 ] && [ -z "$ROOT" ] && [ "$(id -u)" != 0 ]; then
	fail 'run it as root (sudo sh install.sh), or try --dry-run'
fi

# 1. The bundle arrived whole.
if command -v sha256sum >/dev/null 2>&1; then
	(cd "$HERE" && sha256sum -c SHA256SUMS >/dev/null 2>&1) ||
		fail 'the bundle is damaged or incomplete (sha256sum -c SHA256SUMS fails): copy it again'
fi

# 2. Kamailio is installed and accepts the new configuration.
KAMAILIO=$(kamailio_bin)
[ -x "$KAMAILIO" ] || fail "kamailio is not installed ($KAMAILIO): see README.txt"
if ! check=$("$KAMAILIO" -c -f "$HERE/kamailio.cfg" 2>&1); then
	printf '%s\\n' "$check" >&2
	fail 'kamailio -c rejects the new kamailio.cfg: nothing was changed'
fi

# 3. What differs from what is installed.
changes=0
# shellcheck disable=SC2317 # called through each_file
compare_one() {
	dest="$ROOT$2"
	if [ -f "$dest" ] && cmp -s "$HERE/$1" "$dest"; then
		if [ "$DRY_RUN" = 1 ]; then say "unchanged  $2"; fi
		return 0
	fi
	changes=$((changes + 1))
	[ "$DRY_RUN" = 1 ] || return 0
	if [ -f "$dest" ]; then
		say "changed    $2"
		if command -v diff >/dev/null 2>&1; then diff -u "$dest" "$HERE/$1" || true; fi
	else
		say "new        $2"
	fi
}
each_file compare_one

if [ "$DRY_RUN" = 1 ]; then
	if [ "$changes" = 0 ]; then
		say 'dry run: nothing would change'
	else
		say "dry run: $changes file(s) would change and Kamailio would be restarted; nothing was changed"
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

# 4. Keep the previous files, put the new ones in place (atomically, file by file).
JOURNAL=$(mktemp "\${TMPDIR:-/tmp}/surv-install.XXXXXX")
trap 'rm -f "$JOURNAL"' EXIT
# shellcheck disable=SC2317 # called through each_file
install_one() {
	dest="$ROOT$2"
	if [ -f "$dest" ] && cmp -s "$HERE/$1" "$dest"; then return 0; fi
	mkdir -p "$(dirname "$dest")"
	if [ -f "$dest" ]; then
		cp -p "$dest" "$dest.surv-previous"
		printf 'restore %s\\n' "$dest" >>"$JOURNAL"
	else
		printf 'remove %s\\n' "$dest" >>"$JOURNAL"
	fi
	cp "$HERE/$1" "$dest.surv-new"
	chmod "$3" "$dest.surv-new"
	mv -f "$dest.surv-new" "$dest"
	say "installed  $2"
}
rollback() {
	while read -r action dest; do
		case $action in
			restore) mv -f "$dest.surv-previous" "$dest" ;;
			remove) rm -f "$dest" ;;
		esac
	done <"$JOURNAL"
}
each_file install_one

# 5. Restart; if Kamailio does not come up, go back to the previous files.
if service restart && wait_running; then
	say "Kamailio runs the survival proxy of branch $BRANCH. Previous files: *.surv-previous"
	exit 0
fi
say 'Kamailio did not come up with the new files: restoring the previous ones' >&2
rollback
if service restart && wait_running; then
	fail 'the new configuration did not start; the previous one is back and running'
fi
fail 'the new configuration did not start, and the previous one did not either: see the system log'
`;
}
