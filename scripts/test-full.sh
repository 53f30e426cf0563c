#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test-full.sh - every KUnit kernel variant, the lockdep expectations and
# the torture test (make test-full), one scripts/kunit-qemu.sh run each:
# base, lockdep boots, debug (KASAN, UBSAN, kmemleak, failslab), torture on
# the debug kernel for RUNDOWN_DURATION seconds (default 60), kcsan, rt;
# then the mutation check (scripts/mutants.sh) on the kernels built by then.
#
# Every step runs, even after one has failed.  The last line is the sum of
# the steps' "N passed, M failed" lines.  Four kernels are built: about 40
# minutes cold on 2 cores; 6 to 7 minutes warm, plus the mutants (see
# scripts/mutants.sh).  See scripts/kunit-qemu.sh.

set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

cd "$REPO"
rd_step scripts/kunit-qemu.sh
rd_step scripts/kunit-qemu.sh --lockdep
rd_step scripts/kunit-qemu.sh --variant debug
rd_step scripts/kunit-qemu.sh --torture --duration "${RUNDOWN_DURATION:-60}"
rd_step scripts/kunit-qemu.sh --variant kcsan
rd_step scripts/kunit-qemu.sh --variant rt
rd_step scripts/mutants.sh

rd_finish "$RD_PASSED" "$RD_FAILED"
