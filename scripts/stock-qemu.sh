#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# stock-qemu.sh - the users' path: rundown and its example consumers on the
# stock Debian kernels (6.1, and the newest 6.12), in QEMU (TCG).
#
# For each kernel: install its unsigned image and headers if they are
# missing (apt-get, as root), build rundown.ko with W=1, build the example
# consumers against it as a consumer would (examples/Makefile), boot the
# kernel with an initramfs whose /init (scripts/stock-qemu.init) loads
# rundown, runs rundown_selfcheck and the wdm_port scenario, checks that
# rundown cannot be unloaded under a consumer, and powers off.
#
# Counted as checks: each build, each /init check and each
# rundown_selfcheck line, and per kernel: the guest reached its end marker,
# the log has no "not ok" and no kernel splat, and the selfcheck called
# every routine that include/rundown/*.h declares.
#
# Usage: scripts/stock-qemu.sh [6.1|6.12]...   (default: both)
# Environment: RUNDOWN_SMP (guest CPUs, default 2), RUNDOWN_TIMEOUT
# (seconds per boot, default 300), RUNDOWN_DURATION_MS (wdm_port scenario,
# default 1000), RUNDOWN_VERBOSE=1 (show the guest console), RUNDOWN_CACHE.
# The logs stay in $RUNDOWN_CACHE/stock-<release>/.  The last line printed
# is "N passed, M failed".

set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

SMP=${RUNDOWN_SMP:-2}
TIMEOUT=${RUNDOWN_TIMEOUT:-300}
DURATION_MS=${RUNDOWN_DURATION_MS:-1000}
P=stock-qemu

# Every routine name the public headers declare (macros included); with
# "__", the double-underscore functions behind the macros too.
api_names()
{
	grep -ohE "\\b(${1:-})?(Ex[A-Za-z]+|rundown_[a-z_]+)\\(" \
		"$REPO"/include/rundown/*.h | tr -d '(' | sort -u
}

# linked <build folder>: rundown_selfcheck.ko calls every function that
# rundown exports and the headers declare, including the exported
# functions behind the headers' macros.
linked()
{
	local name missing=0 used exported

	used=$(nm -u "$1/examples/rundown_selfcheck.ko" | awk '{ print $2 }')
	exported=$(cut -f 2 "$1/Module.symvers")
	for name in $(api_names __); do
		grep -qx -- "$name" <<<"$exported" || continue
		grep -qx -- "$name" <<<"$used" && continue
		echo "$P: rundown_selfcheck.ko does not call $name"
		missing=1
	done
	return $missing
}

# covered <log>: every API routine appears in a passing selfcheck line.
covered()
{
	local name missing=0 passed

	passed=$(grep -a 'rundown-selfcheck: ok - ' "$1" || true)
	for name in $(api_names); do
		grep -qw -- "$name" <<<"$passed" && continue
		echo "$P: rundown_selfcheck never checked $name"
		missing=1
	done
	return $missing
}

# count <rel> <log> <prefix>: one result per "<prefix>: ok - <name>" or
# "<prefix>: not ok - <name>" line of the log.
count()
{
	local rel=$1 log=$2 prefix=$3 line

	while read -r line; do
		case $line in
		*"$prefix: ok - "*)
			rd_result "$P" ok "$rel: ${line#*"$prefix: ok - "}" ;;
		*"$prefix: not ok - "*)
			rd_result "$P" "not ok" "$rel: ${line#*"$prefix: not ok - "}" ;;
		esac
	done < <(grep -aE "$prefix: (not )?ok - " "$log")
}

# run_kernel <series>: every check on one stock kernel.
run_kernel()
{
	local rel kdir dir log boot_rc=0 p0=$RD_PASSED f0=$RD_FAILED

	rel=$(rd_stock_release "$1")
	kdir=$(rd_stock_kdir "$rel")
	dir=$CACHE/stock-$rel
	log=$dir/console.log
	echo "=== $rel"
	rd_stock_need "$rel" image
	rd_lock "stock-$rel"
	rm -rf "$dir"
	mkdir -p "$dir"

	if ! rd_gate "$P" "$rel: W=1 build of rundown and the examples" \
		rd_build "$kdir" "$dir/src" "$dir/build.log"; then
		return 0
	fi
	rd_check "$P" "$rel: rundown_selfcheck.ko calls every exported function of include/rundown/" \
		linked "$dir/src"

	rd_initramfs "$dir/initramfs.cpio.gz" "$REPO/scripts/stock-qemu.init" \
		"$dir"/src/rundown/rundown.ko "$dir"/src/examples/*.ko
	rd_qemu "/boot/vmlinuz-$rel" "$dir/initramfs.cpio.gz" "$log" \
		"$TIMEOUT" "$SMP" quiet rundown_duration_ms="$DURATION_MS" ||
		boot_rc=$?

	grep -aE '(wdm_port|rundown-selfcheck): [a-z0-9]' "$log" |
		grep -avE ' (not )?ok - ' | sed 's/^\[[ 0-9.]*\] //' || true
	count "$rel" "$log" rundown-selfcheck
	count "$rel" "$log" rundown-stock
	rd_check "$P" "$rel: the guest finished (QEMU status $boot_rc)" \
		grep -aq 'rundown-stock: end' "$log"
	rd_check "$P" "$rel: no \"not ok\" in the console log" \
		fails grep -a 'not ok' "$log"
	rd_check "$P" "$rel: no kernel splat" fails rd_splats "$log"
	rd_check "$P" "$rel: rundown_selfcheck called every routine of include/rundown/" \
		covered "$log"
	echo "$P: $rel: $((RD_PASSED - p0)) passed, $((RD_FAILED - f0)) failed (console log: $log)"
}

fails()
{
	! "$@"
}

RD_PACKAGES="qemu-system-x86 busybox-static cpio rsync kmod" rd_need_packages
[ $# -gt 0 ] || set -- 6.1 6.12
for series in "$@"; do
	run_kernel "$series"
done
rd_finish "$RD_PASSED" "$RD_FAILED"
