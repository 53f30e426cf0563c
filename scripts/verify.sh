#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Model-check the cache-aware protocol (model/pcpu_ref.pml) with spin: the
# model must verify, and each deliberately broken variant must be rejected.
# Prints one ok/not ok line per check and a last line "N passed, M failed".
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
model=$repo/model/pcpu_ref.pml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
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

# run_pan NAME DEFINES...: build and run the verifier, print its summary.
run_pan() {
	local name=$1
	shift
	mkdir -p "$work/$name"
	(cd "$work/$name" &&
		spin -a "$@" "$model" >/dev/null &&
		gcc -O2 -DSAFETY -DCOLLAPSE -w -o pan pan.c &&
		./pan -m200000 >pan.out 2>&1 || true)
	grep -E "errors:|assertion violated|invalid end state" "$work/$name/pan.out" || true
}

result() {
	if [ "$1" = ok ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
	echo "verify: $1 - $2"
}

out=$(run_pan model)
echo "$out"
if grep -q "errors: 0" <<<"$out"; then
	result ok "model: safety and liveness hold"
else
	result "not ok" "model: safety and liveness hold"
fi

for mutant in MUTANT_NO_IPI MUTANT_NO_WAKE MUTANT_NO_SECOND_FENCE; do
	out=$(run_pan "$mutant" "-D$mutant")
	if grep -q "errors: [1-9]" <<<"$out"; then
		result ok "model: $mutant is rejected"
	else
		result "not ok" "model: $mutant is rejected"
	fi
done

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
