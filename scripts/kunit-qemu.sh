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

# The modules, built from a copy of the sources so that the kernel's
# objects stay out of the working tree (and out of other engineers' way).
# rsync copies only what changed, with a new mtime, so Kbuild rebuilds just
# that.  Any compiler or modpost warning fails the run.
build_modules()
{
	local out=$CACHE/modules.log ko

	mkdir -p "$MODDIR"
	rsync -r --checksum --delete --prune-empty-dirs --exclude=/.git \
		--exclude='*.mod.c' --include='*/' --include='*.[ch]' \
		--include=Kbuild --exclude='*' "$REPO/" "$MODDIR/"
	rd_say "building the modules in $MODDIR (a copy of $REPO)"
	make -C "$KBUILD" M="$MODDIR" -j"$JOBS" modules 2>&1 | tee "$out"
	if grep -i 'warning:' "$out"; then
		rd_die "the module build printed warnings"
	fi
	for ko in rundown/rundown.ko kunit/rundown_kunit.ko; do
		[ -f "$MODDIR/$ko" ] || rd_die "$ko was not built"
	done
}

# A gzip'ed newc initramfs, made with the kernel's gen_init_cpio so that
# /dev/console needs no root: static busybox, the modules and /init.
make_initramfs()
{
	local list=$CACHE/initramfs.list applet dir

	{
		for dir in /bin /dev /proc /sys /lib /lib/modules /tmp; do
			echo "dir $dir 755 0 0"
		done
		echo "nod /dev/console 600 0 0 c 5 1"
		echo "file /bin/busybox /bin/busybox 755 0 0"
		for applet in $(/bin/busybox --list); do
			[ "$applet" = busybox ] ||
				echo "slink /bin/$applet busybox 777 0 0"
		done
		echo "file /init $REPO/scripts/kunit-qemu.init 755 0 0"
		echo "file /lib/modules/rundown.ko $MODDIR/rundown/rundown.ko 644 0 0"
		echo "file /lib/modules/rundown_kunit.ko $MODDIR/kunit/rundown_kunit.ko 644 0 0"
	} >"$list"
	"$KBUILD/usr/gen_init_cpio" "$list" | gzip -9 >"$INITRAMFS"
}

# Boot under timeout; the console goes to $LOG without its CRs.
boot()
{
	local rc=0 out=/dev/null start=$SECONDS

	[ "${RUNDOWN_VERBOSE:-0}" = 1 ] && out=/dev/stdout
	rd_say "booting on $SMP CPUs (TCG, timeout ${TIMEOUT}s), console in $LOG"
	timeout --kill-after=10 "$TIMEOUT" \
		qemu-system-x86_64 -accel tcg -smp "$SMP" -m 1024 \
			-nographic -no-reboot \
			-kernel "$KBUILD/arch/x86/boot/bzImage" \
			-initrd "$INITRAMFS" \
			-append "console=ttyS0 panic=-1 oops=panic" \
			</dev/null 2>&1 | tr -d '\r' | tee "$LOG" >"$out" ||
		rc=$?
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

	grep 'rundown-selftest: \(not \)\?ok - ' "$LOG" || true
	sh_ok=$(grep -c 'rundown-selftest: ok - ' "$LOG" || true)
	sh_bad=$(grep -c 'rundown-selftest: not ok - ' "$LOG" || true)
	passed=$((passed + sh_ok))
	failed=$((failed + sh_bad))

	if rd_splats "$LOG"; then
		rd_say "kernel splats in the console log (above)"
		failed=$((failed + 1))
	fi
	if [ "$boot_rc" -eq 124 ] || [ "$boot_rc" -eq 137 ]; then
		rd_say "QEMU timed out after ${TIMEOUT}s"
		failed=$((failed + 1))
	elif ! grep -q 'rundown-selftest: end' "$LOG"; then
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
make_initramfs
boot_rc=0
boot || boot_rc=$?
judge "$boot_rc"
