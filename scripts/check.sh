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
#    built, the KUnit kernel of scripts/kunit-qemu.sh: any warning fails
#    (but sparse's about the verbatim port's pool tags, SPARSE_ACCEPTED);
#  - a W=1 build of every module (rundown, the KUnit and torture modules,
#    the examples) for 32-bit x86, against a 6.12 tree that is only
#    prepared for modules (i386_defconfig plus scripts/check-i386.config,
#    "make modules_prepare", cached in $CACHE/build-i386: under a minute
#    the first time).  Such a tree has no Module.symvers, so modpost cannot
#    resolve the kernel's symbols: each symbol the modules need must be
#    exported by the x86 sources instead (a 64-bit division helper such as
#    __udivdi3 is not); any other warning fails.
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

# Sparse warns about every multi-character constant and has no option to
# stop it: the pool tags of the verbatim Windows port are such constants on
# purpose (GCC's -Wno-multichar silences the compiler, see kunit/Kbuild).
SPARSE_ACCEPTED='/kunit/wdm_verbatim_test\.c:[0-9]+:[0-9]+: warning: multi-character character constant$'

# sparse <kdir> <dir>: sparse on rundown and the examples built in <dir>.
sparse()
{
	local log=$2/sparse.log

	{ make -C "$1" M="$2" RUNDOWN_TESTS=y C=2 modules &&
	  make -C "$2/examples" KDIR="$1" RUNDOWN_DIR="$2" C=2 modules; } \
		>"$log" 2>&1 || { cat "$log"; return 1; }
	! grep -E 'warning:|error:' "$log" | grep -vE "$SPARSE_ACCEPTED"
}

# prepare_i386: the i386 tree in $KI386, configured and prepared for
# external modules, and $KI386/exports, the symbols that the 32-bit x86
# kernel's sources export.  The configuration is redone when
# check-i386.config changes.  Held: the i386 lock, to the end.
KI386=$CACHE/build-i386
prepare_i386()
{
	local frag=$REPO/scripts/check-i386.config want start=$SECONDS
	local log=$CACHE/build-i386.log

	rd_lock i386
	want=$(sha256sum <"$frag")
	if [ "$(cat "$KI386/.rundown-stamp" 2>/dev/null)" != "$want" ]; then
		rd_say "configuring a 32-bit x86 tree in $KI386"
		rm -rf "$KI386"
		mkdir -p "$KI386"
		{ make -C "$KSRC" O="$KI386" ARCH=i386 i386_defconfig &&
		  (cd "$KI386" && "$KSRC/scripts/kconfig/merge_config.sh" -m \
			-O "$KI386" .config "$frag") &&
		  make -C "$KSRC" O="$KI386" ARCH=i386 olddefconfig; } \
			>"$log" 2>&1 || { cat "$log"; return 1; }
		rd_check_config "$KI386/.config" "$frag" || return 1
		exports_i386 >"$KI386/exports.tmp" &&
			mv "$KI386/exports.tmp" "$KI386/exports"
		echo "$want" >"$KI386/.rundown-stamp"
	fi
	make -C "$KSRC" O="$KI386" ARCH=i386 -j"$JOBS" modules_prepare \
		>>"$log" 2>&1 || { tail -n 50 "$log"; return 1; }
	rd_say "32-bit x86 tree ready in $KI386 after $((SECONDS - start)) s"
}

# exports_i386: the symbols that the sources of a 32-bit x86 kernel
# (everything but the other architectures) export by name, and the
# retpoline thunks that arch/x86/lib/retpoline.S exports through a macro,
# one for each register of asm/GEN-for-each-reg.h.  Exports that other
# macros make (param_ops_uint, static call trampolines) are not there:
# build_i386 adds the stock 64-bit kernel's exports.  Whatever the
# configuration, so a superset of what the kernel exports; enough to tell
# a helper that no x86 kernel exports.
exports_i386()
{
	(cd "$KSRC" &&
		grep -rhoE --include='*.[chS]' --exclude-dir=arch \
			--exclude-dir=Documentation --exclude-dir=tools \
			--exclude-dir=samples --exclude-dir=scripts \
			'EXPORT_(PER_CPU_)?SYMBOL(_GPL|_NS|_NS_GPL)?\([[:space:]]*[A-Za-z_][A-Za-z0-9_]*' \
			. arch/x86 |
		sed 's/.*(//; s/[[:space:]]//g'
	 sed -n 's/^GEN(\([a-z0-9]*\)).*/__x86_indirect_thunk_\1\
__x86_indirect_call_thunk_\1/p' \
		"$KSRC/arch/x86/include/asm/GEN-for-each-reg.h") | sort -u
}

# build_i386 <dir> <symvers>: every module built for 32-bit x86 with W=1
# in <dir>: no warning, and no undefined symbol that neither the x86
# sources (exports_i386), nor the 64-bit kernel of <symvers>, nor rundown
# export.
build_i386()
{
	local dir=$1 log=$1.log known=$1.exports ko sym bad=0
	local kos=(rundown/rundown.ko kunit/rundown_kunit.ko
		   kunit/rundown_lockdep_expect.ko torture/rundown_torture.ko
		   examples/wdm_port.ko examples/rundown_selfcheck.ko)

	rd_copy_sources "$dir"
	if ! { make -C "$KI386" M="$dir" ARCH=i386 W=1 KBUILD_MODPOST_WARN=1 \
		    RUNDOWN_TESTS=y -j"$JOBS" modules &&
	       make -C "$dir/examples" KDIR="$KI386" RUNDOWN_DIR="$dir" \
		    ARCH=i386 W=1 KBUILD_MODPOST_WARN=1 -j"$JOBS" modules; } \
			>"$log" 2>&1; then
		cat "$log"
		return 1
	fi
	# What modpost says without Module.symvers, and nothing else: its
	# notice, and "undefined!" for kernel symbols (checked below).
	grep -iE 'warning:|error:' "$log" |
		grep -vE '^WARNING: .*Module\.symvers is missing\.$' |
		grep -vE '^WARNING: modpost: "[A-Za-z0-9_]+" \[.*\] undefined!$' |
		grep -vE '^WARNING: modpost: suppressed [0-9]+ unresolved symbol warnings' &&
		bad=1
	{ cat "$KI386/exports"
	  awk '{ print $2 }' "$2" "$dir/Module.symvers"; } | sort -u >"$known"
	for ko in "${kos[@]}"; do
		if [ ! -f "$dir/$ko" ]; then
			echo "$ko was not built"
			bad=1
			continue
		fi
		while read -r sym; do
			grep -qxF "$sym" "$known" && continue
			echo "$ko needs $sym, which no x86 kernel exports"
			bad=1
		done < <(nm -u "$dir/$ko" | awk '{ print $2 }')
	done
	return $bad
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

if rd_gate "$P" "32-bit x86 tree prepared ($KI386)" prepare_i386; then
	rd_check "$P" "W=1 build for 32-bit x86 ($KI386)" \
		build_i386 "$RD_TMP/build-i386" \
		"$(rd_stock_kdir "$rel612")/Module.symvers"
else
	rd_result "$P" "not ok" "W=1 build for 32-bit x86 (no tree)"
fi
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
