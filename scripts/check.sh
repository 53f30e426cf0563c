#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - the static checks of "make check".
#
#  - checkpatch.pl --strict on every .c and .h of rundown/, include/,
#    kunit/, torture/, examples/ and bench/, with only the exceptions that
#    scripts/checkpatch-exceptions lists (one check per file);
#  - kernel-doc -none -Wall on every header and every .c that exports
#    symbols: any output fails (one check per file);
#  - a W=1 build of rundown and the examples, then sparse (C=2), against
#    Debian's 6.1 headers, Debian's newest 6.12 headers and, if it has been
#    built, the KUnit kernel of scripts/kunit-qemu.sh: any warning fails.
#
# checkpatch.pl and kernel-doc come from the kernel sources that the test
# scripts extract into $RUNDOWN_CACHE (default ~/.cache/rundown).  Missing
# packages are installed when run as root.  The last line printed is
# "N passed, M failed".

set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

P=check
DIRS="rundown include kunit torture examples bench"

# Our sources, relative to REPO.
sources()
{
	local dir

	for dir in $DIRS; do
		[ -d "$REPO/$dir" ] || continue
		(cd "$REPO" && find "$dir" -name '*.[ch]' ! -name '*.mod.c')
	done | sort
}

# quiet <command>...: run the command; any output is a failure (shown).
quiet()
{
	local out

	out=$("$@" 2>&1) || true
	[ -z "$out" ] && return 0
	echo "$out"
	return 1
}

# checkpatch <file>: run from an empty folder given as the tree root, so
# that checkpatch seeds its list of known CamelCase names from nothing:
# every CamelCase name counts, and only scripts/checkpatch-exceptions lets
# a file have them.
checkpatch()
{
	local ignores

	ignores=$(rd_checkpatch_ignores "$1")
	(cd "$RD_TMP" &&
		quiet "$KSRC/scripts/checkpatch.pl" --strict --no-tree \
			--root="$RD_TMP" --quiet --no-summary --show-types \
			${ignores:+--ignore "$ignores"} -f "$REPO/$1")
}

kerneldoc()
{
	quiet "$KSRC/scripts/kernel-doc" -none -Wall "$REPO/$1"
}

# sparse <kdir> <dir>: sparse on rundown and the examples built in <dir>.
sparse()
{
	local log=$2/sparse.log

	{ make -C "$1" M="$2" RUNDOWN_TESTS=y C=2 modules &&
	  make -C "$2/examples" KDIR="$1" RUNDOWN_DIR="$2" C=2 modules; } \
		>"$log" 2>&1 || { cat "$log"; return 1; }
	! grep -E 'warning:|error:' "$log"
}

# build_and_sparse <name> <kdir>: the W=1 build and sparse on one kernel.
build_and_sparse()
{
	local dir=$RD_TMP/build-$1

	if rd_gate "$P" "W=1 build against $1 ($2)" \
		rd_build "$2" "$dir" "$dir.log" RUNDOWN_TESTS=y; then
		rd_check "$P" "sparse against $1" sparse "$2" "$dir"
	else
		rd_result "$P" "not ok" "sparse against $1 (no build)"
	fi
}

rel61=$(rd_stock_release 6.1)
rel612=$(rd_stock_release 6.12)
RD_PACKAGES="linux-source-$KVER sparse perl rsync build-essential" \
	rd_need_packages
rd_stock_need "$rel61"
rd_stock_need "$rel612"
rd_prepare_source
rd_tmpdir
mkdir "$RD_TMP/include"

for f in $(sources); do
	rd_check "$P" "checkpatch $f" checkpatch "$f"
done
for f in $(sources); do
	case $f in
	*.h) ;;
	*) grep -q 'EXPORT_SYMBOL' "$REPO/$f" || continue ;;
	esac
	rd_check "$P" "kernel-doc $f" kerneldoc "$f"
done

build_and_sparse "$rel61" "$(rd_stock_kdir "$rel61")"
build_and_sparse "$rel612" "$(rd_stock_kdir "$rel612")"
if [ -f "$CACHE/build-kunit/Module.symvers" ]; then
	# Not while scripts/kunit-qemu.sh rebuilds that kernel: its lock is
	# held from here to the end.
	rd_lock qemu
	build_and_sparse kunit "$CACHE/build-kunit"
else
	echo "$P: no KUnit kernel in $CACHE/build-kunit (make test builds it): skipped"
fi

rd_finish "$RD_PASSED" "$RD_FAILED"
