#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# verify.sh - model-check the run-down protocols with spin (make verify).
#
# model/pcpu_ref.pml (cache-aware) and model/ref.pml (plain): each
# configuration must verify with a complete search, and each deliberately
# broken variant (MUTANT_*) must be rejected with the error it is meant to
# produce.  See model/README.md.
#
# A verification counts only if pan ran to its end, searched the full state
# space (no bitstate or hash-compact approximation) and says nothing of a
# truncated search: pan prints "errors: 0" also when the depth limit cut
# paths off or memory ran out.  A mutant counts as rejected only if pan
# reports the expected error and wrote a trail for it; a crash, a time-out
# or another error is "not ok".
#
# Prints one ok/not ok line per check and a last line "N passed, M failed";
# exits non-zero if anything failed.  Budget: about 1.5 minutes and at most
# VERIFY_MEMLIM_MB (default 3072) MB per pan on 2 shared cores; see
# model/README.md for the measured figures.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
memlim=${VERIFY_MEMLIM_MB:-3072}	# per pan run, MB
timelim=${VERIFY_TIMEOUT:-150}		# per pan run, seconds
depth=${VERIFY_DEPTH:-20000}		# the models need about 300
passed=0
failed=0

if ! command -v spin >/dev/null; then
	if [ "$(id -u)" = 0 ]; then
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq spin >/dev/null
	else
		echo "verify: install Debian's spin package" >&2
		exit 1
	fi
fi

result() {
	if [ "$1" = ok ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
	echo "verify: $1 - $2"
}

# run_pan DIR MODEL HASHBITS OPT DEFINES...: generate, build (gcc OPT) and
# run the verifier in DIR; its output goes to DIR/pan.out, its exit status
# (124 on time-out) to DIR/rc, its run time to DIR/msecs.  Returns 1 if spin
# or gcc failed.
run_pan() {
	local dir=$1 model=$2 hashbits=$3 opt=$4 rc=0 start
	shift 4
	mkdir -p "$dir"
	if ! (cd "$dir" && spin -a "$@" "$model" >spin.out 2>&1); then
		echo "spin -a failed" >"$dir/why"
		return 1
	fi
	if ! (cd "$dir" && gcc "$opt" -DSAFETY -DCOLLAPSE -DMEMLIM="$memlim" -w \
		-o pan pan.c >gcc.out 2>&1); then
		echo "gcc failed" >"$dir/why"
		return 1
	fi
	start=$(date +%s%N)
	(cd "$dir" && timeout "$timelim" ./pan -m"$depth" -w"$hashbits" \
		>pan.out 2>&1) || rc=$?
	echo "$rc" >"$dir/rc"
	echo $((($(date +%s%N) - start) / 1000000)) >"$dir/msecs"
	return 0
}

# why_incomplete DIR: print why DIR/pan.out is not a complete search, if so.
why_incomplete() {
	local out=$1/pan.out rc
	rc=$(cat "$1/rc")
	if [ "$rc" = 124 ]; then
		echo "pan timed out after ${timelim}s"
	elif [ "$rc" != 0 ]; then
		echo "pan exited with status $rc"
	elif grep -q "max search depth too small\|depth limit reached" "$out"; then
		echo "search truncated: max search depth too small"
	elif grep -q "out of memory\|reached -DMEMLIM bound" "$out"; then
		echo "search truncated: out of memory"
	elif grep -q "Search not completed\|Search incomplete\|states lost" "$out"; then
		echo "search not completed"
	elif grep -q "Bit statespace\|Hash-Compact" "$out"; then
		echo "approximate (bitstate/hash-compact) search"
	elif ! grep -q "^Full statespace search for:" "$out" ||
	     ! grep -Eq "assertion violations[[:space:]]+\+" "$out" ||
	     ! grep -Eq "invalid end states[[:space:]]+\+" "$out" ||
	     ! grep -q "^pan: elapsed time" "$out"; then
		echo "pan did not report a full search"
	fi
}

# figures DIR: "N states, T s, M MB" of a finished run (pan's own total).
figures() {
	local states mb ms
	states=$(sed -n 's/^ *\([0-9.e+]*\) states, stored.*/\1/p' "$1/pan.out")
	mb=$(sed -n 's/^ *\([0-9.]*\)[[:space:]]*total actual memory usage.*/\1/p' "$1/pan.out")
	ms=$(cat "$1/msecs")
	printf '%s states, %d.%01d s, %.0f MB' "${states:-?}" $((ms / 1000)) \
		$((ms % 1000 / 100)) "${mb:-0}"
}

# check_model NAME MODEL HASHBITS DEFINES...: the model must verify.
check_model() {
	local name=$1 model=$2 hashbits=$3 dir=$work/$((passed + failed)) why
	shift 3
	if ! run_pan "$dir" "$model" "$hashbits" -O2 "$@"; then
		result "not ok" "$name verifies ($(cat "$dir/why"))"
		return
	fi
	why=$(why_incomplete "$dir")
	if [ -z "$why" ] && ! grep -q "errors: 0$" "$dir/pan.out"; then
		why=$(grep -m1 "^pan:1:" "$dir/pan.out" || echo "errors reported")
	fi
	if [ -z "$why" ]; then
		result ok "$name verifies: $(figures "$dir")"
	else
		result "not ok" "$name verifies: $why"
		grep -v "^Depth=" "$dir/pan.out" | tail -n 30 >&2 || true
	fi
}

# check_mutant NAME MODEL ERROR DEFINES...: pan must report ERROR (a regex
# matched against its "pan:1: ..." line) and write a trail.
check_mutant() {
	local name=$1 model=$2 error=$3 dir=$work/$((passed + failed)) rc got
	shift 3
	# A mutant's search is short: a fast compile matters more than -O2.
	if ! run_pan "$dir" "$model" 22 -O0 "$@"; then
		result "not ok" "$name is rejected ($(cat "$dir/why"))"
		return
	fi
	rc=$(cat "$dir/rc")
	got=$(grep -m1 "^pan:1:" "$dir/pan.out" | sed 's/^pan:1: //; s/ (at depth [0-9]*)$//' || true)
	if [ "$rc" = 0 ] && grep -Eq "^pan:1: $error" "$dir/pan.out" &&
	   grep -q "errors: [1-9]" "$dir/pan.out" &&
	   grep -q "^pan: wrote .*\.trail" "$dir/pan.out"; then
		result ok "$name is rejected: $got"
	elif [ "$rc" = 124 ]; then
		result "not ok" "$name is rejected: pan timed out"
	elif [ "$rc" != 0 ]; then
		result "not ok" "$name is rejected: pan exited with status $rc"
	else
		result "not ok" "$name is rejected: expected \"$error\", got \"${got:-no error}\""
	fi
}

pcpu=$repo/model/pcpu_ref.pml
ref=$repo/model/ref.pml

# The cache-aware protocol: 2 CPUs, 2 holders of 2 rounds (counts 0..1 and
# 1..2), the owner's two waits and a concurrent waiter; then 3 CPUs, every
# pair of counts, without the concurrent waiter.
check_model "pcpu_ref" "$pcpu" 25
check_model "pcpu_ref (3 CPUs, all counts, no concurrent wait)" "$pcpu" 25 \
	-DNCPU=3 -DWAITERS=0 -DALLCOUNTS

touch_after='assertion violated \(done_gen<=g\)'
check_mutant "pcpu_ref: MUTANT_NO_IPI" "$pcpu" \
	'assertion violated +!\(closed\)' -DMUTANT_NO_IPI
check_mutant "pcpu_ref: MUTANT_NO_WAKE" "$pcpu" \
	'invalid end state' -DMUTANT_NO_WAKE
check_mutant "pcpu_ref: MUTANT_NO_SECOND_FENCE" "$pcpu" \
	"$touch_after" -DMUTANT_NO_SECOND_FENCE
check_mutant "pcpu_ref: MUTANT_ZERO_RELEASE" "$pcpu" \
	"$touch_after" -DMUTANT_ZERO_RELEASE
for access in 1:state 2:late_release 3:slot 4:waiter; do
	check_mutant "pcpu_ref: MUTANT_ZERO_RELEASE, asserted at the ${access#*:} access only" \
		"$pcpu" "$touch_after" -DMUTANT_ZERO_RELEASE -DTOUCH_ONLY="${access%%:*}"
done
check_mutant "pcpu_ref: MUTANT_NO_WAKE_BARRIER" "$pcpu" \
	'invalid end state' -DMUTANT_NO_WAKE_BARRIER
check_mutant "pcpu_ref: MUTANT_INVERTED_RUNDOWN_TEST" "$pcpu" \
	'assertion violated \(done_gen>g\)' -DMUTANT_INVERTED_RUNDOWN_TEST

# The plain protocol: 2 holders of 2 rounds, then 3 holders of one round;
# the owner's two waits and a concurrent waiter.
check_model "ref" "$ref" 23
check_model "ref (3 holders)" "$ref" 23 -DNHOLDER=3 -DROUNDS=1
check_mutant "ref: MUTANT_ZERO_RELEASE" "$ref" \
	'assertion violated \(done_gen<=g\)' -DMUTANT_ZERO_RELEASE
check_mutant "ref: MUTANT_ZERO_RELEASE, asserted at the wait block only" "$ref" \
	'assertion violated \(wb_live\[b\]&&\(wb_gen\[b\]==g\)\)' \
	-DMUTANT_ZERO_RELEASE -DTOUCH_ONLY=2
check_mutant "ref: MUTANT_NO_WAKE_BARRIER" "$ref" \
	'invalid end state' -DMUTANT_NO_WAKE_BARRIER

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
