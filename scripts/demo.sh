#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh - "make demo": a Windows driver port on a stock Linux kernel.
#
# Builds rundown.ko and the wdm_port example (examples/wdm_port.c) for
# Debian's newest 6.12 kernel, boots that kernel in QEMU (TCG) with both in
# an initramfs, lets wdm_port replace its scan provider while every CPU
# sends I/O through cache-aware run-down protection, and prints the
# example's report.  Missing packages (QEMU, the kernel image and headers)
# are installed when run as root.
#
# Environment: RUNDOWN_DURATION_MS (default 3000), RUNDOWN_SMP (guest CPUs,
# default 2), RUNDOWN_VERBOSE=1 (show the whole guest console),
# RUNDOWN_CACHE.  Exits non-zero if the scenario did not end well.

set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

DURATION_MS=${RUNDOWN_DURATION_MS:-3000}
SMP=${RUNDOWN_SMP:-2}

say()
{
	echo "demo: $*"
}

start=$SECONDS
rel=$(rd_stock_release 6.12)
dir=$CACHE/demo-$rel
log=$dir/console.log
RD_PACKAGES="qemu-system-x86 busybox-static cpio rsync kmod" rd_need_packages
rd_stock_need "$rel" image
rd_lock "demo-$rel"

say "building rundown.ko and wdm_port.ko for Debian's $rel kernel"
rd_build "$(rd_stock_kdir "$rel")" "$dir/src" "$dir/build.log" ||
	rd_die "the build failed or warned (log: $dir/build.log)"
rd_initramfs "$dir/initramfs.cpio.gz" "$REPO/scripts/stock-qemu.init" \
	"$dir/src/rundown/rundown.ko" "$dir/src/examples/wdm_port.ko"

say "booting it in QEMU ($SMP CPUs, TCG); wdm_port runs for $DURATION_MS ms"
boot_rc=0
rd_qemu "/boot/vmlinuz-$rel" "$dir/initramfs.cpio.gz" "$log" \
	$((DURATION_MS / 1000 + 120)) "$SMP" \
	quiet rundown_mode=demo rundown_duration_ms="$DURATION_MS" ||
	boot_rc=$?
echo
sed -n 's/^\[[ 0-9.]*\] \(wdm_port: \)/  \1/p' "$log"
echo

if grep -aq 'wdm_port: result ok' "$log" &&
   grep -aq 'rundown-stock: end' "$log" &&
   ! grep -aq 'not ok' "$log" && ! rd_splats "$log"; then
	say "ok: no request ever saw a replaced provider ($((SECONDS - start)) s; console log: $log)"
else
	grep -a 'rundown-stock: not ok' "$log" || true
	say "FAILED (QEMU status $boot_rc; console log: $log)"
	exit 1
fi
