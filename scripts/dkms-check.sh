#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-check.sh - the DKMS package, checked without installing anything.
#
# Runs "make dkms-install" (dkms add, build, install) for Debian's stock 6.1
# and newest 6.12 headers, with the DKMS tree, the source tree, the install
# tree and DKMS's signing key all in a throwaway folder, then checks what a
# user gets: rundown.ko with the package version in updates/dkms, and the
# Module.symvers and headers that consumers build against, by building the
# examples against them.  Finally checks that nothing was written to
# /var/lib/dkms, /usr/src or /lib/modules.  Missing header packages are
# installed when run as root.  The last line printed is "N passed, M failed".

set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

P=dkms-check
ARCH=$(uname -m)

# dkms_install <release> <log>: "make dkms-install" for that kernel.
dkms_install()
{
	if ! make -C "$REPO" -s dkms-install \
		KDIR="$(rd_stock_kdir "$1")" >"$2" 2>&1; then
		cat "$2"
		cat "$RUNDOWN_DKMS_TREE/rundown/$VER/build/make.log" 2>/dev/null || true
		return 1
	fi
}

# installed_version <release>: the version of the installed rundown.ko.
installed_version()
{
	local ko

	for ko in "$RUNDOWN_DKMS_INSTALLTREE/$1"/updates/dkms/*; do
		modinfo -F version "$ko"
	done
}

# consumer <release> <folder>: build the examples against the DKMS files.
consumer()
{
	local dir=$RD_TMP/consumer-$1 log=$RD_TMP/consumer-$1.log

	rd_copy_sources "$dir"
	if ! make -C "$dir/examples" KDIR="$(rd_stock_kdir "$1")" \
		RUNDOWN_DIR="$2" W=1 modules >"$log" 2>&1; then
		cat "$log"
		return 1
	fi
	! grep -i 'warning:' "$log"
}

# nothing_new <folder>...: no file in them is newer than the start.
nothing_new()
{
	local new

	new=$(find "$@" -maxdepth 3 -newer "$RD_TMP/start" -print)
	[ -z "$new" ] || { echo "$new"; return 1; }
}

check_kernel()
{
	local rel=$1 dir=$RUNDOWN_DKMS_TREE/rundown/$VER/$1/$ARCH

	echo "=== $rel"
	# The throwaway /lib/modules: DKMS installs only for existing kernels.
	mkdir -p "$RUNDOWN_DKMS_INSTALLTREE/$rel"
	rd_gate "$P" "$rel: make dkms-install (add, build, install)" \
		dkms_install "$rel" "$RD_TMP/dkms-$rel.log" || return 0
	rd_check "$P" "$rel: exactly rundown.ko installed in updates/dkms" \
		test "$(ls "$RUNDOWN_DKMS_INSTALLTREE/$rel/updates/dkms")" = \
		"$(ls "$dir/module")"
	rd_check "$P" "$rel: the installed module's version is $VER" \
		test "$(installed_version "$rel")" = "$VER"
	rd_check "$P" "$rel: POST_BUILD left Module.symvers with rundown's exports" \
		grep -q 'ExAcquireRundownProtectionCacheAware' "$dir/Module.symvers"
	rd_check "$P" "$rel: POST_BUILD left the headers" \
		test -f "$dir/include/rundown/wdm.h" -a \
		-f "$dir/include/rundown/rundown.h"
	rd_check "$P" "$rel: the examples build against them (W=1)" \
		consumer "$rel" "$dir"
}

VER=$(rd_dkms_version)
rel61=$(rd_stock_release 6.1)
rel612=$(rd_stock_release 6.12)
RD_PACKAGES="dkms rsync kmod build-essential" rd_need_packages
rd_stock_need "$rel61"
rd_stock_need "$rel612"

rd_tmpdir
export RUNDOWN_DKMS_TREE=$RD_TMP/dkms
export RUNDOWN_DKMS_SOURCETREE=$RD_TMP/src
export RUNDOWN_DKMS_INSTALLTREE=$RD_TMP/modules
# DKMS signs what it builds, with a key it makes if there is none.
export mok_signing_key=$RD_TMP/mok.key mok_certificate=$RD_TMP/mok.pub
mkdir -p "$RUNDOWN_DKMS_TREE" "$RUNDOWN_DKMS_SOURCETREE"
touch "$RD_TMP/start"

check_kernel "$rel61"
check_kernel "$rel612"
rd_check "$P" "nothing written to /var/lib/dkms, /usr/src or /lib/modules" \
	nothing_new /var/lib/dkms /usr/src /lib/modules

rd_finish "$RD_PASSED" "$RD_FAILED"
