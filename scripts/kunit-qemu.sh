#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kunit-qemu.sh - run the rundown KUnit suites on the real modules in QEMU.
#
# Usage: kunit-qemu.sh [--variant VARIANT] [--lockdep | --torture]
#                      [--duration SECONDS] [--tree DIR] [--out DIR]
#                      [--prebuilt]
#
# Builds an x86_64 KUnit kernel with the kernel's kunit.py, builds the
# modules (rundown.ko, rundown_kunit.ko, rundown_lockdep_expect.ko,
# rundown_torture.ko) against it, boots it in QEMU (TCG) with an initramfs
# whose /init (scripts/kunit-qemu.init) loads and unloads them, then judges
# the console log.
#
# Variants: each is a kernel of its own, built in $CACHE/build-kunit-VARIANT
# (base: $CACHE/build-kunit) from scripts/kunit-qemu.config plus
# scripts/kunit-VARIANT.config; the script checks that every option of
# those files ends up in the kernel's .config.
#   base   (default) PROVE_LOCKING, DEBUG_ATOMIC_SLEEP
#   debug  + KASAN, UBSAN, DEBUG_OBJECTS, kmemleak, failslab; /init arms
#          failslab for the KUnit allocation failure test and checks that
#          kmemleak reports nothing after the modules are unloaded
#   kcsan  + KCSAN
#   rt     + PREEMPT_RT
#
# What runs:
#   (default)  the KUnit suites (rundown_kunit.ko), one boot
#   --lockdep  rundown_lockdep_expect.ko, one boot per scenario: "self"
#              must get lockdep's "possible recursive locking detected"
#              naming &self_ref, "abba" its "possible circular locking
#              dependency detected" naming &abba_ref and abba_mutex,
#              "clean" no report at all.  The expected report does not
#              fail the boot, any other splat does.
#   --torture  rundown_torture.ko for --duration seconds (default 60),
#              with CPU hotplug; the default variant is then debug.
#
# Other sources, same kernel (scripts/mutants.sh runs each mutant so):
#   --tree DIR  build the modules from the sources in DIR, a copy of this
#               repository (the kernel configuration and /init still come
#               from this one)
#   --out DIR   put the modules, the initramfs and the console logs in DIR
#               instead of the cache folder
#   --prebuilt  do not run kunit.py build: boot the variant's kernel as it
#               is in the cache (fails if it has not been built)
#
# Environment:
#   RUNDOWN_VARIANT   like --variant
#   RUNDOWN_DURATION  like --duration
#   RUNDOWN_TREE, RUNDOWN_OUT  like --tree, --out
#   RUNDOWN_PREBUILT  1: like --prebuilt
#   RUNDOWN_CACHE     cache folder (default ~/.cache/rundown)
#   RUNDOWN_SMP       guest CPUs (default 4)
#   RUNDOWN_TIMEOUT   seconds before a hung guest is killed (default: 600
#                     for base and rt, 900 for debug and kcsan, the
#                     duration plus 900 for --torture)
#   RUNDOWN_IDLE_TIMEOUT  seconds without console output after which the
#                     guest counts as hung too (default: none)
#   RUNDOWN_JOBS      make jobs (default: nproc)
#   RUNDOWN_VERBOSE   1: copy the guest console to stdout as it runs
#   RUNDOWN_KERNEL_ARGS  more kernel arguments for every boot, e.g.
#                     kunit.filter_glob=rundown_plain (one suite only)
#
# Costs on 2 cores (TCG, measured on the development machine): a variant's
# first run builds its kernel, base 5 to 10 minutes (9 in a cold CI run,
# with the sources), debug 10 to 16 (12), kcsan 8 to 10 (10), rt 8.  Later
# runs: base 30 s, --lockdep 1 minute (3 boots of 7 s), debug under 2
# minutes (boot 90 s), --torture the duration plus 80 s, kcsan 80 s (boot
# 45 s), rt under a minute.
#
# The last line printed is "N passed, M failed".  KUnit: each KUnit test
# case is one test (a parameterised case counts once per parameter, as in
# kunit.py's "Ran N tests"), so is each /init check; skipped cases are not
# counted.  --torture: each /init check is one test, the verdict among
# them.  --lockdep: each scenario is one test.  Each run-level problem
# counts as one more failure: a kunit.py parse error, no test at all,
# kernel splats, a crash, a hang, a build that fails.

set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

usage()
{
	sed -n 's/^# \{0,1\}//; /^Usage:/,/^$/p' "$0"
	echo "Variants: base debug kcsan rt.  See the top of $0."
}

MODE=kunit
VARIANT=${RUNDOWN_VARIANT:-}
DURATION=${RUNDOWN_DURATION:-60}
TREE=${RUNDOWN_TREE:-$REPO}
OUT=${RUNDOWN_OUT:-$CACHE}
PREBUILT=${RUNDOWN_PREBUILT:-0}
while [ $# -gt 0 ]; do
	case $1 in
	--variant=*) VARIANT=${1#*=} ;;
	--variant) [ $# -ge 2 ] || rd_die "--variant needs a value"
		   VARIANT=$2; shift ;;
	--duration=*) DURATION=${1#*=} ;;
	--duration) [ $# -ge 2 ] || rd_die "--duration needs a value"
		    DURATION=$2; shift ;;
	--tree=*) TREE=${1#*=} ;;
	--tree) [ $# -ge 2 ] || rd_die "--tree needs a folder"
		TREE=$2; shift ;;
	--out=*) OUT=${1#*=} ;;
	--out) [ $# -ge 2 ] || rd_die "--out needs a folder"
	       OUT=$2; shift ;;
	--prebuilt) PREBUILT=1 ;;
	--lockdep) MODE=lockdep ;;
	--torture) MODE=torture ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; rd_die "unknown argument: $1" ;;
	esac
	shift
done
[[ $DURATION =~ ^[1-9][0-9]*$ ]] || rd_die "the duration must be a number of seconds"
[ -d "$TREE/rundown" ] || rd_die "$TREE has no rundown/ folder"
TREE=$(cd "$TREE" && pwd)
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
if [ -z "$VARIANT" ]; then
	VARIANT=base
	[ "$MODE" = torture ] && VARIANT=debug
fi

# The variant: kernel configuration, folders, lock, what /init checks.
KUNITCONFIGS=("$REPO/scripts/kunit-qemu.config")
INIT_ARGS=()		# for every boot of the variant
FAILSLAB=		# /init arms failslab for the KUnit run
case $VARIANT in
base)
	SUFFIX=
	LOCK=qemu
	timeout=600
	;;
debug)
	SUFFIX=-debug
	LOCK=qemu-debug
	timeout=900
	INIT_ARGS=(rdtest.kmemleak=1)
	FAILSLAB=1
	;;
kcsan)
	SUFFIX=-kcsan
	LOCK=qemu-kcsan
	timeout=900
	;;
rt)
	SUFFIX=-rt
	LOCK=qemu-rt
	timeout=600
	;;
*)
	rd_die "unknown variant $VARIANT (base, debug, kcsan or rt)"
	;;
esac
[ "$VARIANT" = base ] ||
	KUNITCONFIGS+=("$REPO/scripts/kunit-$VARIANT.config")
[ "$MODE" = torture ] && timeout=$((DURATION + 900))
TIMEOUT=${RUNDOWN_TIMEOUT:-$timeout}

KBUILD=$CACHE/build-kunit$SUFFIX
MODDIR=$OUT/modules$SUFFIX
INITRAMFS=$OUT/initramfs$SUFFIX.cpio.gz
SMP=${RUNDOWN_SMP:-4}
read -ra KERNEL_ARGS <<<"${RUNDOWN_KERNEL_ARGS:-}"
MODULES=(rundown/rundown.ko kunit/rundown_kunit.ko
	 kunit/rundown_lockdep_expect.ko torture/rundown_torture.ko)

# The kernel: kunit.py config and build are incremental.
build_kernel()
{
	local cfg args=() start=$SECONDS

	if [ "$PREBUILT" = 1 ]; then
		if [ ! -f "$KBUILD/arch/x86/boot/bzImage" ] ||
		   [ ! -f "$KBUILD/Module.symvers" ]; then
			rd_die "--prebuilt: no $VARIANT kernel in $KBUILD (run without it once)"
		fi
		rd_say "$VARIANT kernel in $KBUILD used as it is (--prebuilt)"
		return 0
	fi
	for cfg in "${KUNITCONFIGS[@]}"; do
		args+=(--kunitconfig="$cfg")
	done
	rd_kunit build --arch=x86_64 --build_dir="$KBUILD" "${args[@]}" \
		--jobs="$JOBS"
	rd_check_config "$KBUILD/.config" "${KUNITCONFIGS[@]}" ||
		rd_die "fix the dependencies in ${KUNITCONFIGS[*]}"
	rd_say "$VARIANT kernel ready in $KBUILD after $((SECONDS - start)) s"
}

# The modules, built from a copy of the sources (rd_copy_sources) so that
# the kernel's objects stay out of the working tree and out of other
# engineers' way.  Any compiler or modpost warning fails the run.
build_modules()
{
	local out=$OUT/modules$SUFFIX.log ko

	rd_copy_sources "$MODDIR" "$TREE"
	rd_say "building the modules in $MODDIR (a copy of $TREE)"
	if ! make -C "$KBUILD" M="$MODDIR" RUNDOWN_TESTS=y -j"$JOBS" modules 2>&1 |
		tee "$out"; then
		rd_die "the module build failed"
	fi
	if grep -i 'warning:' "$out"; then
		rd_die "the module build printed warnings"
	fi
	for ko in "${MODULES[@]}"; do
		[ -f "$MODDIR/$ko" ] || rd_die "$ko was not built"
	done
	rd_initramfs "$INITRAMFS" "$REPO/scripts/kunit-qemu.init" \
		"${MODULES[@]/#/$MODDIR/}"
}

# boot <log> <kernel arguments>: boot with the modules and
# scripts/kunit-qemu.init in an initramfs; QEMU's status.
boot()
{
	local log=$1 rc=0 start=$SECONDS

	shift
	set -- "$@" "${KERNEL_ARGS[@]}"
	rd_say "booting the $VARIANT kernel on $SMP CPUs (TCG, timeout ${TIMEOUT}s): $*"
	rd_say "console in $log"
	rd_qemu "$KBUILD/arch/x86/boot/bzImage" "$INITRAMFS" "$log" \
		"$TIMEOUT" "$SMP" oops=panic "$@" || rc=$?
	rd_say "QEMU ran for $((SECONDS - start)) s"
	return $rc
}

# judge_boot <log> <boot status> [<log to search for splats>]: print the
# /init checks; set OK and BAD to the numbers of /init checks that passed
# and failed, plus one failure per run-level problem (kernel splats, a
# crash, a hang).
judge_boot()
{
	local log=$1 rc=$2 splatlog=${3:-$1}

	grep -a 'rundown-selftest: \(not \)\?ok - ' "$log" || true
	OK=$(grep -ac 'rundown-selftest: ok - ' "$log" || true)
	BAD=$(grep -ac 'rundown-selftest: not ok - ' "$log" || true)
	if rd_splats "$splatlog"; then
		rd_say "kernel splats in the console log (above)"
		BAD=$((BAD + 1))
	fi
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		rd_say "QEMU timed out: the guest hung (timeout ${TIMEOUT} s${RUNDOWN_IDLE_TIMEOUT:+, or ${RUNDOWN_IDLE_TIMEOUT} s of silence})"
		BAD=$((BAD + 1))
	elif ! grep -aq 'rundown-selftest: end' "$log"; then
		tail -n 30 "$log"
		rd_say "no end marker: the guest crashed (QEMU exit $rc)"
		BAD=$((BAD + 1))
	fi
}

# The KUnit suites: count the KUnit cases and /init checks.
run_kunit()
{
	local log=$OUT/test$SUFFIX.log ktap=$OUT/kunit$SUFFIX.ktap
	local json=$OUT/kunit$SUFFIX.json args=("${INIT_ARGS[@]}")
	local rc=0 passed=0 failed=0 skipped=0 parse_rc=0

	[ -z "$FAILSLAB" ] || args+=(rdtest.failslab=1)
	boot "$log" "${args[@]}" || rc=$?

	sed -n '/rundown-selftest: kunit begin/,$p' "$log" >"$ktap"
	rm -f "$json"
	rd_kunit parse --json="$json" "$ktap" || parse_rc=$?
	[ -f "$json" ] && read -r passed failed skipped < <(rd_count_kunit "$json")
	if [ "$parse_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
		rd_say "kunit.py parse failed (no or broken KTAP output)"
		failed=1
	fi

	judge_boot "$log" "$rc"
	rd_say "KUnit: $skipped skipped; /init checks and problems: $OK ok, $BAD not ok"
	rd_say "console log: $log"
	rd_finish "$((passed + OK))" "$((failed + BAD))"
}

# lockdep_scenario <scenario> [<report title> <name>...]: one boot of
# rundown_lockdep_expect.ko; with a title, lockdep's report of that title
# must be there and name each <name>, and any other splat fails; without,
# no splat at all.  One test.
lockdep_scenario()
{
	local scenario=$1 title=${2:-} log=$OUT/lockdep$SUFFIX-$1.log
	local report=$OUT/lockdep$SUFFIX-$1.report
	local rest=$OUT/lockdep$SUFFIX-$1.rest name rc=0 why=()

	shift $(($# < 2 ? $# : 2))
	boot "$log" rdtest.mode=lockdep "rdtest.scenario=$scenario" \
		"${INIT_ARGS[@]}" || rc=$?

	grep -aq "rundown_lockdep_expect: done $scenario\$" "$log" ||
		why+=("no \"rundown_lockdep_expect: done $scenario\" line")
	if [ -n "$title" ]; then
		rd_cut_report "$log" "$title" "$report" "$rest"
		if [ -s "$report" ]; then
			for name; do
				grep -aqF -- "$name" "$report" ||
					why+=("the report does not name $name")
			done
		else
			why+=("no lockdep report \"$title\"")
		fi
	else
		cp "$log" "$rest"
	fi
	judge_boot "$log" "$rc" "$rest"
	[ "$BAD" -eq 0 ] || why+=("$BAD failed /init checks or other problems")

	if [ ${#why[@]} -eq 0 ]; then
		rd_result lockdep ok "$scenario${title:+: $title}"
	else
		rd_say "$scenario: $(IFS=';'; echo "${why[*]}")"
		rd_result lockdep "not ok" "$scenario${title:+: $title}"
	fi
}

run_lockdep()
{
	lockdep_scenario self "possible recursive locking detected" \
		"&self_ref"
	lockdep_scenario abba "possible circular locking dependency detected" \
		"&abba_ref" abba_mutex
	lockdep_scenario clean
	rd_say "console logs: $OUT/lockdep$SUFFIX-*.log"
	rd_finish "$RD_PASSED" "$RD_FAILED"
}

# The torture test: its verdict is one of the /init checks.
run_torture()
{
	local log=$OUT/torture$SUFFIX.log rc=0

	boot "$log" rdtest.mode=torture "rdtest.duration=$DURATION" \
		"${INIT_ARGS[@]}" || rc=$?
	grep -a 'rundown_torture: \(start\|end\|PASS\|FAIL\)' "$log" || true
	judge_boot "$log" "$rc"
	rd_say "console log: $log"
	rd_finish "$OK" "$BAD"
}

rd_need_packages
rd_prepare_source
rd_lock "$LOCK"
build_kernel
build_modules
"run_$MODE"
