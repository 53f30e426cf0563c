#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-install.sh [<kernel release>] - "make dkms-install".
#
# Copies the sources to /usr/src/rundown-<version>, registers them with DKMS
# (dkms add), then builds and installs rundown.ko for the kernel (default:
# the running one).  DKMS rebuilds it for every kernel installed later.
# Consumers then build against the files that scripts/dkms-post-build.sh
# leaves in /var/lib/dkms/rundown/<version>/<kernel release>/<arch>/.
#
# Environment (scripts/dkms-check.sh points these at throwaway folders):
# RUNDOWN_DKMS_TREE (default /var/lib/dkms), RUNDOWN_DKMS_SOURCETREE
# (default /usr/src), RUNDOWN_DKMS_INSTALLTREE (default /lib/modules; any
# other folder also skips depmod).

set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
trap - EXIT	# not a test run: no "N passed, M failed" summary

krel=${1:-$(uname -r)}
ver=$(rd_dkms_version)
tree=${RUNDOWN_DKMS_TREE:-/var/lib/dkms}
sources=${RUNDOWN_DKMS_SOURCETREE:-/usr/src}
installs=${RUNDOWN_DKMS_INSTALLTREE:-/lib/modules}
dkms=(dkms --dkmstree "$tree" --sourcetree "$sources" --installtree "$installs")
[ "$installs" = /lib/modules ] || dkms+=(--no-depmod)

# As root, apt-get installs what is missing; otherwise rd_need_packages
# says what to install.
RD_PACKAGES="dkms rsync" rd_need_packages
[ "$(id -u)" -eq 0 ] || rd_die "DKMS needs root: run 'sudo make dkms-install'"
[ -e "/lib/modules/$krel/build" ] ||
	rd_die "no kernel headers for $krel: run 'sudo apt-get install linux-headers-$krel'"

# dkms build says only "Bad return status" when make fails: show make's log.
build_failed()
{
	local log=$tree/rundown/$ver/build/make.log

	if [ -f "$log" ]; then
		rd_say "the DKMS build failed; $log says:"
		cat "$log" >&2
	fi
	rd_die "dkms build of rundown $ver for $krel failed"
}

echo "dkms-install: rundown $ver: sources in $sources/rundown-$ver"
mkdir -p "$tree"
rd_dkms_source "$sources/rundown-$ver"
if [ -z "$("${dkms[@]}" status -m rundown -v "$ver")" ]; then
	"${dkms[@]}" add -m rundown -v "$ver"
fi
# --force: the same version with changed sources is built again.
"${dkms[@]}" build --force -m rundown -v "$ver" -k "$krel" || build_failed
"${dkms[@]}" install --force -m rundown -v "$ver" -k "$krel"
"${dkms[@]}" status -m rundown -v "$ver"

dir=$tree/rundown/$ver/$krel/$(uname -m)
echo "dkms-install: consumers of rundown on $krel build with"
echo "  ccflags-y += -I$dir/include"
echo "  make ... KBUILD_EXTRA_SYMBOLS=$dir/Module.symvers"
echo "dkms-install: e.g. make -C examples KDIR=/lib/modules/$krel/build RUNDOWN_DIR=$dir"
