#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kunit-intree.sh - run the rundown KUnit suites the kernel developer's way.
#
# Links the repository into a kernel tree as drivers/rundown (the top Kbuild
# and Kconfig work in-tree), builds rundown and its tests into the kernel
# (.kunitconfig) and runs "kunit.py run" in QEMU (TCG).  The tree is a
# hard-linked copy of the cache's pristine sources, so the out-of-tree
# builds of scripts/kunit-qemu.sh never see drivers/rundown.  Module load
# and unload are not tested here; scripts/kunit-qemu.sh does that.
#
# Environment: RUNDOWN_CACHE, RUNDOWN_SMP, RUNDOWN_JOBS as for
# scripts/kunit-qemu.sh; RUNDOWN_TIMEOUT is kunit.py's --timeout (default
# 600 s).  The last line printed is "N passed, M failed" (KUnit cases, a
# parameterised case once per parameter, plus one failure for a kunit.py
# error or kernel splats).

set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

KTREE=$CACHE/linux-intree-$KVER
KBUILD=$CACHE/build-intree
SMP=${RUNDOWN_SMP:-4}
TIMEOUT=${RUNDOWN_TIMEOUT:-600}

# replace <file>: replace <file> with stdin.  Files of the tree are hard
# links into the pristine sources: never write one in place.
replace()
{
	cat >"$1.new"
	mv "$1.new" "$1"
}

prepare_tree()
{
	if [ ! -d "$KTREE" ]; then
		rd_say "making $KTREE (hard links to $KSRC)"
		rm -rf "$KTREE.tmp"
		cp -al "$KSRC" "$KTREE.tmp"
		mv "$KTREE.tmp" "$KTREE"
	fi
	# Objects built from another clone may be newer than this one's
	# sources: build drivers/rundown afresh when the link changes.
	if [ "$(readlink "$KTREE/drivers/rundown")" != "$REPO" ]; then
		rm -rf "$KBUILD/drivers/rundown"
		ln -sfn "$REPO" "$KTREE/drivers/rundown"
	fi
	if ! grep -q 'drivers/rundown/Kconfig' "$KTREE/drivers/Kconfig"; then
		sed '$s|^endmenu$|source "drivers/rundown/Kconfig"\n\nendmenu|' \
			"$KTREE/drivers/Kconfig" | replace "$KTREE/drivers/Kconfig"
		grep -q 'drivers/rundown/Kconfig' "$KTREE/drivers/Kconfig" ||
			rd_die "could not add drivers/rundown to drivers/Kconfig"
	fi
	if ! grep -q 'rundown/' "$KTREE/drivers/Makefile"; then
		{
			cat "$KTREE/drivers/Makefile"
			# shellcheck disable=SC2016 # make syntax, not shell
			printf 'obj-$(CONFIG_RUNDOWN)\t\t+= rundown/\n'
		} | replace "$KTREE/drivers/Makefile"
	fi
}

rd_need_packages
rd_prepare_source
rd_lock intree
prepare_tree

json=$CACHE/intree.json
rm -f "$json"
run_rc=0
(cd "$KTREE" && python3 tools/testing/kunit/kunit.py run --arch=x86_64 \
	--kunitconfig=drivers/rundown --build_dir="$KBUILD" --jobs="$JOBS" \
	--timeout="$TIMEOUT" --qemu_args="-accel tcg -smp $SMP" \
	--json="$json") || run_rc=$?

passed=0 failed=0 skipped=0
[ -f "$json" ] && read -r passed failed skipped < <(rd_count_kunit "$json")
if [ "$run_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
	rd_say "kunit.py run failed"
	failed=1
fi
if [ -f "$KBUILD/test.log" ] && rd_splats "$KBUILD/test.log"; then
	rd_say "kernel splats in the console log (above)"
	failed=$((failed + 1))
fi
rd_say "KUnit: $skipped skipped; console log: $KBUILD/test.log"
rd_finish "$passed" "$failed"
