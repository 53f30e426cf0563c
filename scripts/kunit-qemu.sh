#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kunit-qemu.sh - run the rundown KUnit suites on the real modules in QEMU.
#
# Builds an x86_64 KUnit kernel from scripts/kunit-qemu.config with the
# kernel's kunit.py, builds rundown.ko and rundown_kunit.ko against it, boots
# it in QEMU (TCG) with an initramfs whose /init (scripts/kunit-qemu.init)
# loads and unloads the modules, then judges the console log.
#
# Environment:
#   RUNDOWN_CACHE    cache folder (default ~/.cache/rundown)
#   RUNDOWN_SMP      guest CPUs (default 4)
#   RUNDOWN_TIMEOUT  seconds before a hung guest is killed (default 600)
#   RUNDOWN_JOBS     make jobs (default: nproc)
#   RUNDOWN_VERBOSE  1: copy the guest console to stdout as it runs
#
# The last line printed is "N passed, M failed".  Each KUnit test case is
# one test (a parameterised case counts once per parameter, as in kunit.py's
# "Ran N tests"), so is each /init check; skipped cases are not counted.
# Each run-level problem counts as one more failure: a kunit.py parse error,
# no test at all, kernel splats, a crash, a hang, a build that fails.

set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

KBUILD=$CACHE/build-kunit
KUNITCONFIG=$REPO/scripts/kunit-qemu.config
MODDIR=$CACHE/modules
INITRAMFS=$CACHE/initramfs.cpio.gz
LOG=$CACHE/test.log
SMP=${RUNDOWN_SMP:-4}
TIMEOUT=${RUNDOWN_TIMEOUT:-600}

# The kernel: kunit.py config and build are incremental.
build_kernel()
{
	rd_kunit build --arch=x86_64 --build_dir="$KBUILD" \
		--kunitconfig="$KUNITCONFIG" --jobs="$JOBS"
	rd_check_config "$KBUILD/.config" "$KUNITCONFIG" ||
		rd_die "fix the dependencies in $KUNITCONFIG"
}

# The modules, built from a copy of the sources (rd_copy_sources) so that
# the kernel's objects stay out of the working tree and out of other
# engineers' way.  Any compiler or modpost warning fails the run.
build_modules()
{
	local out=$CACHE/modules.log ko

	rd_copy_sources "$MODDIR"
	rd_say "building the modules in $MODDIR (a copy of $REPO)"
	make -C "$KBUILD" M="$MODDIR" -j"$JOBS" modules 2>&1 | tee "$out"
	if grep -i 'warning:' "$out"; then
		rd_die "the module build printed warnings"
	fi
	for ko in rundown/rundown.ko kunit/rundown_kunit.ko; do
		[ -f "$MODDIR/$ko" ] || rd_die "$ko was not built"
	done
}

# Boot with the modules and scripts/kunit-qemu.init in an initramfs.
boot()
{
	local rc=0 start=$SECONDS

	rd_initramfs "$INITRAMFS" "$REPO/scripts/kunit-qemu.init" \
		"$MODDIR/rundown/rundown.ko" "$MODDIR/kunit/rundown_kunit.ko"
	rd_say "booting on $SMP CPUs (TCG, timeout ${TIMEOUT}s), console in $LOG"
	rd_qemu "$KBUILD/arch/x86/boot/bzImage" "$INITRAMFS" "$LOG" \
		"$TIMEOUT" "$SMP" oops=panic || rc=$?
	rd_say "QEMU ran for $((SECONDS - start)) s"
	return $rc
}

# Count the KUnit cases and /init checks, look for run-level problems.
judge()
{
	local boot_rc=$1 ktap=$CACHE/kunit.ktap json=$CACHE/kunit.json
	local passed=0 failed=0 skipped=0 sh_ok sh_bad parse_rc=0

	sed -n '/rundown-selftest: kunit begin/,$p' "$LOG" >"$ktap"
	rm -f "$json"
	rd_kunit parse --json="$json" "$ktap" || parse_rc=$?
	[ -f "$json" ] && read -r passed failed skipped < <(rd_count_kunit "$json")
	if [ "$parse_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
		rd_say "kunit.py parse failed (no or broken KTAP output)"
		failed=1
	fi

	grep -a 'rundown-selftest: \(not \)\?ok - ' "$LOG" || true
	sh_ok=$(grep -ac 'rundown-selftest: ok - ' "$LOG" || true)
	sh_bad=$(grep -ac 'rundown-selftest: not ok - ' "$LOG" || true)
	passed=$((passed + sh_ok))
	failed=$((failed + sh_bad))

	if rd_splats "$LOG"; then
		rd_say "kernel splats in the console log (above)"
		failed=$((failed + 1))
	fi
	if [ "$boot_rc" -eq 124 ] || [ "$boot_rc" -eq 137 ]; then
		rd_say "QEMU timed out after ${TIMEOUT}s"
		failed=$((failed + 1))
	elif ! grep -aq 'rundown-selftest: end' "$LOG"; then
		tail -n 30 "$LOG"
		rd_say "no end marker: the guest crashed (QEMU exit $boot_rc)"
		failed=$((failed + 1))
	fi

	rd_say "KUnit: $skipped skipped; /init checks: $sh_ok ok, $sh_bad not ok"
	rd_say "console log: $LOG"
	rd_finish "$passed" "$failed"
}

rd_need_packages
rd_prepare_source
rd_lock qemu
build_kernel
build_modules
boot_rc=0
boot || boot_rc=$?
judge "$boot_rc"
