#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# mutants.sh - the mutation check (make mutants): every mutant of
# scripts/mutants.list must be killed.
#
# Usage: mutants.sh [NAME...]     (or MUTANT="NAME..." make mutants)
#
# A kunit mutant is one line of the sources changed (scripts/mutants.list
# says which, and how).  It is applied to a copy of the repository, its
# modules are built against the already built KUnit kernel of its variant
# and the suites run in QEMU, by scripts/kunit-qemu.sh --tree --out
# --prebuilt.  It is killed if a KUnit test fails (the table names them,
# suite.case[.param]), an /init check fails, the kernel splats, crashes or
# hangs, or the build fails or warns (a weak kill: the table says so).  A
# model mutant is killed if scripts/verify.sh says the model rejects it
# (one run of verify.sh for all of them, first); one that verify.sh does
# not know is skipped, with a message.  A kunit mutant that survives the
# suites but names model:MODEL:MUTANT_... among its killers is killed by
# the model if verify.sh rejects that mutant: for barrier-only mutants,
# which x86 cannot show.
#
# First the unmutated copy runs the same way on every variant that the
# selected mutants use (building that kernel if needed): it must pass, or
# each mutant of that variant fails without running.  The text of every
# selected mutant must occur exactly once in its file: a list out of step
# with the code stops the run before anything is built.
#
# Output: one line per mutant, "mutants: NAME -> killed by WHAT (...)" or
# "mutants: NAME -> SURVIVED (...)", with the variant and its time, then
# the table again, and the last line "N passed, M failed": a killed mutant
# passes, a survivor fails.  Exits non-zero if any mutant survived.
#
# Environment:
#   MUTANT               names of the mutants to run (default: all)
#   RUNDOWN_KERNEL_ARGS  passed on to every boot, e.g.
#                        kunit.filter_glob='rundown_p*' to run only the
#                        rundown_plain and rundown_pcpu suites
#   RUNDOWN_MUTANT_TIMEOUT  seconds before a mutant's guest counts as hung
#                        (default: three times the unmutated boot plus 60)
#   RUNDOWN_MUTANT_IDLE  seconds without console output before it counts as
#                        hung (default: 30 plus five times the longest
#                        silence of the unmutated boot)
#   RUNDOWN_CACHE, RUNDOWN_JOBS, RUNDOWN_SMP  as for kunit-qemu.sh
#
# Work folder: $CACHE/mutants: the tree, the builds (one per variant,
# incremental from mutant to mutant), logs/NAME.log (the kunit-qemu.sh
# output) and logs/NAME.console (the guest console).
#
# Cost on 2 cores (measured, kernels built): 15 minutes for the whole list
# (27 mutants): verify.sh 40 s, the unmutated tree on base 31 s and on
# debug 69 s, then per base mutant 20 to 30 s (module rebuild 3 to 5 s,
# boot about 19 s), a debug mutant 55 s, a mutant that hangs the guest
# about 47 s (the idle timeout).

set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

P=mutants
LIST=$REPO/scripts/mutants.list
WORK=$CACHE/mutants
TREE=$WORK/tree
LOGS=$WORK/logs

mpy()
{
	python3 "$REPO/scripts/mutants.py" "$@"
}

# suffix <variant>: the suffix kunit-qemu.sh gives that variant's files.
suffix()
{
	[ "$1" = base ] || echo "-$1"
}

# reset_tree: the copy of the repository, as it is (no mutant).
reset_tree()
{
	rsync -a --delete --exclude=/.git "$REPO/" "$TREE/"
}

# max_silence <console log>: the longest gap between two kernel messages,
# in whole seconds, rounded up.
max_silence()
{
	awk -F'[][]' '/^\[ *[0-9]+\.[0-9]+\]/ {
			t = $2 + 0
			if (seen && t - prev > gap) gap = t - prev
			prev = t; seen = 1
		}
		END { g = int(gap); if (g < gap) g++; print g }' "$1"
}

# qemu_seconds <log>: how long QEMU ran, from kunit-qemu.sh's output.
qemu_seconds()
{
	sed -n 's/^rundown: QEMU ran for \([0-9]*\) s$/\1/p' "$1" | tail -n 1
}

# run_tree <variant> <log> [kunit-qemu.sh arguments]: the suites on the
# tree as it is now; kunit-qemu.sh's status.
run_tree()
{
	local variant=$1 log=$2 rc=0

	shift 2
	scripts/kunit-qemu.sh --variant "$variant" --tree "$TREE" \
		--out "$WORK/$variant" "$@" >"$log" 2>&1 || rc=$?
	return $rc
}

# baseline <variant>: the unmutated tree must pass on that variant; sets
# BASELINE[<variant>] to ok or failed and TIMEOUT[<variant>].
declare -A BASELINE TIMEOUT IDLE
baseline()
{
	local v=$1 log=$LOGS/unmutated-$1.log start=$SECONDS secs gap

	rd_say "the unmutated tree on the $v kernel (builds it if needed)"
	reset_tree
	if run_tree "$v" "$log" &&
	   tail -n 1 "$log" | grep -qE '^[0-9]+ passed, 0 failed$'; then
		BASELINE[$v]=ok
		secs=$(qemu_seconds "$log")
		TIMEOUT[$v]=${RUNDOWN_MUTANT_TIMEOUT:-$((3 * ${secs:-60} + 60))}
		gap=$(max_silence "$WORK/$v/test$(suffix "$v").log")
		IDLE[$v]=${RUNDOWN_MUTANT_IDLE:-$((30 + 5 * gap))}
		cp "$WORK/$v/test$(suffix "$v").log" "$LOGS/unmutated-$v.console"
		echo "$P: unmutated tree passes on $v: $(tail -n 1 "$log") ($((SECONDS - start)) s, boot ${secs:-?} s, longest silence $gap s; a mutant's guest is hung after ${TIMEOUT[$v]} s, or ${IDLE[$v]} s of silence)"
	else
		BASELINE[$v]=failed
		grep -E 'not ok|error|splat|timed out|crashed' "$log" | tail -n 20 || true
		echo "$P: the unmutated tree FAILS on $v (log: $log): its mutants cannot be judged"
	fi
}

# judge <name> <variant> <log> <rc>: why the mutant is killed, in KILLED
# (empty: it survived), shortened to the first three failed tests, and
# in KILLERS the names of all failed tests and of the one running when the
# guest hung or crashed; ERROR says what went wrong if the run proved
# nothing either way.  The whole verdict goes to $LOGS/<name>.verdict.
judge()
{
	local name=$1 v=$2 log=$3 rc=$4 sfx ktap console stopped='' init w
	local tests=() why=() where=

	KILLERS=

	sfx=$(suffix "$v")
	ktap=$WORK/$v/kunit$sfx.ktap
	console=$WORK/$v/test$sfx.log
	KILLED=
	ERROR=
	if grep -q '^rundown: error: the module build' "$log"; then
		KILLED="build failure (weak kill)"
		return
	fi
	if ! grep -q '^rundown: booting the ' "$log"; then
		ERROR="kunit-qemu.sh stopped before the boot (exit $rc)"
		return
	fi
	cp "$console" "$LOGS/$name.console" 2>/dev/null || true
	if [ -f "$ktap" ]; then
		mpy failures "$ktap" "$TREE" >"$LOGS/$name.failures"
		mapfile -t tests < <(grep -v '^stopped in ' "$LOGS/$name.failures")
		stopped=$(sed -n 's/^stopped in //p' "$LOGS/$name.failures")
	fi
	if [ ${#tests[@]} -gt 0 ]; then
		KILLERS="${tests[*]}"
		w="${tests[*]:0:3}"
		[ ${#tests[@]} -le 3 ] || w="$w (+$((${#tests[@]} - 3)) more)"
		why+=("$w")
	fi
	[ -z "$stopped" ] || where=" in $stopped"
	init=$(sed -n 's/^rundown-selftest: not ok - //p' "$log" |
	       paste -sd ';' -)
	[ -z "$init" ] || why+=("/init: $init")
	if grep -q '^rundown: kernel splats in the console log' "$log"; then
		why+=("splat: $(rd_splats "$console" | head -n 1 |
				sed 's/^[0-9]*:\[[ 0-9.]*\] //')")
	fi
	if grep -q '^rundown: QEMU timed out' "$log"; then
		why+=("hang$where")
	elif grep -q '^rundown: no end marker' "$log"; then
		why+=("crash$where")
	fi
	# The case that was running: its name, without " (case N)".
	[ -z "$stopped" ] || KILLERS="$KILLERS ${stopped%% (*}"
	grep -q '^rundown: kunit.py parse failed' "$log" && why+=("broken KTAP")
	if [ ${#why[@]} -gt 0 ]; then
		KILLED=${why[0]}
		for w in "${why[@]:1}"; do
			KILLED="$KILLED; $w"
		done
		{ echo "killed by: $KILLED"
		  [ ${#tests[@]} -eq 0 ] || printf 'failed: %s\n' "${tests[@]}"
		  [ -z "$stopped" ] || echo "stopped in: $stopped"; } \
			>"$LOGS/$name.verdict"
	elif [ "$rc" -ne 0 ] ||
	     ! tail -n 1 "$log" | grep -qE '^[0-9]+ passed, 0 failed$'; then
		ERROR="the run failed for no reason this script knows (exit $rc): see $log"
	fi
}

# expected <killed-by> <killers>: a note if none of the expected tests
# (suite.case kills for any of its params) is among the killers.
expected()
{
	local want

	for want in $1; do
		[[ " $2 " == *" $want "* || " $2 " == *" $want."* ]] && return 0
	done
	echo "; expected $1"
}

# result <name> <verdict> <detail>: one line of the table.
TABLE=()
result()
{
	local line

	line=$(printf '%s: %-36s -> %s' "$P" "$1" "$2${3:+ ($3)}")
	echo "$line"
	TABLE+=("$line")
	if [[ $2 == "killed by"* ]]; then
		RD_PASSED=$((RD_PASSED + 1))
	else
		RD_FAILED=$((RD_FAILED + 1))
	fi
}

# kunit_mutant <name> <variant> <killed-by>
kunit_mutant()
{
	local name=$1 v=$2 want=$3 log=$LOGS/$1.log start=$SECONDS rc=0
	local secs note md

	if [ "${BASELINE[$v]}" != ok ]; then
		result "$name" "NOT RUN" "$v: the unmutated tree fails"
		return
	fi
	reset_tree
	mpy apply "$LIST" "$TREE" "$name" | sed "s/^/$P: $name: /"
	RUNDOWN_TIMEOUT=${TIMEOUT[$v]} RUNDOWN_IDLE_TIMEOUT=${IDLE[$v]} \
		run_tree "$v" "$log" --prebuilt || rc=$?
	judge "$name" "$v" "$log" "$rc"
	secs=$(qemu_seconds "$log")
	note="$v, $((SECONDS - start)) s${secs:+, boot $secs s}"
	if [ -n "$ERROR" ]; then
		result "$name" "ERROR" "$ERROR; $note"
	elif [ -n "$KILLED" ]; then
		result "$name" "killed by $KILLED" "$note$(expected "$want" "$KILLERS")"
	elif md=$(model_killer "$want"); then
		result "$name" "killed by model (${md/:/: })" "$note; the suites do not see it: barrier only"
	else
		result "$name" "SURVIVED" "$note; expected killer: $want"
	fi
}

# run_verify: scripts/verify.sh once, its output in $LOGS/verify.log.
VERIFY=
run_verify()
{
	local start=$SECONDS

	[ -z "$VERIFY" ] || return 0
	rd_say "the model and its mutants: scripts/verify.sh"
	scripts/verify.sh >"$LOGS/verify.log" 2>&1 || true
	VERIFY=$((SECONDS - start))
	echo "$P: scripts/verify.sh ran for $VERIFY s"
}

# model_verdict <model:define>: ok if verify.sh rejects that mutant of
# that model, survived if it does not, base if the model itself does not
# verify, unknown if verify.sh has no such mutant.
model_verdict()
{
	local model=${1%%:*} define=${1#*:} log=$LOGS/verify.log

	if grep -q "^verify: not ok - $model verifies" "$log" ||
	   ! grep -q "^verify: ok - $model verifies" "$log"; then
		echo base
	elif grep -q "^verify: ok - $model: $define is rejected" "$log"; then
		echo ok
	elif grep -q "^verify: not ok - $model: $define is rejected" "$log"; then
		echo survived
	else
		echo unknown
	fi
}

# model_mutant <name> <model:define>
model_mutant()
{
	local name=$1 md=$2

	case $(model_verdict "$md") in
	ok) result "$name" "killed by model (${md/:/: })" "verify.sh, $VERIFY s for all" ;;
	survived) result "$name" "SURVIVED" "the model accepts ${md/:/: }" ;;
	base) result "$name" "NOT RUN" "the unmutated model ${md%%:*} fails: see $LOGS/verify.log" ;;
	*) echo "$P: $name skipped: scripts/verify.sh has no ${md/:/: } yet"
	   SKIPPED=$((SKIPPED + 1)) ;;
	esac
}

# model_killer <killed-by>: for a mutant that survives the suites, the
# first model:MODEL:MUTANT_... of its killed-by that the model rejects (a
# barrier-only mutant that x86 cannot show).
model_killer()
{
	local k

	for k in $1; do
		[[ $k == model:* ]] || continue
		[ "$(model_verdict "${k#model:}")" = ok ] || continue
		echo "${k#model:}"
		return 0
	done
	return 1
}

cd "$REPO"
read -ra NAMES <<<"${MUTANT:-} $*"
mpy list "$LIST" "${NAMES[@]}" >/dev/null	# the list is well formed
rd_need_packages
rd_prepare_source
rd_lock mutants
mkdir -p "$LOGS"
reset_tree
# Every selected mutant applies before anything is built.
mpy check "$LIST" "$TREE" "${NAMES[@]}" ||
	rd_die "scripts/mutants.list is out of step with the code"

declare -a KUNIT_M=() MODEL_M=()
declare -A USED=()
NEED_VERIFY=
while IFS=$'\t' read -r name kind variant define killers; do
	if [ "$kind" = model ]; then
		MODEL_M+=("$name"$'\t'"$define")
	else
		KUNIT_M+=("$name"$'\t'"$variant"$'\t'"$killers")
		USED[$variant]=1
		[[ " $killers" != *" model:"* ]] || NEED_VERIFY=1
	fi
done < <(mpy list "$LIST" "${NAMES[@]}")

SKIPPED=0
if [ ${#MODEL_M[@]} -gt 0 ] || [ -n "$NEED_VERIFY" ]; then
	run_verify
fi
for v in base debug kcsan rt; do
	[ -z "${USED[$v]:-}" ] || baseline "$v"
done
for m in "${KUNIT_M[@]}"; do
	IFS=$'\t' read -r name variant killers <<<"$m"
	kunit_mutant "$name" "$variant" "$killers"
done
for m in "${MODEL_M[@]}"; do
	IFS=$'\t' read -r name md <<<"$m"
	model_mutant "$name" "$md"
done
reset_tree

echo
echo "$P: mutant -> killed by (tests) / SURVIVED"
printf '%s\n' "${TABLE[@]}"
[ "$SKIPPED" -eq 0 ] || echo "$P: $SKIPPED skipped (not in the model yet)"
echo "$P: logs in $LOGS"
rd_finish "$RD_PASSED" "$RD_FAILED"
