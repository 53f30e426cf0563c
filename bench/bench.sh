#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh - "make bench": run-down protection against the Linux mechanisms
# that do the same job, in one run, on a stock Debian 6.12 kernel in QEMU.
#
# Builds rundown.ko and rundown_bench.ko (W=1, a warning fails the run)
# against the stock kernel's headers, from a copy of the tree; boots that
# kernel in QEMU (TCG) with a busybox initramfs whose /init (bench.init)
# loads both; collects the console; reads the fast paths out of the built
# objects (static.py); and writes, with report.py:
#
#   bench/results.csv   mechanism,metric,threads,median,min,max,unit
#   bench/results.svg   ns per pair and scaling against threads
#   bench/results.txt   the tables, the targets and the run's conditions
#
# Environment:
#   BENCH_SMP      guest CPUs (default 2)
#   BENCH_ARGS     extra module parameters, e.g. "runs=9 loops=50000"
#   BENCH_KVER     stock kernel release (default: the newest 6.12 that apt
#                  knows, rd_stock_release; installed if missing)
#   BENCH_TIMEOUT  seconds before a hung guest is killed (default 1200)
#   BENCH_OUT      where the results go (default: this folder)
#   BENCH_NICE     niceness of QEMU (default -10 as root, else 0): the
#                  virtual CPUs must run at the same time, also on a host
#                  that is busy with other work
#   RUNDOWN_CACHE  cache folder (default ~/.cache/rundown); the build, the
#                  console log and the kernel image live in its bench/

set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib.sh
. "$BENCH/../scripts/lib.sh"
# lib.sh's exit trap prints a test summary; this is not a test run.
trap - EXIT

SMP=${BENCH_SMP:-2}
# The virtual CPUs must run at the same time for the scaling figures to
# mean anything: as root, run QEMU ahead of the host's other work (for the
# minute or two that the guest runs).
[ "$(id -u)" -eq 0 ] && NICE=${BENCH_NICE:--10} || NICE=${BENCH_NICE:-0}
TIMEOUT=${BENCH_TIMEOUT:-1200}
OUT=${BENCH_OUT:-$BENCH}
WORK=$CACHE/bench
P=bench

say()
{
	echo "$P: $*" >&2
}

# rdb_build <kdir> <dir> <log>: copy the sources to <dir>, build rundown.ko
# there, then rundown_bench.ko against its Module.symvers, with W=1; the
# output goes to <log>.  False if a build fails or prints a warning.
rdb_build()
{
	local kdir=$1 dir=$2 log=$3

	rd_copy_sources "$dir"
	if ! { make -C "$kdir" M="$dir" W=1 -j"$JOBS" modules &&
	       make -C "$kdir" M="$dir/bench" W=1 -j"$JOBS" \
		    KBUILD_EXTRA_SYMBOLS="$dir/Module.symvers" modules; } \
		>"$log" 2>&1; then
		cat "$log" >&2
		return 1
	fi
	! grep -iE 'warning:' "$log" >&2
}

# rdb_boost <nice>: run this shell and what it starts (QEMU) at <nice>.
# With autogroup scheduling (the default) niceness only counts within a
# session, so the session's autogroup gets it too.  rdb_unboost undoes it.
rdb_boost()
{
	RDB_NICE0=$(nice)
	RDB_GROUP0=$(sed -n 's/.* nice //p' /proc/self/autogroup 2>/dev/null)
	renice -n "$1" -p $$ >/dev/null 2>&1 || true
	echo "$1" 2>/dev/null >/proc/self/autogroup || true
}

rdb_unboost()
{
	renice -n "$RDB_NICE0" -p $$ >/dev/null 2>&1 || true
	[ -z "$RDB_GROUP0" ] ||
		echo "$RDB_GROUP0" 2>/dev/null >/proc/self/autogroup || true
}

# rdb_boot <kernel> <initramfs> <log>: boot under TCG (rd_qemu) at NICE
# and show the progress lines of the console as they come.
rdb_boot()
{
	local kernel=$1 initrd=$2 log=$3 pid rc=0

	rm -f "$log"
	trap rdb_unboost EXIT
	rdb_boost "$NICE"
	rd_qemu "$kernel" "$initrd" "$log" "$TIMEOUT" "$SMP" quiet &
	pid=$!
	tail -n +1 -F --pid="$pid" "$log" 2>/dev/null |
		grep --line-buffered -aE 'rundown_bench: (begin|fast path: run [0-9]+ of|teardown|end)|rdb: (begin|preempt|end)|Kernel panic|BUG:|WARNING:' |
		sed -u 's/^\[[ 0-9.]*\] //' >&2 || true
	wait "$pid" || rc=$?
	rdb_unboost
	trap - EXIT
	return "$rc"
}

# Busy time of all CPUs, and this shell's children's CPU time, in ticks.
host_busy()
{
	awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat
}

children_time()
{
	awk '{ print $16 + $17 }' "/proc/$$/stat"
}

main()
{
	local rel kdir kernel log t0 t1 b0 b1 c0 c1 boot_rc=0 load0 load1
	local vmlinux="" hz ko try

	RD_PACKAGES="qemu-system-x86 busybox-static cpio rsync kmod gnuplot-nox python3 binutils dwarves" \
		rd_need_packages
	rd_lock bench
	mkdir -p "$WORK/guest" "$OUT"

	rel=${BENCH_KVER:-$(rd_stock_release 6.12)}
	kdir=$(rd_stock_kdir "$rel")
	rd_stock_need "$rel" image
	kernel=/boot/vmlinuz-$rel
	say "stock kernel $rel, $SMP guest CPUs"

	say "building rundown.ko and rundown_bench.ko (W=1) in $WORK/src"
	rdb_build "$kdir" "$WORK/src" "$WORK/build.log" ||
		rd_die "the build failed or printed warnings ($WORK/build.log)"

	# What the guest must tell us for static.py to follow calls into the
	# kernel image: the symbols the modules use, plus a few it reaches.
	{
		nm -u "$WORK/src/bench/rundown_bench.ko" "$WORK/src/rundown/rundown.ko" |
			awk '$1 == "U" { print $2 }'
		printf '%s\n' _text pv_ops __cond_resched __x86_return_thunk
	} | sort -u >"$WORK/guest/bench.ksyms"
	echo "${BENCH_ARGS:-}" >"$WORK/guest/bench.args"
	rd_initramfs "$WORK/initramfs.cpio.gz" "$BENCH/bench.init" \
		"$WORK/src/rundown/rundown.ko" "$WORK/src/bench/rundown_bench.ko" \
		"$WORK/guest/bench.args" "$WORK/guest/bench.ksyms"

	log=$WORK/console.log
	load0=$(cut -d' ' -f1-3 /proc/loadavg)
	b0=$(host_busy)
	c0=$(children_time)
	t0=$(date +%s)
	for try in 1 2 3; do
		say "booting (TCG, timeout ${TIMEOUT}s, niceness $NICE); console in $log"
		boot_rc=0
		rdb_boot "$kernel" "$WORK/initramfs.cpio.gz" "$log" || boot_rc=$?
		# TCG now and then trips over the kernel patching its own text
		# while it boots (an int3 oops): boot again.
		grep -aq 'rdb: begin' "$log" && break
		rd_splats "$log" | head -n 3 >&2 || true
		say "the guest died before /init ran (attempt $try)"
	done
	t1=$(date +%s)
	c1=$(children_time)
	b1=$(host_busy)
	load1=$(cut -d' ' -f1-3 /proc/loadavg)
	grep -aq 'rdb: end' "$log" || {
		tail -n 40 "$log" >&2
		rd_die "the guest did not finish (QEMU status $boot_rc)"
	}
	if rd_splats "$log" >&2; then
		rd_die "kernel splats in $log"
	fi

	# The kernel image, for static.py to follow calls into vmlinux.
	if [ -f "$KSRC/scripts/extract-vmlinux" ]; then
		vmlinux=$WORK/vmlinux-$rel
		[ -s "$vmlinux" ] ||
			sh "$KSRC/scripts/extract-vmlinux" "$kernel" >"$vmlinux" \
				2>/dev/null || vmlinux=""
	fi
	rm -f "$WORK/static.csv"
	python3 "$BENCH/static.py" --btf "$kdir/vmlinux" \
		--preempt "$(sed -n 's/^.*rdb: preempt //p' "$log" | head -n 1)" \
		${vmlinux:+--vmlinux "$vmlinux" --ksyms "$log"} \
		--csv "$WORK/static.csv" \
		"$WORK/src/bench/rundown_bench.ko" "$WORK/src/rundown/rundown.ko" \
		>"$WORK/static.txt"
	for ko in bench/rundown_bench.ko rundown/rundown.ko; do
		cp "$WORK/src/$ko" "$WORK/"
	done

	hz=$(getconf CLK_TCK)
	python3 "$BENCH/report.py" --log "$log" \
		--static-csv "$WORK/static.csv" --static-table "$WORK/static.txt" \
		--csv "$OUT/results.csv" --svg "$OUT/results.svg" \
		--text "$OUT/results.txt" \
		--host "cpus=$(nproc) wall_s=$((t1 - t0)) busy_ticks=$((b1 - b0)) qemu_ticks=$((c1 - c0)) hz=$hz loadavg_before=${load0// /,} loadavg_after=${load1// /,} smp=$SMP nice=$NICE kernel=$rel"
	say "wrote $OUT/results.csv, $OUT/results.svg and $OUT/results.txt"
}

main "$@"
