#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-post-build.sh <folder> - DKMS's POST_BUILD step (see dkms.conf).
#
# Runs in the DKMS build folder after a build, before DKMS cleans it, with
# the package's per-kernel folder (<dkms tree>/rundown/<version>/<kernel
# release>/<arch>).  Copies there what a consumer module is built against:
# rundown's Module.symvers, for KBUILD_EXTRA_SYMBOLS, and include/rundown/.

set -euo pipefail

dest=$1
mkdir -p "$dest/include"
cp Module.symvers "$dest/Module.symvers"
rm -rf "$dest/include/rundown"
cp -r include/rundown "$dest/include/rundown"
echo "rundown: consumers build with -I$dest/include and KBUILD_EXTRA_SYMBOLS=$dest/Module.symvers"
