#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# load.sh - "make load": load rundown.ko and the wdm_port example into the
# running kernel, on real hardware or in a VM, and show wdm_port's report.
#
# Needs root, and modules built for the running kernel (make with the
# default KDIR).  rundown stays loaded afterwards, and so does wdm_port,
# whose scenario runs while it is being loaded; "rmmod wdm_port rundown"
# removes both.  Environment: RUNDOWN_DURATION_MS (default 3000).

set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
trap - EXIT	# not a test run: no "N passed, M failed" summary

DURATION_MS=${RUNDOWN_DURATION_MS:-3000}
RUNDOWN_KO=$REPO/rundown/rundown.ko
PORT_KO=$REPO/examples/wdm_port.ko

say()
{
	echo "load: $*"
}

# insmod_or_explain <module> [parameters]: insmod, with a hint on failure.
insmod_or_explain()
{
	if ! insmod "$@"; then
		say "could not load $1; the kernel log says:"
		dmesg | tail -n 5
		say "with Secure Boot, the kernel only loads signed modules:"
		say "install with 'sudo make dkms-install' (DKMS signs with its MOK key)"
		exit 1
	fi
}

krel=$(uname -r)
for ko in "$RUNDOWN_KO" "$PORT_KO"; do
	[ -f "$ko" ] || rd_die "$ko is missing: run 'make' and 'make examples' first"
	vermagic=$(modinfo -F vermagic "$ko")
	[ "${vermagic%% *}" = "$krel" ] ||
		rd_die "$ko is built for ${vermagic%% *}, the running kernel is $krel: rebuild with the default KDIR"
done
[ "$(id -u)" -eq 0 ] || rd_die "loading modules needs root: run 'sudo make load'"
[ ! -d /sys/module/wdm_port ] ||
	rd_die "wdm_port is loaded already: 'sudo rmmod wdm_port' first"

if [ -d /sys/module/rundown ]; then
	say "rundown is loaded already (version $(cat /sys/module/rundown/version 2>/dev/null || echo unknown)): using it"
else
	say "loading $RUNDOWN_KO into $krel"
	insmod_or_explain "$RUNDOWN_KO"
fi

say "loading $PORT_KO: it replaces its scan provider while every CPU sends I/O for $DURATION_MS ms"
insmod_or_explain "$PORT_KO" duration_ms="$DURATION_MS"
dmesg | sed -n 's/^\[[ 0-9.]*\] \(wdm_port: \)/  \1/p' | tail -n 8
say "done; both modules stay loaded: 'sudo rmmod wdm_port rundown' removes them"
